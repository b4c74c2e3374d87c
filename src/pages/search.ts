import {
  type ArticleSummary,
  hydrateArticles,
  listPublishedArticles,
  summariesOf,
} from "../articles/service.js";
import { sharedUntilChange } from "../articles/shared-until-change.js";
import { getCategoryBySlug, listCategories } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import { dateArchiveRange } from "../lib/permalinks.js";
import {
  countMatches,
  findMatches,
  type HighlightedArticleRow,
  hasHighlight,
  highlightToHtml,
  isSearchable,
  listHighlightedMatches,
  MAX_COUNTED_MATCHES,
  MAX_QUERY_CHARS,
  type ParsedQuery,
  parseQuery,
  type SearchFilter,
  stripHighlight,
} from "../search/service.js";

type Ctx = Pick<AppContext, "db" | "settings" | "config">;

/** Deepest result page offered; past it readers should narrow the query (and deep offsets cost). */
export const MAX_RESULT_PAGES = 100;
/** Suggestions under the masthead box. */
export const SUGGESTION_COUNT = 6;

export interface SearchRequest {
  q: string;
  /** Category slug, or "" for all sections. */
  category?: string;
  /** Inclusive calendar days `YYYY-MM-DD` in the site's zone, or "". */
  from?: string;
  to?: string;
  sort?: string;
  page: number;
}

/** One result: the story as list pages show it, plus its highlighted title and snippet (safe HTML). */
export interface SearchResult extends ArticleSummary {
  title_html: string;
  snippet_html: string;
}

export interface SearchOutcome {
  /** The query as the reader typed it (trimmed, capped). */
  query: string;
  /** False for an empty query or one made only of exclusions and punctuation. */
  searched: boolean;
  results: SearchResult[];
  total: number;
  /** True when more stories match than were counted (`total` is then the count's cap). */
  isTotalCapped: boolean;
  page: number;
  pages: number;
  perPage: number;
  filters: { category: string; from: string; to: string; sort: "relevance" | "newest" };
  /** Why a filter was ignored, by filter name. */
  errors: Record<string, string>;
  /** With no results and filters set: how many match without the filters. */
  totalWithoutFilters: number | undefined;
}

function parseDay(raw: string | undefined): { y: number; m: number; d: number } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw ?? "");
  return match ? { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) } : undefined;
}

/** Turns the reader's filters into store filters; bad values are reported and ignored, never fatal. */
async function resolveFilters(ctx: Ctx, request: SearchRequest) {
  const settings = await ctx.settings.get();
  const errors: Record<string, string> = {};
  const filters = {
    category: (request.category ?? "").trim(),
    from: (request.from ?? "").trim(),
    to: (request.to ?? "").trim(),
    sort: request.sort === "newest" ? ("newest" as const) : ("relevance" as const),
  };
  let categoryId: number | undefined;
  if (filters.category) {
    const category = await getCategoryBySlug(ctx, filters.category.slice(0, 100));
    if (category) categoryId = category.id;
    else errors.category = "There is no such section; showing all sections.";
  }
  const bound = (raw: string, name: "from" | "to") => {
    if (!raw) return undefined;
    const day = parseDay(raw);
    const range = day && dateArchiveRange(settings.timezone, day.y, day.m, day.d);
    if (!range) errors[name] = "Dates are written YYYY-MM-DD; this one was ignored.";
    return range;
  };
  const from = bound(filters.from, "from")?.from;
  const until = bound(filters.to, "to")?.until;
  if (from && until && from >= until) {
    errors.to = "The end date is before the start date; dates were ignored.";
    return { filters, errors, categoryId, from: undefined, until: undefined, perPage: settings.postsPerPage };
  }
  return { filters, errors, categoryId, from, until, perPage: settings.postsPerPage };
}

/** The snippet to show: the body's highlighted passage, else the excerpt's, else the plain excerpt. */
function snippetHtml(row: HighlightedArticleRow): string {
  if (row.body_marked && hasHighlight(row.body_marked)) return highlightToHtml(row.body_marked);
  if (row.excerpt_marked && hasHighlight(row.excerpt_marked)) return highlightToHtml(row.excerpt_marked);
  return highlightToHtml(row.excerpt || stripHighlight(row.body_marked ?? ""));
}

/** Hydrated, highlighted results in the order of `ids`. */
async function resultsFor(ctx: Ctx, query: ParsedQuery, ids: number[]): Promise<SearchResult[]> {
  const rows = await listHighlightedMatches(ctx, query, ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ordered = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  // On PostgreSQL the highlighting statement read what each story shows too.
  const extras = new Map(ordered.flatMap((row) => (row.extras ? [[row.id, row.extras] as const] : [])));
  const summaries =
    extras.size === ordered.length
      ? await summariesOf(ctx, ordered, extras)
      : await hydrateArticles(ctx, ordered);
  return summaries.map((summary, index) => {
    const row = ordered[index];
    return {
      ...summary,
      title_html: highlightToHtml(row.title_marked ?? row.title),
      snippet_html: snippetHtml(row),
    };
  });
}

/**
 * The reader's search: published stories matching the query, ranked (or newest first), with
 * highlighted titles and snippets, filtered by section and date range, one page at a time.
 * Never throws on what the reader typed.
 */
export async function searchSite(ctx: Ctx, request: SearchRequest): Promise<SearchOutcome> {
  const text = request.q.trim().slice(0, MAX_QUERY_CHARS);
  const query = parseQuery(text, { prefixLastWord: true });
  const resolved = await resolveFilters(ctx, request);
  const page = Math.min(Math.max(1, request.page), MAX_RESULT_PAGES);
  const outcome: SearchOutcome = {
    query: text,
    searched: isSearchable(query),
    results: [],
    total: 0,
    isTotalCapped: false,
    page,
    pages: 1,
    perPage: resolved.perPage,
    filters: resolved.filters,
    errors: resolved.errors,
    totalWithoutFilters: undefined,
  };
  if (!outcome.searched) return outcome;
  const filter: SearchFilter = {
    visibility: "published",
    categoryId: resolved.categoryId,
    from: resolved.from,
    until: resolved.until,
    sort: resolved.filters.sort,
    limit: resolved.perPage,
    offset: (page - 1) * resolved.perPage,
  };
  let hits = await findMatches(ctx, query, filter);
  outcome.isTotalCapped = hits.total > MAX_COUNTED_MATCHES;
  outcome.total = Math.min(hits.total, MAX_COUNTED_MATCHES);
  outcome.pages = Math.min(MAX_RESULT_PAGES, Math.max(1, Math.ceil(hits.total / resolved.perPage)));
  if (hits.ids.length === 0 && page > outcome.pages) {
    // A page past the end (an old link, a hand-edited URL) shows the last page instead of nothing.
    outcome.page = outcome.pages;
    hits = await findMatches(ctx, query, {
      ...filter,
      offset: (outcome.page - 1) * resolved.perPage,
    });
  }
  outcome.results = await resultsFor(ctx, query, hits.ids);
  const isFiltered =
    filter.categoryId !== undefined || filter.from !== undefined || filter.until !== undefined;
  if (hits.total === 0 && isFiltered)
    outcome.totalWithoutFilters = await countMatches(ctx, query, {
      ...filter,
      categoryId: undefined,
      from: undefined,
      until: undefined,
    });
  return outcome;
}

export interface Suggestion {
  title: string;
  /** The title with the typed words marked (safe HTML). */
  title_html: string;
  url: string;
  published_at: string | null;
}

/** As-you-type suggestions: published stories whose title matches, the last word as a prefix. */
export async function suggestArticles(ctx: Ctx, q: string): Promise<Suggestion[]> {
  const query = parseQuery(q.trim().slice(0, MAX_QUERY_CHARS), { prefixLastWord: true });
  if (!isSearchable(query)) return [];
  const hits = await findMatches(ctx, query, {
    visibility: "published",
    titleOnly: true,
    sort: "relevance",
    limit: SUGGESTION_COUNT,
    offset: 0,
    withTotal: false,
  });
  const results = await resultsFor(ctx, query, hits.ids);
  return results.map((r) => ({
    title: r.title,
    title_html: r.title_html,
    url: r.url,
    published_at: r.published_at,
  }));
}

/** What the results page offers when nothing matched: the newest stories and the sections. */
export async function noResultsHelp(ctx: Ctx) {
  const [latest, categories] = await Promise.all([listPublishedArticles(ctx, {}, 1, 5), listCategories(ctx)]);
  return {
    latest: latest.items,
    categories: categories.filter((c) => c.article_count > 0).slice(0, 12),
  };
}

/** Sections for the results page's filter, with how many stories each has. */
export async function listSearchCategories(ctx: Ctx & Pick<AppContext, "changes" | "sharedReads">) {
  return searchCategories(ctx, "sections");
}

/** The sections with stories, shared by every results page until content changes. */
const searchCategories = sharedUntilChange(
  async (ctx: Ctx & Pick<AppContext, "changes" | "sharedReads">, _key: "sections") =>
    (await listCategories(ctx)).filter((c) => c.article_count > 0),
  (key) => key,
);
