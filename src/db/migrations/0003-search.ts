// Why: readers search the site — a full-text index of every article (FTS5 on SQLite, a weighted
// tsvector with a GIN index on PostgreSQL), filled here from the articles that already exist.
import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect.js";
import { foldedWords, MAX_INDEXED_BODY_CHARS, plainTextOfHtml } from "../search-text.js";

const BACKFILL_BATCH = 500;

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = dialectOf(db) === "postgres";
  if (isPostgres) {
    await db.schema
      .createTable("article_search")
      .addColumn("article_id", "integer", (c) => c.primaryKey().references("articles.id").onDelete("cascade"))
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("excerpt", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("search_vector", sql`tsvector`, (c) => c.notNull())
      .execute();
    await sql`create index article_search_vector_idx on article_search using gin (search_vector)`.execute(db);
  } else {
    // unicode61 with remove_diacritics 2 folds case and accents ("Café" = "cafe"); the prefix
    // indexes make as-you-type prefix queries of 2 and 3 letters cheap.
    await sql`create virtual table article_search using fts5(
      title, excerpt, body,
      tokenize = 'unicode61 remove_diacritics 2',
      prefix = '2 3'
    )`.execute(db);
  }

  // Searches join every match to its article for status and date. On SQLite those columns sit
  // after the long body columns (overflow pages); this covering index answers the join alone.
  await db.schema
    .createIndex("articles_search_filter_idx")
    .on("articles")
    .columns(["id", "status", "published_at"])
    .execute();

  // Existing articles are indexed now, so an upgraded site searches at once.
  let afterId = 0;
  for (;;) {
    const rows: { id: number; title: string; excerpt: string; body_html: string }[] = await db
      .selectFrom("articles")
      .select(["id", "title", "excerpt", "body_html"])
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(BACKFILL_BATCH)
      .execute();
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1].id;
    const documents = rows.map((r) => ({
      id: r.id,
      title: r.title,
      excerpt: r.excerpt,
      body: plainTextOfHtml(r.body_html).slice(0, MAX_INDEXED_BODY_CHARS),
    }));
    if (isPostgres) {
      await sql`insert into article_search (article_id, title, excerpt, body, search_vector) values ${sql.join(
        documents.map(
          (d) => sql`(${d.id}, ${d.title}, ${d.excerpt}, ${d.body},
            setweight(to_tsvector('simple', ${foldedWords(d.title)}), 'A')
            || setweight(to_tsvector('simple', ${foldedWords(d.excerpt)}), 'B')
            || setweight(to_tsvector('simple', ${foldedWords(d.body)}), 'C'))`,
        ),
      )}`.execute(db);
    } else {
      await sql`insert into article_search (rowid, title, excerpt, body) values ${sql.join(
        documents.map((d) => sql`(${d.id}, ${d.title}, ${d.excerpt}, ${d.body})`),
      )}`.execute(db);
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("articles_search_filter_idx").execute();
  await db.schema.dropTable("article_search").execute();
}
