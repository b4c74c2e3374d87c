import type { Db } from "../db/database.js";

/**
 * Counts one request against a rate-limit counter and returns the count in its window and when
 * the window ends (ms since epoch). One atomic upsert: every node sees the same count.
 */
export async function hitRateLimit(
  db: Db,
  key: string,
  nowMs: number,
  windowMs: number,
): Promise<{ hits: number; expires_at: number }> {
  return db
    .insertInto("rate_limits")
    .values({ key, hits: 1, expires_at: nowMs + windowMs })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet((eb) => ({
        hits: eb
          .case()
          .when("rate_limits.expires_at", "<=", nowMs)
          .then(1)
          .else(eb("rate_limits.hits", "+", 1))
          .end(),
        expires_at: eb
          .case()
          .when("rate_limits.expires_at", "<=", nowMs)
          .then(nowMs + windowMs)
          .else(eb.ref("rate_limits.expires_at"))
          .end(),
      })),
    )
    .returning(["hits", "expires_at"])
    .executeTakeFirstOrThrow();
}

/** The count of a rate-limit counter without counting a request (0 when its window is over). */
export async function getRateLimit(db: Db, key: string, nowMs: number) {
  return db
    .selectFrom("rate_limits")
    .select(["hits", "expires_at"])
    .where("key", "=", key)
    .where("expires_at", ">", nowMs)
    .executeTakeFirst();
}

/** Removes counters whose window is over. */
export async function deleteExpiredRateLimits(db: Db, nowMs: number): Promise<void> {
  await db.deleteFrom("rate_limits").where("expires_at", "<=", nowMs).execute();
}
