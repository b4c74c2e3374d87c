import { sql } from "kysely";
import type { DialectName } from "./dialect.js";
import { JSON_FUNCTIONS, parsedJson } from "./json-functions.js";
import type { CommentStatus } from "./schema.js";

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
export function approvedThread(dialect: DialectName, alias: string) {
  const { list, object } = JSON_FUNCTIONS[dialect];
  const pairs = PUBLIC_COMMENT_COLUMNS.map((column) => `'${column}', c.${column}`).join(", ");
  return sql.raw(`(select ${list(object(pairs), "c.created_at, c.id")}
    from (select ${PUBLIC_COMMENT_COLUMNS.join(", ")} from comments
      where article_id = ${alias}.id and status = 'approved'
      order by created_at, id limit ${COMMENTS_SHOWN_MAX}) c)`);
}

/** Reads `approvedThread`'s JSON (PostgreSQL's JSON times are made ISO here). */
export function toPublicCommentRows(value: unknown): PublicCommentRow[] {
  return (parsedJson(value) as PublicCommentRow[]).map((row) => ({
    ...row,
    created_at: new Date(row.created_at).toISOString(),
  }));
}
