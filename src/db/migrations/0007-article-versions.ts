// Why: editors save over each other; each article carries a version that every write raises, so a
// save made from an older copy is refused (HTTP If-Match, the editor form's hidden version) instead
// of silently undoing someone else's work.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("articles")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("articles").dropColumn("version").execute();
}
