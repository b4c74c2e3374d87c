// Why: admins need a record of security-relevant events (sign-ins, locks, role changes, API tokens, settings) that holds no passwords and no commenters' emails.
import type { Kysely } from "kysely";
import { idColumnType, timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("audit_log")
    .addColumn("id", idColumnType(db), (c) => c.primaryKey())
    .addColumn("created_at", timestampColumnType(db), (c) => c.notNull())
    .addColumn("event", "varchar(40)", (c) => c.notNull())
    // Who did it (null for an anonymous sign-in attempt or the command line) and whom it concerns.
    .addColumn("actor_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("subject_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    // A short description written by the service (a role, a token's name, the settings changed).
    .addColumn("detail", "varchar(300)", (c) => c.notNull().defaultTo(""))
    .addColumn("ip", "varchar(64)", (c) => c.notNull().defaultTo(""))
    .execute();
  // The admin page lists newest first; pruning deletes by age.
  await db.schema.createIndex("audit_log_created_idx").on("audit_log").columns(["created_at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_log").execute();
}
