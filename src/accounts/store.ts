import type { Db } from "../db/database.js";
import { lockForTransaction, toCount } from "../db/dialect.js";
import type { Role } from "../db/schema.js";

const publicUserColumns = [
  "id",
  "email",
  "name",
  "slug",
  "bio",
  "role",
  "is_disabled",
  "language",
  "created_at",
  "updated_at",
] as const;

export type UserRow = {
  id: number;
  email: string;
  name: string;
  slug: string;
  bio: string;
  role: Role;
  is_disabled: number;
  /** The admin's language for this person; null follows the site's. */
  language: string | null;
  created_at: string;
  updated_at: string;
};

/** One user by id, without the password hash. */
export async function getUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom("users").select(publicUserColumns).where("id", "=", id).executeTakeFirst();
}

/** One user by (lowercased) email, with the password hash for sign-in. */
export async function getUserWithPasswordByEmail(db: Db, email: string) {
  return db
    .selectFrom("users")
    .select([...publicUserColumns, "password_hash"])
    .where("email", "=", email)
    .executeTakeFirst();
}

export async function getUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").select(publicUserColumns).where("email", "=", email).executeTakeFirst();
}

export async function getUserBySlug(db: Db, slug: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").select(publicUserColumns).where("slug", "=", slug).executeTakeFirst();
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom("users").select(publicUserColumns).orderBy("name").limit(1000).execute();
}

export async function countAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role", "=", "admin")
    .where("is_disabled", "=", 0)
    .executeTakeFirst();
  return toCount(row?.n);
}

export async function insertUser(
  db: Db,
  user: {
    email: string;
    name: string;
    slug: string;
    role: Role;
    password_hash: string | null;
    bio?: string;
    now: string;
  },
): Promise<UserRow> {
  return db
    .insertInto("users")
    .values({
      email: user.email,
      name: user.name,
      slug: user.slug,
      role: user.role,
      bio: user.bio ?? "",
      password_hash: user.password_hash,
      created_at: user.now,
      updated_at: user.now,
    })
    .returning(publicUserColumns)
    .executeTakeFirstOrThrow();
}

export async function updateUser(
  db: Db,
  id: number,
  changes: Partial<{
    name: string;
    email: string;
    bio: string;
    role: Role;
    is_disabled: number;
    password_hash: string;
    language: string | null;
  }>,
  now: string,
): Promise<void> {
  await db
    .updateTable("users")
    .set({ ...changes, updated_at: now })
    .where("id", "=", id)
    .execute();
}

export async function insertSession(
  db: Db,
  session: {
    token_hash: string;
    user_id: number;
    created_at: string;
    expires_at: string;
    user_agent: string;
  },
): Promise<void> {
  await db.insertInto("sessions").values(session).execute();
}

/** The live session for a token digest joined with its (enabled) user. */
export async function getSessionUser(db: Db, tokenHash: string, now: string) {
  return db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "users.id",
      "users.name",
      "users.email",
      "users.role",
      "users.slug",
      "users.language",
      "sessions.expires_at",
    ])
    .where("sessions.token_hash", "=", tokenHash)
    .where("sessions.expires_at", ">", now)
    .where("users.is_disabled", "=", 0)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
}

export async function deleteSessionsOfUser(db: Db, userId: number): Promise<void> {
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<void> {
  await db.deleteFrom("sessions").where("expires_at", "<=", now).execute();
}

/**
 * Records a sign-in attempt, then counts the attempts in the window, in one transaction that
 * holds a lock on the account (or device) and on the IP: concurrent attempts are counted one
 * after another, so the limit is never overshot. The counts include this attempt.
 * `byAccount` counts only attempts from browsers without a device cookie.
 */
export async function recordLoginAttempt(
  db: Db,
  attempt: { accountKey: string; ipKey: string; deviceKey: string | null; now: string; since: string },
): Promise<{ id: number; byAccount: number; byDevice: number; byIp: number }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("login_attempts")
      .values({
        account_key: attempt.accountKey,
        ip_key: attempt.ipKey,
        device_key: attempt.deviceKey,
        created_at: attempt.now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // Always the account-or-device lock first, then the IP lock: no two attempts wait on each other in a cycle.
    await lockForTransaction(trx, `login:${attempt.deviceKey ?? attempt.accountKey}`);
    await lockForTransaction(trx, `login-ip:${attempt.ipKey}`);
    const count = (column: "account_key" | "device_key" | "ip_key", value: string, untrustedOnly = false) =>
      trx
        .selectFrom("login_attempts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where(column, "=", value)
        .where("created_at", ">", attempt.since)
        .$if(untrustedOnly, (qb) => qb.where("device_key", "is", null))
        .executeTakeFirst()
        .then((r) => toCount(r?.n));
    const byAccount = attempt.deviceKey === null ? await count("account_key", attempt.accountKey, true) : 0;
    const byDevice = attempt.deviceKey === null ? 0 : await count("device_key", attempt.deviceKey);
    const byIp = await count("ip_key", attempt.ipKey);
    return { id: row.id, byAccount, byDevice, byIp };
  });
}

/** Forgets the failures a successful sign-in clears: the account's, or only the device's. */
export async function deleteLoginAttempts(
  db: Db,
  column: "account_key" | "device_key",
  key: string,
): Promise<void> {
  await db.deleteFrom("login_attempts").where(column, "=", key).execute();
}

export async function deleteLoginAttemptsBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom("login_attempts").where("created_at", "<", before).execute();
}

export async function insertApiToken(
  db: Db,
  token: {
    name: string;
    token_hash: string;
    user_id: number | null;
    created_at: string;
    expires_at: string | null;
  },
) {
  return db
    .insertInto("api_tokens")
    .values(token)
    .returning(["id", "name", "created_at"])
    .executeTakeFirstOrThrow();
}

/** The token row for a digest, with its user's role when tied to one. */
export async function getApiToken(db: Db, tokenHash: string) {
  return db
    .selectFrom("api_tokens")
    .leftJoin("users", "users.id", "api_tokens.user_id")
    .select([
      "api_tokens.id",
      "api_tokens.name",
      "api_tokens.user_id",
      "api_tokens.expires_at",
      "api_tokens.revoked_at",
      "users.role",
      "users.name as user_name",
      "users.is_disabled",
    ])
    .where("api_tokens.token_hash", "=", tokenHash)
    .executeTakeFirst();
}

export async function getApiTokenById(db: Db, id: number) {
  return db
    .selectFrom("api_tokens")
    .select(["id", "name", "user_id", "revoked_at"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function listApiTokens(db: Db) {
  return db
    .selectFrom("api_tokens")
    .select(["id", "name", "user_id", "created_at", "last_used_at", "expires_at", "revoked_at"])
    .orderBy("id", "desc")
    .limit(500)
    .execute();
}

export async function updateApiTokenLastUsed(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", id).execute();
}

export async function revokeApiToken(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable("api_tokens").set({ revoked_at: now }).where("id", "=", id).execute();
}

// ── one-time set-password links ─────────────────────────────────────────────

export async function insertPasswordResetToken(
  db: Db,
  token: { token_hash: string; user_id: number; created_at: string; expires_at: string },
): Promise<void> {
  await db.insertInto("password_reset_tokens").values(token).execute();
}

/** The account behind an unused, unexpired set-password token, or undefined. */
export async function getPasswordResetUser(db: Db, tokenHash: string, now: string) {
  return db
    .selectFrom("password_reset_tokens")
    .innerJoin("users", "users.id", "password_reset_tokens.user_id")
    .select(["users.id", "users.name", "users.email", "users.is_disabled"])
    .where("password_reset_tokens.token_hash", "=", tokenHash)
    .where("password_reset_tokens.used_at", "is", null)
    .where("password_reset_tokens.expires_at", ">", now)
    .executeTakeFirst();
}

/** Marks a token used; false when it was already used (two tabs submitting at once). */
export async function markPasswordResetTokenUsed(db: Db, tokenHash: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable("password_reset_tokens")
    .set({ used_at: now })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Retires every other outstanding link of an account once one is used or a new one is made. */
export async function deletePasswordResetTokensOfUser(
  db: Db,
  userId: number,
  exceptHash?: string,
): Promise<void> {
  await db
    .deleteFrom("password_reset_tokens")
    .where("user_id", "=", userId)
    .$if(exceptHash !== undefined, (qb) => qb.where("token_hash", "!=", exceptHash!))
    .execute();
}
