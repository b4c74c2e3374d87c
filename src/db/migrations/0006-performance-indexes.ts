// Why: the front page, its lead story and every archive read published stories newest first; these indexes let them stop after one page instead of visiting every published row (measured with `npm run bench`).
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  // Front page, archives and their counts: `status = 'published' and is_page = 0 order by published_at desc`.
  // The count is answered from the index alone (is_page is in it), without reading article rows.
  await db.schema
    .createIndex("articles_status_page_published_idx")
    .on("articles")
    .columns(["status", "is_page", "published_at"])
    .execute();
  // The lead story: the newest sticky one, found without walking every non-sticky story first.
  await db.schema
    .createIndex("articles_status_sticky_published_idx")
    .on("articles")
    .columns(["status", "is_sticky", "published_at"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("articles_status_sticky_published_idx").execute();
  await db.schema.dropIndex("articles_status_page_published_idx").execute();
}
