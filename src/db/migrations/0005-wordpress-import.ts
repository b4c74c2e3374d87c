// Why: WordPress imports must be re-runnable without duplicates (a map of WordPress ids to ours), show their progress to whoever started them on any node, and imported authors need a one-time set-password link.
import type { Kysely } from "kysely";
import { idColumnType, timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  const id = idColumnType(db);
  const ts = timestampColumnType(db);

  // What each WordPress thing became here, per source site: re-running an import skips what is
  // already in it. `wp_key` is the post or comment id, or the login/slug for authors and terms
  // (item-level term references carry no id).
  await db.schema
    .createTable("wp_import_map")
    .addColumn("source", "varchar(500)", (c) => c.notNull())
    .addColumn("kind", "varchar(20)", (c) => c.notNull())
    .addColumn("wp_key", "varchar(300)", (c) => c.notNull())
    .addColumn("local_id", "integer", (c) => c.notNull())
    .addColumn("guid", "text")
    .addColumn("created_at", ts, (c) => c.notNull())
    .addPrimaryKeyConstraint("wp_import_map_pk", ["source", "kind", "wp_key"])
    .execute();

  // One row per import run (CLI or admin upload), updated as it goes: the progress page polls it.
  await db.schema
    .createTable("wordpress_imports")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("file_name", "varchar(255)", (c) => c.notNull())
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    .addColumn("bytes_total", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("bytes_read", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("report", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("error", "text")
    .addColumn("started_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("started_at", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addColumn("finished_at", ts)
    .execute();
  await db.schema
    .createIndex("wordpress_imports_started_idx")
    .on("wordpress_imports")
    .columns(["started_at"])
    .execute();

  // One-time links to set a password (imported authors have none); only the digest is stored.
  await db.schema
    .createTable("password_reset_tokens")
    .addColumn("token_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", ts, (c) => c.notNull())
    .addColumn("expires_at", ts, (c) => c.notNull())
    .addColumn("used_at", ts)
    .execute();
  await db.schema
    .createIndex("password_reset_tokens_user_idx")
    .on("password_reset_tokens")
    .columns(["user_id"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("password_reset_tokens").execute();
  await db.schema.dropTable("wordpress_imports").execute();
  await db.schema.dropTable("wp_import_map").execute();
}
