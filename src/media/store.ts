import type { Db } from "../db/database.js";

/** Stores an uploaded file's bytes under its key. */
export async function insertMediaFile(
  db: Db,
  file: { key: string; content_type: string; data: Buffer; created_at: string },
): Promise<void> {
  await db
    .insertInto("media_files")
    .values({ ...file, byte_size: file.data.length })
    .execute();
}

/** A stored file, or undefined for an unknown key. */
export async function getMediaFile(db: Db, key: string) {
  return db
    .selectFrom("media_files")
    .select(["content_type", "data"])
    .where("key", "=", key)
    .executeTakeFirst();
}

export async function deleteMediaFile(db: Db, key: string): Promise<void> {
  await db.deleteFrom("media_files").where("key", "=", key).execute();
}
