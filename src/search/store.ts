import { type RawBuilder, sql } from "kysely";
import type { Db } from "../db/database.js";
import { dialectOf, toCount } from "../db/dialect.js";
import type { ArticleSummaryRow } from "../db/schema.js";
import { foldedWords, foldingTranslation } from "../db/search-text.js";
import { type StoryExtras, storyExtras, toStoryExtras } from "../db/story-extras.js";
import { HIGHLIGHT_MARKERS } from "./highlight.js";
import { type ParsedQuery, toFts5Match, toTsquery, wantedWords } from "./query.js";

/**
 * The full-text index: table `article_search`, one row per article. SQLite keeps it in an FTS5
 * virtual table (rowid = article id); PostgreSQL in a plain table with a weighted tsvector and a
 * GIN index. Status is not indexed: it is read from `articles` at query time, so publishing,
 * scheduling and trashing never leave the index stale.
 */

/** What the index holds for one article: original text (for snippets), searched with title > excerpt > body. */
export interface SearchDocument {
  articleId: number;
  title: string;
  excerpt: string;
  body: string;
}

export interface ArticleTextRow {
  id: number;
  title: string;
  excerpt: string;
  body_html: string;
}

export interface SearchFilter {
  /** `published` for readers; `any` for the newsroom (drafts, scheduled and trash too). */
  visibility: "published" | "any";
  categoryId?: number;
  /** Inclusive lower and exclusive upper bound on published_at. */
  from?: string;
  until?: string;
  /** Match titles only (as-you-type suggestions). */
  titleOnly?: boolean;
  sort: "relevance" | "newest";
  limit: number;
  offset: number;
  /** Count all matches (result pages); suggestions and id lists skip it. Default true. */
  withTotal?: boolean;
}

export interface SearchHitPage {
  /** Matching articles in all pages, counted up to MAX_COUNTED_MATCHES + 1. */
  total: number;
  /** This page's article ids, best first. */
  ids: number[];
}

/**
 * An article row as list pages use it, with the database's highlighting of the matched words, and
 * on PostgreSQL what the story shows besides (read in the same statement).
 */
export type HighlightedArticleRow = ArticleSummaryRow & {
  title_marked: string | null;
  excerpt_marked: string | null;
  body_marked: string | null;
  extras?: StoryExtras;
};

/** bm25 weights of the title, excerpt and body columns: a title hit outranks a body hit. */
const BM25_WEIGHTS = sql.raw("10.0, 4.0, 1.0");
const SNIPPET_TOKENS = 32;
/**
 * Relevance is computed among the newest this-many matches (by article id): enough for any
 * specific query, and it bounds the cost of a word found in every story. A news reader asking
 * for "election" wants this year's best match, not 2009's.
 */
export const RANKED_CANDIDATES = 5000;
/** Matches counted at most; a count above it reads "more than 10,000" (counting every story costs). */
export const MAX_COUNTED_MATCHES = 10_000;

const articleColumns = sql.raw(
  [
    "id",
    "title",
    "slug",
    "excerpt",
    "status",
    "published_at",
    "created_at",
    "updated_at",
    "author_id",
    "featured_media_id",
    "comments_open",
    "is_page",
    "is_sticky",
  ]
    .map((c) => `articles.${c}`)
    .join(", "),
);

/** The filters both dialects share, as `and …` clauses on `articles`. */
function articleFilters(filter: SearchFilter): RawBuilder<unknown> {
  const clauses: RawBuilder<unknown>[] = [];
  if (filter.visibility === "published") clauses.push(sql`and articles.status = 'published'`);
  if (filter.categoryId !== undefined)
    clauses.push(
      sql`and exists (select 1 from article_categories where article_categories.article_id = articles.id and article_categories.category_id = ${filter.categoryId})`,
    );
  if (filter.from !== undefined) clauses.push(sql`and articles.published_at >= ${filter.from}`);
  if (filter.until !== undefined) clauses.push(sql`and articles.published_at < ${filter.until}`);
  return sql.join(clauses, sql` `);
}

// ── SQLite (FTS5) ───────────────────────────────────────────────────────────

/** The page-of-ids query on SQLite; exported for the SQL snapshot test. */
export function searchSqliteQuery(query: ParsedQuery, filter: SearchFilter) {
  const match = toFts5Match(query, { titleOnly: filter.titleOnly });
  // The covering index spares reading each matched article's row (its status sits after the body).
  const matches = sql`article_search
      join articles indexed by articles_search_filter_idx on articles.id = article_search.rowid
      where article_search match ${match} ${articleFilters(filter)}`;
  if (filter.sort === "newest")
    return sql<{ id: number }>`
      select articles.id as id from ${matches}
      order by articles.published_at desc, articles.id desc
      limit ${filter.limit} offset ${filter.offset}`;
  // bm25 is computed for the newest RANKED_CANDIDATES matches only: FTS5 walks the index newest
  // id first and stops there, so a word in every story costs the same as a word in 5,000.
  return sql<{ id: number }>`
    with candidates as materialized (
      select articles.id as id, articles.published_at as published_at,
        bm25(article_search, ${BM25_WEIGHTS}) as score
      from ${matches}
      order by article_search.rowid desc
      limit ${RANKED_CANDIDATES}
    )
    select id from candidates
    order by score, published_at desc, id desc
    limit ${filter.limit} offset ${filter.offset}`;
}

/** A page of matches on SQLite, ranked by bm25 over title, excerpt and body (or newest first). */
export async function searchSqlite(db: Db, query: ParsedQuery, filter: SearchFilter): Promise<SearchHitPage> {
  const [{ rows }, total] = await Promise.all([
    searchSqliteQuery(query, filter).execute(db),
    filter.withTotal === false ? undefined : countSqlite(db, query, filter),
  ]);
  return { total: total ?? rows.length, ids: rows.map((r) => r.id) };
}

async function countSqlite(db: Db, query: ParsedQuery, filter: SearchFilter): Promise<number> {
  const match = toFts5Match(query, { titleOnly: filter.titleOnly });
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from (
      select 1 from article_search
      join articles indexed by articles_search_filter_idx on articles.id = article_search.rowid
      where article_search match ${match} ${articleFilters(filter)}
      limit ${MAX_COUNTED_MATCHES + 1}
    ) as counted`.execute(db);
  return toCount(rows[0]?.n);
}

/**
 * Ids written into the SQL as literals. Workaround: with a MATCH in the same query, SQLite
 * 3.53's FTS5 ignores a rowid constraint whose value is a bound parameter and returns every
 * match (with one row's highlights attached to another's id); literal values are honoured.
 */
function integerList(ids: number[]) {
  const safe = ids.filter((id) => Number.isSafeInteger(id));
  return sql.raw(safe.length ? safe.join(", ") : "null");
}

async function highlightSqlite(db: Db, query: ParsedQuery, ids: number[]): Promise<HighlightedArticleRow[]> {
  const { start, end } = HIGHLIGHT_MARKERS;
  const { rows } = await sql<HighlightedArticleRow>`
    select ${articleColumns},
      highlight(article_search, 0, ${start}, ${end}) as title_marked,
      snippet(article_search, 1, ${start}, ${end}, '…', ${SNIPPET_TOKENS}) as excerpt_marked,
      snippet(article_search, 2, ${start}, ${end}, '…', ${SNIPPET_TOKENS}) as body_marked
    from article_search
    join articles on articles.id = article_search.rowid
    where article_search match ${toFts5Match(query)}
      and article_search.rowid in (${integerList(ids)})`.execute(db);
  return rows;
}

async function upsertSqlite(db: Db, documents: SearchDocument[]): Promise<void> {
  await sql`delete from article_search where rowid in (${sql.join(documents.map((d) => d.articleId))})`.execute(
    db,
  );
  await sql`insert into article_search (rowid, title, excerpt, body) values ${sql.join(
    documents.map((d) => sql`(${d.articleId}, ${d.title}, ${d.excerpt}, ${d.body})`),
  )}`.execute(db);
}

async function deleteSqlite(db: Db, articleId: number): Promise<void> {
  await sql`delete from article_search where rowid = ${articleId}`.execute(db);
}

async function deleteOrphansSqlite(db: Db): Promise<void> {
  await sql`delete from article_search where rowid not in (select id from articles)`.execute(db);
}

async function optimizeSqlite(db: Db): Promise<void> {
  // Merges the index's b-trees into one after a bulk load: faster queries, smaller file.
  await sql`insert into article_search (article_search) values ('optimize')`.execute(db);
}

// ── PostgreSQL (tsvector) ───────────────────────────────────────────────────

/**
 * Words are indexed and queried with the site language's configuration (stemming: "выборы" finds
 * "выборов"), read in SQL by `broadsheet_search_config()` (migration 0025), so a change of language
 * needs no code path of its own beyond a reindex. Highlighting compares the document's own words
 * with the reader's, unstemmed: `simple`.
 */
const TS_CONFIG = sql`broadsheet_search_config()`;
const WORDS_CONFIG = sql.lit("simple");
const headlineOptions = (highlightAll: boolean) =>
  [
    `StartSel=${HIGHLIGHT_MARKERS.start}`,
    `StopSel=${HIGHLIGHT_MARKERS.end}`,
    highlightAll ? "HighlightAll=true" : 'MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "',
  ].join(", ");
const folding = foldingTranslation();

/** The page-of-ids query on PostgreSQL; exported for the SQL snapshot test. */
export function searchPostgresQuery(query: ParsedQuery, filter: SearchFilter) {
  const tsquery = sql`to_tsquery(${TS_CONFIG}, ${toTsquery(query, { titleOnly: filter.titleOnly })})`;
  const matches = sql`article_search
      join articles on articles.id = article_search.article_id
      where article_search.search_vector @@ ${tsquery} ${articleFilters(filter)}`;
  if (filter.sort === "newest")
    return sql<{ id: number }>`
      select articles.id as id from ${matches}
      order by articles.published_at desc nulls last, articles.id desc
      limit ${filter.limit} offset ${filter.offset}`;
  // ts_rank reads each match's whole tsvector, so it runs on the newest RANKED_CANDIDATES
  // matches only (found through the GIN index without reading a vector).
  return sql<{ id: number }>`
    with candidates as materialized (
      select articles.id as id from ${matches}
      order by articles.id desc
      limit ${RANKED_CANDIDATES}
    )
    select articles.id as id
    from candidates
    join article_search on article_search.article_id = candidates.id
    join articles on articles.id = candidates.id
    order by ts_rank(article_search.search_vector, ${tsquery}) desc, articles.published_at desc nulls last,
      articles.id desc
    limit ${filter.limit} offset ${filter.offset}`;
}

/** A page of matches on PostgreSQL, ranked by ts_rank with weights A (title), B (excerpt), C (body). */
export async function searchPostgres(
  db: Db,
  query: ParsedQuery,
  filter: SearchFilter,
): Promise<SearchHitPage> {
  if (toTsquery(query) === "") return { total: 0, ids: [] };
  const [{ rows }, total] = await Promise.all([
    searchPostgresQuery(query, filter).execute(db),
    filter.withTotal === false ? undefined : countPostgres(db, query, filter),
  ]);
  return { total: total ?? rows.length, ids: rows.map((r) => r.id) };
}

async function countPostgres(db: Db, query: ParsedQuery, filter: SearchFilter): Promise<number> {
  const tsquery = toTsquery(query, { titleOnly: filter.titleOnly });
  if (tsquery === "") return 0;
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from (
      select 1 from article_search
      join articles on articles.id = article_search.article_id
      where article_search.search_vector @@ to_tsquery(${TS_CONFIG}, ${tsquery}) ${articleFilters(filter)}
      limit ${MAX_COUNTED_MATCHES + 1}
    ) as counted`.execute(db);
  return toCount(rows[0]?.n);
}

async function highlightPostgres(
  db: Db,
  query: ParsedQuery,
  ids: number[],
): Promise<HighlightedArticleRow[]> {
  // The index holds folded words, but snippets show the original text, whose own lexemes keep
  // their accents ("café"). So the words to highlight are the document's lexemes that fold to a
  // wanted word, OR-ed into a tsquery of exact lexemes for ts_headline.
  const wanted = wantedWords(query);
  // translate() scans its whole table per character: only words with non-ASCII letters need it.
  const folded = (column: RawBuilder<unknown>) =>
    sql`case when ${column} ~ '^[ -~]*$' then ${column} else translate(${column}, ${folding.from}, ${folding.to}) end`;
  const word = sql.ref("doc_word.lexeme");
  const { rows } = await sql<HighlightedArticleRow & { extras: unknown }>`
    select ${articleColumns}, ${storyExtras("postgres", "articles")} as extras,
      ts_headline(${WORDS_CONFIG}, article_search.title, marks.q, ${headlineOptions(true)}) as title_marked,
      ts_headline(${WORDS_CONFIG}, article_search.excerpt, marks.q, ${headlineOptions(false)}) as excerpt_marked,
      ts_headline(${WORDS_CONFIG}, article_search.body, marks.q, ${headlineOptions(false)}) as body_marked
    from article_search
    join articles on articles.id = article_search.article_id
    cross join lateral (
      select string_agg('''' || replace(replace(${word}, '\\', '\\\\'), '''', '''''') || '''', ' | ')::tsquery as q
      from unnest(tsvector_to_array(to_tsvector(${WORDS_CONFIG},
        article_search.title || ' ' || article_search.excerpt || ' ' || article_search.body))) as doc_word(lexeme)
      where ${folded(word)} = any(${wanted.exact}::text[])
        or ${folded(word)} like any(${wanted.prefixes.map((p) => `${p}%`)}::text[])
    ) as marks
    where article_search.article_id in (${sql.join(ids)})`.execute(db);
  return rows.map((row) => ({ ...row, extras: toStoryExtras(row.extras) }));
}

/**
 * Each field's words twice: stemmed by the site language (whole words find their forms) and as
 * written (`simple`), so a prefix, which the query stems too ("electio*" → "electio"), still
 * meets the unstemmed "election".
 */
function postgresVector(d: SearchDocument) {
  const field = (text: string, weight: "A" | "B" | "C") => {
    const words = foldedWords(text);
    return sql`setweight(to_tsvector(${TS_CONFIG}, ${words}) || to_tsvector(${WORDS_CONFIG}, ${words}), ${sql.lit(weight)})`;
  };
  return sql`${field(d.title, "A")} || ${field(d.excerpt, "B")} || ${field(d.body, "C")}`;
}

async function upsertPostgres(db: Db, documents: SearchDocument[]): Promise<void> {
  await sql`insert into article_search (article_id, title, excerpt, body, search_vector) values ${sql.join(
    documents.map((d) => sql`(${d.articleId}, ${d.title}, ${d.excerpt}, ${d.body}, ${postgresVector(d)})`),
  )}
    on conflict (article_id) do update set title = excluded.title, excerpt = excluded.excerpt,
      body = excluded.body, search_vector = excluded.search_vector`.execute(db);
}

async function deletePostgres(db: Db, articleId: number): Promise<void> {
  await sql`delete from article_search where article_id = ${articleId}`.execute(db);
}

async function deleteOrphansPostgres(db: Db): Promise<void> {
  // The foreign key removes entries with their article; this only guards a hand-edited database.
  await sql`delete from article_search where not exists (select 1 from articles where articles.id = article_search.article_id)`.execute(
    db,
  );
}

async function optimizePostgres(db: Db): Promise<void> {
  // Fresh statistics for both sides of the search join: after a bulk import the planner would
  // otherwise guess, and a wrong guess turns a 10 ms search into a second-long one.
  await sql`analyze article_search`.execute(db);
  await sql`analyze articles`.execute(db);
}

// ── the one interface ───────────────────────────────────────────────────────

interface SearchBody {
  search(db: Db, query: ParsedQuery, filter: SearchFilter): Promise<SearchHitPage>;
  count(db: Db, query: ParsedQuery, filter: SearchFilter): Promise<number>;
  highlight(db: Db, query: ParsedQuery, ids: number[]): Promise<HighlightedArticleRow[]>;
  upsert(db: Db, documents: SearchDocument[]): Promise<void>;
  remove(db: Db, articleId: number): Promise<void>;
  removeOrphans(db: Db): Promise<void>;
  optimize(db: Db): Promise<void>;
}

const bodies: Record<"sqlite" | "postgres", SearchBody> = {
  sqlite: {
    search: searchSqlite,
    count: countSqlite,
    highlight: highlightSqlite,
    upsert: upsertSqlite,
    remove: deleteSqlite,
    removeOrphans: deleteOrphansSqlite,
    optimize: optimizeSqlite,
  },
  postgres: {
    search: searchPostgres,
    count: countPostgres,
    highlight: highlightPostgres,
    upsert: upsertPostgres,
    remove: deletePostgres,
    removeOrphans: deleteOrphansPostgres,
    optimize: optimizePostgres,
  },
};

const bodyOf = (db: Db): SearchBody => bodies[dialectOf(db)];

/** One page of matching article ids, best first, with the total; `searchSqlite` or `searchPostgres`. */
export async function searchArticles(
  db: Db,
  query: ParsedQuery,
  filter: SearchFilter,
): Promise<SearchHitPage> {
  return bodyOf(db).search(db, query, filter);
}

/** How many articles match (no ranking), up to MAX_COUNTED_MATCHES + 1. */
export async function countSearchMatches(db: Db, query: ParsedQuery, filter: SearchFilter): Promise<number> {
  return bodyOf(db).count(db, query, filter);
}

/** The given matched articles with their title and snippets highlighted; unordered. */
export async function listHighlightedArticles(
  db: Db,
  query: ParsedQuery,
  ids: number[],
): Promise<HighlightedArticleRow[]> {
  if (ids.length === 0) return [];
  return bodyOf(db).highlight(db, query, ids);
}

/** Writes (or rewrites) the index entries of these articles. */
export async function upsertSearchDocuments(db: Db, documents: SearchDocument[]): Promise<void> {
  if (documents.length === 0) return;
  await bodyOf(db).upsert(db, documents);
}

export async function deleteSearchDocument(db: Db, articleId: number): Promise<void> {
  await bodyOf(db).remove(db, articleId);
}

/** Removes entries whose article no longer exists. */
export async function deleteOrphanSearchDocuments(db: Db): Promise<void> {
  await bodyOf(db).removeOrphans(db);
}

/** Compacts (SQLite) or re-analyses (PostgreSQL) the index after a rebuild. */
export async function optimizeSearchIndex(db: Db): Promise<void> {
  await bodyOf(db).optimize(db);
}

/** The text of one article for indexing, or undefined when it does not exist. */
export async function getArticleText(db: Db, id: number): Promise<ArticleTextRow | undefined> {
  return db
    .selectFrom("articles")
    .select(["id", "title", "excerpt", "body_html"])
    .where("id", "=", id)
    .executeTakeFirst();
}

/** A batch of articles after `afterId`, by id, for a full rebuild. */
export async function listArticleTexts(db: Db, afterId: number, limit: number): Promise<ArticleTextRow[]> {
  return db
    .selectFrom("articles")
    .select(["id", "title", "excerpt", "body_html"])
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function countArticles(db: Db): Promise<number> {
  const row = await db
    .selectFrom("articles")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return toCount(row?.n);
}

/** Index entries, for the rebuild's report and tests. */
export async function countSearchDocuments(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from article_search`.execute(db);
  return toCount(rows[0]?.n);
}
