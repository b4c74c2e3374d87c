import type { Db } from "../../db/database.js";
import type { ArticleRow, ArticleStatus, RevisionKind } from "../../db/schema.js";
import * as store from "./store.js";

/**
 * Pruning policy (docs/api.md): a story keeps its newest KEEP_LATEST_REVISIONS revisions and every
 * save made while it was published; older drafts and autosaves are deleted, and the number deleted
 * is kept and shown beside the story's revisions.
 */
export const KEEP_LATEST_REVISIONS = 50;
export const PRUNING_POLICY = `the newest ${KEEP_LATEST_REVISIONS} revisions and every published version are kept; older ones are deleted`;

/** The text of a story a revision keeps, with whom and what it was written against. */
export interface RevisionSnapshot {
  articleId: number;
  authorId: number;
  kind: RevisionKind;
  status: ArticleStatus;
  baseVersion: number;
  title: string;
  excerpt: string;
  body: string;
}

/**
 * Keeps a revision and applies the pruning policy, in the caller's transaction. An autosave
 * rewrites the story's newest revision when that is the same person's autosave of the same
 * version (one revision per stretch of typing, not one every ten seconds).
 */
export async function recordRevision(db: Db, snapshot: RevisionSnapshot, now: string): Promise<number> {
  const text = { title: snapshot.title, excerpt: snapshot.excerpt, body: snapshot.body };
  if (snapshot.kind === "autosave") {
    const newest = await store.getNewestRevision(db, snapshot.articleId);
    if (
      newest?.kind === "autosave" &&
      newest.author_id === snapshot.authorId &&
      newest.base_version === snapshot.baseVersion
    ) {
      await store.updateRevisionText(db, newest.id, { ...text, created_at: now });
      return newest.id;
    }
  }
  const id = await store.insertRevision(db, {
    ...text,
    article_id: snapshot.articleId,
    author_id: snapshot.authorId,
    created_at: now,
    kind: snapshot.kind,
    status: snapshot.status,
    base_version: snapshot.baseVersion,
  });
  const pruned = await store.deleteRevisionsBeyond(db, snapshot.articleId, KEEP_LATEST_REVISIONS);
  if (pruned > 0) await store.addPrunedCount(db, snapshot.articleId, pruned, now);
  return id;
}

/** A save's revision: the story as the save left it (read back in the same transaction). */
export function savedRevisionOf(row: ArticleRow, authorId: number): RevisionSnapshot {
  return {
    articleId: row.id,
    authorId,
    kind: "save",
    status: row.status,
    baseVersion: row.version,
    title: row.title,
    excerpt: row.excerpt,
    body: row.body,
  };
}
