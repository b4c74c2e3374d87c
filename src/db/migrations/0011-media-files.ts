// Why: on several nodes an image uploaded through one must be served by every other, so on PostgreSQL uploaded files (and their derivatives) are kept in the database, each node keeping a disk copy.
import type { Kysely } from "kysely";
import { bytesColumnType, timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("media_files")
    // The storage key: the path under /media/ (`2026/05/abc.jpg`).
    .addColumn("key", "varchar(300)", (c) => c.primaryKey())
    .addColumn("content_type", "varchar(100)", (c) => c.notNull())
    .addColumn("byte_size", "integer", (c) => c.notNull())
    .addColumn("data", bytesColumnType(db), (c) => c.notNull())
    .addColumn("created_at", timestampColumnType(db), (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("media_files").execute();
}
