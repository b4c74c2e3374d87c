import type { Db } from "../db/database.js";
import { toCount } from "../db/dialect.js";
import type { Role } from "../db/schema.js";

const publicUserColumns = [
  "id",
  "email",
  "name",
  "slug",
  "bio",
  "role",
  "is_disabled",
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
    .select(["users.id", "users.name", "users.email", "users.role", "users.slug", "sessions.expires_at"])
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

export async function insertLoginAttempt(
  db: Db,
  accountKey: string,
  ipKey: string,
  now: string,
): Promise<void> {
  await db
    .insertInto("login_attempts")
    .values({ account_key: accountKey, ip_key: ipKey, created_at: now })
    .execute();
}

/** Failed sign-ins since `since` for an account and for an IP. */
export async function countLoginFailures(db: Db, accountKey: string, ipKey: string, since: string) {
  const [byAccount, byIp] = await Promise.all([
    db
      .selectFrom("login_attempts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_key", "=", accountKey)
      .where("created_at", ">", since)
      .executeTakeFirst(),
    db
      .selectFrom("login_attempts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("ip_key", "=", ipKey)
      .where("created_at", ">", since)
      .executeTakeFirst(),
  ]);
  return { byAccount: toCount(byAccount?.n), byIp: toCount(byIp?.n) };
}

export async function deleteLoginAttempts(db: Db, accountKey: string): Promise<void> {
  await db.deleteFrom("login_attempts").where("account_key", "=", accountKey).execute();
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
