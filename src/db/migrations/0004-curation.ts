// Why: the curation desk — sources (feeds in) with fetch state and health, the items they carry (stored once per source), and the stories that group reports of one event for editors to republish with attribution.
import type { Kysely } from "kysely";
import { idColumnType, timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  const id = idColumnType(db);
  const ts = timestampColumnType(db);

  await db.schema
    .createTable("sources")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("url", "varchar(2000)", (c) => c.notNull().unique())
    .addColumn("site_url", "varchar(2000)", (c) => c.notNull().defaultTo(""))
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("category_id", "integer", (c) => c.references("categories.id").onDelete("set null"))
    .addColumn("mode", "varchar(10)", (c) => c.notNull().defaultTo("review"))
    .addColumn("is_full_text_allowed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("fetch_interval_minutes", "integer", (c) => c.notNull().defaultTo(15))
    .addColumn("is_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("status", "varchar(20)", (c) => c.notNull().defaultTo("pending"))
    .addColumn("last_error", "text")
    .addColumn("consecutive_failures", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("etag", "varchar(500)")
    .addColumn("last_modified", "varchar(100)")
    .addColumn("ttl_minutes", "integer")
    // JSON arrays: RSS skipHours / skipDays, kept so a 304 (no body) still honours them.
    .addColumn("skip_hours", "varchar(200)", (c) => c.notNull().defaultTo("[]"))
    .addColumn("skip_days", "varchar(200)", (c) => c.notNull().defaultTo("[]"))
    .addColumn("fetch_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("not_modified_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("items_added_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_items_added", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_fetched_at", ts)
    .addColumn("last_success_at", ts)
    .addColumn("next_fetch_at", ts)
    // Row claim: the node whose UPDATE set this owns the fetch until then (see fetch-service.ts).
    .addColumn("locked_until", ts)
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  // The scheduler: enabled sources whose next fetch is due, soonest first.
  await db.schema
    .createIndex("sources_enabled_next_fetch_idx")
    .on("sources")
    .columns(["is_enabled", "next_fetch_at"])
    .execute();

  await db.schema
    .createTable("stories")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("title", "varchar(1000)", (c) => c.notNull())
    // The item that started the story: the clusterer's story key.
    .addColumn("lead_item_id", "integer", (c) => c.notNull().unique())
    .addColumn("status", "varchar(20)", (c) => c.notNull().defaultTo("new"))
    .addColumn("snoozed_until", ts)
    .addColumn("article_id", "integer", (c) => c.references("articles.id").onDelete("set null"))
    .addColumn("has_pending_coverage", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("item_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("first_item_at", ts, (c) => c.notNull())
    .addColumn("last_item_at", ts, (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  // The desk tabs (new, snoozed, published, dismissed), newest report first.
  await db.schema
    .createIndex("stories_status_last_item_idx")
    .on("stories")
    .columns(["status", "last_item_at"])
    .execute();
  // "More coverage": published stories with reports awaiting an editor.
  await db.schema
    .createIndex("stories_pending_coverage_idx")
    .on("stories")
    .columns(["has_pending_coverage", "last_item_at"])
    .execute();
  // Waking snoozed stories.
  await db.schema
    .createIndex("stories_status_snoozed_idx")
    .on("stories")
    .columns(["status", "snoozed_until"])
    .execute();
  await db.schema.createIndex("stories_article_idx").on("stories").columns(["article_id"]).execute();

  await db.schema
    .createTable("feed_items")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("source_id", "integer", (c) => c.notNull().references("sources.id").onDelete("cascade"))
    // sha256 of the parser's dedup key (GUID, else canonical link, else content hash).
    .addColumn("dedup_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("guid", "varchar(2000)")
    .addColumn("url", "varchar(2000)")
    .addColumn("title", "varchar(1000)", (c) => c.notNull())
    .addColumn("summary_html", "text", (c) => c.notNull())
    .addColumn("summary_text", "text", (c) => c.notNull())
    .addColumn("content_html", "text")
    .addColumn("author", "varchar(200)")
    .addColumn("categories", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("image_url", "varchar(2000)")
    .addColumn("published_at", ts, (c) => c.notNull())
    .addColumn("has_real_date", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("story_id", "integer", (c) => c.references("stories.id").onDelete("set null"))
    // none: on the desk; linked: a Source link on the story's article; declined: an editor passed on it.
    .addColumn("link_status", "varchar(10)", (c) => c.notNull().defaultTo("none"))
    .addColumn("fetched_at", ts, (c) => c.notNull())
    .execute();
  // Dedup: an item is stored once per source.
  await db.schema
    .createIndex("feed_items_source_dedup_idx")
    .on("feed_items")
    .columns(["source_id", "dedup_hash"])
    .unique()
    .execute();
  // A story's reports (the desk), and the source/category filters' EXISTS lookups.
  await db.schema
    .createIndex("feed_items_story_source_idx")
    .on("feed_items")
    .columns(["story_id", "source_id"])
    .execute();
  // Rebuilding the clusterer from recent items at start.
  await db.schema
    .createIndex("feed_items_published_idx")
    .on("feed_items")
    .columns(["published_at"])
    .execute();
  // A source's recent items (its page in the admin).
  await db.schema
    .createIndex("feed_items_source_published_idx")
    .on("feed_items")
    .columns(["source_id", "published_at"])
    .execute();

  // One row, updated first in every clustering transaction: its row lock (PostgreSQL) or the
  // write lock (SQLite) makes nodes cluster one batch at a time, in item-id order.
  await db.schema
    .createTable("clustering_lock")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("last_item_id", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db
    .insertInto("clustering_lock")
    .values({ id: 1, last_item_id: 0, updated_at: new Date(0).toISOString() })
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("clustering_lock").execute();
  await db.schema.dropTable("feed_items").execute();
  await db.schema.dropTable("stories").execute();
  await db.schema.dropTable("sources").execute();
}
