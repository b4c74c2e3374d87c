import { sql } from "kysely";
import type { Db } from "../../db/database.js";
import type { ArticleRevisionsTable } from "../../db/schema.js";

export type RevisionWrite = Omit<ArticleRevisionsTable, "id">;

/** A revision in lists: who, when, what kind (no text but the title). */
export interface RevisionListRow {
  id: number;
  article_id: number;
  created_at: string;
  kind: ArticleRevisionsTable["kind"];
  status: ArticleRevisionsTable["status"];
  base_version: number;
  title: string;
  author_id: number | null;
  author_name: string | null;
}

export interface RevisionRow extends RevisionListRow {
  excerpt: string;
  body: string;
}

const listColumns = [
  "article_revisions.id",
  "article_revisions.article_id",
  "article_revisions.created_at",
  "article_revisions.kind",
  "article_revisions.status",
  "article_revisions.base_version",
  "article_revisions.title",
  "article_revisions.author_id",
  "users.name as author_name",
] as const;

export async function insertRevision(db: Db, revision: RevisionWrite): Promise<number> {
  const row = await db
    .insertInto("article_revisions")
    .values(revision)
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Rewrites an autosave in place (the same editing stretch, typed further). */
export async function updateRevisionText(
  db: Db,
  id: number,
  changes: Pick<RevisionWrite, "created_at" | "title" | "excerpt" | "body">,
): Promise<void> {
  await db.updateTable("article_revisions").set(changes).where("id", "=", id).execute();
}

/** A story's newest revision, or undefined when it has none. */
export async function getNewestRevision(db: Db, articleId: number): Promise<RevisionRow | undefined> {
  return db
    .selectFrom("article_revisions")
    .leftJoin("users", "users.id", "article_revisions.author_id")
    .select([...listColumns, "article_revisions.excerpt", "article_revisions.body"])
    .where("article_revisions.article_id", "=", articleId)
    .orderBy("article_revisions.id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** A story's revisions, newest first, without their text. */
export async function listRevisions(db: Db, articleId: number, limit: number): Promise<RevisionListRow[]> {
  return db
    .selectFrom("article_revisions")
    .leftJoin("users", "users.id", "article_revisions.author_id")
    .select(listColumns)
    .where("article_revisions.article_id", "=", articleId)
    .orderBy("article_revisions.id", "desc")
    .limit(limit)
    .execute();
}

/** One revision of one story (a revision id of another story is not found). */
export async function getRevision(db: Db, articleId: number, id: number): Promise<RevisionRow | undefined> {
  return db
    .selectFrom("article_revisions")
    .leftJoin("users", "users.id", "article_revisions.author_id")
    .select([...listColumns, "article_revisions.excerpt", "article_revisions.body"])
    .where("article_revisions.article_id", "=", articleId)
    .where("article_revisions.id", "=", id)
    .executeTakeFirst();
}

/**
 * Deletes a story's revisions older than its newest `keepLatest`, except saves of the published
 * story; returns how many went. Runs in the caller's transaction, after its insert.
 */
export async function deleteRevisionsBeyond(db: Db, articleId: number, keepLatest: number): Promise<number> {
  const result = await db
    .deleteFrom("article_revisions")
    .where("article_id", "=", articleId)
    .where((eb) => eb.not(eb.and([eb("kind", "=", "save"), eb("status", "=", "published")])))
    .where("id", "not in", (eb) =>
      eb
        .selectFrom("article_revisions as newest")
        .select("newest.id")
        .where("newest.article_id", "=", articleId)
        .orderBy("newest.id", "desc")
        .limit(keepLatest),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Adds `count` to a story's tally of pruned revisions. */
export async function addPrunedCount(db: Db, articleId: number, count: number, now: string): Promise<void> {
  await db
    .insertInto("article_revisions_pruned")
    .values({ article_id: articleId, count, last_pruned_at: now })
    .onConflict((oc) =>
      oc.column("article_id").doUpdateSet({
        count: sql<number>`article_revisions_pruned.count + excluded.count`,
        last_pruned_at: now,
      }),
    )
    .execute();
}

export async function getPrunedCount(
  db: Db,
  articleId: number,
): Promise<{ count: number; last_pruned_at: string } | undefined> {
  return db
    .selectFrom("article_revisions_pruned")
    .select(["count", "last_pruned_at"])
    .where("article_id", "=", articleId)
    .executeTakeFirst();
}

export interface EditingRow {
  article_id: number;
  user_id: number;
  user_name: string;
  since: string;
  seen_at: string;
}

/** Who holds a story open in the editor (possibly long gone: compare `seen_at`). */
export async function getEditing(db: Db, articleId: number): Promise<EditingRow | undefined> {
  return db
    .selectFrom("article_editing")
    .innerJoin("users", "users.id", "article_editing.user_id")
    .select([
      "article_editing.article_id",
      "article_editing.user_id",
      "users.name as user_name",
      "article_editing.since",
      "article_editing.seen_at",
    ])
    .where("article_editing.article_id", "=", articleId)
    .executeTakeFirst();
}

/**
 * Claims a story for `userId` in one statement (no read-then-write race): taken when no one holds
 * it, when its holder was last seen before `staleBefore`, when it is already theirs (refreshed,
 * keeping `since`), or always with `takeOver`. Whoever holds it afterwards is read with getEditing.
 */
export async function claimEditing(
  db: Db,
  claim: { articleId: number; userId: number; now: string; staleBefore: string; takeOver: boolean },
): Promise<void> {
  await db
    .insertInto("article_editing")
    .values({ article_id: claim.articleId, user_id: claim.userId, since: claim.now, seen_at: claim.now })
    .onConflict((oc) => {
      const update = oc.column("article_id").doUpdateSet({
        since: sql<string>`case when article_editing.user_id = excluded.user_id then article_editing.since else excluded.since end`,
        user_id: sql<number>`excluded.user_id`,
        seen_at: sql<string>`excluded.seen_at`,
      });
      if (claim.takeOver) return update;
      return update.where((eb) =>
        eb.or([
          eb("article_editing.user_id", "=", claim.userId),
          eb("article_editing.seen_at", "<", claim.staleBefore),
        ]),
      );
    })
    .execute();
}

/** Lets go of a story the user holds (the editor was left). */
export async function deleteEditing(db: Db, articleId: number, userId: number): Promise<void> {
  await db
    .deleteFrom("article_editing")
    .where("article_id", "=", articleId)
    .where("user_id", "=", userId)
    .execute();
}
