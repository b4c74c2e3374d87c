// Why: the first schema — staff accounts, sessions and API tokens, articles with their
// categories, tags and source links, site settings, uploaded media and permanent redirects.
import type { Kysely } from "kysely";
import { idColumnType, timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  const id = idColumnType(db);
  const ts = timestampColumnType(db);

  await db.schema
    .createTable("users")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("email", "varchar(254)", (c) => c.notNull().unique())
    .addColumn("name", "varchar(100)", (c) => c.notNull())
    .addColumn("slug", "varchar(100)", (c) => c.notNull().unique())
    .addColumn("bio", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("role", "varchar(20)", (c) => c.notNull())
    .addColumn("password_hash", "text")
    .addColumn("is_disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("users_role_idx").on("users").columns(["role"]).execute();

  await db.schema
    .createTable("sessions")
    .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("expires_at", ts, (c) => c.notNull())
    .addColumn("user_agent", "varchar(200)", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("sessions_user_id_idx").on("sessions").columns(["user_id"]).execute();
  await db.schema.createIndex("sessions_expires_at_idx").on("sessions").columns(["expires_at"]).execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("name", "varchar(100)", (c) => c.notNull())
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("last_used_at", ts)
    .addColumn("expires_at", ts)
    .addColumn("revoked_at", ts)
    .execute();

  await db.schema
    .createTable("login_attempts")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("account_key", "varchar(254)", (c) => c.notNull())
    .addColumn("ip_key", "varchar(64)", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("login_attempts_account_idx")
    .on("login_attempts")
    .columns(["account_key", "created_at"])
    .execute();
  await db.schema
    .createIndex("login_attempts_ip_idx")
    .on("login_attempts")
    .columns(["ip_key", "created_at"])
    .execute();

  await db.schema
    .createTable("media")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("file_name", "varchar(200)", (c) => c.notNull().unique())
    .addColumn("original_name", "varchar(255)", (c) => c.notNull())
    .addColumn("mime_type", "varchar(100)", (c) => c.notNull())
    .addColumn("byte_size", "integer", (c) => c.notNull())
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("alt", "varchar(500)", (c) => c.notNull().defaultTo(""))
    .addColumn("source_url", "text")
    .addColumn("uploaded_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("media_created_at_idx").on("media").columns(["created_at"]).execute();

  await db.schema
    .createTable("articles")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("title", "varchar(300)", (c) => c.notNull())
    .addColumn("slug", "varchar(200)", (c) => c.notNull().unique())
    .addColumn("excerpt", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("body", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("body_html", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    .addColumn("published_at", ts)
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addColumn("author_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("featured_media_id", "integer", (c) => c.references("media.id").onDelete("set null"))
    .addColumn("comments_open", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("is_page", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("is_sticky", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex("articles_status_published_idx")
    .on("articles")
    .columns(["status", "published_at"])
    .execute();
  await db.schema
    .createIndex("articles_author_status_published_idx")
    .on("articles")
    .columns(["author_id", "status", "published_at"])
    .execute();
  await db.schema.createIndex("articles_updated_at_idx").on("articles").columns(["updated_at"]).execute();
  await db.schema
    .createIndex("articles_featured_media_idx")
    .on("articles")
    .columns(["featured_media_id"])
    .execute();

  await db.schema
    .createTable("article_sources")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("original_author", "varchar(200)")
    .addColumn("original_published_at", ts)
    .execute();
  await db.schema
    .createIndex("article_sources_article_idx")
    .on("article_sources")
    .columns(["article_id", "position"])
    .execute();

  await db.schema
    .createTable("categories")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("name", "varchar(100)", (c) => c.notNull())
    .addColumn("slug", "varchar(100)", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("parent_id", "integer", (c) => c.references("categories.id").onDelete("set null"))
    .addColumn("nav_position", "integer")
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("categories_nav_idx").on("categories").columns(["nav_position"]).execute();

  await db.schema
    .createTable("tags")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("name", "varchar(100)", (c) => c.notNull())
    .addColumn("slug", "varchar(100)", (c) => c.notNull().unique())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("article_categories")
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("category_id", "integer", (c) => c.notNull().references("categories.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("article_categories_pk", ["article_id", "category_id"])
    .execute();
  await db.schema
    .createIndex("article_categories_category_idx")
    .on("article_categories")
    .columns(["category_id", "article_id"])
    .execute();

  await db.schema
    .createTable("article_tags")
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("tag_id", "integer", (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("article_tags_pk", ["article_id", "tag_id"])
    .execute();
  await db.schema
    .createIndex("article_tags_tag_idx")
    .on("article_tags")
    .columns(["tag_id", "article_id"])
    .execute();

  await db.schema
    .createTable("settings")
    .addColumn("key", "varchar(100)", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("redirects")
    .addColumn("from_path", "varchar(500)", (c) => c.primaryKey())
    .addColumn("to_path", "varchar(500)", (c) => c.notNull())
    .addColumn("status_code", "integer", (c) => c.notNull().defaultTo(301))
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "redirects",
    "settings",
    "article_tags",
    "article_categories",
    "tags",
    "categories",
    "article_sources",
    "articles",
    "media",
    "login_attempts",
    "api_tokens",
    "sessions",
    "users",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
