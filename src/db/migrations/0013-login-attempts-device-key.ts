// Why: a failed sign-in from a browser holding a device cookie counts against that device, not the account, so strangers cannot lock staff out (OWASP "device cookies").
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  // Null for attempts from browsers without a valid device cookie: those are what an account lock counts.
  await db.schema.alterTable("login_attempts").addColumn("device_key", "varchar(64)").execute();
  await db.schema
    .createIndex("login_attempts_device_idx")
    .on("login_attempts")
    .columns(["device_key", "created_at"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("login_attempts_device_idx").execute();
  await db.schema.alterTable("login_attempts").dropColumn("device_key").execute();
}
