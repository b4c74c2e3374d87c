import { sql } from "kysely";
import type { CommentStatus } from "./schema.js";
import { parsedJson } from "./story-extras.js";

/**
 * A story's approved comment thread as its page shows it, read on PostgreSQL inside the page's own
 * statement (the articles store's) and on SQLite by the comments store: one shape, public
 * columns only.
 */

/**
 * The columns a public page may see. Public queries select exactly these, so an email, an IP
 * hash or a user agent cannot reach a page or feed by accident.
 */
export const PUBLIC_COMMENT_COLUMNS = [
  "id",
  "article_id",
  "parent_id",
  "user_id",
  "status",
  "name",
  "url",
  "body_html",
  "created_at",
] as const;

/** A comment as public pages see it (`PUBLIC_COMMENT_COLUMNS`). */
export interface PublicCommentRow {
  id: number;
  article_id: number;
  parent_id: number | null;
  user_id: number | null;
  status: CommentStatus;
  name: string;
  url: string;
  body_html: string;
  created_at: string;
}

/** Approved comments a story's page shows at most, oldest first. */
export const COMMENTS_SHOWN_MAX = 1000;

/**
 * The approved comments of the story at `alias` as one JSON array of rows, oldest first (read by
 * `toPublicCommentRows`): an index range on (article, status, created_at), at most
 * `COMMENTS_SHOWN_MAX`.
 */
export function approvedThreadPostgres(alias: string) {
  const s = sql.raw(alias);
  const columns = sql.raw(PUBLIC_COMMENT_COLUMNS.join(", "));
  return sql`(select coalesce(json_agg(c order by c.created_at, c.id), '[]')
    from (select ${columns} from comments
      where article_id = ${s}.id and status = 'approved'
      order by created_at, id limit ${sql.lit(COMMENTS_SHOWN_MAX)}) c)`;
}

/** `approvedThreadPostgres` in SQLite's JSON functions: the same rows, as text. */
export function approvedThreadSqlite(alias: string) {
  const s = sql.raw(alias);
  const columns = sql.raw(PUBLIC_COMMENT_COLUMNS.join(", "));
  const pairs = sql.raw(PUBLIC_COMMENT_COLUMNS.map((column) => `'${column}', c.${column}`).join(", "));
  return sql`(select json_group_array(json_object(${pairs}) order by c.created_at, c.id)
    from (select ${columns} from comments
      where article_id = ${s}.id and status = 'approved'
      order by created_at, id limit ${sql.lit(COMMENTS_SHOWN_MAX)}) c)`;
}

/** Reads either statement's JSON (PostgreSQL's JSON times are made ISO here). */
export function toPublicCommentRows(value: unknown): PublicCommentRow[] {
  return (parsedJson(value) as PublicCommentRow[]).map((row) => ({
    ...row,
    created_at: new Date(row.created_at).toISOString(),
  }));
}
