import type { FastifyReply, FastifyRequest } from "fastify";
import type { SessionActor } from "../accounts/service.js";
import type { AppContext } from "../context.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in staff member, when the request carries a live session cookie. */
    actor: SessionActor | undefined;
  }
}

export const SESSION_COOKIE = "bs_session";
/** Signed cookie naming an account that signed in with this browser (see accounts/session-cookie.ts). */
export const DEVICE_COOKIE = "bs_device";

/** Cookies carry `Secure` when the site's public address is https, or this request came over https. */
export function secureCookies(ctx: Pick<AppContext, "config">, request: FastifyRequest): boolean {
  return ctx.config.siteUrl.startsWith("https://") || request.protocol === "https";
}

/**
 * What a CSRF token is bound to: the session cookie, or "anonymous" before sign-in. A token taken
 * from another session, or from an anonymous page, is refused even with a planted `_csrf` cookie.
 */
export function csrfBinding(request: FastifyRequest): string {
  const session = request.cookies[SESSION_COOKIE];
  return session ? `session:${session}` : "anonymous";
}

/** Parses a positive page number from a route param; undefined for 0, negatives or junk. */
export function parsePageNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return 1;
  if (!/^\d{1,6}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 ? n : undefined;
}

/** The largest id an `integer` column holds (PostgreSQL's int4; SQLite would take more, so both refuse it). */
export const MAX_ROW_ID = 2_147_483_647;

/**
 * A row id from a path, query or form value: digits only, 1 to MAX_ROW_ID (surrounding spaces
 * allowed); undefined otherwise, which routes answer with 404 (or a field error) on both databases.
 */
export function parseId(raw: string | undefined): number | undefined {
  const trimmed = raw?.trim();
  if (trimmed === undefined || !/^\d{1,10}$/.test(trimmed)) return undefined;
  const id = Number(trimmed);
  return id >= 1 && id <= MAX_ROW_ID ? id : undefined;
}

/** A form field as a trimmed string ('' when absent or not a string). */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : "";
  return typeof value === "string" ? value : "";
}

/** A repeated form field (checkboxes, multi-selects) as a list of strings. */
export function fieldList(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

/** True when the client prefers JSON (fetch from the admin's scripts). */
export function wantsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? "").includes("application/json");
}

/** Sends a JSON validation error in the API shape `{error, fields}`. */
export function sendFieldErrors(reply: FastifyReply, fields: Record<string, string>, status = 422) {
  return reply.code(status).send({ error: "validation failed", fields });
}

/**
 * True when a state-changing post comes from this site: its Origin (or, failing that, its
 * Referer) is the configured site URL or the host the request was sent to. The anonymous
 * comment form sits on cached pages and carries no CSRF token, so this is its CSRF defence (and
 * the admin's multipart uploads', whose token cannot be read before their body).
 */
export function isSameSitePost(
  headers: { origin?: string; referer?: string },
  siteUrl: string,
  requestOrigin: string,
): boolean {
  const claimed = headers.origin ?? headers.referer;
  if (!claimed || claimed === "null") return false;
  let origin: string;
  try {
    origin = new URL(claimed).origin;
  } catch {
    return false;
  }
  // Both sides through URL, so "http://host:80" and "http://host" compare equal.
  const originOf = (value: string) => {
    try {
      return new URL(value).origin;
    } catch {
      return undefined;
    }
  };
  return origin === originOf(siteUrl) || origin === originOf(requestOrigin);
}

/** The origin this request was sent to, as the client addressed it. */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
