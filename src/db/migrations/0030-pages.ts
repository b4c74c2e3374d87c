// Why: static pages (About, Contact, an imported WordPress page tree) are articles with `is_page`; they
// open at their own path (`/about/team/`) instead of a dated permalink, so each keeps its parent and that path.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("articles")
    .addColumn("parent_id", "integer", (c) => c.references("articles.id").onDelete("set null"))
    .execute();
  // `about/team` (no slashes around): the page's address; null for stories.
  await db.schema.alterTable("articles").addColumn("page_path", "varchar(400)").execute();
  // One page per address, claimed by the index (two pages racing for one path: one gets it).
  await db.schema.createIndex("articles_page_path_idx").on("articles").column("page_path").unique().execute();
  // A parent's children, when its path changes.
  await db.schema.createIndex("articles_parent_idx").on("articles").column("parent_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("articles_parent_idx").execute();
  await db.schema.dropIndex("articles_page_path_idx").execute();
  await db.schema.alterTable("articles").dropColumn("page_path").execute();
  await db.schema.alterTable("articles").dropColumn("parent_id").execute();
}
