import { sql } from "kysely";
import type { Db } from "../db/database.js";
import { toCount, utcYearMonth } from "../db/dialect.js";

/**
 * Read-only queries for feeds and sitemaps: narrow columns over published articles, so a sitemap
 * of 50,000 URLs is one indexed scan and never a hydrated article list.
 */

/** Bodies of a few articles (full-text feeds). */
export async function listArticleBodies(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom("articles").select(["id", "body_html"]).where("id", "in", ids).execute();
}

/** Type and size of featured images (RSS enclosures need both). */
export async function listMediaFiles(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom("media").select(["id", "mime_type", "byte_size"]).where("id", "in", ids).execute();
}

export interface MonthCount {
  /** `YYYY-MM` in UTC. */
  month: string;
  count: number;
  lastmod: string;
}

/** Published articles per UTC month, with the latest change in each. */
export async function listPublishedMonths(db: Db): Promise<MonthCount[]> {
  const month = utcYearMonth(db, sql.ref<string | null>("articles.published_at"));
  const rows = await db
    .selectFrom("articles")
    .select([
      month.as("month"),
      (eb) => eb.fn.countAll<number>().as("n"),
      (eb) => eb.fn.max("articles.updated_at").as("lastmod"),
    ])
    .where("articles.status", "=", "published")
    .where("articles.published_at", "is not", null)
    .groupBy(month)
    .orderBy(month, "desc")
    .execute();
  return rows.map((r) => ({ month: String(r.month), count: toCount(r.n), lastmod: String(r.lastmod) }));
}

/** One slice of a month's published articles, oldest first (stable pages for split sitemaps). */
export async function listPublishedArticleUrls(
  db: Db,
  range: { from: string; until: string },
  page: { limit: number; offset: number },
) {
  return db
    .selectFrom("articles")
    .select(["slug", "published_at", "updated_at", "page_path"])
    .where("status", "=", "published")
    .where("published_at", ">=", range.from)
    .where("published_at", "<", range.until)
    .orderBy("published_at")
    .orderBy("id")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export interface TermUrlRow {
  slug: string;
  lastmod: string;
}

/** Categories with at least one published article, with their latest change. */
export async function listCategoriesWithArticles(db: Db, page: { limit: number; offset: number }) {
  const rows = await db
    .selectFrom("categories")
    .innerJoin("article_categories", "article_categories.category_id", "categories.id")
    .innerJoin("articles", "articles.id", "article_categories.article_id")
    .select(["categories.slug", (eb) => eb.fn.max("articles.updated_at").as("lastmod")])
    .where("articles.status", "=", "published")
    .groupBy(["categories.id", "categories.slug"])
    .orderBy("categories.slug")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({ slug: r.slug, lastmod: String(r.lastmod) }));
}

/** Tags with at least one published article, with their latest change. */
export async function listTagsWithArticles(db: Db, page: { limit: number; offset: number }) {
  const rows = await db
    .selectFrom("tags")
    .innerJoin("article_tags", "article_tags.tag_id", "tags.id")
    .innerJoin("articles", "articles.id", "article_tags.article_id")
    .select(["tags.slug", (eb) => eb.fn.max("articles.updated_at").as("lastmod")])
    .where("articles.status", "=", "published")
    .groupBy(["tags.id", "tags.slug"])
    .orderBy("tags.slug")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({ slug: r.slug, lastmod: String(r.lastmod) }));
}

/** Authors with at least one published article, with their latest change. */
export async function listAuthorsWithArticles(db: Db, page: { limit: number; offset: number }) {
  const rows = await db
    .selectFrom("users")
    .innerJoin("articles", "articles.author_id", "users.id")
    .select(["users.slug", (eb) => eb.fn.max("articles.updated_at").as("lastmod")])
    .where("articles.status", "=", "published")
    .groupBy(["users.id", "users.slug"])
    .orderBy("users.slug")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({ slug: r.slug, lastmod: String(r.lastmod) }));
}

export interface TermCount {
  count: number;
  lastmod: string | null;
}

function termCount(row: { n: string | number | bigint; lastmod: unknown } | undefined): TermCount {
  return { count: toCount(row?.n), lastmod: row?.lastmod ? String(row.lastmod) : null };
}

/** How many categories, tags and authors have published articles, with the latest change of each kind. */
export async function countTermsWithArticles(
  db: Db,
): Promise<{ categories: TermCount; tags: TermCount; authors: TermCount }> {
  const [categories, tags, authors] = await Promise.all([
    db
      .selectFrom("article_categories")
      .innerJoin("articles", "articles.id", "article_categories.article_id")
      .select((eb) => [
        eb.fn.count<number>("article_categories.category_id").distinct().as("n"),
        eb.fn.max("articles.updated_at").as("lastmod"),
      ])
      .where("articles.status", "=", "published")
      .executeTakeFirst(),
    db
      .selectFrom("article_tags")
      .innerJoin("articles", "articles.id", "article_tags.article_id")
      .select((eb) => [
        eb.fn.count<number>("article_tags.tag_id").distinct().as("n"),
        eb.fn.max("articles.updated_at").as("lastmod"),
      ])
      .where("articles.status", "=", "published")
      .executeTakeFirst(),
    db
      .selectFrom("articles")
      .select((eb) => [
        eb.fn.count<number>("articles.author_id").distinct().as("n"),
        eb.fn.max("articles.updated_at").as("lastmod"),
      ])
      .where("articles.status", "=", "published")
      .executeTakeFirst(),
  ]);
  return { categories: termCount(categories), tags: termCount(tags), authors: termCount(authors) };
}

/** Stories published since `since` (Google News sitemap), newest first. */
export async function listRecentlyPublished(db: Db, since: string, limit: number) {
  return db
    .selectFrom("articles")
    .select(["slug", "title", "published_at", "updated_at"])
    .where("status", "=", "published")
    .where("is_page", "=", 0)
    .where("published_at", ">=", since)
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** The latest change among published articles (Last-Modified of the sitemap index). */
export async function getLatestPublishedUpdate(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom("articles")
    .select((eb) => eb.fn.max("updated_at").as("lastmod"))
    .where("status", "=", "published")
    .executeTakeFirst();
  return row?.lastmod ? String(row.lastmod) : null;
}
