// Why: reader comments — threaded, moderated, with the spam signals and reasons kept per comment and IPs only as keyed hashes.
import type { Kysely } from "kysely";
import { idColumnType, timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  const id = idColumnType(db);
  const ts = timestampColumnType(db);

  await db.schema
    .createTable("comments")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    // Replies of a permanently deleted comment are moved up to its parent first; `set null` is the backstop.
    .addColumn("parent_id", "integer", (c) => c.references("comments.id").onDelete("set null"))
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    .addColumn("status_before_trash", "varchar(20)")
    .addColumn("name", "varchar(100)", (c) => c.notNull())
    .addColumn("email", "varchar(254)", (c) => c.notNull())
    .addColumn("url", "varchar(200)", (c) => c.notNull().defaultTo(""))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("body_html", "text", (c) => c.notNull())
    .addColumn("ip_hash", "varchar(64)", (c) => c.notNull().defaultTo(""))
    .addColumn("user_agent", "varchar(200)", (c) => c.notNull().defaultTo(""))
    .addColumn("spam_score", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("moderation_reasons", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("notify_replies", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("notified_at", ts)
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  // The article page: approved comments of one article, oldest first.
  await db.schema
    .createIndex("comments_article_status_created_idx")
    .on("comments")
    .columns(["article_id", "status", "created_at"])
    .execute();
  // The moderation queue tabs and the site-wide comments feed.
  await db.schema
    .createIndex("comments_status_created_idx")
    .on("comments")
    .columns(["status", "created_at"])
    .execute();
  // "First-time commenter": has this email an approved comment yet?
  await db.schema
    .createIndex("comments_email_status_idx")
    .on("comments")
    .columns(["email", "status"])
    .execute();
  // Flood detection across nodes.
  await db.schema
    .createIndex("comments_ip_created_idx")
    .on("comments")
    .columns(["ip_hash", "created_at"])
    .execute();
  await db.schema.createIndex("comments_parent_idx").on("comments").columns(["parent_id"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("comments").execute();
}
