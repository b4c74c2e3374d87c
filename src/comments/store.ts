import { type Insertable, type Selectable, sql } from "kysely";
import { PUBLIC_COMMENT_COLUMNS, type PublicCommentRow } from "../db/comment-thread.js";
import type { Db } from "../db/database.js";
import { toCount } from "../db/dialect.js";
import { reusableQuery } from "../db/reusable-query.js";
import type { CommentStatus, CommentsTable } from "../db/schema.js";

/** A stored comment with every column, private ones included: staff-side use only. */
export type CommentRow = Selectable<CommentsTable>;
export type CommentInsert = Insertable<CommentsTable>;

/** `PUBLIC_COMMENT_COLUMNS`, qualified for queries that join other tables. */
const publicColumns = PUBLIC_COMMENT_COLUMNS.map((column) => `comments.${column}` as const);

/** Inserts a comment; returns its id. */
export async function insertComment(db: Db, comment: CommentInsert): Promise<number> {
  const row = await db.insertInto("comments").values(comment).returning("id").executeTakeFirst();
  if (!row) throw new Error("comments store: cannot insert comment");
  return row.id;
}

/** One comment with every column, or undefined. */
export async function getCommentById(db: Db, id: number): Promise<CommentRow | undefined> {
  return db.selectFrom("comments").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Comments by id with every column (bulk moderation). */
export async function listCommentsByIds(db: Db, ids: number[]): Promise<CommentRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("comments").selectAll().where("id", "in", ids).execute();
}

const approvedComments = reusableQuery(
  (db, params: { articleId: number; limit: number }) =>
    db
      .selectFrom("comments")
      .select(publicColumns)
      .where("comments.article_id", "=", params.articleId)
      .where("comments.status", "=", "approved")
      .orderBy("comments.created_at")
      .orderBy("comments.id")
      .limit(sql.lit(params.limit)),
  { literals: ["limit"] },
);

/** Every approved comment of an article, oldest first, public columns only (one query). */
export async function listApprovedComments(
  db: Db,
  articleId: number,
  limit: number,
): Promise<PublicCommentRow[]> {
  return approvedComments(db, { articleId, limit });
}

/** Some comments of one article by id, public columns only (a reader's own held comments). */
export async function listPublicCommentsByIds(
  db: Db,
  articleId: number,
  ids: number[],
): Promise<PublicCommentRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("comments")
    .select(publicColumns)
    .where("comments.article_id", "=", articleId)
    .where("comments.id", "in", ids)
    .execute();
}

/** The thread shape of an article (id, parent, status) for depth checks; no content. */
export async function listCommentLinks(db: Db, articleId: number) {
  return db
    .selectFrom("comments")
    .select(["id", "parent_id", "status"])
    .where("article_id", "=", articleId)
    .execute();
}

/** True when this email already has an approved comment (the "first-time commenter" rule). */
export async function hasApprovedCommentByEmail(db: Db, email: string): Promise<boolean> {
  const row = await db
    .selectFrom("comments")
    .select("id")
    .where("email", "=", email)
    .where("status", "=", "approved")
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** How many comments came from one hashed IP since a moment (flood detection across nodes). */
export async function countCommentsFromIpSince(db: Db, ipHash: string, since: string): Promise<number> {
  const row = await db
    .selectFrom("comments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("ip_hash", "=", ipHash)
    .where("created_at", ">=", since)
    .executeTakeFirst();
  return toCount(row?.n);
}

/** An earlier comment with the same text by the same email on the same article (not trashed). */
export async function findDuplicateComment(
  db: Db,
  articleId: number,
  email: string,
  body: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom("comments")
    .select("id")
    .where("article_id", "=", articleId)
    .where("email", "=", email)
    .where("body", "=", body)
    .where("status", "!=", "trash")
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** Published articles with the most approved comments written since a moment, most first. */
export async function listMostCommentedArticleIds(db: Db, since: string, now: string, limit: number) {
  const rows = await db
    .selectFrom("comments")
    .innerJoin("articles", "articles.id", "comments.article_id")
    .select(["comments.article_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("comments.status", "=", "approved")
    .where("comments.created_at", ">=", since)
    .where("articles.status", "=", "published")
    .where("articles.published_at", "<=", now)
    .groupBy("comments.article_id")
    .orderBy("n", "desc")
    .orderBy("comments.article_id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ article_id: r.article_id, count: toCount(r.n) }));
}

/** The newest approved comments on published articles (feeds), public columns plus the article's. */
export async function listRecentApprovedComments(
  db: Db,
  filter: { articleId?: number; now: string },
  limit: number,
) {
  return db
    .selectFrom("comments")
    .innerJoin("articles", "articles.id", "comments.article_id")
    .select([
      ...publicColumns,
      "articles.title as article_title",
      "articles.slug as article_slug",
      "articles.published_at as article_published_at",
    ])
    .where("comments.status", "=", "approved")
    .where("articles.status", "=", "published")
    .where("articles.published_at", "<=", filter.now)
    .$if(filter.articleId !== undefined, (qb) => qb.where("comments.article_id", "=", filter.articleId!))
    .orderBy("comments.created_at", "desc")
    .orderBy("comments.id", "desc")
    .limit(limit)
    .execute();
}

export interface ModerationFilter {
  status: CommentStatus;
  articleId?: number;
}

function moderationQuery(db: Db, filter: ModerationFilter) {
  return db
    .selectFrom("comments")
    .innerJoin("articles", "articles.id", "comments.article_id")
    .where("comments.status", "=", filter.status)
    .$if(filter.articleId !== undefined, (qb) => qb.where("comments.article_id", "=", filter.articleId!));
}

/** One page of the moderation queue, newest first, with every column and the article's title. */
export async function listCommentsForModeration(
  db: Db,
  filter: ModerationFilter,
  page: { limit: number; offset: number },
) {
  return moderationQuery(db, filter)
    .selectAll("comments")
    .select([
      "articles.title as article_title",
      "articles.slug as article_slug",
      "articles.published_at as article_published_at",
    ])
    .orderBy("comments.created_at", "desc")
    .orderBy("comments.id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countCommentsForModeration(db: Db, filter: ModerationFilter): Promise<number> {
  const row = await moderationQuery(db, filter)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return toCount(row?.n);
}

/** Comment counts per status (the queue's tabs), optionally of one article. */
export async function countCommentsByStatus(
  db: Db,
  articleId?: number,
): Promise<Record<CommentStatus, number>> {
  const rows = await db
    .selectFrom("comments")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .$if(articleId !== undefined, (qb) => qb.where("article_id", "=", articleId!))
    .groupBy("status")
    .execute();
  const counts: Record<CommentStatus, number> = { pending: 0, approved: 0, spam: 0, trash: 0 };
  for (const row of rows) counts[row.status] = toCount(row.n);
  return counts;
}

/**
 * Moves comments to a status. Going into the trash or spam remembers where each came from (so
 * restore puts it back); moving between pending and approved clears that memory.
 */
export async function updateCommentsStatus(
  db: Db,
  ids: number[],
  status: CommentStatus,
  now: string,
): Promise<void> {
  if (ids.length === 0) return;
  const parking = status === "trash" || status === "spam";
  await db
    .updateTable("comments")
    .set((eb) => ({
      status,
      updated_at: now,
      status_before_trash: parking
        ? eb
            .case()
            .when("status", "in", ["pending", "approved"])
            .then(eb.ref("status"))
            .else(eb.ref("status_before_trash"))
            .end()
        : null,
    }))
    .where("id", "in", ids)
    .execute();
}

/** Changes the editable fields of a comment. */
export async function updateComment(
  db: Db,
  id: number,
  changes: Partial<Pick<CommentRow, "name" | "email" | "url" | "body" | "body_html" | "updated_at">>,
): Promise<void> {
  await db.updateTable("comments").set(changes).where("id", "=", id).execute();
}

/** Deletes comments for good; their replies move up to the deleted comment's parent first. */
export async function deleteComments(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.transaction().execute(async (trx) => {
    const doomed = await trx
      .selectFrom("comments")
      .select(["id", "parent_id"])
      .where("id", "in", ids)
      .execute();
    const parentOf = new Map(doomed.map((c) => [c.id, c.parent_id]));
    // Climb past parents that are deleted in the same batch.
    const survivingAncestor = (id: number): number | null => {
      let parent = parentOf.get(id) ?? null;
      while (parent !== null && parentOf.has(parent)) parent = parentOf.get(parent) ?? null;
      return parent;
    };
    for (const comment of doomed) {
      await trx
        .updateTable("comments")
        .set({ parent_id: survivingAncestor(comment.id) })
        .where("parent_id", "=", comment.id)
        .where("id", "not in", ids)
        .execute();
    }
    await trx.deleteFrom("comments").where("id", "in", ids).execute();
  });
}

/** Records that a comment's notifications went out; false when another node already did. */
export async function markCommentNotified(db: Db, id: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable("comments")
    .set({ notified_at: now })
    .where("id", "=", id)
    .where("notified_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Stops reply notifications for a comment (the link in the email). */
export async function disableReplyNotifications(db: Db, id: number): Promise<void> {
  await db.updateTable("comments").set({ notify_replies: 0 }).where("id", "=", id).execute();
}
