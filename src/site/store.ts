import type { Db } from "../db/database.js";

/** All stored settings as raw JSON strings keyed by name. */
export async function listSettings(db: Db): Promise<{ key: string; value: string }[]> {
  return db.selectFrom("settings").select(["key", "value"]).orderBy("key").execute();
}

/** Inserts or replaces each given setting. */
export async function upsertSettings(db: Db, values: Record<string, string>, now: string): Promise<void> {
  const rows = Object.entries(values).map(([key, value]) => ({ key, value, updated_at: now }));
  if (rows.length === 0) return;
  await db
    .insertInto("settings")
    .values(rows)
    .onConflict((oc) =>
      oc.column("key").doUpdateSet((eb) => ({
        value: eb.ref("excluded.value"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}

/** The redirect stored for an exact request path, or undefined. */
export async function getRedirect(db: Db, fromPath: string) {
  return db
    .selectFrom("redirects")
    .select(["to_path", "status_code"])
    .where("from_path", "=", fromPath)
    .executeTakeFirst();
}

/** Adds a redirect; an existing one for the same path is replaced. */
export async function upsertRedirect(
  db: Db,
  fromPath: string,
  toPath: string,
  statusCode: number,
  now: string,
) {
  await db
    .insertInto("redirects")
    .values({ from_path: fromPath, to_path: toPath, status_code: statusCode, created_at: now })
    .onConflict((oc) =>
      oc.column("from_path").doUpdateSet((eb) => ({
        to_path: eb.ref("excluded.to_path"),
        status_code: eb.ref("excluded.status_code"),
      })),
    )
    .execute();
}

const INSTALL_SECRET_KEY = "install_secret";

/** The generated install secret (kept apart from the editable settings), or undefined. */
export async function getInstallSecret(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", INSTALL_SECRET_KEY)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as string) : undefined;
}

/** Stores the install secret unless another node stored one first. */
export async function insertInstallSecret(db: Db, secret: string, now: string): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key: INSTALL_SECRET_KEY, value: JSON.stringify(secret), updated_at: now })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

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
