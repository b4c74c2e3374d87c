import type { Db } from "../db/database.js";
import type { WordPressImportStatus } from "../db/schema.js";

/** What a WordPress thing is in `wp_import_map`. */
export type ImportMapKind = "author" | "category" | "tag" | "post" | "attachment" | "comment";

/** The local id an already-imported WordPress thing became, or undefined. */
export async function getImportedId(
  db: Db,
  source: string,
  kind: ImportMapKind,
  wpKey: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom("wp_import_map")
    .select("local_id")
    .where("source", "=", source)
    .where("kind", "=", kind)
    .where("wp_key", "=", wpKey)
    .executeTakeFirst();
  return row?.local_id;
}

/** Local ids of many WordPress things of one kind (one query), keyed by WordPress key. */
export async function listImportedIds(
  db: Db,
  source: string,
  kind: ImportMapKind,
  wpKeys: string[],
): Promise<Map<string, number>> {
  if (wpKeys.length === 0) return new Map();
  const rows = await db
    .selectFrom("wp_import_map")
    .select(["wp_key", "local_id"])
    .where("source", "=", source)
    .where("kind", "=", kind)
    .where("wp_key", "in", wpKeys)
    .execute();
  return new Map(rows.map((row) => [row.wp_key, row.local_id]));
}

/** Every imported thing of one kind from a source (authors and terms: a few thousand at most). */
export async function listImportedKeys(db: Db, source: string, kind: ImportMapKind) {
  return db
    .selectFrom("wp_import_map")
    .select(["wp_key", "local_id"])
    .where("source", "=", source)
    .where("kind", "=", kind)
    .limit(100_000)
    .execute();
}

/** Records what a WordPress thing became. */
export async function insertImportMapping(
  db: Db,
  mapping: {
    source: string;
    kind: ImportMapKind;
    wp_key: string;
    local_id: number;
    guid: string | null;
    created_at: string;
  },
): Promise<void> {
  await db.insertInto("wp_import_map").values(mapping).execute();
}

// ── import runs ────────────────────────────────────────────────────────────

export interface ImportRunRow {
  id: number;
  file_name: string;
  status: WordPressImportStatus;
  bytes_total: number;
  bytes_read: number;
  report: string;
  error: string | null;
  started_by: number | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

const runColumns = [
  "id",
  "file_name",
  "status",
  "bytes_total",
  "bytes_read",
  "report",
  "error",
  "started_by",
  "started_at",
  "updated_at",
  "finished_at",
] as const;

export async function insertImportRun(
  db: Db,
  run: { file_name: string; bytes_total: number; started_by: number | null; now: string },
): Promise<number> {
  const row = await db
    .insertInto("wordpress_imports")
    .values({
      file_name: run.file_name,
      status: "running",
      bytes_total: run.bytes_total,
      bytes_read: 0,
      report: "{}",
      error: null,
      started_by: run.started_by,
      started_at: run.now,
      updated_at: run.now,
      finished_at: null,
    })
    .returning("id")
    .executeTakeFirst();
  if (!row) throw new Error("migration store: cannot insert import run");
  return row.id;
}

export async function updateImportRun(
  db: Db,
  id: number,
  changes: Partial<Pick<ImportRunRow, "status" | "bytes_read" | "report" | "error" | "finished_at">> & {
    updated_at: string;
  },
): Promise<void> {
  await db.updateTable("wordpress_imports").set(changes).where("id", "=", id).execute();
}

export async function getImportRun(db: Db, id: number): Promise<ImportRunRow | undefined> {
  return db.selectFrom("wordpress_imports").select(runColumns).where("id", "=", id).executeTakeFirst();
}

/** The latest runs, newest first. */
export async function listImportRuns(db: Db, limit: number): Promise<ImportRunRow[]> {
  return db
    .selectFrom("wordpress_imports")
    .select(runColumns)
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** Marks runs left "running" by a process that died (the admin page would otherwise wait forever). */
export async function failStaleImportRuns(db: Db, updatedBefore: string, now: string): Promise<void> {
  await db
    .updateTable("wordpress_imports")
    .set({
      status: "failed",
      error: "the import stopped (the server restarted?): run it again to finish",
      finished_at: now,
      updated_at: now,
    })
    .where("status", "=", "running")
    .where("updated_at", "<", updatedBefore)
    .execute();
}

/** The attachments of a source that were downloaded (not linked): old address and stored file. */
export async function listDownloadedAttachments(db: Db, source: string) {
  return db
    .selectFrom("wp_import_map")
    .innerJoin("media", "media.id", "wp_import_map.local_id")
    .select(["wp_import_map.guid", "media.file_name"])
    .where("wp_import_map.source", "=", source)
    .where("wp_import_map.kind", "=", "attachment")
    .where("media.source_url", "is", null)
    .execute();
}
