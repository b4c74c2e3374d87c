import { sql } from "kysely";
import type { Db } from "../db/database.js";

/** Stores a file's bytes under its key; a key already stored keeps its bytes (keys name their content). */
export async function insertMediaFile(
  db: Db,
  file: { key: string; content_type: string; data: Buffer; created_at: string },
): Promise<void> {
  await db
    .insertInto("media_files")
    .values({ ...file, byte_size: file.data.length })
    // A variant made on request while the job after its upload makes it too: same name, same bytes.
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

/** A stored file, or undefined for an unknown key. */
export async function getMediaFile(db: Db, key: string) {
  return db
    .selectFrom("media_files")
    .select(["content_type", "data"])
    .where("key", "=", key)
    .executeTakeFirst();
}

export async function deleteMediaFile(db: Db, key: string): Promise<void> {
  await db.deleteFrom("media_files").where("key", "=", key).execute();
}

// ── the media library (the `media` table) ──────────────────────────────────

const mediaColumns = [
  "id",
  "file_name",
  "original_name",
  "mime_type",
  "byte_size",
  "width",
  "height",
  "alt",
  "caption",
  "credit",
  "focal_x",
  "focal_y",
  "variant_hash",
  "master_key",
  "source_url",
  "uploaded_by",
  "created_at",
] as const;

export type MediaRow = Awaited<ReturnType<typeof getMediaById>> & {};

export interface NewMedia {
  file_name: string;
  original_name: string;
  mime_type: string;
  byte_size: number;
  width: number | null;
  height: number | null;
  alt: string;
  caption: string;
  credit: string;
  variant_hash: string | null;
  master_key: string | null;
  source_url: string | null;
  uploaded_by: number | null;
  created_at: string;
}

/** One image by id, or undefined. */
export async function getMediaById(db: Db, id: number) {
  return db.selectFrom("media").select(mediaColumns).where("id", "=", id).executeTakeFirst();
}

/** The image whose variants carry `hash` in their names, or undefined. */
export async function getMediaByVariantHash(db: Db, hash: string) {
  return db.selectFrom("media").select(mediaColumns).where("variant_hash", "=", hash).executeTakeFirst();
}

/** The image stored under `fileName` (its own address), or undefined. */
export async function getMediaByFileName(db: Db, fileName: string) {
  return db.selectFrom("media").select(mediaColumns).where("file_name", "=", fileName).executeTakeFirst();
}

/** Images by their file names (the `/media/…` addresses in story bodies). */
export async function listMediaByFileNames(db: Db, fileNames: string[]) {
  if (fileNames.length === 0) return [];
  return db.selectFrom("media").select(mediaColumns).where("file_name", "in", fileNames).execute();
}

export async function insertMedia(db: Db, media: NewMedia) {
  return db.insertInto("media").values(media).returning(["id", "file_name"]).executeTakeFirstOrThrow();
}

/** Changes the named fields of one image. */
export async function updateMedia(
  db: Db,
  id: number,
  changes: Partial<
    Pick<
      NewMedia,
      | "alt"
      | "caption"
      | "credit"
      | "width"
      | "height"
      | "mime_type"
      | "byte_size"
      | "variant_hash"
      | "master_key"
    > & { focal_x: number; focal_y: number }
  >,
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable("media").set(changes).where("id", "=", id).execute();
}

export async function deleteMedia(db: Db, id: number): Promise<void> {
  await db.deleteFrom("media").where("id", "=", id).execute();
}

/** A page of the library, newest first, optionally only images whose name, alt, caption or credit contain `q`. */
export async function listMedia(db: Db, filter: { q?: string; limit: number; offset: number }) {
  const pattern = filter.q ? `%${escapeLike(filter.q.toLowerCase())}%` : undefined;
  const query = db
    .selectFrom("media")
    .$if(pattern !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or(
          (["original_name", "alt", "caption", "credit"] as const).map((column) =>
            eb(sql`lower(${sql.ref(column)})`, "like", sql`${pattern} escape '\\'`),
          ),
        ),
      ),
    );
  const [rows, total] = await Promise.all([
    query
      .select(mediaColumns)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** How many stories (pages included, the trashed not) show an image: as their lead or in their text. */
export async function countStoriesUsingMedia(
  db: Db,
  media: { id: number; file_name: string },
): Promise<number> {
  const row = await db
    .selectFrom("articles")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("status", "!=", "trashed")
    .where((eb) =>
      eb.or([
        eb("featured_media_id", "=", media.id),
        eb("body", "like", sql<string>`${`%/media/${escapeLike(media.file_name)}%`} escape '\\'`),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
