import type { AppContext } from "../context.js";
import {
  type ContentChanges,
  type ContentScope,
  isSiteWide,
  touches,
} from "../infrastructure/content-changes.js";
import { type ArticleSummary, hydrateArticles, summariesOf } from "./service.js";
import type * as store from "./store.js";

/**
 * What reader pages share until content changes (a publish, a scheduled story going out, an
 * edit, a comment, a setting): side lists, listing counts and hydrated stories. Everything is
 * kept in the app's context (tests and benches build many apps in one process).
 * Side lists and counts are dropped on a change to what they drew on, on any node; a hydrated
 * story only on a change to it or its comments (or a site-wide one).
 */

type Ctx = Pick<AppContext, "db" | "settings" | "config" | "changes" | "sharedReads">;

/** Distinct requests (listings, list sizes) one memo keeps results for, at most. */
const MEMO_MAX_KEYS = 1000;

/**
 * One computation per `keyOf(request)` shared by every render until a content change touches
 * what it drew on (`scopesOf` its result; without it, any change) or for at most `reuseMs` ("most
 * commented" aggregates a week of comments, so its window slides). A computation running when
 * content changes is dropped, so nobody is handed a result read before the change.
 */
export function memoiseUntilChange<R, V>(
  ctx: Pick<AppContext, "changes">,
  source: (request: R) => Promise<V>,
  reuseMs: number,
  keyOf: (request: R) => string | number,
  scopesOf?: (result: V, request: R) => readonly ContentScope[],
): (request: R) => Promise<V> {
  /** `tags` is undefined until the result is in, or when every change touches it. */
  const memo = new Map<string | number, { result: Promise<V>; at: number; tags?: ReadonlySet<string> }>();
  ctx.changes.onChange((change) => {
    for (const [key, held] of memo) if (touches(change.scopes, held.tags)) memo.delete(key);
  });
  return (request) => {
    const key = keyOf(request);
    const now = Date.now();
    const held = memo.get(key);
    if (held && now - held.at < reuseMs) return held.result;
    const result = source(request);
    if (memo.size >= MEMO_MAX_KEYS) memo.clear();
    const entry: { result: Promise<V>; at: number; tags?: ReadonlySet<string> } = { result, at: now };
    memo.set(key, entry);
    result.then(
      (value) => {
        if (scopesOf && memo.get(key) === entry) entry.tags = new Set(scopesOf(value, request));
      },
      // A failed computation is not kept: the next page tries again.
      () => {
        if (memo.get(key) === entry) memo.delete(key);
      },
    );
    return result;
  };
}

/** Returns the most-commented recent published stories, best first. */
export type MostCommentedSource = (limit: number) => Promise<ArticleSummary[]>;

/** How long a "most commented" ranking is reused at most: its seven-day window slides with time. */
const MOST_COMMENTED_REUSE_MS = 5 * 60_000;

/** Hydrated stories kept per app at most. */
const SHARED_STORIES_MAX = 2000;

type SharedStories = Map<number, { row: store.ArticleSummaryRow; story: ArticleSummary }>;

/** What a hydrated story shows draws on these scopes: its own fields and its comment count. */
const articleScopePattern = /^(article|article-body|comments):(\d+)$/;

/** What one app's reader pages share until content changes (a field of its context). */
export class SharedReads {
  /** One memo per shared computation (see `sharedUntilChange`). */
  readonly memos = new Map<object, (request: never) => Promise<unknown>>();
  /** Hydrated stories by id: dropped on a change to the story or its comments, or a site-wide one. */
  readonly stories: SharedStories = new Map();
  /** The front page's "Most commented" list (ranked by the comments feature). */
  readonly mostCommented: MostCommentedSource;

  constructor(changes: ContentChanges, rankMostCommented: MostCommentedSource) {
    this.mostCommented = memoiseUntilChange(
      { changes },
      rankMostCommented,
      MOST_COMMENTED_REUSE_MS,
      (limit) => limit,
      // The comments feature announces `listing:most-commented` when the ranking changes; the
      // list's headlines change with their stories.
      (stories): ContentScope[] => [
        "listing:most-commented",
        ...stories.map((s): ContentScope => `article:${s.id}`),
      ],
    );
    changes.onChange((change) => {
      if (isSiteWide(change)) return this.stories.clear();
      for (const scope of change.scopes) {
        const id = articleScopePattern.exec(scope)?.[2];
        if (id !== undefined) this.stories.delete(Number(id));
      }
    });
  }
}

/** A computation every page may ask for, shared until content changes: one memo per app. */
export function sharedUntilChange<C extends Pick<AppContext, "changes" | "sharedReads">, R, V>(
  compute: (ctx: C, request: R) => Promise<V>,
  keyOf: (request: R) => string | number,
  scopesOf?: (result: V, request: R) => readonly ContentScope[],
): (ctx: C, request: R) => Promise<V> {
  return (ctx, request) => {
    let memo = ctx.sharedReads.memos.get(compute) as ((request: R) => Promise<V>) | undefined;
    if (!memo) {
      memo = memoiseUntilChange(ctx, (r: R) => compute(ctx, r), Number.POSITIVE_INFINITY, keyOf, scopesOf);
      ctx.sharedReads.memos.set(compute, memo);
    }
    return memo(request);
  };
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
 * `extras`, when the page's own statement read what (some of) its stories show, spares their queries.
 */
export async function hydrateStories(
  ctx: Ctx,
  rows: store.ArticleSummaryRow[],
  extras?: Map<number, store.StoryExtras>,
): Promise<ArticleSummary[]> {
  const shared = ctx.sharedReads.stories;
  const version = ctx.changes.version;
  const stories = new Map<number, ArticleSummary>();
  const missing: store.ArticleSummaryRow[] = [];
  for (const row of rows) {
    const held = shared.get(row.id);
    if (held && isSameRow(held.row, row)) stories.set(row.id, held.story);
    else missing.push(row);
  }
  if (missing.length > 0) {
    const known = missing.filter((row) => extras?.has(row.id));
    const unknown = missing.filter((row) => !extras?.has(row.id));
    const [fromExtras, fromQueries] = await Promise.all([
      known.length > 0 && extras ? summariesOf(ctx, known, extras) : [],
      hydrateArticles(ctx, unknown),
    ]);
    const hydrated = new Map([...fromExtras, ...fromQueries].map((story) => [story.id, story]));
    if (shared.size + missing.length > SHARED_STORIES_MAX) shared.clear();
    for (const row of missing) {
      const story = hydrated.get(row.id)!;
      stories.set(row.id, story);
      // One hydrated while a change touched it may show what was there before.
      const drawnOn = new Set([`article:${row.id}`, `article-body:${row.id}`, `comments:${row.id}`]);
      if (!ctx.changes.changedSince(version, drawnOn)) shared.set(row.id, { row, story });
    }
  }
  return rows.map((row) => stories.get(row.id)!);
}
