/**
 * Old WordPress addresses at request time. Redirects are stored under the exact path a browser
 * sends (the 404 handler looks them up as they come), so each old path is stored in the forms a
 * request may take; `/?p=123` links are answered by `redirectLegacyQueryLinks` because `/` is the
 * front page's route and never reaches the 404 handler.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import type { Db } from "../db/database.js";
import { findRedirect } from "../site/redirects.js";

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

/** The front page's addresses, on which WordPress answers its query links. */
const QUERY_LINK_PATHS = new Set(["/", "/index.php", "/index.php/"]);

/** `?feed=` values WordPress answers, and where each feed lives here. */
const FEED_PATHS: Record<string, string> = {
  rss2: "/feed/",
  rss: "/feed/",
  rdf: "/feed/",
  atom: "/feed/atom/",
  json: "/feed/json/",
  "comments-rss2": "/comments/feed/",
  "comments-atom": "/comments/feed/",
};

/** Query keys that name a WordPress object by id; the importer stores where each id now lives. */
const ID_KEYS = ["p", "page_id", "attachment_id", "cat", "author"] as const;

/**
 * Where one of WordPress's query links leads, as WordPress would answer it: a path to redirect
 * to, `null` for a 404 (an id nothing was imported under: a draft, a private post, a typo), or
 * `undefined` when the query is not a WordPress link and the front page answers.
 */
async function legacyQueryTarget(db: Db, query: URLSearchParams): Promise<string | null | undefined> {
  for (const key of ID_KEYS) {
    const value = query.get(key);
    if (value === null || !/^\d{1,18}$/.test(value)) continue;
    const redirect = await findRedirect(db, `/?${key}=${Number(value)}`);
    return redirect ? redirect.to_path : null;
  }
  const tag = query.get("tag");
  if (tag) return `/tag/${encodeURIComponent(tag)}/`;
  const month = query.get("m")?.match(/^(\d{4})(\d{2})?(\d{2})?$/);
  if (month) return `/${month.slice(1).filter(Boolean).join("/")}/`;
  const feed = query.get("feed");
  if (feed !== null) return FEED_PATHS[feed] ?? null;
  return undefined;
}

/**
 * An `onRequest` hook for the root instance, answering WordPress's plain links as WordPress
 * would: `/?p=123`, `/?page_id=`, `/?cat=`, `/?author=` (imported ids), `/?tag=slug`,
 * `/?m=YYYYMM[DD]` and `/?feed=rss2` redirect to their addresses here, an unknown id is a 404,
 * and `?amp=1` on any page redirects to the page. Costs a string search on other requests.
 */
export function redirectLegacyQueryLinks(ctx: Pick<AppContext, "db">) {
  return async function redirectLegacyQueryLink(request: FastifyRequest, reply: FastifyReply) {
    if (request.method !== "GET" && request.method !== "HEAD") return;
    const url = request.url;
    const queryStart = url.indexOf("?");
    if (queryStart === -1) return;
    const path = url.slice(0, queryStart);
    const isFrontPage = QUERY_LINK_PATHS.has(path);
    if (!isFrontPage && !url.includes("amp", queryStart)) return;
    const query = new URLSearchParams(url.slice(queryStart + 1));
    if (query.has("amp")) {
      query.delete("amp");
      const rest = query.toString();
      return reply.redirect(rest ? `${path}?${rest}` : path, 301);
    }
    if (!isFrontPage) return;
    const target = await legacyQueryTarget(ctx.db, query);
    if (target === null) return reply.callNotFound();
    if (target !== undefined) return reply.redirect(target, 301);
  };
}
