// Why: a fixed story must say what was wrong: each correction is kept with its time, shown on the story and
// listed on /corrections/ newest first.
import type { Kysely } from "kysely";
import { idColumnType, timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("article_corrections")
    .addColumn("id", idColumnType(db), (c) => c.primaryKey())
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("text", "varchar(1000)", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", timestampColumnType(db), (c) => c.notNull())
    .execute();
  // A story's corrections in order; the corrections page newest first.
  await db.schema
    .createIndex("article_corrections_article_idx")
    .on("article_corrections")
    .columns(["article_id", "created_at"])
    .execute();
  await db.schema
    .createIndex("article_corrections_created_idx")
    .on("article_corrections")
    .column("created_at")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("article_corrections").execute();
}
