// Why: editors choose what the masthead's section line and the footer link to (a category, a page or any address),
// as WordPress menus do; an item of a category or page deleted for good goes with it.
import type { Kysely } from "kysely";
import { idColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("menu_items")
    .addColumn("id", idColumnType(db), (c) => c.primaryKey())
    // `header` or `footer`.
    .addColumn("menu", "varchar(20)", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    // `category`, `page` or `link`: which of the three target columns holds the target.
    .addColumn("kind", "varchar(20)", (c) => c.notNull())
    .addColumn("category_id", "integer", (c) => c.references("categories.id").onDelete("cascade"))
    .addColumn("page_id", "integer", (c) => c.references("articles.id").onDelete("cascade"))
    .addColumn("url", "varchar(2000)")
    // Null: the category's name or the page's title as it is now.
    .addColumn("label", "varchar(100)")
    .execute();
  await db.schema
    .createIndex("menu_items_menu_position_idx")
    .on("menu_items")
    .columns(["menu", "position"])
    .unique()
    .execute();
  // Deleting a category or a page finds its items without reading the table.
  await db.schema.createIndex("menu_items_category_idx").on("menu_items").column("category_id").execute();
  await db.schema.createIndex("menu_items_page_idx").on("menu_items").column("page_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("menu_items").execute();
}
