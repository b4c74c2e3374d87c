import { getAuthorBySlug } from "../accounts/service.js";
import type { ContentScope } from "../site/content-changes.js";
import type { AppContext } from "../site/context.js";
import { formatSiteDate } from "../site/settings.js";
import { dateArchiveRange } from "./permalinks.js";
import { type ArticleDetail, type ArticleSummary, hydrateArticles } from "./service.js";
import { hydrateStories, memoiseUntilChange, sharedUntilChange } from "./shared-until-change.js";
import * as store from "./store.js";
import { getCategoryBySlug, getTagBySlug, listCategories, listNavCategories } from "./taxonomy.js";

/**
 * What readers see: the front page, article pages and archives, each built with a bounded
 * number of queries (rows first, then one `hydrateArticles` for every story on the page).
 */

type Ctx = Pick<AppContext, "db" | "settings" | "config" | "now" | "changes">;

/** Stories in each front-page category section, and how many sections at most. */
const SECTION_SIZE = 4;
const MAX_SECTIONS = 6;
/** Headlines in the "Latest" side list; related stories under an article. */
const SIDE_LIST_SIZE = 5;
const RELATED_SIZE = 4;
/** Stories beside the lead on the first front page. */
const TOP_STORIES = 4;
/** An edit this long after publication shows as "Updated" (typo fixes at once do not). */
const UPDATED_AFTER_MS = 10 * 60_000;

export interface PaginationModel {
  page: number;
  pages: number;
  total: number;
  /** Site-relative URLs of the neighbouring pages, or "" at an end. */
  prev_url: string;
  next_url: string;
  /** Site-relative URL of this page (the canonical path). */
  url: string;
}

/** Page N of a listing at `basePath` (`/`, `/category/world/`): page 1 is the base itself. */
export function pageUrl(basePath: string, page: number): string {
  return page <= 1 ? basePath : `${basePath}page/${page}/`;
}

function paginationModel(basePath: string, page: number, pages: number, total: number): PaginationModel {
  return {
    page,
    pages,
    total,
    prev_url: page > 1 ? pageUrl(basePath, page - 1) : "",
    next_url: page < pages ? pageUrl(basePath, page + 1) : "",
    url: pageUrl(basePath, page),
  };
}

/** "Maya Okafor" → "MO"; used for avatar initials (no third-party avatar service). */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = [...words[0]][0] ?? "";
  const last = words.length > 1 ? ([...words[words.length - 1]][0] ?? "") : "";
  return (first + last).toUpperCase();
}

/** A stable colour slot 0–5 for an avatar, from the name, so each author keeps their colour. */
export function avatarHueOf(name: string): number {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % 6;
}

/**
 * What a page showing these stories draws on: each story's fields, and the comment counts of
 * those shown as cards. Side lists (`headlines`) show no count, so a comment leaves them be.
 */
function storyScopes(
  cards: readonly (ArticleSummary | null)[],
  headlines: readonly (ArticleSummary | null)[] = [],
): ContentScope[] {
  const scopes: ContentScope[] = [];
  for (const story of cards) if (story) scopes.push(`article:${story.id}`, `comments:${story.id}`);
  for (const story of headlines) if (story) scopes.push(`article:${story.id}`);
  return scopes;
}

/** The scopes of the side lists beside a page's own stories: "Latest", and "Most commented" if shown. */
function sideListScopes(latest: ArticleSummary[], most?: ArticleSummary[]): ContentScope[] {
  const scopes: ContentScope[] = ["listing:front", ...storyScopes([], latest)];
  if (most) scopes.push("listing:most-commented", ...storyScopes([], most));
  return scopes;
}

/**
 * Hydrates several lists of rows with one `hydrateStories` call, keeping each list's order
 * (`extras`: what the stories show, when the page's statement read it).
 */
async function hydrateLists<K extends string>(
  ctx: Ctx,
  lists: Record<K, store.ArticleSummaryRow[]>,
  extras?: Map<number, store.StoryExtras>,
): Promise<Record<K, ArticleSummary[]>> {
  const unique = new Map<number, store.ArticleSummaryRow>();
  for (const rows of Object.values(lists) as store.ArticleSummaryRow[][])
    for (const row of rows) unique.set(row.id, row);
  const hydrated = new Map((await hydrateStories(ctx, [...unique.values()], extras)).map((a) => [a.id, a]));
  const result = {} as Record<K, ArticleSummary[]>;
  for (const key of Object.keys(lists) as K[])
    result[key] = lists[key].flatMap((row) => (hydrated.has(row.id) ? [hydrated.get(row.id)!] : []));
  return result;
}

/** Rows of the newest stories (the "Latest" side list). */
function latestRows(ctx: Ctx, limit = SIDE_LIST_SIZE) {
  return store.listPublishedArticles(ctx.db, {}, { limit, offset: 0 });
}

/** One more than the side list shows, so an article page can leave itself out. */
const LATEST_HELD = SIDE_LIST_SIZE + 1;

/** The newest stories, hydrated. */
const newestStoriesHeld = sharedUntilChange(
  async (ctx: Ctx, limit: number) => hydrateArticles(ctx, await latestRows(ctx, limit)),
  (limit) => limit,
);

function newestStories(ctx: Ctx): Promise<ArticleSummary[]> {
  return newestStoriesHeld(ctx, LATEST_HELD);
}

/** How many stories a listing has: counting a category walks all its stories. */
const publishedCount = sharedUntilChange(
  (ctx: Ctx, filter: store.PublishedListFilter) => store.countPublishedArticles(ctx.db, filter),
  (filter) => JSON.stringify(filter),
);

/** Rows of page `page` of a listing, with the listing's size. */
async function listingPage(ctx: Ctx, filter: store.PublishedListFilter, page: number, perPage: number) {
  const [rows, total] = await Promise.all([
    store.listPublishedArticles(ctx.db, filter, { limit: perPage, offset: (page - 1) * perPage }),
    publishedCount(ctx, filter),
  ]);
  return { rows, total, pages: Math.max(1, Math.ceil(total / perPage)) };
}

// ── "most commented": filled by the comments feature ───────────────────────

/** Returns the most-commented recent published stories, best first. */
export type MostCommentedSource = (limit: number) => Promise<ArticleSummary[]>;
const mostCommentedSources = new WeakMap<object, MostCommentedSource>();

/**
 * The comments feature calls this once at start with its ranking; until then the front page's
 * "Most commented" list is simply absent. Keyed by the app's database handle (one per app).
 */
export function provideMostCommented(
  ctx: Pick<AppContext, "db" | "changes">,
  source: MostCommentedSource,
): void {
  mostCommentedSources.set(
    ctx.db,
    memoiseUntilChange(ctx, source, MOST_COMMENTED_REUSE_MS, (limit) => limit),
  );
}

/** How long a "most commented" ranking is reused at most: its seven-day window slides with time. */
const MOST_COMMENTED_REUSE_MS = 5 * 60_000;

async function mostCommented(ctx: Ctx): Promise<ArticleSummary[]> {
  const source = mostCommentedSources.get(ctx.db);
  return source ? source(SIDE_LIST_SIZE) : [];
}

// ── front page ─────────────────────────────────────────────────────────────

export interface FrontPageSection {
  category: { name: string; slug: string; url: string; description: string };
  articles: ArticleSummary[];
}

export interface FrontPageModel {
  /** The lead story (the newest sticky one, else the newest); null on an empty site or past page 1. */
  lead: ArticleSummary | null;
  top_stories: ArticleSummary[];
  /** The rest of this page's stories. */
  stories: ArticleSummary[];
  sections: FrontPageSection[];
  latest: ArticleSummary[];
  most_commented: ArticleSummary[];
  pagination: PaginationModel;
  /** What the page drew on, for the page cache (see `ContentScope`). */
  scopes: ContentScope[];
}

/** Page `page` of the front page, or undefined when the page is past the last one. */
export async function getFrontPage(ctx: Ctx, page: number): Promise<FrontPageModel | undefined> {
  const settings = await ctx.settings.get();
  const most = await mostCommented(ctx);
  if (page > 1) {
    const { rows, total, pages } = await listingPage(ctx, {}, page, settings.postsPerPage);
    if (page > pages) return undefined;
    const [stories, newest] = await Promise.all([hydrateStories(ctx, rows), newestStories(ctx)]);
    const latest = newest.slice(0, SIDE_LIST_SIZE);
    return {
      lead: null,
      top_stories: [],
      stories,
      sections: [],
      latest,
      most_commented: most,
      pagination: paginationModel("/", page, pages, total),
      scopes: [...sideListScopes(latest, most), ...storyScopes(stories)],
    };
  }
  const sectionCategories = await frontPageSectionCategories(ctx, settings.navCategorySlugs);
  const [{ rows, sticky, sections, extras }, total] = await Promise.all([
    store.getFrontPageRows(ctx.db, {
      limit: settings.postsPerPage,
      topStories: TOP_STORIES,
      sectionCategoryIds: sectionCategories.map((c) => c.id),
      sectionSize: SECTION_SIZE,
    }),
    publishedCount(ctx, {}),
  ]);
  const pagination = paginationModel("/", 1, Math.max(1, Math.ceil(total / settings.postsPerPage)), total);
  // Page 1 lists the newest stories itself: its side list is their first few.
  const latest = rows.slice(0, SIDE_LIST_SIZE);
  const leadRow = sticky ?? rows[0];
  const rest = rows.filter((r) => r.id !== leadRow?.id);
  const lists = await hydrateLists(
    ctx,
    {
      lead: leadRow ? [leadRow] : [],
      top: rest.slice(0, TOP_STORIES),
      stories: rest.slice(TOP_STORIES),
      latest,
      ...Object.fromEntries(sections.map((r, i) => [`section${i}`, r])),
    } as Record<string, store.ArticleSummaryRow[]>,
    extras,
  );
  const sectionScopes = sectionCategories.flatMap((c, i): ContentScope[] => [
    `listing:category:${c.id}`,
    ...storyScopes(lists[`section${i}`] ?? []),
  ]);
  return {
    scopes: [
      ...sideListScopes(lists.latest, most),
      ...storyScopes([...lists.lead, ...lists.top, ...lists.stories]),
      ...sectionScopes,
    ],
    lead: lists.lead[0] ?? null,
    top_stories: lists.top,
    stories: lists.stories,
    sections: sectionCategories
      .map((c, i) => ({
        category: { name: c.name, slug: c.slug, url: `/category/${c.slug}/`, description: c.description },
        articles: lists[`section${i}`],
      }))
      .filter((s) => s.articles.length > 0),
    latest: lists.latest,
    most_commented: most,
    pagination,
  };
}

type SectionCategory = Awaited<ReturnType<typeof listNavCategories>>[number];

/** The masthead's categories, or, when none are chosen, the busiest ones. */
const frontPageSectionCategories = sharedUntilChange(
  async (ctx: Ctx, navSlugs: string[]): Promise<SectionCategory[]> => {
    const nav = await listNavCategories(ctx, navSlugs);
    if (nav.length > 0) return nav.slice(0, MAX_SECTIONS);
    const all = await listCategories(ctx);
    return all
      .filter((c) => c.article_count > 0)
      .sort((a, b) => b.article_count - a.article_count || a.name.localeCompare(b.name))
      .slice(0, MAX_SECTIONS);
  },
  (navSlugs) => navSlugs.join("\n"),
);

// ── article page ───────────────────────────────────────────────────────────

export interface ArticlePageModel {
  article: ArticleDetail;
  author_initials: string;
  author_hue: number;
  /** True when the story was edited well after it went out (the page then shows "Updated …"). */
  is_updated: boolean;
  related: ArticleSummary[];
  /** The story published just before this one, and just after. */
  previous: ArticleSummary | null;
  next: ArticleSummary | null;
  latest: ArticleSummary[];
  most_commented: ArticleSummary[];
  /** What the page drew on, for the page cache (see `ContentScope`). */
  scopes: ContentScope[];
}

/** A published article with its surroundings, or undefined for a missing, unpublished or trashed slug. */
export async function getArticlePage(ctx: Ctx, slug: string): Promise<ArticlePageModel | undefined> {
  const [rows, newest, most] = await Promise.all([
    store.getArticlePageRows(ctx.db, slug, RELATED_SIZE),
    newestStories(ctx),
    mostCommented(ctx),
  ]);
  if (!rows) return undefined;
  const { article: row, related, previous, next } = rows;
  // Hydrated like any story in a list (and shared with them), so without its body.
  const { body, body_html, version, ...summaryRow } = row;
  const lists = await hydrateLists(
    ctx,
    {
      article: [summaryRow],
      related,
      previous: previous ? [previous] : [],
      next: next ? [next] : [],
    },
    rows.extras,
  );
  const article: ArticleDetail = { ...lists.article[0], body, html: body_html, version };
  const latest = newest.filter((a) => a.id !== row.id).slice(0, SIDE_LIST_SIZE);
  const mostCommentedBeside = most.filter((a) => a.id !== row.id);
  return {
    scopes: [
      ...sideListScopes(latest, mostCommentedBeside),
      ...storyScopes([article, ...lists.related], [...lists.previous, ...lists.next]),
      // Related stories are the newest sharing a tag or category with this one.
      ...article.categories.map((c): ContentScope => `listing:category:${c.id}`),
      ...article.tags.map((t): ContentScope => `listing:tag:${t.id}`),
    ],
    article,
    author_initials: initialsOf(article.author.name),
    author_hue: avatarHueOf(article.author.name),
    // Edited well after it went out, and after it was written (a backdated story is not "updated").
    is_updated:
      Date.parse(row.updated_at) - Date.parse(row.published_at) > UPDATED_AFTER_MS &&
      Date.parse(row.updated_at) - Date.parse(row.created_at) > UPDATED_AFTER_MS,
    related: lists.related,
    previous: lists.previous[0] ?? null,
    next: lists.next[0] ?? null,
    latest,
    most_commented: mostCommentedBeside,
  };
}

// ── archives ───────────────────────────────────────────────────────────────

export type ArchiveRequest =
  | { kind: "category"; slug: string }
  | { kind: "tag"; slug: string }
  | { kind: "author"; slug: string }
  | { kind: "date"; year: number; month?: number; day?: number };

export interface ArchiveModel {
  archive: {
    kind: ArchiveRequest["kind"];
    /** "World", "Tag: elections", "Maya Okafor", "May 2022". */
    title: string;
    /** What the heading's small label says: "Category", "Tag", "Author", "Archive". */
    label: string;
    description: string;
    /** Site-relative URL of the archive's first page. */
    base_path: string;
    author: { name: string; slug: string; bio: string; initials: string; hue: number } | null;
  };
  articles: ArticleSummary[];
  latest: ArticleSummary[];
  pagination: PaginationModel;
  /** What the page drew on, for the page cache (see `ContentScope`). */
  scopes: ContentScope[];
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * One page of an archive. Returns undefined for an unknown category, tag or author, an author
 * with no published story (staff are not listed to the world), an impossible date, or a page past
 * the last one (any other empty archive still has its page 1).
 */
export async function getArchivePage(
  ctx: Ctx,
  request: ArchiveRequest,
  page: number,
): Promise<ArchiveModel | undefined> {
  const settings = await ctx.settings.get();
  const resolved = await resolveArchive(ctx, request, settings.timezone);
  if (!resolved) return undefined;
  const { rows, total, pages } = await listingPage(ctx, resolved.filter, page, settings.postsPerPage);
  if (page > pages || (request.kind === "author" && total === 0)) return undefined;
  const [articles, newest] = await Promise.all([hydrateStories(ctx, rows), newestStories(ctx)]);
  const latest = newest.slice(0, SIDE_LIST_SIZE);
  return {
    archive: resolved.archive,
    articles,
    latest,
    pagination: paginationModel(resolved.archive.base_path, page, pages, total),
    scopes: [resolved.listing, ...sideListScopes(latest), ...storyScopes(articles)],
  };
}

async function resolveArchive(
  ctx: Ctx,
  request: ArchiveRequest,
  timezone: string,
): Promise<
  { archive: ArchiveModel["archive"]; filter: store.PublishedListFilter; listing: ContentScope } | undefined
> {
  const base = { author: null, description: "" };
  switch (request.kind) {
    case "category": {
      const category = await getCategoryBySlug(ctx, request.slug);
      if (!category) return undefined;
      return {
        archive: {
          ...base,
          kind: "category",
          title: category.name,
          label: "Category",
          description: category.description,
          base_path: `/category/${category.slug}/`,
        },
        filter: { categoryId: category.id },
        listing: `listing:category:${category.id}`,
      };
    }
    case "tag": {
      const tag = await getTagBySlug(ctx, request.slug);
      if (!tag) return undefined;
      return {
        archive: { ...base, kind: "tag", title: tag.name, label: "Tag", base_path: `/tag/${tag.slug}/` },
        filter: { tagId: tag.id },
        listing: `listing:tag:${tag.id}`,
      };
    }
    case "author": {
      const user = await getAuthorBySlug(ctx, request.slug);
      if (!user) return undefined;
      // Only public fields leave this function: never the email.
      return {
        archive: {
          kind: "author",
          title: user.name,
          label: "Author",
          description: user.bio,
          base_path: `/author/${user.slug}/`,
          author: {
            name: user.name,
            slug: user.slug,
            bio: user.bio,
            initials: initialsOf(user.name),
            hue: avatarHueOf(user.name),
          },
        },
        filter: { authorId: user.id },
        listing: `listing:author:${user.id}`,
      };
    }
    case "date": {
      const { year, month, day } = request;
      const range = dateArchiveRange(timezone, year, month, day);
      if (!range) return undefined;
      const noon = new Date(Date.UTC(year, (month ?? 1) - 1, day ?? 1, 12));
      const pattern = day !== undefined ? "MMMM d, yyyy" : month !== undefined ? "MMMM yyyy" : "yyyy";
      const path = [year, month, day]
        .filter((n): n is number => n !== undefined)
        .map((n, i) => (i === 0 ? String(n) : pad(n)))
        .join("/");
      return {
        archive: {
          ...base,
          kind: "date",
          title: formatSiteDate(noon, pattern, "UTC"),
          label: "Archive",
          base_path: `/${path}/`,
        },
        filter: range,
        // Stories join and leave a date only as they are published, which changes the front listing.
        listing: "listing:front",
      };
    }
  }
}

/** The newest stories, for the 404 page and side lists. */
export async function listLatestStories(ctx: Ctx, limit = SIDE_LIST_SIZE): Promise<ArticleSummary[]> {
  if (limit <= LATEST_HELD) return (await newestStories(ctx)).slice(0, limit);
  return hydrateArticles(ctx, await latestRows(ctx, limit));
}
