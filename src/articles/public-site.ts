import { getAuthorBySlug } from "../accounts/service.js";
import type { AppContext } from "../context.js";
import type { PublicCommentRow } from "../db/comment-thread.js";
import type { ContentScope } from "../infrastructure/content-changes.js";
import { htmlToText } from "../lib/html-text.js";
import { dateArchiveRange } from "../lib/permalinks.js";
import { formatSiteDate } from "../lib/site-date.js";
import { archivePath } from "../lib/slug.js";
import { responsiveBodyImages } from "../media/body-images.js";
import { type BreakingNews, getFrontPageArrangement } from "./front-page.js";
import { type ArticleDetail, type ArticleSummary, hydrateArticles } from "./service.js";
import { hydrateStories, sharedUntilChange } from "./shared-until-change.js";
import * as store from "./store.js";
import { getCategoryBySlug, getTagBySlug, listCategories, listNavCategories } from "./taxonomy.js";

/**
 * What readers see: the front page, article pages and archives, each built with a bounded
 * number of queries (rows first, then one `hydrateArticles` for every story on the page).
 */

type Ctx = Pick<AppContext, "db" | "settings" | "config" | "now" | "changes" | "sharedReads" | "theme">;

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

export function paginationModel(
  basePath: string,
  page: number,
  pages: number,
  total: number,
): PaginationModel {
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

/** The newest stories, hydrated: kept until a story goes out or one of them changes. */
const newestStoriesHeld = sharedUntilChange(
  async (ctx: Ctx, limit: number) => hydrateArticles(ctx, await latestRows(ctx, limit)),
  (limit) => limit,
  (stories) => ["listing:front", ...storyScopes(stories)],
);

function newestStories(ctx: Ctx): Promise<ArticleSummary[]> {
  return newestStoriesHeld(ctx, LATEST_HELD);
}

/** How many stories a listing has: counting a category walks all its stories. */
const publishedCount = sharedUntilChange(
  (ctx: Ctx, filter: store.PublishedListFilter) => store.countPublishedArticles(ctx.db, filter),
  (filter) => JSON.stringify(filter),
  (_count, filter) => [listingScopeOf(filter)],
);

/** The listing a filter selects: a story joining or leaving it changes that scope. */
function listingScopeOf(filter: store.PublishedListFilter): ContentScope {
  if (filter.categoryId !== undefined) return `listing:category:${filter.categoryId}`;
  if (filter.tagId !== undefined) return `listing:tag:${filter.tagId}`;
  if (filter.authorId !== undefined) return `listing:author:${filter.authorId}`;
  return "listing:front";
}

/** Rows of page `page` of a listing, with the listing's size. */
async function listingPage(ctx: Ctx, filter: store.PublishedListFilter, page: number, perPage: number) {
  const [rows, total] = await Promise.all([
    store.listPublishedArticles(ctx.db, filter, { limit: perPage, offset: (page - 1) * perPage }),
    publishedCount(ctx, filter),
  ]);
  return { rows, total, pages: Math.max(1, Math.ceil(total / perPage)) };
}

function mostCommented(ctx: Ctx): Promise<ArticleSummary[]> {
  return ctx.sharedReads.mostCommented(SIDE_LIST_SIZE);
}

// ── front page ─────────────────────────────────────────────────────────────

export interface FrontPageSection {
  category: { name: string; slug: string; url: string; description: string };
  articles: ArticleSummary[];
}

export interface FrontPageModel {
  /**
   * The lead story (the editors' choice, else the newest sticky one, else the newest); null on an
   * empty site or past page 1.
   */
  lead: ArticleSummary | null;
  /** The breaking-news banner on page 1, while it lasts. */
  breaking: BreakingNews | null;
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
      breaking: null,
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
  const arrangement = await getFrontPageArrangement(ctx);
  const pinnedIds = arrangement.lead === null ? arrangement.top : [arrangement.lead, ...arrangement.top];
  const [{ rows, sticky, pinned, sections, extras }, total] = await Promise.all([
    store.getFrontPageRows(ctx.db, {
      limit: settings.postsPerPage,
      pinnedIds,
      sectionCategoryIds: sectionCategories.map((c) => c.id),
      sectionSize: SECTION_SIZE,
    }),
    publishedCount(ctx, {}),
  ]);
  const pagination = paginationModel("/", 1, Math.max(1, Math.ceil(total / settings.postsPerPage)), total);
  // Each story shows once on page 1: the chosen lead (else the newest sticky, else the newest
  // story), the pinned top stories then the newest, the rest as "More news"; sections and the
  // side list leave all of them out.
  const pinnedLead = pinned.find((row) => row.id === arrangement.lead);
  const leadRow = pinnedLead ?? sticky ?? rows[0];
  const candidates = [...pinned.filter((row) => row !== pinnedLead), ...(sticky ? [sticky] : []), ...rows];
  const unshown = candidates.filter(
    (row, i) => row.id !== leadRow?.id && candidates.findIndex((r) => r.id === row.id) === i,
  );
  const lists = await hydrateLists(
    ctx,
    {
      lead: leadRow ? [leadRow] : [],
      top: unshown.slice(0, TOP_STORIES),
      stories: unshown.slice(TOP_STORIES),
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
      "front-page",
      ...sideListScopes([], most),
      ...storyScopes([...lists.lead, ...lists.top, ...lists.stories]),
      ...sectionScopes,
    ],
    lead: lists.lead[0] ?? null,
    breaking: arrangement.breaking,
    top_stories: lists.top,
    stories: lists.stories,
    sections: sectionCategories
      .map((c, i) => ({
        category: {
          name: c.name,
          slug: c.slug,
          url: archivePath("category", c.slug),
          description: c.description,
        },
        articles: lists[`section${i}`],
      }))
      .filter((s) => s.articles.length > 0),
    // Page 1 lists the newest stories itself: a "Latest" beside them would repeat them.
    latest: [],
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
  // Which categories have stories (and how many) changes only when a story goes out or leaves.
  () => ["listing:front"],
);

// ── article page ───────────────────────────────────────────────────────────

export interface ArticlePageModel {
  article: ArticleDetail;
  /** The excerpt shown under the headline; empty when it only repeats the story's opening words. */
  standfirst: string;
  author_initials: string;
  author_hue: number;
  /** True when the story was edited well after it went out, or corrected (the page then shows "Updated …"). */
  is_updated: boolean;
  /** Its corrections, oldest first. */
  corrections: { text: string; created_at: string }[];
  related: ArticleSummary[];
  /** The story published just before this one, and just after. */
  previous: ArticleSummary | null;
  next: ArticleSummary | null;
  /**
   * No "Most commented" list here: its order moves with one approval in six or so on a busy day,
   * and on every story's page it re-rendered them all each time (docs/performance.md, newsroom).
   */
  latest: ArticleSummary[];
  /** What the page drew on, for the page cache (see `ContentScope`). */
  scopes: ContentScope[];
  /**
   * Its approved comments when the page's own statement read them (PostgreSQL), for the comments
   * section (`buildCommentsSection`); not for themes, which get the threaded section.
   */
  comment_thread: PublicCommentRow[] | undefined;
}

/**
 * The excerpt, unless it is the body's own opening (an excerpt derived when none was written, or a
 * curated story's summary): the reader would read it twice.
 */
function standfirstOf(excerpt: string, bodyHtml: string): string {
  const words = excerpt.replace(/…$/, "").trim();
  if (!words) return "";
  // The opening is enough: entities and tags take at most a few times the text's length.
  const opening = htmlToText(bodyHtml.slice(0, words.length * 4 + 200));
  return opening.startsWith(words) ? "" : excerpt;
}

/** Stories each tag's or category's newest list holds: enough for any of its stories' related list. */
const RELATED_CANDIDATES = 2 * RELATED_SIZE;

/**
 * A tag's or a category's newest published stories, kept until one of them changes or the
 * listing does: every story under it picks its related stories from the same few, so an article
 * page costs no query for them.
 */
const newestUnderTerm = sharedUntilChange(
  (ctx: Ctx, term: { kind: "tag" | "category"; id: number }) =>
    store.listPublishedArticles(ctx.db, term.kind === "tag" ? { tagId: term.id } : { categoryId: term.id }, {
      limit: RELATED_CANDIDATES,
      offset: 0,
    }),
  (term) => `${term.kind}:${term.id}`,
  (rows, term): ContentScope[] => [
    `listing:${term.kind}:${term.id}`,
    ...rows.map((row): ContentScope => `article:${row.id}`),
  ],
);

function newestFirst(a: store.ArticleSummaryRow, b: store.ArticleSummaryRow): number {
  if (a.published_at !== b.published_at) return (a.published_at ?? "") < (b.published_at ?? "") ? 1 : -1;
  return b.id - a.id;
}

/**
 * The published stories related to an article: the newest sharing a tag (the narrower link), then
 * the newest sharing a category. Picked from each term's newest stories (`newestUnderTerm`): a
 * story among a term's newest `limit` once the article and up to `limit - 1` stories already
 * picked are left out is among its newest `2 × limit`.
 */
async function relatedStories(
  ctx: Ctx,
  article: { id: number; tagIds: number[]; categoryIds: number[] },
): Promise<store.ArticleSummaryRow[]> {
  const pick = async (kind: "tag" | "category", termIds: number[], wanted: number, leftOut: Set<number>) => {
    const lists = await Promise.all(termIds.map((id) => newestUnderTerm(ctx, { kind, id })));
    const picked = new Map<number, store.ArticleSummaryRow>();
    for (const row of lists.flat()) if (!leftOut.has(row.id)) picked.set(row.id, row);
    return [...picked.values()].sort(newestFirst).slice(0, wanted);
  };
  const sharingTag = await pick("tag", article.tagIds, RELATED_SIZE, new Set([article.id]));
  if (sharingTag.length >= RELATED_SIZE || article.categoryIds.length === 0) return sharingTag;
  const sharingCategory = await pick(
    "category",
    article.categoryIds,
    RELATED_SIZE - sharingTag.length,
    new Set([article.id, ...sharingTag.map((row) => row.id)]),
  );
  return [...sharingTag, ...sharingCategory];
}

/** A published article with its surroundings, or undefined for a missing, unpublished or trashed slug. */
export async function getArticlePage(ctx: Ctx, slug: string): Promise<ArticlePageModel | undefined> {
  const [rows, newest] = await Promise.all([
    store.getArticlePageRows(ctx.db, slug, RELATED_SIZE),
    newestStories(ctx),
  ]);
  if (!rows) return undefined;
  const corrections = rows.corrections.map((c) => ({
    text: c.text,
    created_at: new Date(c.created_at).toISOString(),
  }));
  const { article: row, previous, next } = rows;
  const terms = rows.extras.get(row.id);
  const related =
    rows.related ??
    (await relatedStories(ctx, {
      id: row.id,
      tagIds: terms?.tags.map((t) => t.id) ?? [],
      categoryIds: terms?.categories.map((c) => c.id) ?? [],
    }));
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
  const html = await responsiveBodyImages(ctx, body_html);
  const article: ArticleDetail = { ...lists.article[0], body, html, version };
  const latest = newest.filter((a) => a.id !== row.id).slice(0, SIDE_LIST_SIZE);
  return {
    scopes: [
      `article-body:${article.id}`,
      ...sideListScopes(latest),
      // Related stories show no comment count: the newest are related to many stories' pages.
      ...storyScopes([article], [...lists.related, ...lists.previous, ...lists.next]),
      // Related stories are the newest sharing a tag or category with this one.
      ...article.categories.map((c): ContentScope => `listing:category:${c.id}`),
      ...article.tags.map((t): ContentScope => `listing:tag:${t.id}`),
    ],
    article,
    standfirst: standfirstOf(article.excerpt, body_html),
    author_initials: initialsOf(article.author.name),
    author_hue: avatarHueOf(article.author.name),
    // Edited well after it went out, and after it was written (a backdated story is not "updated").
    is_updated:
      corrections.length > 0 ||
      (Date.parse(row.updated_at) - Date.parse(row.published_at) > UPDATED_AFTER_MS &&
        Date.parse(row.updated_at) - Date.parse(row.created_at) > UPDATED_AFTER_MS),
    corrections,
    related: lists.related,
    previous: lists.previous[0] ?? null,
    next: lists.next[0] ?? null,
    latest,
    comment_thread: rows.comments,
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
  const resolved = await resolveArchive(ctx, request, settings.timezone, settings.language);
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
  language: string,
): Promise<
  { archive: ArchiveModel["archive"]; filter: store.PublishedListFilter; listing: ContentScope } | undefined
> {
  const base = { author: null, description: "" };
  const label = (key: string) => ctx.theme.messages.t(language, `archive.${key}`);
  switch (request.kind) {
    case "category": {
      const category = await getCategoryBySlug(ctx, request.slug);
      if (!category) return undefined;
      return {
        archive: {
          ...base,
          kind: "category",
          title: category.name,
          label: label("category"),
          description: category.description,
          base_path: archivePath("category", category.slug),
        },
        filter: { categoryId: category.id },
        listing: `listing:category:${category.id}`,
      };
    }
    case "tag": {
      const tag = await getTagBySlug(ctx, request.slug);
      if (!tag) return undefined;
      return {
        archive: {
          ...base,
          kind: "tag",
          title: tag.name,
          label: label("tag"),
          base_path: archivePath("tag", tag.slug),
        },
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
          label: label("author"),
          description: user.bio,
          base_path: archivePath("author", user.slug),
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
          title: formatSiteDate(noon, pattern, "UTC", language),
          label: label("date"),
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
