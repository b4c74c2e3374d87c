import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { field, parsePageNumber } from "../infrastructure/requests.js";
import { archivePath } from "../lib/slug.js";
import { renderThemePage } from "./page-context.js";
import {
  listSearchCategories,
  noResultsHelp,
  type SearchOutcome,
  searchSite,
  suggestArticles,
} from "./search.js";
import { listingSeo } from "./seo.js";

/** Anonymous searches and suggestions are stored by the page cache, keyed by what they read. */
const cachedSearch = {
  config: { pageCache: true, pageCacheQuery: ["q", "category", "from", "to", "sort", "page"] },
} as const;
const cachedSuggestions = { config: { pageCache: true, pageCacheQuery: ["q"] } } as const;

/** `/search?…` for a query, its filters and a page; empty filters are left out. */
function searchUrl(
  outcome: SearchOutcome,
  overrides: { page?: number; withoutFilters?: boolean } = {},
): string {
  const params = new URLSearchParams({ q: outcome.query });
  if (!overrides.withoutFilters) {
    if (outcome.filters.category) params.set("category", outcome.filters.category);
    if (outcome.filters.from) params.set("from", outcome.filters.from);
    if (outcome.filters.to) params.set("to", outcome.filters.to);
  }
  if (outcome.filters.sort === "newest") params.set("sort", "newest");
  const page = overrides.page ?? 1;
  if (page > 1) params.set("page", String(page));
  return `/search?${params.toString()}`;
}

/**
 * WordPress's search address `/?s=words` (bookmarks, other sites' links, browser keyword
 * searches) leads to `/search?q=words`. Registered at the root because `/` is the front page's route.
 */
export async function redirectLegacySearch(request: FastifyRequest, reply: FastifyReply) {
  if (request.method !== "GET" && request.method !== "HEAD") return;
  if (!request.url.startsWith("/?")) return;
  const s = (request.query as Record<string, unknown> | undefined)?.s;
  if (s === undefined) return;
  const words = field({ s }, "s");
  return reply.redirect(`/search?q=${encodeURIComponent(words)}`, 301);
}

/** The reader's search page and the masthead box's suggestions. */
const searchRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get("/search", cachedSearch, async function showSearchPage(request, reply) {
    const query = request.query;
    const outcome = await searchSite(ctx, {
      q: field(query, "q"),
      category: field(query, "category"),
      from: field(query, "from"),
      to: field(query, "to"),
      sort: field(query, "sort"),
      page: parsePageNumber(field(query, "page")) ?? 1,
    });
    const settings = await ctx.settings.get();
    const [categories, help] = await Promise.all([
      listSearchCategories(ctx),
      outcome.searched && outcome.total > 0 ? undefined : noResultsHelp(ctx),
    ]);
    const t = (key: string, values?: Record<string, unknown>) =>
      ctx.theme.messages.t(settings.language, key, values);
    const heading = outcome.searched ? t("search.results_for", { query: outcome.query }) : t("search.label");
    const html = await renderThemePage(ctx, request, "search", {
      page_title: heading,
      body_class: "page search-page",
      // Results pages stay out of search engines: endless, thin, and a crawl trap.
      seo: listingSeo(
        {
          title: settings.title,
          tagline: settings.tagline,
          url: ctx.config.siteUrl,
          language: settings.language,
        },
        {
          heading,
          description: t("search.description", { title: settings.title }),
          path: "/search",
          noindex: true,
        },
      ),
      search_query: outcome.query,
      search: {
        ...outcome,
        has_filters: !!(outcome.filters.category || outcome.filters.from || outcome.filters.to),
        url_without_filters: searchUrl(outcome, { withoutFilters: true }),
        prev_url: outcome.page > 1 ? searchUrl(outcome, { page: outcome.page - 1 }) : "",
        next_url: outcome.page < outcome.pages ? searchUrl(outcome, { page: outcome.page + 1 }) : "",
        first_number: (outcome.page - 1) * outcome.perPage + 1,
        last_number: (outcome.page - 1) * outcome.perPage + outcome.results.length,
        // The service names what was wrong per field; the reader reads it in the site's language.
        error_messages: Object.keys(outcome.errors).map((name) => t(`search.errors.${name}`)),
        total_without_filters: outcome.totalWithoutFilters,
        is_total_capped: outcome.isTotalCapped,
      },
      categories: categories.map((c) => ({
        name: c.name,
        slug: c.slug,
        selected: c.slug === outcome.filters.category,
      })),
      latest: help?.latest ?? [],
      help_categories: (help?.categories ?? []).map((c) => ({
        name: c.name,
        url: archivePath("category", c.slug),
      })),
    });
    return reply.type("text/html; charset=utf-8").send(html);
  });

  // WordPress's pretty search address /search/words/.
  app.get<{ Params: { words: string } }>(
    "/search/:words/",
    async function redirectPrettySearch(request, reply) {
      return reply.redirect(`/search?q=${encodeURIComponent(request.params.words)}`, 301);
    },
  );

  app.get("/search/suggest", cachedSuggestions, async function suggestStories(request, reply) {
    const q = field(request.query, "q");
    const suggestions = await suggestArticles(ctx, q);
    return reply.type("application/json; charset=utf-8").send({ query: q.trim(), suggestions });
  });
};

export default searchRoutes;
