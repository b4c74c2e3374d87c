import type { Db } from "../db/database.js";
import { MAX_INDEXED_BODY_CHARS, plainTextOfHtml } from "../db/search-text.js";
import * as store from "./store.js";

/**
 * Keeps the full-text index in step with the articles. Article writes call these with their
 * transaction, so an article and its index entry commit (or roll back) together. Every article is
 * indexed whatever its status; readers' searches filter on status when they run.
 */

const HIGHLIGHT_MARKER_CHARS = /[\uE000\uE001]/g;

function clean(text: string): string {
  // The private-use characters that mark highlights never come from an article.
  return text.replace(HIGHLIGHT_MARKER_CHARS, "");
}

/** The index document of an article row: title, excerpt and the plain text of its body. */
export function searchDocumentOf(row: store.ArticleTextRow): store.SearchDocument {
  return {
    articleId: row.id,
    title: clean(row.title),
    excerpt: clean(row.excerpt),
    body: clean(plainTextOfHtml(row.body_html)).slice(0, MAX_INDEXED_BODY_CHARS),
  };
}

/** (Re)indexes one article inside the caller's transaction; removes the entry if the article is gone. */
export async function indexArticle(trx: Db, articleId: number): Promise<void> {
  const row = await store.getArticleText(trx, articleId);
  if (!row) return store.deleteSearchDocument(trx, articleId);
  await store.upsertSearchDocuments(trx, [searchDocumentOf(row)]);
}

/** Drops an article's index entry (before deleting the article, in the same transaction). */
export async function removeArticleFromIndex(trx: Db, articleId: number): Promise<void> {
  await store.deleteSearchDocument(trx, articleId);
}

export interface RebuildProgress {
  done: number;
  total: number;
}

/**
 * Rebuilds the whole index from the articles, in batches, each batch in its own transaction;
 * searches keep working meanwhile (entries are replaced, not dropped first). Entries of
 * articles that no longer exist are removed at the end. Returns the number indexed.
 */
export async function rebuildSearchIndex(
  db: Db,
  options: { batchSize?: number; onProgress?: (progress: RebuildProgress) => void } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  const total = await store.countArticles(db);
  let done = 0;
  let afterId = 0;
  options.onProgress?.({ done, total });
  for (;;) {
    const rows = await store.listArticleTexts(db, afterId, batchSize);
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1].id;
    await db.transaction().execute((trx) => store.upsertSearchDocuments(trx, rows.map(searchDocumentOf)));
    done += rows.length;
    options.onProgress?.({ done, total: Math.max(total, done) });
  }
  await store.deleteOrphanSearchDocuments(db);
  await store.optimizeSearchIndex(db);
  return done;
}
