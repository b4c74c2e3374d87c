/**
 * Old WordPress addresses at request time. Redirects are stored under the exact path a browser
 * sends (the 404 handler looks them up as they come), so each old path is stored in the forms a
 * request may take; `/?p=123` links are answered by `redirectLegacyPostLinks` because `/` is the
 * front page's route and never reaches the 404 handler.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../site/context.js";
import { findRedirect } from "../site/redirects.js";
import { normalizeRedirectPath } from "./wxr/permalinks.js";

/**
 * The request paths under which a normalised old path (see `normalizeRedirectPath`) is stored:
 * percent-encoded as browsers send it (upper-case escapes) and as WordPress wrote its links
 * (lower-case), each with and without the trailing slash. A `?p=`-style path is kept as it is.
 */
export function requestPathVariants(normalizedPath: string): string[] {
  if (normalizedPath.includes("?")) return [normalizedPath];
  let encoded: string;
  try {
    encoded = encodeURI(normalizedPath);
  } catch {
    return [normalizedPath];
  }
  const variants = new Set<string>();
  for (const form of [
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (percentEscape) => percentEscape.toLowerCase()),
  ]) {
    variants.add(form);
    if (form !== "/") variants.add(form.endsWith("/") ? form.slice(0, -1) : `${form}/`);
  }
  return [...variants];
}

/** Paths WordPress resolves a `?p=`, `?page_id=` or `?attachment_id=` query on. */
const QUERY_LINK_PATHS = ["/?", "/index.php?", "/index.php/?"];

/**
 * An `onRequest` hook for the root instance: `/?p=123` (and `/index.php?p=123`, `?page_id=`)
 * from an imported WordPress site redirects to the article. Costs two string checks on any
 * other request; a query that names no imported post goes on to the front page as before.
 */
export function redirectLegacyPostLinks(ctx: Pick<AppContext, "db">) {
  return async function redirectLegacyPostLink(request: FastifyRequest, reply: FastifyReply) {
    if (request.method !== "GET" && request.method !== "HEAD") return;
    if (!QUERY_LINK_PATHS.some((prefix) => request.url.startsWith(prefix))) return;
    const normalized = normalizeRedirectPath(request.url);
    const queryStart = normalized.indexOf("?");
    if (queryStart === -1) return;
    const redirect = await findRedirect(ctx.db, `/${normalized.slice(queryStart)}`);
    if (redirect) return reply.redirect(redirect.to_path, redirect.status_code as 301 | 302);
  };
}
