import type { Db } from "../../db/database.js";
import type { PreviewLinksTable } from "../../db/schema.js";

export async function insertPreviewLink(
  db: Db,
  link: Omit<PreviewLinksTable, "id" | "revoked_at">,
): Promise<number> {
  const row = await db.insertInto("preview_links").values(link).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

/** The story a live (unrevoked, unexpired at `now`) link opens, or undefined. */
export async function getLiveLinkArticleId(
  db: Db,
  tokenHash: string,
  now: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom("preview_links")
    .select("article_id")
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return row?.article_id;
}

/** Revokes every live link of a story; returns how many. */
export async function revokePreviewLinks(db: Db, articleId: number, now: string): Promise<number> {
  const result = await db
    .updateTable("preview_links")
    .set({ revoked_at: now })
    .where("article_id", "=", articleId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
