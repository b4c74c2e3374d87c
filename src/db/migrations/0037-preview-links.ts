// Why: editors share a draft or scheduled story with someone outside the newsroom through a secret link that expires
// and can be revoked; only the token's hash is stored.
import type { Kysely } from "kysely";
import { idColumnType, timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampColumnType(db);
  await db.schema
    .createTable("preview_links")
    .addColumn("id", idColumnType(db), (c) => c.primaryKey())
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("expires_at", ts, (c) => c.notNull())
    .addColumn("revoked_at", ts)
    .execute();
  await db.schema
    .createIndex("preview_links_article_idx")
    .on("preview_links")
    .columns(["article_id"])
    .execute();
  await db.schema
    .createIndex("preview_links_created_by_idx")
    .on("preview_links")
    .columns(["created_by"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("preview_links").execute();
}
