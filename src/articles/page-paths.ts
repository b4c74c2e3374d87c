import type { Db } from "../db/database.js";
import { isValidSlug, slugify } from "../lib/slug.js";
import * as store from "./store.js";
import type { FieldErrors } from "./validation.js";

/**
 * First path segments the site's own routes answer: a page there would never be reached (or would
 * hide a route), so it is refused. Four-digit numbers are the date archives.
 */
export const RESERVED_PAGE_SEGMENTS: ReadonlySet<string> = new Set([
  "admin",
  "api",
  "assets",
  "author",
  "category",
  "comments",
  "corrections",
  "feed",
  "healthz",
  "index-php",
  "media",
  "metrics",
  "page",
  "preview",
  "readyz",
  "search",
  "tag",
  "wp-admin",
  "wp-content",
  "wp-json",
]);

/** Levels of nesting a page may have: the reader routes answer paths of up to four segments. */
export const MAX_PAGE_DEPTH = 4;

/** Why a top-level segment cannot be a page's address, or undefined when it can. */
export function reservedSegmentProblem(segment: string): string | undefined {
  if (RESERVED_PAGE_SEGMENTS.has(segment) || segment.startsWith("sitemap"))
    return `"/${segment}/" is one of the site's own addresses; choose another slug`;
  if (/^\d{4}$/.test(segment)) return `"/${segment}/" is a year's archive; choose another slug`;
  return undefined;
}

export interface PagePlace {
  path: string;
  parentId: number | null;
}

/**
 * Where a page goes: under its parent (`about/` + segment), checked against the site's routes, the
 * pages already there and (for a stored page) its own subtree. `segment` is the wanted last part of
 * the address (a slug, or made from the title); the caller's write claims it through the unique index.
 */
export async function placePage(
  db: Db,
  wanted: { segment: string; title: string; parentId: number | null },
  pageId?: number,
): Promise<PagePlace | { errors: FieldErrors }> {
  const segment = wanted.segment || slugify(wanted.title) || "page";
  if (!isValidSlug(segment))
    return { errors: { slug: "may contain only lowercase letters, digits and single dashes" } };
  let path = segment;
  if (wanted.parentId !== null) {
    const parent = await store.getArticleById(db, wanted.parentId);
    if (!parent?.is_page || !parent.page_path || parent.status === "trashed")
      return { errors: { parent_id: "no such page" } };
    if (parent.id === pageId) return { errors: { parent_id: "a page cannot be placed under itself" } };
    path = `${parent.page_path}/${segment}`;
    if (pageId !== undefined) {
      const own = await store.getArticleById(db, pageId);
      if (own?.page_path && path.startsWith(`${own.page_path}/`))
        return { errors: { parent_id: "a page cannot be placed under itself" } };
    }
    if (path.split("/").length > MAX_PAGE_DEPTH)
      return { errors: { parent_id: `pages nest at most ${MAX_PAGE_DEPTH} levels deep` } };
  } else {
    const problem = reservedSegmentProblem(segment);
    if (problem) return { errors: { slug: problem } };
  }
  if (path.length > 400) return { errors: { slug: "makes the page's address too long" } };
  if (await store.isPagePathTaken(db, path, pageId))
    return { errors: { slug: `another page is already at /${path}/` } };
  return { path, parentId: wanted.parentId };
}

/** The last segment of a page's address (its slug as readers see it). */
export function pageSegment(page: { page_path: string | null; slug: string }): string {
  return page.page_path ? page.page_path.slice(page.page_path.lastIndexOf("/") + 1) : page.slug;
}

/**
 * The address an imported page gets: `wanted` (its old WordPress path) when the site's routes and
 * other pages leave it free, else the first free `-2`, `-3`… on its last segment (the importer
 * redirects the old address there).
 */
export async function claimImportedPagePath(db: Db, wanted: string): Promise<string> {
  const segments = wanted.split("/").slice(0, MAX_PAGE_DEPTH);
  const last = segments.pop() ?? "page";
  const prefix = segments.length ? `${segments.join("/")}/` : "";
  const isFree = async (candidate: string) =>
    !(segments.length === 0 && reservedSegmentProblem(candidate)) &&
    !(await store.isPagePathTaken(db, `${prefix}${candidate}`));
  if (await isFree(last)) return `${prefix}${last}`;
  for (let n = 2; ; n++) if (await isFree(`${last}-${n}`)) return `${prefix}${last}-${n}`;
}
