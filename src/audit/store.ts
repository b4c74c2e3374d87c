import type { Db } from "../db/database.js";
import type { AuditEvent } from "../db/schema.js";

export interface AuditEntryInput {
  event: AuditEvent;
  actor_id: number | null;
  subject_id: number | null;
  detail: string;
  ip: string;
  created_at: string;
}

/** Appends one entry to the audit log. */
export async function insertAuditEntry(db: Db, entry: AuditEntryInput): Promise<void> {
  await db.insertInto("audit_log").values(entry).execute();
}

/** A page of entries, newest first, with the names of the staff involved (null once deleted). */
export async function listAuditEntries(db: Db, options: { limit: number; offset: number }) {
  return db
    .selectFrom("audit_log")
    .leftJoin("users as actor", "actor.id", "audit_log.actor_id")
    .leftJoin("users as subject", "subject.id", "audit_log.subject_id")
    .select([
      "audit_log.id",
      "audit_log.created_at",
      "audit_log.event",
      "audit_log.detail",
      "audit_log.ip",
      "actor.name as actor_name",
      "subject.name as subject_name",
    ])
    .orderBy("audit_log.created_at", "desc")
    .orderBy("audit_log.id", "desc")
    .limit(options.limit)
    .offset(options.offset)
    .execute();
}

export async function countAuditEntries(db: Db): Promise<number> {
  const row = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function deleteAuditEntriesBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom("audit_log").where("created_at", "<", before).execute();
}
