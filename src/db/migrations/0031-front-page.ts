// Why: editors choose the front page's lead and order its top stories (pins that may expire), and put up a
// breaking-news banner with an expiry; "the newest sticky story" alone could not do either.
import type { Kysely } from "kysely";
import { timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampColumnType(db);
  // Slot 0 is the lead, 1… the top stories in order; a story leaves its slot when it is deleted.
  await db.schema
    .createTable("front_page_slots")
    .addColumn("position", "integer", (c) => c.primaryKey())
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("expires_at", ts)
    .addColumn("updated_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("front_page_slots_article_idx")
    .on("front_page_slots")
    .column("article_id")
    .execute();
  // At most one banner (id 1).
  await db.schema
    .createTable("breaking_news")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("text", "varchar(200)", (c) => c.notNull())
    .addColumn("url", "varchar(2000)", (c) => c.notNull().defaultTo(""))
    .addColumn("expires_at", ts, (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("breaking_news").execute();
  await db.schema.dropTable("front_page_slots").execute();
}
