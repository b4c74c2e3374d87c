/**
 * Old WordPress URLs → redirects to Broadsheet's. WordPress served a post at its `<link>` (any
 * permalink structure: `/news/slug/`, `/2023/05/22/slug/`, `/?p=123`), always at `/?p=ID` (or
 * `/?page_id=ID`), and at its old slugs (`_wp_old_slug`). Each of those that differs from the
 * Broadsheet permalink becomes a 301.
 */

import { decodeSlug } from "../../lib/slug.js";
import { formatWpDate } from "./dates.js";
import { normalizeSlug } from "./slug.js";

/** A permanent redirect from an old path to an article's Broadsheet path. */
export interface RedirectRule {
  /** Normalised with `normalizeRedirectPath`. */
  fromPath: string;
  toPath: string;
}

/** Query parameters WordPress resolves to one post whatever the permalink structure. */
const ID_QUERY_KEYS = ["p", "page_id", "attachment_id"] as const;

/** Broadsheet's article permalink, `/YYYY/MM/DD/slug/`, dated in the site's time zone. */
export function articlePath(slug: string, publishedAt: string, timeZone = "UTC"): string {
  const [year, month, day] = formatWpDate(publishedAt, timeZone).slice(0, 10).split("-");
  return `/${year}/${month}/${day}/${slug}/`;
}

/** Broadsheet's path for an imported page: `/slug/`, like a top-level WordPress page. */
export function pagePath(slug: string): string {
  return `/${slug}/`;
}

/**
 * The address (`about-us/contact`, no slashes around) an imported page wants: its WordPress
 * `<link>` path with each segment made a slug and the last one its own `slug`, or the slug alone
 * when the link is a plain `?page_id=` one.
 */
export function pageAddressFromLink(link: string, slug: string): string {
  let segments: string[] = [];
  try {
    segments = new URL(link.trim(), "http://placeholder.invalid").pathname.split("/").filter(Boolean);
  } catch {
    segments = [];
  }
  if (segments.length === 0 || segments.at(-1) === "index.php") return slug;
  return [...segments.slice(0, -1).map((segment, i) => normalizeSlug(segment, `page-${i + 1}`)), slug].join(
    "/",
  );
}

function decodePath(path: string): string {
  try {
    // decodeURI, not decodeURIComponent: an encoded "/" or "?" inside a segment stays encoded.
    return decodeURI(path).normalize("NFC");
  } catch {
    return path;
  }
}

/**
 * The form in which redirect paths are stored and looked up; the redirect lookup must pass the
 * request URL through this too. Percent-escapes decoded (WordPress writes `%e6%97%a5`, browsers
 * may send `%E6%97%A5`), duplicate and trailing slashes dropped, fragment dropped, and the query
 * dropped except one post-id parameter (`/?p=123`), the only query WordPress routes by.
 */
export function normalizeRedirectPath(pathWithQuery: string): string {
  const withoutFragment = pathWithQuery.split("#")[0] ?? "";
  const queryStart = withoutFragment.indexOf("?");
  const rawPath = queryStart === -1 ? withoutFragment : withoutFragment.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? "" : withoutFragment.slice(queryStart + 1));
  let path = `/${decodePath(rawPath)
    .replace(/^\/+/, "")
    .replace(/\/{2,}/g, "/")}`;
  if (path.length > 1) path = path.replace(/\/+$/, "");
  for (const key of ID_QUERY_KEYS) {
    const value = query.get(key);
    if (value !== null && /^\d+$/.test(value)) return `${path}?${key}=${Number(value)}`;
  }
  return path;
}

/** The normalised path (and post-id query) of an absolute or root-relative `<link>`. */
export function legacyPathFromLink(link: string): string | undefined {
  if (link.trim() === "") return undefined;
  try {
    const url = new URL(link.trim(), "http://placeholder.invalid");
    return normalizeRedirectPath(`${url.pathname}${url.search}`);
  } catch {
    return undefined;
  }
}

/** What identifies a post's old URLs. */
export interface LegacyUrlSource {
  wpId: number;
  postType: string;
  link: string;
  postName: string;
  oldSlugs: readonly string[];
}

/** Every normalised old path that reached this post in WordPress. */
export function legacyPaths(post: LegacyUrlSource): string[] {
  const paths = new Set<string>();
  const fromLink = legacyPathFromLink(post.link);
  if (fromLink !== undefined && fromLink !== "/") paths.add(fromLink);
  paths.add(`/?${post.postType === "page" ? "page_id" : "p"}=${post.wpId}`);

  // WordPress redirects a former slug in the same position of the permalink to the post.
  const slug = decodeSlug(post.postName);
  if (fromLink !== undefined && !fromLink.includes("?") && slug !== "") {
    const segments = fromLink.split("/");
    if (segments.at(-1) === slug) {
      for (const oldSlug of post.oldSlugs) {
        paths.add(normalizeRedirectPath([...segments.slice(0, -1), oldSlug].join("/")));
      }
    }
  }
  return [...paths];
}

/** Redirects from each old path to `newPath`, leaving out the one that is `newPath` itself. */
export function redirectRules(paths: readonly string[], newPath: string): RedirectRule[] {
  const target = normalizeRedirectPath(newPath);
  return paths.filter((path) => path !== target).map((fromPath) => ({ fromPath, toPath: newPath }));
}
