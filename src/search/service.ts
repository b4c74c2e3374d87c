import type { AppContext } from "../context.js";
import { isSearchable, MAX_QUERY_CHARS, type ParsedQuery, parseQuery } from "./query.js";
import * as store from "./store.js";

export { hasHighlight, highlightToHtml, stripHighlight } from "./highlight.js";
export { indexArticle, rebuildSearchIndex, removeArticleFromIndex } from "./indexer.js";
export { isSearchable, MAX_QUERY_CHARS, type ParsedQuery, parseQuery } from "./query.js";
export { type HighlightedArticleRow, MAX_COUNTED_MATCHES, type SearchFilter } from "./store.js";

type Ctx = Pick<AppContext, "db">;

/** Most ids the newsroom's list receives from one search. */
export const MAX_ADMIN_MATCHES = 1000;

/** One page of matching article ids, best first, with the total. */
export function findMatches(ctx: Ctx, query: ParsedQuery, filter: store.SearchFilter) {
  return store.searchArticles(ctx.db, query, filter);
}

/** How many articles match (no ranking), up to MAX_COUNTED_MATCHES + 1. */
export function countMatches(ctx: Ctx, query: ParsedQuery, filter: store.SearchFilter) {
  return store.countSearchMatches(ctx.db, query, filter);
}

/** The given matched articles with title and snippets highlighted; unordered. */
export function listHighlightedMatches(ctx: Ctx, query: ParsedQuery, ids: number[]) {
  return store.listHighlightedArticles(ctx.db, query, ids);
}

/**
 * Ids of articles matching a newsroom search, best first (at most 1,000): for the admin article
 * list, which then applies its own status and author filters (`AdminListFilter.ids`).
 * `includeUnpublished` also finds drafts, scheduled and trashed stories.
 */
export async function searchArticleIds(
  ctx: Ctx,
  q: string,
  options: { includeUnpublished: boolean; limit?: number },
): Promise<number[]> {
  const query = parseQuery(q.trim().slice(0, MAX_QUERY_CHARS), { prefixLastWord: true });
  if (!isSearchable(query)) return [];
  const hits = await store.searchArticles(ctx.db, query, {
    visibility: options.includeUnpublished ? "any" : "published",
    sort: "relevance",
    limit: Math.min(options.limit ?? MAX_ADMIN_MATCHES, MAX_ADMIN_MATCHES),
    offset: 0,
    withTotal: false,
  });
  return hits.ids;
}
