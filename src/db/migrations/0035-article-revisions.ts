// Why: text typed in the editor must survive a closed tab or an unlucky save: every save and autosave keeps a
// revision to restore from, and editors see who else has a story open (an advisory editing lock they can take over).
import type { Kysely } from "kysely";
import { idColumnType, timestampColumnType } from "../dialect.js";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampColumnType(db);
  await db.schema
    .createTable("article_revisions")
    .addColumn("id", idColumnType(db), (c) => c.primaryKey())
    .addColumn("article_id", "integer", (c) => c.notNull().references("articles.id").onDelete("cascade"))
    .addColumn("author_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", ts, (c) => c.notNull())
    // "save" (a save of the story) or "autosave" (typed text kept while editing; never the live story).
    .addColumn("kind", "varchar(20)", (c) => c.notNull())
    // The story's status when the revision was taken: published ones are kept by pruning.
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    // The article version the text was written against (an autosave is restored only onto that version).
    .addColumn("base_version", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("excerpt", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .execute();
  // The revisions screen lists a story's revisions newest first; pruning counts them per story.
  await db.schema
    .createIndex("article_revisions_article_id_idx")
    .on("article_revisions")
    .columns(["article_id", "id"])
    .execute();
  await db.schema
    .createIndex("article_revisions_author_idx")
    .on("article_revisions")
    .columns(["author_id"])
    .execute();
  // How many revisions pruning removed from a story and when, shown beside its revisions (pruning is never silent).
  await db.schema
    .createTable("article_revisions_pruned")
    .addColumn("article_id", "integer", (c) => c.primaryKey().references("articles.id").onDelete("cascade"))
    .addColumn("count", "integer", (c) => c.notNull())
    .addColumn("last_pruned_at", ts, (c) => c.notNull())
    .execute();

  // Who has a story open in the editor: one holder per story, refreshed while the editor is open.
  await db.schema
    .createTable("article_editing")
    .addColumn("article_id", "integer", (c) => c.primaryKey().references("articles.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("since", ts, (c) => c.notNull())
    .addColumn("seen_at", ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("article_editing_user_idx")
    .on("article_editing")
    .columns(["user_id"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("article_editing").execute();
  await db.schema.dropTable("article_revisions_pruned").execute();
  await db.schema.dropTable("article_revisions").execute();
}
