import { type ExpressionBuilder, type SelectQueryBuilder, sql } from "kysely";
import { approvedThread, type PublicCommentRow, toPublicCommentRows } from "../db/comment-thread.js";
import type { Db } from "../db/database.js";
import { type DialectName, dialectOf, lockedForUpdate, toCount } from "../db/dialect.js";
import { JSON_FUNCTIONS, parsedJson } from "../db/json-functions.js";
import { reusableQuery } from "../db/reusable-query.js";
import type { ArticleRow, ArticleStatus, ArticleSummaryRow, ArticlesTable, Database } from "../db/schema.js";
import { countApprovedComments, type StoryExtras, storyExtras, toStoryExtras } from "../db/story-extras.js";

/** Columns of an article for list pages (no body). */
const summaryColumns = [
  "articles.id",
  "articles.title",
  "articles.slug",
  "articles.excerpt",
  "articles.status",
  "articles.published_at",
  "articles.created_at",
  "articles.updated_at",
  "articles.author_id",
  "articles.featured_media_id",
  "articles.comments_open",
  "articles.is_page",
  "articles.is_sticky",
  "articles.parent_id",
  "articles.page_path",
] as const;

export type { ArticleRow, ArticleSummaryRow, StoryExtras };

type ArticlesQuery = SelectQueryBuilder<Database, "articles", object>;

/** Shared fragment: what readers may see. */
export function publishedOnly<QB extends SelectQueryBuilder<Database, "articles", object>>(qb: QB): QB {
  return qb.where("articles.status", "=", "published") as QB;
}

export interface PublishedListFilter {
  categoryId?: number;
  tagId?: number;
  authorId?: number;
  /** Inclusive lower and exclusive upper bound on published_at (date archives). */
  from?: string;
  until?: string;
  /** Stories only (not WordPress-style pages). */
  excludePages?: boolean;
  excludeIds?: number[];
  /** Only these stories (the editors' pins). */
  onlyIds?: number[];
  /** Only pinned ("sticky") stories. */
  stickyOnly?: boolean;
}

/** Shared fragment: the article is filed under the category (uses article_categories_category_idx). */
function inCategory(categoryId: number) {
  return (eb: ExpressionBuilder<Database, "articles">) =>
    eb.exists(
      eb
        .selectFrom("article_categories")
        .select("article_categories.article_id")
        .whereRef("article_categories.article_id", "=", "articles.id")
        .where("article_categories.category_id", "=", categoryId),
    );
}

/** The one composable query behind the front page and every archive. */
export function publishedListQuery(db: Db, filter: PublishedListFilter): ArticlesQuery {
  return db
    .selectFrom("articles")
    .$call(publishedOnly)
    .$if(filter.excludePages !== false, (qb) => qb.where("articles.is_page", "=", 0))
    .$if(filter.categoryId !== undefined, (qb) => qb.where(inCategory(filter.categoryId!)))
    .$if(filter.tagId !== undefined, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom("article_tags")
            .select("article_tags.article_id")
            .whereRef("article_tags.article_id", "=", "articles.id")
            .where("article_tags.tag_id", "=", filter.tagId!),
        ),
      ),
    )
    .$if(filter.authorId !== undefined, (qb) => qb.where("articles.author_id", "=", filter.authorId!))
    .$if(filter.from !== undefined, (qb) => qb.where("articles.published_at", ">=", filter.from!))
    .$if(filter.until !== undefined, (qb) => qb.where("articles.published_at", "<", filter.until!))
    .$if((filter.excludeIds?.length ?? 0) > 0, (qb) => qb.where("articles.id", "not in", filter.excludeIds!))
    .$if(filter.stickyOnly === true, (qb) => qb.where("articles.is_sticky", "=", 1))
    .$if(filter.onlyIds !== undefined, (qb) =>
      qb.where("articles.id", "in", filter.onlyIds!.length ? filter.onlyIds! : [-1]),
    );
}

const publishedPage = reusableQuery(
  (db, params: PublishedListFilter & { limit: number; offset: number }) =>
    publishedListQuery(db, params)
      .select(summaryColumns)
      .orderBy("articles.published_at", "desc")
      .orderBy("articles.id", "desc")
      .limit(sql.lit(params.limit))
      .offset(params.offset),
  { literals: ["limit"] },
);

/** One page of published articles, newest first, without bodies. */
export async function listPublishedArticles(
  db: Db,
  filter: PublishedListFilter,
  page: { limit: number; offset: number },
): Promise<ArticleSummaryRow[]> {
  return publishedPage(db, { ...filter, limit: page.limit, offset: page.offset });
}

const publishedCount = reusableQuery((db, filter: PublishedListFilter) =>
  publishedListQuery(db, filter).select((eb) => eb.fn.countAll<number>().as("n")),
);

export async function countPublishedArticles(db: Db, filter: PublishedListFilter): Promise<number> {
  const [row] = await publishedCount(db, filter);
  return toCount(row?.n);
}

export interface AdminListFilter {
  status?: ArticleStatus;
  /** Without a status: everything but the trash. */
  authorId?: number;
  categoryId?: number;
  ids?: number[];
  /** Pages only (true) or stories only (false); both when absent. */
  isPage?: boolean;
}

function adminListQuery(db: Db, filter: AdminListFilter): ArticlesQuery {
  return db
    .selectFrom("articles")
    .$if(filter.status !== undefined, (qb) => qb.where("articles.status", "=", filter.status!))
    .$if(filter.status === undefined, (qb) => qb.where("articles.status", "!=", "trashed"))
    .$if(filter.authorId !== undefined, (qb) => qb.where("articles.author_id", "=", filter.authorId!))
    .$if(filter.categoryId !== undefined, (qb) => qb.where(inCategory(filter.categoryId!)))
    .$if(filter.ids !== undefined, (qb) =>
      qb.where("articles.id", "in", filter.ids!.length ? filter.ids! : [-1]),
    )
    .$if(filter.isPage !== undefined, (qb) => qb.where("articles.is_page", "=", filter.isPage ? 1 : 0));
}

/** One page of the newsroom's article list, most recently changed first. */
export async function listArticlesForAdmin(
  db: Db,
  filter: AdminListFilter,
  page: { limit: number; offset: number },
): Promise<ArticleSummaryRow[]> {
  return adminListQuery(db, filter)
    .select(summaryColumns)
    .orderBy("articles.updated_at", "desc")
    .orderBy("articles.id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countArticlesForAdmin(db: Db, filter: AdminListFilter): Promise<number> {
  const row = await adminListQuery(db, filter)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return toCount(row?.n);
}

/** Article counts per status, for the dashboard and list tabs. */
export async function countArticlesByStatus(
  db: Db,
  authorId?: number,
  isPage?: boolean,
): Promise<Record<ArticleStatus, number>> {
  const rows = await db
    .selectFrom("articles")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .$if(authorId !== undefined, (qb) => qb.where("author_id", "=", authorId!))
    .$if(isPage !== undefined, (qb) => qb.where("is_page", "=", isPage ? 1 : 0))
    .groupBy("status")
    .execute();
  const counts: Record<ArticleStatus, number> = {
    draft: 0,
    pending: 0,
    scheduled: 0,
    published: 0,
    trashed: 0,
  };
  for (const row of rows) counts[row.status] = toCount(row.n);
  return counts;
}

const fullColumns = [...summaryColumns, "articles.body", "articles.body_html", "articles.version"] as const;

export async function getArticleById(db: Db, id: number): Promise<ArticleRow | undefined> {
  return db.selectFrom("articles").select(fullColumns).where("articles.id", "=", id).executeTakeFirst();
}

const articleBySlug = reusableQuery((db, params: { slug: string }) =>
  db.selectFrom("articles").select(fullColumns).where("articles.slug", "=", params.slug),
);

export async function getArticleBySlug(db: Db, slug: string): Promise<ArticleRow | undefined> {
  const [row] = await articleBySlug(db, { slug });
  return row;
}

export async function isSlugTaken(db: Db, slug: string, exceptId?: number): Promise<boolean> {
  const row = await db
    .selectFrom("articles")
    .select("id")
    .where("slug", "=", slug)
    .$if(exceptId !== undefined, (qb) => qb.where("id", "!=", exceptId!))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * One article, its row locked until the calling transaction ends: a read-modify-write reads
 * through this so no other write slips between its read and its update.
 */
export async function getArticleForUpdate(db: Db, id: number): Promise<ArticleRow | undefined> {
  return lockedForUpdate(
    db,
    db.selectFrom("articles").select(fullColumns).where("articles.id", "=", id),
  ).executeTakeFirst();
}

/** Slugs of `table` that are `base` or `base-…`: what a free suffix is chosen against, in one query. */
export async function listSlugsStartingWith(
  db: Db,
  table: "articles" | "categories" | "tags",
  base: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom(table)
    .select("slug")
    .where((eb) => eb.or([eb("slug", "=", base), eb("slug", "like", `${base}-%`)]))
    .execute();
  return rows.map((r) => r.slug);
}

export type ArticleWrite = Omit<
  ArticlesTable,
  "id" | "comments_open" | "is_page" | "is_sticky" | "version" | "parent_id" | "page_path"
> & {
  comments_open: number;
  is_page: number;
  is_sticky: number;
  parent_id?: number | null;
  page_path?: string | null;
};

export async function insertArticle(db: Db, article: ArticleWrite): Promise<number> {
  const row = await db.insertInto("articles").values(article).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Inserts the article unless another one holds its slug (then `undefined`): the unique index
 * decides, so two creates racing for one slug never both get it and never fail with an error.
 * On PostgreSQL a concurrent insert of the same slug is waited for before the answer.
 */
export async function insertArticleIfSlugFree(db: Db, article: ArticleWrite): Promise<number | undefined> {
  const row = await db
    .insertInto("articles")
    .values(article)
    .onConflict((oc) => oc.column("slug").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id;
}

/** Sets a new article's slug without raising its version (the slug is part of its creation). */
export async function setArticleSlug(db: Db, id: number, slug: string): Promise<void> {
  await db.updateTable("articles").set({ slug }).where("id", "=", id).execute();
}

/** Writes the named columns and raises the article's version. */
export async function updateArticle(db: Db, id: number, changes: Partial<ArticleWrite>): Promise<void> {
  await db
    .updateTable("articles")
    .set({ ...changes, version: sql<number>`version + 1` })
    .where("id", "=", id)
    .execute();
}

export async function deleteArticle(db: Db, id: number): Promise<void> {
  await db.deleteFrom("articles").where("id", "=", id).execute();
}

/** Flips scheduled articles whose time has come to published; returns their ids. */
export async function publishDueArticles(db: Db, now: string): Promise<number[]> {
  const rows = await db
    .updateTable("articles")
    .set({ status: "published", updated_at: now, version: sql<number>`version + 1` })
    .where("status", "=", "scheduled")
    .where("published_at", "<=", now)
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

const categoriesOfArticles = reusableQuery((db, params: { articleIds: number[] }) =>
  db
    .selectFrom("article_categories")
    .innerJoin("categories", "categories.id", "article_categories.category_id")
    .select(["article_categories.article_id", "categories.id", "categories.name", "categories.slug"])
    .where("article_categories.article_id", "in", params.articleIds)
    .orderBy("categories.name"),
);

/** Categories of many articles in one query (no N+1). */
export async function listCategoriesOfArticles(db: Db, articleIds: number[]) {
  if (articleIds.length === 0) return [];
  return categoriesOfArticles(db, { articleIds });
}

const tagsOfArticles = reusableQuery((db, params: { articleIds: number[] }) =>
  db
    .selectFrom("article_tags")
    .innerJoin("tags", "tags.id", "article_tags.tag_id")
    .select(["article_tags.article_id", "tags.id", "tags.name", "tags.slug"])
    .where("article_tags.article_id", "in", params.articleIds)
    .orderBy("tags.name"),
);

/** Tags of many articles in one query. */
export async function listTagsOfArticles(db: Db, articleIds: number[]) {
  if (articleIds.length === 0) return [];
  return tagsOfArticles(db, { articleIds });
}

const sourcesOfArticles = reusableQuery((db, params: { articleIds: number[] }) =>
  db
    .selectFrom("article_sources")
    .select(["article_id", "id", "position", "url", "name", "original_author", "original_published_at"])
    .where("article_id", "in", params.articleIds)
    .orderBy("article_id")
    .orderBy("position"),
);

/** Source links of many articles in one query, in their order. */
export async function listSourcesOfArticles(db: Db, articleIds: number[]) {
  if (articleIds.length === 0) return [];
  return sourcesOfArticles(db, { articleIds });
}

export async function replaceArticleCategories(
  db: Db,
  articleId: number,
  categoryIds: number[],
): Promise<void> {
  await db.deleteFrom("article_categories").where("article_id", "=", articleId).execute();
  if (categoryIds.length)
    await db
      .insertInto("article_categories")
      .values(categoryIds.map((category_id) => ({ article_id: articleId, category_id })))
      .execute();
}

export async function replaceArticleTags(db: Db, articleId: number, tagIds: number[]): Promise<void> {
  await db.deleteFrom("article_tags").where("article_id", "=", articleId).execute();
  if (tagIds.length)
    await db
      .insertInto("article_tags")
      .values(tagIds.map((tag_id) => ({ article_id: articleId, tag_id })))
      .execute();
}

export interface SourceLinkWrite {
  url: string;
  name: string;
  original_author: string | null;
  original_published_at: string | null;
}

export async function replaceArticleSources(
  db: Db,
  articleId: number,
  sources: SourceLinkWrite[],
): Promise<void> {
  await db.deleteFrom("article_sources").where("article_id", "=", articleId).execute();
  if (sources.length)
    await db
      .insertInto("article_sources")
      .values(sources.map((s, position) => ({ ...s, article_id: articleId, position })))
      .execute();
}

/** Appends source links after the existing ones (more coverage of a published story). */
export async function appendArticleSources(
  db: Db,
  articleId: number,
  sources: SourceLinkWrite[],
): Promise<void> {
  if (sources.length === 0) return;
  const last = await db
    .selectFrom("article_sources")
    .select((eb) => eb.fn.max("position").as("max"))
    .where("article_id", "=", articleId)
    .executeTakeFirst();
  const start = last?.max === null || last?.max === undefined ? 0 : Number(last.max) + 1;
  await db
    .insertInto("article_sources")
    .values(sources.map((s, i) => ({ ...s, article_id: articleId, position: start + i })))
    .execute();
}

// ── categories and tags ────────────────────────────────────────────────────

export async function listCategories(db: Db) {
  return db
    .selectFrom("categories")
    .select(["id", "name", "slug", "description", "parent_id", "nav_position", "created_at"])
    .orderBy("name")
    .limit(1000)
    .execute();
}

/** Published-story counts per category (one grouped query). */
export async function countPublishedPerCategory(db: Db) {
  const rows = await db
    .selectFrom("article_categories")
    .innerJoin("articles", "articles.id", "article_categories.article_id")
    .select(["article_categories.category_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("articles.status", "=", "published")
    .groupBy("article_categories.category_id")
    .execute();
  return new Map(rows.map((r) => [r.category_id, toCount(r.n)]));
}

const categoryBySlug = reusableQuery((db, params: { slug: string }) =>
  db
    .selectFrom("categories")
    .select(["id", "name", "slug", "description", "parent_id", "nav_position"])
    .where("slug", "=", params.slug),
);

export async function getCategoryBySlug(db: Db, slug: string) {
  const [category] = await categoryBySlug(db, { slug });
  return category;
}

export async function getCategoryById(db: Db, id: number) {
  return db
    .selectFrom("categories")
    .select(["id", "name", "slug", "description", "parent_id", "nav_position"])
    .where("id", "=", id)
    .executeTakeFirst();
}

/** Categories whose lowercased name is one of `names`. */
export async function listCategoriesByNames(db: Db, lowerNames: string[]) {
  if (lowerNames.length === 0) return [];
  return db
    .selectFrom("categories")
    .select(["id", "name", "slug"])
    .where((eb) => eb(eb.fn("lower", ["name"]), "in", lowerNames))
    .execute();
}

/** A new category's row. */
interface NewCategory {
  name: string;
  slug: string;
  description: string;
  parent_id: number | null;
  nav_position: number | null;
  created_at: string;
}

/**
 * Inserts a category or tag unless its slug is taken (then `undefined`); see insertArticleIfSlugFree.
 * Categories add their description, parent and navigation place to the name, slug and time.
 */
export async function insertTermIfSlugFree<T extends "categories" | "tags">(
  db: Db,
  table: T,
  term: T extends "categories" ? NewCategory : { name: string; slug: string; created_at: string },
): Promise<{ id: number; name: string; slug: string } | undefined> {
  return (
    db
      .insertInto(table as "tags")
      .values(term)
      // biome-ignore lint/suspicious/noExplicitAny: both tables have a unique slug; Kysely cannot see that through the union
      .onConflict((oc: any) => oc.column("slug").doNothing())
      .returning(["id", "name", "slug"])
      .executeTakeFirst()
  );
}

export async function updateCategory(
  db: Db,
  id: number,
  changes: Partial<{
    name: string;
    slug: string;
    description: string;
    parent_id: number | null;
    nav_position: number | null;
  }>,
): Promise<void> {
  await db.updateTable("categories").set(changes).where("id", "=", id).execute();
}

export async function deleteCategory(db: Db, id: number): Promise<void> {
  await db.deleteFrom("categories").where("id", "=", id).execute();
}

export async function listTags(db: Db, limit = 1000) {
  return db
    .selectFrom("tags")
    .select(["id", "name", "slug", "created_at"])
    .orderBy("name")
    .limit(limit)
    .execute();
}

const tagBySlug = reusableQuery((db, params: { slug: string }) =>
  db.selectFrom("tags").select(["id", "name", "slug"]).where("slug", "=", params.slug),
);

export async function getTagBySlug(db: Db, slug: string) {
  const [tag] = await tagBySlug(db, { slug });
  return tag;
}

export async function listTagsByNames(db: Db, lowerNames: string[]) {
  if (lowerNames.length === 0) return [];
  return db
    .selectFrom("tags")
    .select(["id", "name", "slug"])
    .where((eb) => eb(eb.fn("lower", ["name"]), "in", lowerNames))
    .execute();
}

export async function updateTag(
  db: Db,
  id: number,
  changes: Partial<{ name: string; slug: string }>,
): Promise<void> {
  await db.updateTable("tags").set(changes).where("id", "=", id).execute();
}

export async function deleteTag(db: Db, id: number): Promise<void> {
  await db.deleteFrom("tags").where("id", "=", id).execute();
}

export async function isCategorySlugTaken(db: Db, slug: string): Promise<boolean> {
  return (
    (await db.selectFrom("categories").select("id").where("slug", "=", slug).executeTakeFirst()) !== undefined
  );
}

export async function isTagSlugTaken(db: Db, slug: string): Promise<boolean> {
  return (await db.selectFrom("tags").select("id").where("slug", "=", slug).executeTakeFirst()) !== undefined;
}

// ── authors and media of many articles ─────────────────────────────────────

const authorsByIds = reusableQuery((db, params: { ids: number[] }) =>
  db.selectFrom("users").select(["id", "name", "slug", "bio"]).where("id", "in", params.ids),
);

export async function listAuthorsByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return authorsByIds(db, { ids });
}

const mediaByIds = reusableQuery((db, params: { ids: number[] }) =>
  db
    .selectFrom("media")
    .select([
      "id",
      "file_name",
      "mime_type",
      "width",
      "height",
      "alt",
      "caption",
      "credit",
      "variant_hash",
      "source_url",
    ])
    .where("id", "in", params.ids),
);

export async function listMediaByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return mediaByIds(db, { ids });
}

/** A story's lead image as the story's checks need it (its alt text), or undefined for no such image. */
export async function getLeadImage(db: Db, id: number) {
  return db.selectFrom("media").select(["alt"]).where("id", "=", id).executeTakeFirst();
}

export async function listRecentMedia(db: Db, limit: number) {
  return db
    .selectFrom("media")
    .select([
      "id",
      "file_name",
      "original_name",
      "mime_type",
      "width",
      "height",
      "alt",
      "source_url",
      "created_at",
    ])
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
}

// ── reader pages in one statement: a page's rows with what each story shows ─

/** The rows an article page shows, and what its stories show when the same statement read it. */
export interface ArticlePageRows {
  article: ArticleRow & { published_at: string };
  /**
   * Published stories sharing a tag with the article, newest first, then those sharing a category;
   * undefined when they are to be picked by the caller from the newest stories of the article's
   * tags and categories (`extras` then holds the article's).
   */
  related: ArticleSummaryRow[] | undefined;
  previous: ArticleSummaryRow | undefined;
  next: ArticleSummaryRow | undefined;
  /** What each story shows, per story id (related stories left to the caller excepted). */
  extras: Map<number, StoryExtras>;
  /** The story's corrections, oldest first. */
  corrections: CorrectionRow[];
  /** Its approved comments, oldest first. */
  comments: PublicCommentRow[];
}

/**
 * The published article at `slug` with the stories just before and after it, every story's terms,
 * sources, author, image and comment count, its corrections and approved comments, in one
 * statement; or undefined for a missing, unpublished or trashed slug. PostgreSQL's statement also
 * reads the related stories; SQLite leaves them to the caller, who keeps each tag's and category's
 * newest stories between pages (one function call away, SQLite gains nothing by folding them in).
 */
export async function getArticlePageRows(
  db: Db,
  slug: string,
  relatedLimit: number,
): Promise<ArticlePageRows | undefined> {
  return readerPageBodies[dialectOf(db)].articlePage(db, slug, relatedLimit);
}

/** `summaryColumns` of a table alias, as raw SQL. */
function summaryColumnsOf(alias: string) {
  return sql.raw(summaryColumns.map((column) => column.replace("articles.", `${alias}.`)).join(", "));
}

/** The published stories (not pages) of the reader lists, for a table alias. */
function isListedStory(alias: string) {
  return sql.raw(`${alias}.status = 'published' and ${alias}.is_page = 0`);
}

/**
 * What a reader page's statement returns per story: which list it belongs to, its row, its extras
 * (and for the article page's own story, its corrections).
 */
type PartRow = ArticleRow & {
  part: number;
  extras: unknown;
  corrections?: CorrectionRow[] | null;
  comments?: unknown;
};

/** Splits a page statement's rows into story rows (without the part, extras and, unless asked, body). */
function splitParts(rows: PartRow[]) {
  const parts = new Map<number, ArticleSummaryRow[]>();
  const extras = new Map<number, StoryExtras>();
  const bodies = new Map<number, { body: string; body_html: string; version: number }>();
  const corrections = new Map<number, CorrectionRow[]>();
  const comments = new Map<number, PublicCommentRow[]>();
  for (const {
    part,
    extras: json,
    body,
    body_html,
    version,
    corrections: held,
    comments: thread,
    ...row
  } of rows) {
    const list = parts.get(part);
    if (list) list.push(row);
    else parts.set(part, [row]);
    if (!extras.has(row.id)) extras.set(row.id, toStoryExtras(json));
    if (body !== null && body_html !== null) bodies.set(row.id, { body, body_html, version });
    if (held) corrections.set(row.id, parsedJson(held) as CorrectionRow[]);
    if (thread) comments.set(row.id, toPublicCommentRows(thread));
  }
  return { parts, extras, bodies, corrections, comments };
}

const ARTICLE = 0;
const RELATED = 1;
const OLDER = 2;
const NEWER = 3;

/**
 * What an article page's statement reads per part (`parts p`, the story `s`): the story's row and
 * what it shows, and for the article itself its body, corrections and approved comments.
 */
function articlePageColumns(dialect: DialectName) {
  const { list, object } = JSON_FUNCTIONS[dialect];
  const article = `p.part = ${ARTICLE}`;
  return sql`p.part, ${summaryColumnsOf("s")},
      ${sql.raw(`case when ${article} then s.body end as body,
      case when ${article} then s.body_html end as body_html,
      case when ${article} then s.version end as version,
      case when ${article} then (
        select ${list(object("'id', c.id, 'text', c.text, 'created_at', c.created_at"), "c.created_at, c.id")}
        from (select id, text, created_at from article_corrections where article_id = s.id
          order by created_at, id limit ${MAX_CORRECTIONS_SHOWN}) c
      ) end as corrections,`)}
      case when ${sql.raw(article)} then ${approvedThread(dialect, "s")} end as comments,
      ${storyExtras(dialect, "s")} as extras`;
}

/** The article page's statement on PostgreSQL (see `getArticlePageRows`); exported for the SQL snapshot test. */
export function articlePagePostgresQuery(params: { slug: string; relatedLimit: number }) {
  const limit = sql.lit(params.relatedLimit);
  const listed = isListedStory("r");
  // Each list is a lateral subquery of the article, so its values bound the index scans: related
  // stories walk the published-date index from the newest and stop at `limit` matches (and do not
  // walk at all for an article without tags or categories), and the neighbours start at the
  // article's own date.
  return sql<PartRow>`
    with page_article as (
      select a.*,
        array(select tag_id from article_tags where article_id = a.id) as tag_ids,
        array(select category_id from article_categories where article_id = a.id) as category_ids
      from articles a
      where a.slug = ${params.slug} and a.status = 'published' and a.published_at is not null
    ),
    sharing_tag as (
      select r.id, row_number() over () as ord from page_article a cross join lateral (
        select r.id from articles r
        where cardinality(a.tag_ids) > 0 and ${listed} and r.id <> a.id
          and exists (select 1 from article_tags rt where rt.article_id = r.id and rt.tag_id = any(a.tag_ids))
        order by r.published_at desc, r.id desc limit ${limit}) r
    ),
    sharing_category as (
      select r.id, ${limit} + row_number() over () as ord from page_article a cross join lateral (
        select r.id from articles r
        where cardinality(a.category_ids) > 0 and ${listed} and r.id <> a.id
          and r.id not in (select id from sharing_tag)
          and exists (select 1 from article_categories rc
            where rc.article_id = r.id and rc.category_id = any(a.category_ids))
        order by r.published_at desc, r.id desc limit ${limit}) r
      where (select count(*) from sharing_tag) < ${limit}
    ),
    older as (
      select r.id from page_article a cross join lateral (
        select r.id from articles r
        where ${listed} and r.id <> a.id and r.published_at <= a.published_at
          and (r.published_at < a.published_at or (r.published_at = a.published_at and r.id < a.id))
        order by r.published_at desc, r.id desc limit 1) r
    ),
    newer as (
      select r.id from page_article a cross join lateral (
        select r.id from articles r
        where ${listed} and r.id <> a.id and r.published_at >= a.published_at
          and (r.published_at > a.published_at or (r.published_at = a.published_at and r.id > a.id))
        order by r.published_at asc, r.id asc limit 1) r
    ),
    parts as (
      select ${sql.lit(ARTICLE)} as part, 0::bigint as ord, id from page_article
      union all select ${sql.lit(RELATED)}, ord, id from (
        select ord, id from sharing_tag union all select ord, id from sharing_category
        order by ord limit ${limit}) related
      union all select ${sql.lit(OLDER)}, 0, id from older
      union all select ${sql.lit(NEWER)}, 0, id from newer
    )
    select ${articlePageColumns("postgres")}
    from parts p join articles s on s.id = p.id
    order by p.part, p.ord`;
}

const articlePagePostgresStatement = reusableQuery(
  (_db, params: { slug: string; relatedLimit: number }) => articlePagePostgresQuery(params),
  { literals: ["relatedLimit"] },
);

async function articlePagePostgres(
  db: Db,
  slug: string,
  relatedLimit: number,
): Promise<ArticlePageRows | undefined> {
  const split = splitParts(await articlePagePostgresStatement(db, { slug, relatedLimit }));
  return articlePageOf(split, split.parts.get(RELATED) ?? []);
}

/** An article page statement's rows as the page reads them; undefined when the article is not published. */
function articlePageOf(
  { parts, extras, bodies, corrections, comments }: ReturnType<typeof splitParts>,
  related: ArticleSummaryRow[] | undefined,
): ArticlePageRows | undefined {
  const [row] = parts.get(ARTICLE) ?? [];
  const body = row && bodies.get(row.id);
  if (!row?.published_at || !body) return undefined;
  return {
    article: { ...row, ...body, published_at: row.published_at },
    related,
    previous: parts.get(OLDER)?.[0],
    next: parts.get(NEWER)?.[0],
    extras,
    corrections: corrections.get(row.id) ?? [],
    comments: comments.get(row.id) ?? [],
  };
}

/**
 * The article page's statement on SQLite (see `getArticlePageRows`); exported for the SQL snapshot
 * test. PostgreSQL's without the related stories, its neighbours found by subqueries of the
 * article (SQLite has no lateral joins) and its JSON columns made by SQLite's functions.
 */
export function articlePageSqliteQuery(params: { slug: string }) {
  const listed = isListedStory("r");
  return sql<PartRow>`
    with page_article as (
      select a.id, a.published_at from articles a
      where a.slug = ${params.slug} and a.status = 'published' and a.published_at is not null
    ),
    parts as (
      select ${sql.lit(ARTICLE)} as part, id from page_article
      union all select ${sql.lit(OLDER)}, (
        select r.id from articles r
        where ${listed} and r.id <> a.id and r.published_at <= a.published_at
          and (r.published_at < a.published_at or (r.published_at = a.published_at and r.id < a.id))
        order by r.published_at desc, r.id desc limit 1) from page_article a
      union all select ${sql.lit(NEWER)}, (
        select r.id from articles r
        where ${listed} and r.id <> a.id and r.published_at >= a.published_at
          and (r.published_at > a.published_at or (r.published_at = a.published_at and r.id > a.id))
        order by r.published_at asc, r.id asc limit 1) from page_article a
    )
    select ${articlePageColumns("sqlite")}
    from parts p join articles s on s.id = p.id
    order by p.part`;
}

const articlePageSqliteStatement = reusableQuery((_db, params: { slug: string }) =>
  articlePageSqliteQuery(params),
);

async function articlePageSqlite(db: Db, slug: string): Promise<ArticlePageRows | undefined> {
  return articlePageOf(splitParts(await articlePageSqliteStatement(db, { slug })), undefined);
}

/** The rows the first front page shows: its listing page, the lead candidate and each section's stories. */
export interface FrontPageRows {
  /** The newest stories but the pinned ones. */
  rows: ArticleSummaryRow[];
  /** The newest sticky story not pinned, the lead when no lead is pinned. */
  sticky: ArticleSummaryRow | undefined;
  /** The pinned stories still published, in the order asked. */
  pinned: ArticleSummaryRow[];
  /** Per section category, in order: its newest stories but the lead and the top stories. */
  sections: ArticleSummaryRow[][];
  extras: Map<number, StoryExtras> | undefined;
}

export interface FrontPageRequest {
  limit: number;
  /** The editors' pinned stories (lead first when one is chosen, then the top stories). */
  pinnedIds: number[];
  sectionCategoryIds: number[];
  sectionSize: number;
}

/**
 * The first front page's rows: the pinned stories, the newest others, the newest sticky one, and
 * for each section category its newest stories except all of those (page 1 shows each story
 * once). One statement on PostgreSQL, with what each story shows.
 */
export async function getFrontPageRows(db: Db, request: FrontPageRequest): Promise<FrontPageRows> {
  return readerPageBodies[dialectOf(db)].frontPage(db, request);
}

async function frontPageSqlite(db: Db, request: FrontPageRequest): Promise<FrontPageRows> {
  const pinnedIds = request.pinnedIds;
  const [rows, [sticky], pinnedRows] = await Promise.all([
    listPublishedArticles(db, { excludeIds: pinnedIds }, { limit: request.limit, offset: 0 }),
    listPublishedArticles(db, { excludeIds: pinnedIds, stickyOnly: true }, { limit: 1, offset: 0 }),
    pinnedIds.length
      ? listPublishedArticles(db, { onlyIds: pinnedIds }, { limit: pinnedIds.length, offset: 0 })
      : Promise.resolve([]),
  ]);
  const pinned = pinnedIds.flatMap((id) => pinnedRows.filter((row) => row.id === id));
  const shownIds = [...pinned, ...rows, ...(sticky ? [sticky] : [])].map((row) => row.id);
  const sections = await Promise.all(
    request.sectionCategoryIds.map((categoryId) =>
      listPublishedArticles(
        db,
        { categoryId, excludeIds: shownIds },
        { limit: request.sectionSize, offset: 0 },
      ),
    ),
  );
  return { rows, sticky, pinned, sections, extras: undefined };
}

const LISTED = 0;
const STICKY = 1;
const PINNED = 2;
/** Section n's stories come as part SECTIONS + n. */
const SECTIONS = 3;

/** The first front page's statement on PostgreSQL (see `getFrontPageRows`); exported for the SQL snapshot test. */
export function frontPagePostgresQuery(params: {
  limit: number;
  sectionSize: number;
  /** Pinned story ids in order, comma-separated ("" for none). */
  pinnedIds: string;
  /** Section category ids, comma-separated: one statement for any number of sections. */
  sectionCategoryIds: string;
}) {
  const listed = isListedStory("r");
  const newestFirst = sql.raw("order by r.published_at desc, r.id desc");
  return sql<PartRow>`
    with pinned as (
      select r.id, p.ord from unnest(string_to_array(${params.pinnedIds}, ',')::int[]) with ordinality as p(id, ord)
      join articles r on r.id = p.id where ${listed}
    ),
    listed as (
      select r.id, row_number() over (${newestFirst}) as ord from articles r
      where ${listed} and r.id not in (select id from pinned) ${newestFirst} limit ${sql.lit(params.limit)}
    ),
    sticky as (
      select r.id from articles r
      where ${listed} and r.is_sticky = 1 and r.id not in (select id from pinned) ${newestFirst} limit 1
    ),
    shown as (
      select id from pinned union all select id from listed union all select id from sticky
    ),
    sections as (
      select section.ord, r.id, r.n
      from unnest(string_to_array(${params.sectionCategoryIds}, ',')::int[]) with ordinality as section(category_id, ord)
      cross join lateral (
        select r.id, row_number() over (${newestFirst}) as n from articles r
        where ${listed} and r.id not in (select id from shown)
          and exists (select 1 from article_categories rc
            where rc.article_id = r.id and rc.category_id = section.category_id)
        ${newestFirst} limit ${sql.lit(params.sectionSize)}) r
    ),
    parts as (
      select ${sql.lit(LISTED)}::bigint as part, ord, id from listed
      union all select ${sql.lit(STICKY)}, 0, id from sticky
      union all select ${sql.lit(PINNED)}, ord, id from pinned
      union all select ${sql.lit(SECTIONS)} + ord, n, id from sections
    )
    select p.part, ${summaryColumnsOf("s")}, null as body, null as body_html,
      ${storyExtras("postgres", "s")} as extras
    from parts p join articles s on s.id = p.id
    order by p.part, p.ord`;
}

const frontPagePostgresStatement = reusableQuery(
  (_db, params: Parameters<typeof frontPagePostgresQuery>[0]) => frontPagePostgresQuery(params),
  { literals: ["limit", "sectionSize"] },
);

async function frontPagePostgres(db: Db, request: FrontPageRequest): Promise<FrontPageRows> {
  const { parts, extras } = splitParts(
    await frontPagePostgresStatement(db, {
      limit: request.limit,
      sectionSize: request.sectionSize,
      pinnedIds: request.pinnedIds.join(","),
      sectionCategoryIds: request.sectionCategoryIds.join(","),
    }),
  );
  return {
    rows: parts.get(LISTED) ?? [],
    sticky: parts.get(STICKY)?.[0],
    pinned: parts.get(PINNED) ?? [],
    sections: request.sectionCategoryIds.map((_, i) => parts.get(SECTIONS + i + 1) ?? []),
    extras,
  };
}

interface ReaderPageBody {
  articlePage(db: Db, slug: string, relatedLimit: number): Promise<ArticlePageRows | undefined>;
  frontPage(db: Db, request: FrontPageRequest): Promise<FrontPageRows>;
}

const readerPageBodies: Record<"sqlite" | "postgres", ReaderPageBody> = {
  sqlite: { articlePage: articlePageSqlite, frontPage: frontPageSqlite },
  postgres: { articlePage: articlePagePostgres, frontPage: frontPagePostgres },
};

/** What providers said about these links, as looked up before. */
export async function getEmbedLookups(db: Db, urls: string[]) {
  if (urls.length === 0) return [];
  return db
    .selectFrom("embed_lookups")
    .select(["url", "provider_name", "title", "fetched_at"])
    .where("url", "in", urls)
    .execute();
}

/** Keeps (or refreshes) what a link's provider said; two saves looking up one link at once both succeed. */
export async function saveEmbedLookup(
  db: Db,
  row: { url: string; provider_name: string; title: string; fetched_at: string },
): Promise<void> {
  await db
    .insertInto("embed_lookups")
    .values(row)
    .onConflict((oc) =>
      oc.column("url").doUpdateSet({
        provider_name: row.provider_name,
        title: row.title,
        fetched_at: row.fetched_at,
      }),
    )
    .execute();
}

/**
 * What these stories show besides their rows (see `StoryExtras`), for lists whose rows were read
 * without it (side lists, hydrated stories): on PostgreSQL in one statement, since each statement
 * is a round trip; on SQLite one query per kind, each a function call away.
 */
export async function readStoryExtras(
  db: Db,
  rows: Pick<ArticleSummaryRow, "id" | "author_id" | "featured_media_id">[],
): Promise<Map<number, StoryExtras>> {
  const extras = new Map<number, StoryExtras>();
  if (rows.length === 0) return extras;
  const ids = rows.map((r) => r.id);
  if (dialectOf(db) === "postgres") {
    const { rows: read } = await sql<{ id: number; extras: unknown }>`
      select s.id, ${storyExtras("postgres", "s")} as extras
      from articles s where s.id = any(${ids}::int[])`.execute(db);
    for (const row of read) extras.set(row.id, toStoryExtras(row.extras));
    return extras;
  }
  const [categories, tags, sources, authors, media, commentCounts] = await Promise.all([
    listCategoriesOfArticles(db, ids),
    listTagsOfArticles(db, ids),
    listSourcesOfArticles(db, ids),
    listAuthorsByIds(db, [...new Set(rows.map((r) => r.author_id))]),
    listMediaByIds(db, [...new Set(rows.flatMap((r) => (r.featured_media_id ? [r.featured_media_id] : [])))]),
    countApprovedComments(db, ids),
  ]);
  const authorById = new Map(authors.map((a) => [a.id, a]));
  const mediaById = new Map(media.map((m) => [m.id, m]));
  for (const row of rows)
    extras.set(row.id, {
      categories: [],
      tags: [],
      sources: [],
      author: authorById.get(row.author_id),
      media: row.featured_media_id ? mediaById.get(row.featured_media_id) : undefined,
      comment_count: commentCounts.get(row.id) ?? 0,
    });
  for (const c of categories) extras.get(c.article_id)?.categories.push(c);
  for (const t of tags) extras.get(t.article_id)?.tags.push(t);
  for (const s of sources) extras.get(s.article_id)?.sources.push(s);
  return extras;
}

// ── pages: articles with `is_page`, at their own path ──────────────────────

const pageByPath = reusableQuery((db, params: { path: string }) =>
  db
    .selectFrom("articles")
    .select(fullColumns)
    .where("articles.page_path", "=", params.path)
    .where("articles.is_page", "=", 1),
);

/** The page at `path` (`about/team`), whatever its status, or undefined. */
export async function getPageByPath(db: Db, path: string): Promise<ArticleRow | undefined> {
  const [row] = await pageByPath(db, { path });
  return row;
}

/** True when a page other than `exceptId` holds `path`. */
export async function isPagePathTaken(db: Db, path: string, exceptId?: number): Promise<boolean> {
  const row = await db
    .selectFrom("articles")
    .select("id")
    .where("page_path", "=", path)
    .$if(exceptId !== undefined, (qb) => qb.where("id", "!=", exceptId!))
    .executeTakeFirst();
  return row !== undefined;
}

/** Pages not in the trash, by path: the choices of a page's parent. */
export async function listPageChoices(db: Db, limit: number) {
  return db
    .selectFrom("articles")
    .select(["id", "title", "page_path"])
    .where("is_page", "=", 1)
    .where("status", "!=", "trashed")
    .orderBy("page_path")
    .limit(limit)
    .execute();
}

/** Published pages' paths and last changes, for the sitemap. */
export async function listPublishedPagePaths(db: Db, limit: number) {
  return db
    .selectFrom("articles")
    .select(["page_path", "updated_at"])
    .where("is_page", "=", 1)
    .where("status", "=", "published")
    .where("page_path", "is not", null)
    .orderBy("page_path")
    .limit(limit)
    .execute();
}

/** Makes `parentId` the parent of the parentless pages one level under `path` (imported before it). */
export async function adoptSubpages(db: Db, parentId: number, path: string): Promise<void> {
  await db
    .updateTable("articles")
    .set({ parent_id: parentId })
    .where("is_page", "=", 1)
    .where("parent_id", "is", null)
    .where("page_path", "like", `${path}/%`)
    .where("page_path", "not like", `${path}/%/%`)
    .execute();
}

/** Moves the pages under `from` (`about/…`) to the same place under `to`, in one statement; returns their ids. */
export async function movePagesUnder(db: Db, from: string, to: string): Promise<number[]> {
  const rows = await db
    .updateTable("articles")
    .set({
      page_path: sql<string>`${to} || substr(page_path, ${from.length + 1})`,
      version: sql<number>`version + 1`,
    })
    .where("page_path", "like", `${from}/%`)
    .returning("id")
    .execute();
  return rows.map((row) => row.id);
}

// ── the editors' front page: pinned lead and top stories, breaking banner ──

/** The pinned slots in order (0: the lead), expired ones included (the reader filters them). */
export async function listFrontPageSlots(db: Db) {
  return db
    .selectFrom("front_page_slots")
    .select(["position", "article_id", "expires_at", "updated_at", "updated_by"])
    .orderBy("position")
    .limit(100)
    .execute();
}

/** Replaces every pinned slot (call in a transaction holding the front page's lock). */
export async function replaceFrontPageSlots(
  db: Db,
  slots: {
    position: number;
    article_id: number;
    expires_at: string | null;
    updated_by: number | null;
    updated_at: string;
  }[],
): Promise<void> {
  await db.deleteFrom("front_page_slots").execute();
  if (slots.length) await db.insertInto("front_page_slots").values(slots).execute();
}

export async function getBreakingNews(db: Db) {
  return db
    .selectFrom("breaking_news")
    .select(["text", "url", "expires_at", "updated_at", "updated_by"])
    .where("id", "=", 1)
    .executeTakeFirst();
}

/** Puts up the banner, or takes it down (`undefined`). */
export async function replaceBreakingNews(
  db: Db,
  banner:
    | { text: string; url: string; expires_at: string; updated_by: number | null; updated_at: string }
    | undefined,
): Promise<void> {
  await db.deleteFrom("breaking_news").execute();
  if (banner)
    await db
      .insertInto("breaking_news")
      .values({ id: 1, ...banner })
      .execute();
}

/** Removes pins and the banner whose time is up; returns how many went. */
export async function deleteExpiredFrontPageItems(db: Db, now: string): Promise<number> {
  const slots = await db
    .deleteFrom("front_page_slots")
    .where("expires_at", "<=", now)
    .returning("position")
    .execute();
  const banners = await db
    .deleteFrom("breaking_news")
    .where("expires_at", "<=", now)
    .returning("id")
    .execute();
  return slots.length + banners.length;
}

// ── corrections ───────────────────────────────────────────────────────────

export async function insertCorrection(
  db: Db,
  correction: { article_id: number; text: string; created_by: number | null; created_at: string },
) {
  return db
    .insertInto("article_corrections")
    .values(correction)
    .returning(["id", "article_id", "text", "created_at"])
    .executeTakeFirstOrThrow();
}

/** Sets when a story last changed without raising its version (a correction changes no field an editor holds). */
export async function markArticleUpdated(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable("articles").set({ updated_at: at }).where("id", "=", id).execute();
}

/** A story's corrections, oldest first. */
/** Corrections a story page shows at most. */
const MAX_CORRECTIONS_SHOWN = 100;

const correctionsOfArticle = reusableQuery((db, params: { articleId: number }) =>
  db
    .selectFrom("article_corrections")
    .select(["id", "text", "created_at"])
    .where("article_id", "=", params.articleId)
    .orderBy("created_at")
    .orderBy("id")
    .limit(sql.lit(MAX_CORRECTIONS_SHOWN)),
);

/** A correction as a story page shows it. */
export type CorrectionRow = Awaited<ReturnType<typeof correctionsOfArticle>>[number];

/** A story's corrections, oldest first (read for every uncached story page). */
export async function listCorrectionsOfArticle(db: Db, articleId: number) {
  return correctionsOfArticle(db, { articleId });
}

function publishedCorrections(db: Db) {
  return db
    .selectFrom("article_corrections")
    .innerJoin("articles", "articles.id", "article_corrections.article_id")
    .where("articles.status", "=", "published");
}

/** Corrections to published stories, newest first, with each story's row. */
export async function listPublishedCorrections(db: Db, page: { limit: number; offset: number }) {
  return publishedCorrections(db)
    .select([
      "article_corrections.id as correction_id",
      "article_corrections.text as correction_text",
      "article_corrections.created_at as corrected_at",
      ...summaryColumns,
    ])
    .orderBy("article_corrections.created_at", "desc")
    .orderBy("article_corrections.id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countPublishedCorrections(db: Db): Promise<number> {
  const row = await publishedCorrections(db)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return toCount(row?.n);
}

/** Id, title, address and status of the pages among `ids` (stories' ids are left out). */
export async function listPagesByIds(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom("articles")
    .select(["id", "title", "page_path", "status"])
    .where("is_page", "=", 1)
    .where("id", "in", ids)
    .limit(ids.length)
    .execute();
}
