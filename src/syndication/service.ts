import { getAuthorBySlug } from "../accounts/service.js";
import { type ArticleSummary, listPublishedArticles } from "../articles/service.js";
import { getCategoryBySlug, getTagBySlug } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import { stripInvalidXmlCharacters } from "../lib/html-escape.js";
import { articlePath } from "../lib/permalinks.js";
import { archivePath } from "../lib/slug.js";
import type { FeedFormat, FeedItem, FeedModel } from "./feeds.js";
import {
  MAX_URLS_PER_SITEMAP,
  monthRange,
  NEWS_SITEMAP_MAX_URLS,
  NEWS_SITEMAP_WINDOW_MS,
  newsSitemapXml,
  parseSitemapName,
  planSitemaps,
  type SitemapFile,
  sitemapIndexXml,
  urlSetXml,
} from "./sitemaps.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "settings" | "config" | "now">;

/** Stories in each feed. */
export const FEED_ITEM_COUNT = 20;

export type FeedScope = { kind: "site" } | { kind: "category" | "tag" | "author"; slug: string };

/** A generated document and the newest change it shows (for Last-Modified). */
export interface Syndicated {
  body: string;
  lastModified: string | undefined;
}

/** Links in article HTML made absolute: feed readers resolve `/media/…` against nothing. */
export function absoluteLinks(html: string, siteUrl: string): string {
  return html.replace(/\b(src|href|poster)="\/(?!\/)/g, `$1="${siteUrl}/`);
}

function absolute(url: string, siteUrl: string): string {
  return /^https?:\/\//i.test(url) ? url : `${siteUrl}${url.startsWith("/") ? "" : "/"}${url}`;
}

/** The feed's title, page and filter for a scope; undefined when the slug names nothing. */
async function resolveScope(ctx: Ctx, scope: FeedScope, siteTitle: string) {
  if (scope.kind === "site") return { title: siteTitle, path: "/", filter: {} };
  if (scope.kind === "category") {
    const category = await getCategoryBySlug(ctx, scope.slug);
    return category
      ? {
          title: `${siteTitle} » ${category.name}`,
          path: archivePath("category", category.slug),
          filter: { categoryId: category.id },
          description: category.description,
        }
      : undefined;
  }
  if (scope.kind === "tag") {
    const tag = await getTagBySlug(ctx, scope.slug);
    return tag
      ? { title: `${siteTitle} » ${tag.name}`, path: archivePath("tag", tag.slug), filter: { tagId: tag.id } }
      : undefined;
  }
  const author = await getAuthorBySlug(ctx, scope.slug);
  return author
    ? {
        title: `${siteTitle} » ${author.name}`,
        path: archivePath("author", author.slug),
        filter: { authorId: author.id },
        description: `Stories by ${author.name}`,
      }
    : undefined;
}

async function feedItems(ctx: Ctx, stories: ArticleSummary[], fullText: boolean): Promise<FeedItem[]> {
  const base = ctx.config.siteUrl;
  const [bodies, media] = await Promise.all([
    fullText
      ? store.listArticleBodies(
          ctx.db,
          stories.map((s) => s.id),
        )
      : Promise.resolve([]),
    store.listMediaFiles(
      ctx.db,
      stories.flatMap((s) => (s.featured_image ? [s.featured_image.id] : [])),
    ),
  ]);
  const bodyById = new Map(bodies.map((b) => [b.id, b.body_html]));
  const mediaById = new Map(media.map((m) => [m.id, m]));
  return stories.map((story) => {
    const file = story.featured_image ? mediaById.get(story.featured_image.id) : undefined;
    const html = bodyById.get(story.id);
    // feedsmith writes text as CDATA without dropping the characters XML 1.0 forbids, and one
    // stray control character would make strict readers reject the whole feed.
    return {
      url: story.url,
      title: stripInvalidXmlCharacters(story.title),
      summary: stripInvalidXmlCharacters(story.excerpt),
      contentHtml: fullText ? stripInvalidXmlCharacters(absoluteLinks(html ?? "", base)) : undefined,
      published: story.published_at ?? story.created_at,
      updated: story.updated_at,
      author: { name: stripInvalidXmlCharacters(story.author.name), url: story.author.url },
      categories: [...story.categories, ...story.tags].map((term) => stripInvalidXmlCharacters(term.name)),
      image:
        story.featured_image && file
          ? {
              url: absolute(story.featured_image.url, base),
              mimeType: file.mime_type,
              byteSize: file.byte_size,
              alt: story.featured_image.alt,
            }
          : undefined,
      sources: story.sources.map((s) => ({ url: s.url, name: stripInvalidXmlCharacters(s.name) })),
    };
  });
}

/**
 * The feed model of the newest published stories in a scope (site, category, tag, author), with
 * full text or excerpts as `feedFullText` says; undefined for an unknown slug.
 */
export async function buildFeedModel(ctx: Ctx, scope: FeedScope): Promise<FeedModel | undefined> {
  const settings = await ctx.settings.get();
  const resolved = await resolveScope(ctx, scope, settings.title);
  if (!resolved) return undefined;
  const base = ctx.config.siteUrl;
  const { items: stories } = await listPublishedArticles(ctx, resolved.filter, 1, FEED_ITEM_COUNT);
  // Like the author page: staff who have published nothing are not shown to the world.
  if (scope.kind === "author" && stories.length === 0) return undefined;
  const items = await feedItems(ctx, stories, settings.feedFullText);
  const feedBase = `${base}${resolved.path}feed/`;
  return {
    title: stripInvalidXmlCharacters(resolved.title),
    description: stripInvalidXmlCharacters(
      ("description" in resolved && resolved.description) || settings.tagline || settings.title,
    ),
    homeUrl: `${base}${resolved.path}`,
    feedUrls: { rss: feedBase, atom: `${feedBase}atom/`, json: `${feedBase}json/` },
    language: settings.language,
    updated: items.reduce<string | undefined>(
      (max, i) => (max && max >= i.updated ? max : i.updated),
      undefined,
    ),
    items,
  };
}

/** The feed paths of a page, for autodiscovery `<link rel="alternate">` (site-wide feeds always included). */
export function feedLinks(siteTitle: string, scope?: { path: string; label: string }) {
  const links = [
    { type: "application/rss+xml", title: `${siteTitle} (RSS)`, href: "/feed/" },
    { type: "application/atom+xml", title: `${siteTitle} (Atom)`, href: "/feed/atom/" },
    { type: "application/feed+json", title: `${siteTitle} (JSON Feed)`, href: "/feed/json/" },
  ];
  if (scope)
    links.push({
      type: "application/rss+xml",
      title: `${siteTitle} » ${scope.label}`,
      href: `${scope.path}feed/`,
    });
  return links;
}

export type { FeedFormat };

// ── sitemaps ────────────────────────────────────────────────────────────────

/** Every file the sitemap index lists, split at `maxUrls`. */
async function planAll(ctx: Ctx, maxUrls: number): Promise<SitemapFile[]> {
  const [months, terms] = await Promise.all([
    store.listPublishedMonths(ctx.db),
    store.countTermsWithArticles(ctx.db),
  ]);
  return planSitemaps(
    [
      ...months.map((m) => ({
        kind: "articles" as const,
        month: m.month,
        count: m.count,
        lastmod: m.lastmod,
      })),
      // The categories file also carries the home page, so it exists on a site without categories.
      { kind: "categories", count: terms.categories.count + 1, lastmod: terms.categories.lastmod },
      { kind: "tags", ...terms.tags },
      { kind: "authors", ...terms.authors },
    ],
    maxUrls,
  );
}

/** `/sitemap.xml`: the index of every sitemap file. */
export async function buildSitemapIndex(ctx: Ctx, maxUrls = MAX_URLS_PER_SITEMAP): Promise<Syndicated> {
  const files = await planAll(ctx, maxUrls);
  const base = ctx.config.siteUrl;
  return {
    body: sitemapIndexXml(files.map((f) => ({ loc: `${base}/sitemap-${f.name}.xml`, lastmod: f.lastmod }))),
    lastModified: (await store.getLatestPublishedUpdate(ctx.db)) ?? undefined,
  };
}

/** One sitemap file by name (`articles-2026-05`, `tags-2`); undefined for a name the index does not list. */
export async function buildSitemapFile(
  ctx: Ctx,
  name: string,
  maxUrls = MAX_URLS_PER_SITEMAP,
): Promise<Syndicated | undefined> {
  const wanted = parseSitemapName(name);
  if (!wanted) return undefined;
  const file = (await planAll(ctx, maxUrls)).find((f) => f.name === name);
  if (!file) return undefined;
  const base = ctx.config.siteUrl;
  const settings = await ctx.settings.get();
  const page = { limit: file.limit, offset: file.offset };
  let urls: Array<{ loc: string; lastmod: string | null }>;
  if (file.kind === "articles") {
    const rows = await store.listPublishedArticleUrls(ctx.db, monthRange(file.month!), page);
    urls = rows.map((r) => ({ loc: base + articlePath(r, settings.timezone), lastmod: r.updated_at }));
  } else if (file.kind === "categories") {
    // The home page is the first URL of the first part.
    const home = file.part === 1 ? [{ loc: `${base}/`, lastmod: file.lastmod }] : [];
    const rows = await store.listCategoriesWithArticles(ctx.db, {
      limit: file.part === 1 ? page.limit - 1 : page.limit,
      offset: file.part === 1 ? 0 : page.offset - 1,
    });
    urls = [
      ...home,
      ...rows.map((r) => ({ loc: `${base}${archivePath("category", r.slug)}`, lastmod: r.lastmod })),
    ];
  } else {
    const list = file.kind === "tags" ? store.listTagsWithArticles : store.listAuthorsWithArticles;
    const prefix = file.kind === "tags" ? "tag" : "author";
    urls = (await list(ctx.db, page)).map((r) => ({
      loc: `${base}/${prefix}/${r.slug}/`,
      lastmod: r.lastmod,
    }));
  }
  return {
    body: urlSetXml(urls),
    lastModified: urls.reduce<string | undefined>(
      (max, u) => (u.lastmod && (!max || u.lastmod > max) ? u.lastmod : max),
      undefined,
    ),
  };
}

/** `/news-sitemap.xml`: stories of the last 48 hours for Google News. */
export async function buildNewsSitemap(ctx: Ctx): Promise<Syndicated> {
  const settings = await ctx.settings.get();
  const since = new Date(ctx.now().getTime() - NEWS_SITEMAP_WINDOW_MS).toISOString();
  const rows = await store.listRecentlyPublished(ctx.db, since, NEWS_SITEMAP_MAX_URLS);
  const base = ctx.config.siteUrl;
  return {
    body: newsSitemapXml(
      { name: settings.title, language: settings.language },
      rows.map((r) => ({
        loc: base + articlePath(r, settings.timezone),
        title: r.title,
        published_at: r.published_at ?? r.updated_at,
      })),
    ),
    lastModified: rows.reduce<string | undefined>(
      (max, r) => (!max || r.updated_at > max ? r.updated_at : max),
      undefined,
    ),
  };
}
