import type { FastifyReply, FastifyRequest } from "fastify";
import type { SessionActor } from "../accounts/service.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in staff member, when the request carries a live session cookie. */
    actor: SessionActor | undefined;
  }
}

export const SESSION_COOKIE = "bs_session";

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
