import type { AppContext } from "../context.js";
import type { ArticleStatus } from "../db/schema.js";
import { articlePath } from "../lib/permalinks.js";
import { archivePath } from "../lib/slug.js";
import { responsiveBodyImages } from "../media/body-images.js";
import { type ImageModel, imageModel } from "../media/service.js";
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

/** An image as themes show it: its variants' `srcset`s, crops, caption and credit. */
export type ImageView = ImageModel;

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
  /** A page's parent page; null for stories and top-level pages. */
  parent_id: number | null;
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
  return summariesOf(ctx, rows, await store.readStoryExtras(ctx.db, rows));
}

/**
 * Stories as pages show them, from their rows and what each shows besides (`extras`, read by
 * `hydrateArticles` or by the page's own statement); no query.
 */
export async function summariesOf(
  ctx: Pick<Ctx, "settings" | "config">,
  rows: store.ArticleSummaryRow[],
  extras: Map<number, store.StoryExtras>,
): Promise<ArticleSummary[]> {
  const settings = await ctx.settings.get();
  const base = ctx.config.siteUrl;
  return rows.map((row) => {
    const story = extras.get(row.id);
    const author = story?.author;
    const image = story?.media;
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
      parent_id: row.parent_id,
      comment_count: story?.comment_count ?? 0,
      author: {
        id: row.author_id,
        name: author?.name ?? "Unknown",
        slug: author?.slug ?? "",
        url: author ? `${base}${archivePath("author", author.slug)}` : base,
        bio: author?.bio ?? "",
      },
      categories: (story?.categories ?? []).map((c) => ({
        id: c.id,
        name: c.name,
        slug: c.slug,
        url: `${base}${archivePath("category", c.slug)}`,
      })),
      tags: (story?.tags ?? []).map((t) => ({
        id: t.id,
        name: t.name,
        slug: t.slug,
        url: `${base}${archivePath("tag", t.slug)}`,
      })),
      sources: (story?.sources ?? []).map((s) => ({
        url: s.url,
        name: s.name,
        original_author: s.original_author,
        original_published_at: s.original_published_at,
      })),
      featured_image: image ? imageModel(image) : null,
    };
  });
}

/** One stored row as staff and readers' pages use it: hydrated, with its body. */
export async function toDetail(
  ctx: Pick<Ctx, "db" | "settings" | "config">,
  row: store.ArticleRow,
): Promise<ArticleDetail> {
  const [[summary], html] = await Promise.all([
    hydrateArticles(ctx, [row]),
    responsiveBodyImages(ctx, row.body_html),
  ]);
  return { ...summary, body: row.body, html, version: row.version };
}

/** Any article by id (staff use), or undefined. */
export async function getArticle(ctx: Pick<Ctx, "db" | "settings" | "config">, id: number) {
  const row = await store.getArticleById(ctx.db, id);
  return row ? toDetail(ctx, row) : undefined;
}

/** A published story by slug, or undefined for a missing, draft, scheduled or trashed one, or a page. */
export async function getPublishedArticleBySlug(ctx: Pick<Ctx, "db" | "settings" | "config">, slug: string) {
  const row = await store.getArticleBySlug(ctx.db, slug);
  return row && row.status === "published" && row.is_page === 0 ? toDetail(ctx, row) : undefined;
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

/** Articles per status (`isPage`: pages only, or stories only). */
export async function countArticlesByStatus(ctx: Pick<Ctx, "db">, authorId?: number, isPage?: boolean) {
  return store.countArticlesByStatus(ctx.db, authorId, isPage);
}
