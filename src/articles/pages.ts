import { type Actor, canManagePages } from "../accounts/permissions.js";
import type { AppContext } from "../context.js";
import { isUniqueViolation } from "../db/dialect.js";
import {
  type ArticleDetail,
  type ArticleSummary,
  listArticlesForAdmin,
  type Paged,
  toDetail,
} from "./reading.js";
import {
  type ArticleInput,
  type ArticleWriteOptions,
  createArticle,
  deleteArticle,
  updateArticle,
  type WriteResult,
} from "./service.js";
import * as store from "./store.js";

/**
 * Pages: articles with `is_page`, written by editors, at their own address (`/about/team/`) with
 * no byline, date, comments or listing. They go through the articles' own create and update (so
 * versions, redirects and search behave alike); this file adds what only pages have.
 */

type Ctx = Pick<AppContext, "db" | "now" | "changes" | "settings" | "config">;

/** What a page write may name: an article's fields without categories, tags, sources or comments. */
export type PageInput = Omit<
  ArticleInput,
  "categories" | "tags" | "sources" | "comments_open" | "is_page" | "is_sticky"
>;

const PAGES_FORBIDDEN = "only editors may write pages";
const PATH_TAKEN = { slug: "another page took this address at the same moment; try again" };

/** Creates a page (editors and admins). */
export async function createPage(ctx: Ctx, actor: Actor, input: PageInput): Promise<WriteResult> {
  if (!canManagePages(actor)) return { forbidden: PAGES_FORBIDDEN };
  try {
    return await createArticle(ctx, actor, { ...input, is_page: true });
  } catch (error) {
    // Two pages raced for one address: the unique index let one through.
    if (isUniqueViolation(error)) return { errors: PATH_TAKEN };
    throw error;
  }
}

/** Changes the fields of a page that `input` names; a story's id is not found here. */
export async function updatePage(
  ctx: Ctx,
  actor: Actor,
  id: number,
  input: PageInput,
  options: Omit<ArticleWriteOptions, "isPage"> = {},
): Promise<WriteResult> {
  if (!canManagePages(actor)) return { forbidden: PAGES_FORBIDDEN };
  return updateArticle(ctx, actor, id, input, { ...options, isPage: true });
}

/** Deletes a page for good (its subpages keep their addresses, at the top level of the tree). */
export async function deletePage(
  ctx: Ctx,
  actor: Actor,
  id: number,
  options: Omit<ArticleWriteOptions, "isPage"> = {},
) {
  if (!canManagePages(actor)) return { forbidden: PAGES_FORBIDDEN };
  return deleteArticle(ctx, actor, id, { ...options, isPage: true });
}

/** A page by id for the newsroom, or undefined (also for a story's id). */
export async function getPage(ctx: Ctx, id: number): Promise<ArticleDetail | undefined> {
  const row = await store.getArticleById(ctx.db, id);
  return row?.is_page === 1 ? toDetail(ctx, row) : undefined;
}

/** The published page at `path` (`about/team`) as readers see it, or undefined. */
export async function getPublishedPage(ctx: Ctx, path: string): Promise<ArticleDetail | undefined> {
  const row = await store.getPageByPath(ctx.db, path);
  return row?.status === "published" ? toDetail(ctx, row) : undefined;
}

/** The newsroom's pages, most recently changed first. */
export async function listPages(
  ctx: Ctx,
  filter: Omit<store.AdminListFilter, "isPage" | "categoryId">,
  page: number,
  perPage = 20,
): Promise<Paged<ArticleSummary>> {
  return listArticlesForAdmin(ctx, { ...filter, isPage: true }, page, perPage);
}

/** Pages a page may be placed under (all but the trash), by address. */
export async function listParentChoices(ctx: Pick<Ctx, "db">) {
  return store.listPageChoices(ctx.db, 500);
}

/** Published pages for the sitemap: absolute path and last change. */
export async function listPublishedPagePaths(ctx: Pick<Ctx, "db">) {
  const rows = await store.listPublishedPagePaths(ctx.db, 5000);
  return rows.map((row) => ({ path: `/${row.page_path}/`, updated_at: row.updated_at }));
}

/** A page's stored address (`about/team`) by id, or undefined (also for a story); for the importer. */
export async function getPageAddress(ctx: Pick<Ctx, "db">, id: number): Promise<string | undefined> {
  const row = await store.getArticleById(ctx.db, id);
  return row?.is_page === 1 && row.page_path ? row.page_path : undefined;
}

/** The pages among `ids` with their address (`/about/`) and whether readers can open them (menus). */
export async function listPagesByIds(ctx: Pick<Ctx, "db">, ids: readonly number[]) {
  const rows = await store.listPagesByIds(ctx.db, [...new Set(ids)]);
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    path: `/${row.page_path}/`,
    isPublished: row.status === "published" && row.page_path !== null,
  }));
}
