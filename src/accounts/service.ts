import { recordAuditEvent } from "../audit/service.js";
import type { AppContext } from "../context.js";
import type { Role } from "../db/schema.js";
import { countAgainstLimit } from "../infrastructure/rate-limits.js";
import { keyedHash } from "../lib/keyed-hash.js";
import { languageError, staffLanguage } from "../lib/languages.js";
import { problemText, type Say } from "../lib/problems.js";
import { formatSiteDate } from "../lib/site-date.js";
import { slugify, uniqueSlug } from "../lib/slug.js";
import { checkText } from "../lib/text-input.js";
import {
  digestToken,
  hashPassword,
  passwordProblem,
  randomToken,
  verifyDummyPassword,
  verifyPassword,
} from "./passwords.js";
import type { Actor } from "./permissions.js";
import { isStaffRole } from "./permissions.js";
import { ACCOUNT_PROBLEMS } from "./problems.js";
import * as store from "./store.js";

/** Longest staff name (`users.name` is `varchar(100)`) and biography. */
export const STAFF_NAME_MAX = 100;
const STAFF_BIO_MAX = 2000;

type Ctx = Pick<AppContext, "db" | "now" | "secret">;
export type FieldErrors = Record<string, string>;

export const SESSION_LIFETIME_DAYS = 14;
export const LOGIN_WINDOW_MINUTES = 15;
export const LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;
export const LOGIN_MAX_FAILURES_PER_IP = 20;
/** Same text for an unknown email and a wrong password, so sign-in does not reveal who has an account. */
export const LOGIN_FAILED_MESSAGE = ACCOUNT_PROBLEMS.login_failed;
export const LOGIN_LOCKED_MESSAGE = problemText(ACCOUNT_PROBLEMS.login_locked, {
  minutes: LOGIN_WINDOW_MINUTES,
});

export interface SessionActor extends Actor {
  email: string;
  slug: string;
  /** The admin's language this person chose; null (or not known) follows the site's. */
  language?: string | null;
}

export interface NewUserInput {
  email: string;
  name: string;
  role: string;
  password?: string;
  bio?: string;
}

const EMAIL_PATTERN = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL_PATTERN.test(email);
}

/** Field errors for a new staff account (empty when valid). */
export function validateNewUser(input: NewUserInput, requirePassword: boolean): FieldErrors {
  const errors: FieldErrors = {};
  const email = normaliseEmail(input.email ?? "");
  if (!isValidEmail(email)) errors.email = ACCOUNT_PROBLEMS.email_invalid;
  const name = (input.name ?? "").trim();
  if (checkText(errors, "name", name, { max: STAFF_NAME_MAX }) && name === "")
    errors.name = problemText(ACCOUNT_PROBLEMS.name_length, { max: STAFF_NAME_MAX });
  if (!isStaffRole(input.role)) errors.role = ACCOUNT_PROBLEMS.role_invalid;
  if (input.password !== undefined || requirePassword) {
    const problem = passwordProblem(input.password ?? "");
    if (problem) errors.password = problem;
  }
  checkText(errors, "bio", input.bio, { max: STAFF_BIO_MAX, column: "text", multiline: true });
  return errors;
}

/** Creates a staff account; a missing password leaves it unable to sign in until one is set. */
export async function createUser(
  ctx: Ctx & Pick<AppContext, "settings">,
  input: NewUserInput,
  options: { requirePassword: boolean } = { requirePassword: true },
): Promise<{ user: store.UserRow } | { errors: FieldErrors }> {
  const errors = validateNewUser(input, options.requirePassword);
  const email = normaliseEmail(input.email ?? "");
  if (!errors.email && (await store.getUserByEmail(ctx.db, email)))
    errors.email = ACCOUNT_PROBLEMS.email_taken;
  if (Object.keys(errors).length > 0) return { errors };
  const name = input.name.trim();
  const slug = await uniqueSlug(
    slugify(name, (await ctx.settings.get()).slugStyle) || "author",
    async (s) => !!(await store.getUserBySlug(ctx.db, s)),
  );
  const password_hash = input.password ? await hashPassword(input.password) : null;
  const user = await store.insertUser(ctx.db, {
    email,
    name,
    slug,
    role: input.role as Role,
    password_hash,
    bio: input.bio?.trim(),
    now: ctx.now().toISOString(),
  });
  return { user };
}

export async function getUser(ctx: Pick<Ctx, "db">, id: number) {
  return store.getUserById(ctx.db, id);
}

export async function getUserByEmail(ctx: Pick<Ctx, "db">, email: string) {
  return store.getUserByEmail(ctx.db, normaliseEmail(email));
}

export async function getAuthorBySlug(ctx: Pick<Ctx, "db">, slug: string) {
  return store.getUserBySlug(ctx.db, slug);
}

export async function listUsers(ctx: Pick<Ctx, "db">) {
  return store.listUsers(ctx.db);
}

/** Who made a change, for the audit log: a staff member (null from the command line) and their address. */
export interface ChangedBy {
  actorId: number | null;
  ip?: string;
}

/** Updates a staff account's profile, role, status, password or admin language; role and status changes are audited. */
export async function updateUser(
  ctx: Ctx,
  id: number,
  input: {
    name?: string;
    email?: string;
    bio?: string;
    role?: string;
    isDisabled?: boolean;
    password?: string;
    /** The admin's language; "" follows the site's. */
    language?: string;
  },
  by: ChangedBy = { actorId: null },
): Promise<FieldErrors> {
  const existing = await store.getUserById(ctx.db, id);
  if (!existing) return { id: ACCOUNT_PROBLEMS.no_such_user };
  const errors: FieldErrors = {};
  const changes: Parameters<typeof store.updateUser>[2] = {};
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (checkText(errors, "name", name, { max: STAFF_NAME_MAX })) {
      if (name === "") errors.name = problemText(ACCOUNT_PROBLEMS.name_length, { max: STAFF_NAME_MAX });
      else changes.name = name;
    }
  }
  if (input.email !== undefined) {
    const email = normaliseEmail(input.email);
    if (!isValidEmail(email)) errors.email = ACCOUNT_PROBLEMS.email_invalid;
    else if (email !== existing.email && (await store.getUserByEmail(ctx.db, email)))
      errors.email = ACCOUNT_PROBLEMS.email_taken;
    else changes.email = email;
  }
  if (input.bio !== undefined) {
    if (checkText(errors, "bio", input.bio, { max: STAFF_BIO_MAX, column: "text", multiline: true }))
      changes.bio = input.bio.trim();
  }
  if (input.role !== undefined) {
    if (!isStaffRole(input.role)) errors.role = ACCOUNT_PROBLEMS.role_invalid;
    else changes.role = input.role;
  }
  if (input.isDisabled !== undefined) changes.is_disabled = input.isDisabled ? 1 : 0;
  if (input.language !== undefined) {
    const problem = input.language === "" ? undefined : languageError(input.language);
    if (problem) errors.language = problem;
    else changes.language = input.language === "" ? null : input.language;
  }
  const demotesAdmin =
    existing.role === "admin" && ((changes.role && changes.role !== "admin") || changes.is_disabled === 1);
  if (demotesAdmin && (await store.countAdmins(ctx.db)) <= 1) errors.role = ACCOUNT_PROBLEMS.last_admin;
  if (input.password !== undefined && input.password !== "") {
    const problem = passwordProblem(input.password);
    if (problem) errors.password = problem;
    else changes.password_hash = await hashPassword(input.password);
  }
  if (Object.keys(errors).length > 0) return errors;
  await store.updateUser(ctx.db, id, changes, ctx.now().toISOString());
  if (changes.is_disabled === 1 || changes.password_hash) await store.deleteSessionsOfUser(ctx.db, id);
  const audited = { actorId: by.actorId, subjectId: id, ip: by.ip };
  if (changes.role && changes.role !== existing.role)
    await recordAuditEvent(ctx, {
      ...audited,
      event: "role_changed",
      detail: `${existing.role} → ${changes.role}`,
    });
  if (changes.is_disabled !== undefined && changes.is_disabled !== existing.is_disabled)
    await recordAuditEvent(ctx, {
      ...audited,
      event: changes.is_disabled ? "account_disabled" : "account_enabled",
    });
  return {};
}

export async function isSetupNeeded(ctx: Pick<Ctx, "db">): Promise<boolean> {
  return (await store.countAdmins(ctx.db)) === 0;
}

export interface SignInAttempt {
  email: string;
  password: string;
  ip: string;
  /** The value of the browser's (already unsigned) device cookie, if it sent a valid one. */
  deviceToken?: string;
  /** A signed-in person re-entering their password (to change it) is not a new sign-in in the log. */
  purpose?: "sign-in" | "password-check";
}

type SignInCtx = Ctx & Pick<AppContext, "config" | "log" | "settings" | "mail" | "adminMessages">;

/** How long a browser stays known after a successful sign-in there. */
export const DEVICE_COOKIE_DAYS = 180;

/** A new device-cookie value for the account (the route signs it): `<user id>.<random nonce>`. */
export function newDeviceToken(userId: number): string {
  return `${userId}.${randomToken()}`;
}

/** The key failures from this browser count under, when its device cookie belongs to the account. */
function trustedDeviceKey(ctx: Ctx, token: string | undefined, userId: number | undefined): string | null {
  if (!token || userId === undefined) return null;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  if (!match || Number(match[1]) !== userId) return null;
  return keyedHash(ctx.secret, `device:${match[2]}`);
}

/**
 * Checks a sign-in. The attempt is recorded first and the attempts in the window counted with it,
 * in one transaction (concurrent guesses are counted one by one), then the password is checked.
 * Past the per-IP limit, or past the per-account limit for a browser without the account's device
 * cookie, even a right password is refused until the window passes; a browser that signed in to
 * the account before (OWASP "device cookies") has its own limit instead, so strangers cannot lock
 * staff out. An unknown email costs one argon2 check like a known one. The account's owner is
 * emailed when it locks (with SMTP), and every outcome goes to the audit log.
 */
export async function authenticate(
  ctx: SignInCtx,
  attempt: SignInAttempt,
): Promise<{ user: store.UserRow } | { error: string }> {
  const email = normaliseEmail(attempt.email);
  const now = ctx.now();
  const user = await store.getUserWithPasswordByEmail(ctx.db, email);
  const accountKey = keyedHash(ctx.secret, `account:${email}`);
  const deviceKey = trustedDeviceKey(ctx, attempt.deviceToken, user?.id);
  const counts = await store.recordLoginAttempt(ctx.db, {
    accountKey,
    ipKey: keyedHash(ctx.secret, `ip:${attempt.ip}`),
    deviceKey,
    now: now.toISOString(),
    since: new Date(now.getTime() - LOGIN_WINDOW_MINUTES * 60_000).toISOString(),
  });
  const audit = (event: "sign_in" | "sign_in_failed" | "account_locked", detail: string) =>
    recordAuditEvent(ctx, {
      event,
      actorId: event === "sign_in" ? user?.id : null,
      subjectId: user?.id ?? null,
      detail,
      ip: attempt.ip,
    });
  const limit = deviceKey ? counts.byDevice : counts.byAccount;
  if (limit > LOGIN_MAX_FAILURES_PER_ACCOUNT || counts.byIp > LOGIN_MAX_FAILURES_PER_IP) {
    await audit("sign_in_failed", "refused: too many failed attempts");
    return { error: LOGIN_LOCKED_MESSAGE };
  }
  const usable = user?.password_hash && user.is_disabled === 0 ? user.password_hash : undefined;
  const ok = usable
    ? await verifyPassword(usable, attempt.password)
    : await verifyDummyPassword(attempt.password);
  if (!user || !ok) {
    await audit(
      "sign_in_failed",
      !user ? "no such account" : usable ? "wrong password" : "account cannot sign in",
    );
    if (user && !deviceKey && counts.byAccount === LOGIN_MAX_FAILURES_PER_ACCOUNT)
      await lockAccount(ctx, user, attempt.ip);
    return { error: LOGIN_FAILED_MESSAGE };
  }
  await (deviceKey
    ? store.deleteLoginAttempts(ctx.db, "device_key", deviceKey)
    : store.deleteLoginAttempts(ctx.db, "account_key", accountKey));
  await audit("sign_in", attempt.purpose === "password-check" ? "password confirmed" : "");
  const { password_hash: _omit, ...publicUser } = user;
  return { user: publicUser };
}

/** Says an admin-catalogue message to a staff member in their language (their choice, else the site's). */
export function staffSay(
  ctx: Pick<AppContext, "adminMessages">,
  person: { language: string | null },
  siteLanguage: string,
): Say {
  const language = staffLanguage(person.language, siteLanguage);
  return (key, values) => ctx.adminMessages.t(language, key, values);
}

/** Notes a lock in the audit log and tells the account's owner, in the background, when SMTP is set. */
async function lockAccount(ctx: SignInCtx, user: store.UserRow, ip: string): Promise<void> {
  await recordAuditEvent(ctx, {
    event: "account_locked",
    subjectId: user.id,
    detail: `${LOGIN_MAX_FAILURES_PER_ACCOUNT} failed sign-ins in ${LOGIN_WINDOW_MINUTES} minutes from unknown browsers`,
    ip,
  });
  const transport = ctx.mail;
  if (!transport) return;
  const settings = await ctx.settings.get();
  const say = staffSay(ctx, user, settings.language);
  transport
    .sendMail({
      from: ctx.config.mailFrom,
      to: user.email,
      subject: say("accounts.emails.locked.subject", { site: settings.title }),
      text: say("accounts.emails.locked.body", {
        url: `${ctx.config.siteUrl}/admin/`,
        attempts: LOGIN_MAX_FAILURES_PER_ACCOUNT,
        minutes: LOGIN_WINDOW_MINUTES,
      }),
    })
    .catch((error: Error & { code?: string; responseCode?: number }) => {
      // The message of an SMTP error can quote the recipient: log only its codes.
      ctx.log.error({ code: error.code, responseCode: error.responseCode }, "account lock email failed");
    });
}

/** Starts a session; returns the cookie token (only its digest is stored). */
export async function startSession(ctx: Ctx, userId: number, userAgent: string) {
  const token = randomToken();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_DAYS * 86_400_000);
  await store.insertSession(ctx.db, {
    token_hash: digestToken(token),
    user_id: userId,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    user_agent: userAgent.slice(0, 200),
  });
  return { token, expiresAt };
}

/** The staff member behind a session cookie, or undefined for a missing, expired or revoked one. */
export async function getSessionActor(ctx: Ctx, token: string): Promise<SessionActor | undefined> {
  const row = await store.getSessionUser(ctx.db, digestToken(token), ctx.now().toISOString());
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    slug: row.slug,
    language: row.language,
  };
}

export async function endSession(ctx: Ctx, token: string): Promise<void> {
  await store.deleteSession(ctx.db, digestToken(token));
}

/** Drops expired sessions and old sign-in failures (run by the housekeeping timer). */
export async function pruneAccounts(ctx: Ctx): Promise<void> {
  const now = ctx.now();
  await store.deleteExpiredSessions(ctx.db, now.toISOString());
  await store.deleteLoginAttemptsBefore(ctx.db, new Date(now.getTime() - 86_400_000).toISOString());
}

/** Creates an Admin API token and returns it in clear text — the only time it is ever shown. */
export async function createApiToken(
  ctx: Ctx,
  input: { name: string; userId?: number | null; expiresAt?: string | null },
  by: ChangedBy = { actorId: null },
): Promise<{ token: string; id: number } | { errors: FieldErrors }> {
  const name = (input.name ?? "").trim();
  const nameErrors: FieldErrors = {};
  if (!checkText(nameErrors, "name", name, { max: 100 })) return { errors: nameErrors };
  if (name === "") return { errors: { name: problemText(ACCOUNT_PROBLEMS.name_length, { max: 100 }) } };
  const token = randomToken("bst_");
  const row = await store.insertApiToken(ctx.db, {
    name,
    token_hash: digestToken(token),
    user_id: input.userId ?? null,
    created_at: ctx.now().toISOString(),
    expires_at: input.expiresAt ?? null,
  });
  await recordAuditEvent(ctx, {
    event: "token_created",
    actorId: by.actorId,
    subjectId: input.userId ?? null,
    detail: `“${name}”${input.userId ? "" : " (acts as the first admin)"}${input.expiresAt ? `, expires ${input.expiresAt.slice(0, 10)}` : ""}`,
    ip: by.ip,
  });
  return { token, id: row.id };
}

export async function listApiTokens(ctx: Pick<Ctx, "db">) {
  return store.listApiTokens(ctx.db);
}

export async function revokeApiToken(ctx: Ctx, id: number, by: ChangedBy = { actorId: null }): Promise<void> {
  const token = await store.getApiTokenById(ctx.db, id);
  if (!token || token.revoked_at) return;
  await store.revokeApiToken(ctx.db, id, ctx.now().toISOString());
  await recordAuditEvent(ctx, {
    event: "token_revoked",
    actorId: by.actorId,
    subjectId: token.user_id,
    detail: `“${token.name}”`,
    ip: by.ip,
  });
}

/**
 * The identity an Admin API token acts as: its user, or — for a token not tied to a user (made
 * with `cli token create`) — an admin-level integration whose id is the first admin's.
 */
export async function authenticateApiToken(
  ctx: Ctx,
  token: string,
): Promise<{ actor: Actor } | { error: "invalid" | "expired" | "revoked" }> {
  const row = await store.getApiToken(ctx.db, digestToken(token));
  if (!row) return { error: "invalid" };
  if (row.revoked_at) return { error: "revoked" };
  const now = ctx.now();
  if (row.expires_at && row.expires_at <= now.toISOString()) return { error: "expired" };
  await store.updateApiTokenLastUsed(ctx.db, row.id, now.toISOString());
  if (row.user_id !== null) {
    if (!row.role || row.is_disabled) return { error: "revoked" };
    return { actor: { id: row.user_id, role: row.role, name: row.user_name ?? row.name } };
  }
  const admin = (await store.listUsers(ctx.db)).find((u) => u.role === "admin" && u.is_disabled === 0);
  if (!admin) return { error: "invalid" };
  return { actor: { id: admin.id, role: "admin", name: row.name } };
}

/** How long a set-password link stays valid. */
export const PASSWORD_RESET_LINK_HOURS = 72;

/**
 * Makes a one-time link with which a staff member sets a new password (imported authors have
 * none). Earlier links of the account stop working. Returns `undefined` for an unknown email.
 */
export async function createPasswordResetLink(
  ctx: Ctx & Pick<AppContext, "config">,
  email: string,
  by?: ChangedBy,
): Promise<{ url: string; expiresAt: string; user: store.UserRow } | undefined> {
  const user = await store.getUserByEmail(ctx.db, normaliseEmail(email));
  if (!user) return undefined;
  const token = randomToken();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + PASSWORD_RESET_LINK_HOURS * 3_600_000).toISOString();
  await store.deletePasswordResetTokensOfUser(ctx.db, user.id);
  await store.insertPasswordResetToken(ctx.db, {
    token_hash: digestToken(token),
    user_id: user.id,
    created_at: now.toISOString(),
    expires_at: expiresAt,
  });
  // An admin's link is audited; "Forgot password?" and the command line act for the account itself.
  if (by)
    await recordAuditEvent(ctx, {
      event: "reset_link_created",
      actorId: by.actorId,
      subjectId: user.id,
      ip: by.ip,
    });
  return { url: `${ctx.config.siteUrl}/admin/set-password?token=${token}`, expiresAt, user };
}

/**
 * "Forgot password?": emails a one-time set-password link to an enabled account with this email.
 * Answers the same whether or not there is one (no one learns who has an account); `false` when
 * the site sends no email (no SMTP_URL), so the page can say to ask an administrator.
 */
export async function emailPasswordResetLink(
  ctx: Ctx & Pick<AppContext, "config" | "settings" | "log" | "mail" | "adminMessages">,
  email: string,
): Promise<boolean> {
  if (!ctx.mail) return false;
  const account = await store.getUserByEmail(ctx.db, normaliseEmail(email));
  if (!account || account.is_disabled === 1) return true;
  await mailPasswordResetLink(ctx, account, "asked");
  return true;
}

/** How many set-password links an administrator may email to one account per hour. */
export const RESET_LINK_EMAILS_PER_HOUR = 3;

export type AdminResetEmailResult =
  | { sent: true }
  | { refused: "no-mail" | "disabled" | "too-many" | "not-delivered" };

/**
 * "Send reset link": emails a staff member the same one-time link as "Forgot password?", for an
 * administrator (audited). At most RESET_LINK_EMAILS_PER_HOUR per account, counted in the
 * database so every node shares the count.
 */
export async function emailPasswordResetLinkFor(
  ctx: Ctx & Pick<AppContext, "config" | "settings" | "log" | "mail" | "adminMessages">,
  user: { id: number; email: string; is_disabled: number; language: string | null },
  by: ChangedBy,
): Promise<AdminResetEmailResult> {
  if (!ctx.mail) return { refused: "no-mail" };
  if (user.is_disabled === 1) return { refused: "disabled" };
  const sends = await countAgainstLimit(ctx, `reset-link-email:${user.id}`, 3_600_000);
  if (sends > RESET_LINK_EMAILS_PER_HOUR) return { refused: "too-many" };
  const isSent = await mailPasswordResetLink(ctx, user, "sent_by_admin");
  if (!isSent) return { refused: "not-delivered" };
  await recordAuditEvent(ctx, {
    event: "reset_link_emailed",
    actorId: by.actorId,
    subjectId: user.id,
    ip: by.ip,
  });
  return { sent: true };
}

/** Makes a new one-time link for the account and emails it; `false` when no email could be sent. */
async function mailPasswordResetLink(
  ctx: Ctx & Pick<AppContext, "config" | "settings" | "log" | "mail" | "adminMessages">,
  account: { email: string; language: string | null },
  why: "asked" | "sent_by_admin",
): Promise<boolean> {
  const transport = ctx.mail;
  if (!transport) return false;
  const link = await createPasswordResetLink(ctx, account.email);
  if (!link) return false;
  const settings = await ctx.settings.get();
  const say = staffSay(ctx, account, settings.language);
  try {
    await transport.sendMail({
      from: ctx.config.mailFrom,
      to: account.email,
      subject: say("accounts.emails.reset.subject", { site: settings.title }),
      text: say(`accounts.emails.reset.body_${why}`, {
        url: `${ctx.config.siteUrl}/admin/`,
        link: link.url,
        expires: formatSiteDate(link.expiresAt, "d MMM yyyy, HH:mm", settings.timezone),
      }),
    });
    return true;
  } catch (error) {
    const failure = error as Error & { code?: string; responseCode?: number };
    // The message of an SMTP error can quote the recipient: log only its codes.
    ctx.log.error({ code: failure.code, responseCode: failure.responseCode }, "password reset email failed");
    return false;
  }
}

/** The account a set-password link is for, or undefined for an unknown, used or expired link. */
export async function getPasswordResetAccount(ctx: Pick<Ctx, "db" | "now">, token: string) {
  if (token === "") return undefined;
  const row = await store.getPasswordResetUser(ctx.db, digestToken(token), ctx.now().toISOString());
  return row && row.is_disabled === 0 ? { id: row.id, name: row.name, email: row.email } : undefined;
}

/**
 * Sets the password behind a one-time link and uses the link up; every session of the account
 * is signed out. Returns field errors (`token` when the link is no longer valid).
 */
export async function setPasswordWithToken(
  ctx: Ctx,
  token: string,
  password: string,
  confirmation: string,
): Promise<{ userId: number } | { errors: FieldErrors }> {
  const account = await getPasswordResetAccount(ctx, token);
  if (!account) return { errors: { token: ACCOUNT_PROBLEMS.link_expired } };
  const problem = passwordProblem(password);
  if (problem) return { errors: { password: problem } };
  if (password !== confirmation) return { errors: { password_confirm: ACCOUNT_PROBLEMS.password_mismatch } };
  const tokenHash = digestToken(token);
  if (!(await store.markPasswordResetTokenUsed(ctx.db, tokenHash, ctx.now().toISOString())))
    return { errors: { token: ACCOUNT_PROBLEMS.link_used } };
  await store.updateUser(
    ctx.db,
    account.id,
    { password_hash: await hashPassword(password) },
    ctx.now().toISOString(),
  );
  await store.deleteSessionsOfUser(ctx.db, account.id);
  await store.deletePasswordResetTokensOfUser(ctx.db, account.id, tokenHash);
  return { userId: account.id };
}
