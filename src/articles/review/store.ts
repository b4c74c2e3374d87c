import type { Db } from "../../db/database.js";

export interface NoteRow {
  id: number;
  article_id: number;
  author_id: number | null;
  author_name: string | null;
  created_at: string;
  body: string;
}

export async function insertNote(
  db: Db,
  note: { article_id: number; author_id: number; created_at: string; body: string },
): Promise<number> {
  const row = await db.insertInto("article_notes").values(note).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

/** A story's notes, oldest first (a conversation), at most `limit`. */
export async function listNotes(db: Db, articleId: number, limit: number): Promise<NoteRow[]> {
  return db
    .selectFrom("article_notes")
    .leftJoin("users", "users.id", "article_notes.author_id")
    .select([
      "article_notes.id",
      "article_notes.article_id",
      "article_notes.author_id",
      "users.name as author_name",
      "article_notes.created_at",
      "article_notes.body",
    ])
    .where("article_notes.article_id", "=", articleId)
    .orderBy("article_notes.id", "asc")
    .limit(limit)
    .execute();
}

/** Stories submitted for review, all authors (the `status` index answers it). */
export async function countPendingArticles(db: Db): Promise<number> {
  const row = await db
    .selectFrom("articles")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "=", "pending")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
