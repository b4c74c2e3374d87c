import { countApprovedComments } from "../comments/service.js";
import type { ArticleStatus } from "../db/schema.js";
import type { AppContext } from "../site/context.js";
import { mediaUrl } from "./media.js";
import { articlePath } from "./permalinks.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "settings" | "config">;

export interface TermView {
  id: number;
  name: string;
  slug: string;
  url: string;
}

export interface SourceLinkView {
  url: string;
  name: string;
  original_author: string | null;
  original_published_at: string | null;
}

export interface ImageView {
  id: number;
  url: string;
  alt: string;
  width: number | null;
  height: number | null;
}

/** An article as pages, feeds and APIs use it (no body). */
export interface ArticleSummary {
  id: number;
  title: string;
  slug: string;
  excerpt: string;
  status: ArticleStatus;
  published_at: string | null;
  created_at: string;
  updated_at: string;
  /** Site-relative permalink, e.g. `/2022/05/22/storm/`. */
  path: string;
  /** Absolute permalink. */
  url: string;
  comments_open: boolean;
  is_page: boolean;
  is_sticky: boolean;
  author: { id: number; name: string; slug: string; url: string; bio: string };
  categories: TermView[];
  tags: TermView[];
  sources: SourceLinkView[];
  featured_image: ImageView | null;
  /** Approved reader comments. */
  comment_count: number;
}

export interface ArticleDetail extends ArticleSummary {
  body: string;
  html: string;
  /** Raised by every write (see `If-Match` and the editor's conflict page). */
  version: number;
}

/** Attaches authors, terms, sources and images to many rows with one query per kind. */
export async function hydrateArticles(
  ctx: Pick<Ctx, "db" | "settings" | "config">,
  rows: store.ArticleSummaryRow[],
): Promise<ArticleSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const settings = await ctx.settings.get();
  const base = ctx.config.siteUrl;
  const [categories, tags, sources, authors, media, commentCounts] = await Promise.all([
    store.listCategoriesOfArticles(ctx.db, ids),
    store.listTagsOfArticles(ctx.db, ids),
    store.listSourcesOfArticles(ctx.db, ids),
    store.listAuthorsByIds(ctx.db, [...new Set(rows.map((r) => r.author_id))]),
    store.listMediaByIds(ctx.db, [
      ...new Set(rows.flatMap((r) => (r.featured_media_id ? [r.featured_media_id] : []))),
    ]),
    countApprovedComments(ctx, ids),
  ]);
  const group = <T extends { article_id: number }>(items: T[]) => {
    const map = new Map<number, T[]>();
    for (const item of items) {
      const list = map.get(item.article_id);
      if (list) list.push(item);
      else map.set(item.article_id, [item]);
    }
    return map;
  };
  const categoriesOf = group(categories);
  const tagsOf = group(tags);
  const sourcesOf = group(sources);
  const authorById = new Map(authors.map((a) => [a.id, a]));
  const mediaById = new Map(media.map((m) => [m.id, m]));
  return rows.map((row) => {
    const author = authorById.get(row.author_id);
    const image = row.featured_media_id ? mediaById.get(row.featured_media_id) : undefined;
    const path = articlePath(row, settings.timezone);
    return {
      id: row.id,
      title: row.title,
      slug: row.slug,
      excerpt: row.excerpt,
      status: row.status,
      published_at: row.published_at,
      created_at: row.created_at,
      updated_at: row.updated_at,
      path,
      url: base + path,
      comments_open: row.comments_open === 1,
      is_page: row.is_page === 1,
      is_sticky: row.is_sticky === 1,
      comment_count: commentCounts.get(row.id) ?? 0,
      author: {
        id: row.author_id,
        name: author?.name ?? "Unknown",
        slug: author?.slug ?? "",
        url: author ? `${base}/author/${author.slug}/` : base,
        bio: author?.bio ?? "",
      },
      categories: (categoriesOf.get(row.id) ?? []).map((c) => ({
        id: c.id,
        name: c.name,
        slug: c.slug,
        url: `${base}/category/${c.slug}/`,
      })),
      tags: (tagsOf.get(row.id) ?? []).map((t) => ({
        id: t.id,
        name: t.name,
        slug: t.slug,
        url: `${base}/tag/${t.slug}/`,
      })),
      sources: (sourcesOf.get(row.id) ?? []).map((s) => ({
        url: s.url,
        name: s.name,
        original_author: s.original_author,
        original_published_at: s.original_published_at,
      })),
      featured_image: image
        ? {
            id: image.id,
            url: image.source_url ?? mediaUrl(image.file_name),
            alt: image.alt,
            width: image.width,
            height: image.height,
          }
        : null,
    };
  });
}

async function toDetail(
  ctx: Pick<Ctx, "db" | "settings" | "config">,
  row: store.ArticleRow,
): Promise<ArticleDetail> {
  const [summary] = await hydrateArticles(ctx, [row]);
  return { ...summary, body: row.body, html: row.body_html, version: row.version };
}

/** Any article by id (staff use), or undefined. */
export async function getArticle(ctx: Pick<Ctx, "db" | "settings" | "config">, id: number) {
  const row = await store.getArticleById(ctx.db, id);
  return row ? toDetail(ctx, row) : undefined;
}

/** A published article by slug, or undefined for a missing, draft, scheduled or trashed one. */
export async function getPublishedArticleBySlug(ctx: Pick<Ctx, "db" | "settings" | "config">, slug: string) {
  const row = await store.getArticleBySlug(ctx.db, slug);
  return row && row.status === "published" ? toDetail(ctx, row) : undefined;
}

/** Any article by slug (staff preview). */
export async function getArticleBySlug(ctx: Pick<Ctx, "db" | "settings" | "config">, slug: string) {
  const row = await store.getArticleBySlug(ctx.db, slug);
  return row ? toDetail(ctx, row) : undefined;
}

export interface Paged<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
  perPage: number;
}

/** A page of published articles for the front page and archives; `page` beyond the end gives no items. */
export async function listPublishedArticles(
  ctx: Pick<Ctx, "db" | "settings" | "config">,
  filter: store.PublishedListFilter,
  page: number,
  perPage?: number,
): Promise<Paged<ArticleSummary>> {
  const size = perPage ?? (await ctx.settings.get()).postsPerPage;
  return pageOf(
    ctx,
    store.listPublishedArticles(ctx.db, filter, { limit: size, offset: (page - 1) * size }),
    store.countPublishedArticles(ctx.db, filter),
    page,
    size,
  );
}

/** The newsroom's list with filters, 20 a page. */
export async function listArticlesForAdmin(
  ctx: Pick<Ctx, "db" | "settings" | "config">,
  filter: store.AdminListFilter,
  page: number,
  perPage = 20,
): Promise<Paged<ArticleSummary>> {
  return pageOf(
    ctx,
    store.listArticlesForAdmin(ctx.db, filter, { limit: perPage, offset: (page - 1) * perPage }),
    store.countArticlesForAdmin(ctx.db, filter),
    page,
    perPage,
  );
}

/** One page of a listing: its rows hydrated, with the page count from the listing's total. */
async function pageOf(
  ctx: Pick<Ctx, "db" | "settings" | "config">,
  rows: Promise<store.ArticleSummaryRow[]>,
  total: Promise<number>,
  page: number,
  perPage: number,
): Promise<Paged<ArticleSummary>> {
  const [listed, count] = await Promise.all([rows, total]);
  return {
    items: await hydrateArticles(ctx, listed),
    page,
    pages: Math.max(1, Math.ceil(count / perPage)),
    total: count,
    perPage,
  };
}

export async function countArticlesByStatus(ctx: Pick<Ctx, "db">, authorId?: number) {
  return store.countArticlesByStatus(ctx.db, authorId);
}
