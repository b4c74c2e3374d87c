// Why: a link standing alone in a story becomes a card naming the provider and the title; what the
// provider says about a link is fetched once and kept, so saving a story again asks no one.
import type { Kysely } from "kysely";
import { timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("embed_lookups")
    .addColumn("url", "varchar(2000)", (c) => c.primaryKey())
    // Empty when the provider told nothing (no oEmbed, an error): the card falls back to the host.
    .addColumn("provider_name", "varchar(100)", (c) => c.notNull().defaultTo(""))
    .addColumn("title", "varchar(300)", (c) => c.notNull().defaultTo(""))
    .addColumn("fetched_at", timestampColumnType(db), (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("embed_lookups").execute();
}
