import { sql } from "kysely";
import type { CommentStatus } from "./schema.js";

/**
 * A story's approved comment thread as its page shows it, read on PostgreSQL inside the page's own
 * statement (the articles store's) and on SQLite by the comments store: one shape, public
 * columns only.
 */

/** A comment as public pages see it: never an email, IP hash or user agent. */
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
 * The approved comments of the story at `alias` as one JSON value, oldest first (read by
 * `toPublicCommentRows`): an index range on (article, status, created_at), at most
 * `COMMENTS_SHOWN_MAX`.
 */
export function approvedThreadPostgres(alias: string) {
  const s = sql.raw(alias);
  return sql`(select coalesce(json_agg(json_build_array(c.id, c.parent_id, c.user_id, c.name, c.url,
      c.body_html, c.created_at) order by c.created_at, c.id), '[]')
    from (select id, parent_id, user_id, name, url, body_html, created_at from comments
      where article_id = ${s}.id and status = 'approved'
      order by created_at, id limit ${sql.lit(COMMENTS_SHOWN_MAX)}) c)`;
}

type ThreadJson = [number, number | null, number | null, string, string, string, string][];

/** Reads `approvedThreadPostgres`'s JSON (times come back in PostgreSQL's JSON form: made ISO here). */
export function toPublicCommentRows(articleId: number, value: unknown): PublicCommentRow[] {
  return (value as ThreadJson).map(([id, parent_id, user_id, name, url, body_html, created_at]) => ({
    id,
    article_id: articleId,
    parent_id,
    user_id,
    status: "approved",
    name,
    url,
    body_html,
    created_at: new Date(created_at).toISOString(),
  }));
}
