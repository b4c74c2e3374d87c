import { isSiteWide } from "../site/content-changes.js";
import type { AppContext } from "../site/context.js";
import { type ArticleSummary, hydrateArticles, summariesOf } from "./service.js";
import type * as store from "./store.js";

/**
 * What reader pages share until content changes (a publish, a scheduled story going out, an
 * edit, a comment, a setting): side lists, listing counts and hydrated stories. Everything is
 * kept per app, keyed by its database handle (tests and benches build many apps in one process).
 * Side lists and counts are dropped on every content change, on any node; a hydrated story only
 * on a change to it or its comments (or a site-wide one).
 */

type Ctx = Pick<AppContext, "db" | "settings" | "config" | "changes">;

/** Distinct requests (listings, list sizes) one memo keeps results for, at most. */
const MEMO_MAX_KEYS = 1000;

/**
 * One computation per `keyOf(request)` shared by every render until the next content change or
 * for at most `reuseMs` ("most commented" aggregates a week of comments, so its window slides). A
 * computation running when content changes is dropped with the rest, so nobody is handed a
 * result read before the change.
 */
export function memoiseUntilChange<R, V>(
  ctx: Pick<AppContext, "changes">,
  source: (request: R) => Promise<V>,
  reuseMs: number,
  keyOf: (request: R) => string | number,
): (request: R) => Promise<V> {
  const memo = new Map<string | number, { result: Promise<V>; at: number }>();
  ctx.changes.onChange(() => memo.clear());
  return (request) => {
    const key = keyOf(request);
    const now = Date.now();
    const held = memo.get(key);
    if (held && now - held.at < reuseMs) return held.result;
    const result = source(request);
    if (memo.size >= MEMO_MAX_KEYS) memo.clear();
    memo.set(key, { result, at: now });
    // A failed computation is not kept: the next page tries again.
    result.catch(() => memo.delete(key));
    return result;
  };
}

/** A computation every page may ask for, shared until content changes: one memo per app. */
export function sharedUntilChange<C extends Pick<AppContext, "db" | "changes">, R, V>(
  compute: (ctx: C, request: R) => Promise<V>,
  keyOf: (request: R) => string | number,
): (ctx: C, request: R) => Promise<V> {
  const memos = new WeakMap<object, (request: R) => Promise<V>>();
  return (ctx, request) => {
    let memo = memos.get(ctx.db);
    if (!memo) {
      memo = memoiseUntilChange(ctx, (r: R) => compute(ctx, r), Number.POSITIVE_INFINITY, keyOf);
      memos.set(ctx.db, memo);
    }
    return memo(request);
  };
}

/** Hydrated stories kept per app at most. */
const SHARED_STORIES_MAX = 2000;

type SharedStories = Map<number, { row: store.ArticleSummaryRow; story: ArticleSummary }>;

const sharedStoriesByApp = new WeakMap<object, SharedStories>();

/** What a hydrated story shows draws on these scopes: its own fields and its comment count. */
const articleScopePattern = /^(article|comments):(\d+)$/;

function sharedStoriesOf(ctx: Ctx): SharedStories {
  let shared = sharedStoriesByApp.get(ctx.db);
  if (!shared) {
    const created: SharedStories = new Map();
    ctx.changes.onChange((change) => {
      if (isSiteWide(change)) return created.clear();
      for (const scope of change.scopes) {
        const id = articleScopePattern.exec(scope)?.[2];
        if (id !== undefined) created.delete(Number(id));
      }
    });
    sharedStoriesByApp.set(ctx.db, created);
    shared = created;
  }
  return shared;
}

/** True when a row read now holds what an earlier row of the same story held. */
function isSameRow(earlier: store.ArticleSummaryRow, now: store.ArticleSummaryRow): boolean {
  for (const key in now) {
    const column = key as keyof store.ArticleSummaryRow;
    if (earlier[column] !== now[column]) return false;
  }
  return true;
}

/**
 * `hydrateArticles`, shared between pages until content changes: a story shows in many pages'
 * related, previous/next and section lists, and its terms, sources, author and comment count
 * change only with content. A kept story serves only a row equal to the one it was built from
 * (an edit read since builds it anew), and one hydrated while content changed is not kept.
 * `extras`, when the page's own statement read what its stories show, spares the queries.
 */
export async function hydrateStories(
  ctx: Ctx,
  rows: store.ArticleSummaryRow[],
  extras?: Map<number, store.StoryExtras>,
): Promise<ArticleSummary[]> {
  const shared = sharedStoriesOf(ctx);
  const version = ctx.changes.version;
  const stories = new Map<number, ArticleSummary>();
  const missing: store.ArticleSummaryRow[] = [];
  for (const row of rows) {
    const held = shared.get(row.id);
    if (held && isSameRow(held.row, row)) stories.set(row.id, held.story);
    else missing.push(row);
  }
  if (missing.length > 0) {
    const hydrated = missing.every((row) => extras?.has(row.id))
      ? await summariesOf(ctx, missing, extras!)
      : await hydrateArticles(ctx, missing);
    if (shared.size + missing.length > SHARED_STORIES_MAX) shared.clear();
    missing.forEach((row, i) => {
      stories.set(row.id, hydrated[i]);
      // One hydrated while a change touched it may show what was there before.
      if (!ctx.changes.changedSince(version, new Set([`article:${row.id}`, `comments:${row.id}`])))
        shared.set(row.id, { row, story: hydrated[i] });
    });
  }
  return rows.map((row) => stories.get(row.id)!);
}
