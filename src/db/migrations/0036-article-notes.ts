// Why: editors reviewing a story leave notes for the newsroom on it (what to fix before it runs); readers never see them.
import type { Kysely } from "kysely";
import { idColumnType, timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("article_notes")
    .addColumn("id", idColumnType(db), (c) => c.primaryKey())
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("author_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", timestampColumnType(db), (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .execute();
  // The editor lists a story's notes oldest first.
  await db.schema
    .createIndex("article_notes_article_idx")
    .on("article_notes")
    .columns(["article_id", "id"])
    .execute();
  await db.schema
    .createIndex("article_notes_author_idx")
    .on("article_notes")
    .columns(["author_id"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("article_notes").execute();
}
