import type { AppContext } from "../context.js";
import type { AuditEvent } from "../db/schema.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "now">;

/** How long entries are kept before the housekeeping timer drops them. */
export const AUDIT_LOG_RETENTION_DAYS = 365;
export const AUDIT_LOG_PAGE_SIZE = 50;

export interface AuditRecord {
  event: AuditEvent;
  /** The staff member who acted; null for an anonymous sign-in attempt or the command line. */
  actorId?: number | null;
  /** The account the event concerns (signed in, locked, changed). */
  subjectId?: number | null;
  /**
   * A short description for admins: a role, a token's name, the names of changed settings.
   * Never a password, a token's value, or any email address.
   */
  detail?: string;
  ip?: string;
}

/** Appends an event to the audit log. */
export async function recordAuditEvent(ctx: Ctx, record: AuditRecord): Promise<void> {
  await store.insertAuditEntry(ctx.db, {
    event: record.event,
    actor_id: record.actorId ?? null,
    subject_id: record.subjectId ?? null,
    detail: (record.detail ?? "").slice(0, 300),
    ip: (record.ip ?? "").slice(0, 64),
    created_at: ctx.now().toISOString(),
  });
}

/** One page of the log, newest first, and the number of pages. */
export async function listAuditLog(ctx: Pick<Ctx, "db">, page: number) {
  const [entries, total] = await Promise.all([
    store.listAuditEntries(ctx.db, {
      limit: AUDIT_LOG_PAGE_SIZE,
      offset: (page - 1) * AUDIT_LOG_PAGE_SIZE,
    }),
    store.countAuditEntries(ctx.db),
  ]);
  return { entries, pages: Math.max(1, Math.ceil(total / AUDIT_LOG_PAGE_SIZE)) };
}

/** Drops entries older than the retention period (run by the housekeeping timer). */
export async function pruneAuditLog(ctx: Ctx): Promise<void> {
  const before = new Date(ctx.now().getTime() - AUDIT_LOG_RETENTION_DAYS * 86_400_000);
  await store.deleteAuditEntriesBefore(ctx.db, before.toISOString());
}
