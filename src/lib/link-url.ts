/**
 * The one rule for addresses an editor types as a link's target (menu items, the breaking-news
 * banner): `https://` and `http://` addresses, paths on this site (`/about/`) and `mailto:`.
 * Everything else is refused, `javascript:` and `data:` above all: a link is the place a script
 * would hide.
 */

/** What a refused address is told, after the field's name. */
export const LINK_URL_RULE = "must start with https://, http://, / (a path on this site) or mailto:";

// Whitespace and control characters are never part of an address someone means (and
// `java\tscript:` is how a scheme gets past a naive check).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const INVISIBLE = /[\s\u0000-\u001F\u007F-\u009F]/;

/** True when `url` may be a link's target under the rule above. */
export function isLinkUrl(url: string): boolean {
  if (url === "" || INVISIBLE.test(url)) return false;
  // `//host` and `/\host` leave the site: browsers read both as another host's address.
  if (url.startsWith("/")) return !url.startsWith("//") && !url.startsWith("/\\");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === "http:" || parsed.protocol === "https:")
    return /^https?:\/\//i.test(url) && parsed.hostname !== "";
  return parsed.protocol === "mailto:" && parsed.pathname !== "";
}
