// Why: PostgreSQL search stems words with the site language's text-search configuration (russian, french, …), read in SQL so every node and the index writer agree without passing it around.
import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  // SQLite's FTS5 (unicode61, remove_diacritics 2, prefix indexes) already folds every script alike.
  if (dialectOf(db) !== "postgres") return;
  // The `language` setting is stored as JSON ("ru", "en-GB"); languages PostgreSQL has no stemmer
  // for (Ukrainian, Arabic) and anything unknown use `simple`: lower-cased words, no stemming.
  await sql`
    create or replace function broadsheet_search_config() returns regconfig
    language sql stable parallel safe as $$
      select (case split_part(coalesce((select value::json #>> '{}' from settings where key = 'language'), 'en'), '-', 1)
        when 'en' then 'english'
        when 'ru' then 'russian'
        when 'fr' then 'french'
        when 'de' then 'german'
        when 'es' then 'spanish'
        else 'simple' end)::regconfig
    $$`.execute(db);
  // Entries written with `simple` alone get the stemmed words too (as src/search/store.ts writes
  // them; `search reindex` also folds the accents of old entries).
  await sql`
    update article_search set search_vector = search_vector
      || setweight(to_tsvector(broadsheet_search_config(), lower(title)), 'A')
      || setweight(to_tsvector(broadsheet_search_config(), lower(excerpt)), 'B')
      || setweight(to_tsvector(broadsheet_search_config(), lower(body)), 'C')`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "postgres") return;
  await sql`drop function if exists broadsheet_search_config()`.execute(db);
}
