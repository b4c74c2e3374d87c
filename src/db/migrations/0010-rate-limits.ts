// Why: request limits (comments, sign-in) must hold across every node, so their counters live in the database (or Redis) instead of each node's memory.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("rate_limits")
    // "<route>-<client address>", as @fastify/rate-limit names a counter.
    .addColumn("key", "varchar(300)", (c) => c.primaryKey())
    .addColumn("hits", "integer", (c) => c.notNull())
    // When the window ends, in milliseconds since the epoch: counters are compared and pruned by it.
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("rate_limits_expires_at_idx")
    .on("rate_limits")
    .columns(["expires_at"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rate_limits").execute();
}
