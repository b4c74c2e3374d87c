// Why: images are served as stripped, resized variants under hashed names, with a caption, a credit and a focal point for crops.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("media")
    .addColumn("caption", "varchar(1000)", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .alterTable("media")
    .addColumn("credit", "varchar(300)", (c) => c.notNull().defaultTo(""))
    .execute();
  // Where the subject is, as fractions of the width and height (0..1): crops keep it in frame.
  await db.schema
    .alterTable("media")
    .addColumn("focal_x", "real", (c) => c.notNull().defaultTo(0.5))
    .execute();
  await db.schema
    .alterTable("media")
    .addColumn("focal_y", "real", (c) => c.notNull().defaultTo(0.5))
    .execute();
  // Part of every variant's name; a new file or focal point gives new names, so variants are cached forever.
  await db.schema.alterTable("media").addColumn("variant_hash", "varchar(16)").execute();
  // The stored image variants are made from (never served); null for a file linked where it lives.
  await db.schema.alterTable("media").addColumn("master_key", "varchar(300)").execute();
  await db.schema
    .createIndex("media_variant_hash_idx")
    .on("media")
    .columns(["variant_hash"])
    .unique()
    .execute();
  // Files uploaded before variants existed are their own master; their variants are made on first request.
  const stored = await db.selectFrom("media").select("id").where("source_url", "is", null).execute();
  for (const { id } of stored)
    await db
      .updateTable("media")
      .set((eb) => ({ variant_hash: randomBytes(6).toString("hex"), master_key: eb.ref("file_name") }))
      .where("id", "=", id)
      .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("media_variant_hash_idx").execute();
  for (const column of ["master_key", "variant_hash", "focal_y", "focal_x", "credit", "caption"])
    await db.schema.alterTable("media").dropColumn(column).execute();
}
