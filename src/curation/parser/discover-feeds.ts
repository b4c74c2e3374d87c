import { resolveHttpUrl } from "../../lib/html-policy.js";
import { htmlToText } from "../../lib/html-text.js";

/** A feed a web page advertises with `<link rel="alternate">`. */
export interface DiscoveredFeed {
  url: string;
  type: string;
  title?: string;
}

const FEED_TYPES = new Set([
  "application/rss+xml",
  "application/atom+xml",
  "application/feed+json",
  "application/json",
  "application/rdf+xml",
]);

const TAG = /<(link|base)\b([^>]*)>/gi;
const ATTRIBUTE = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

/**
 * Finds the feeds an HTML page advertises (`<link rel="alternate" type="application/rss+xml|
 * atom+xml|feed+json" href>`), resolved against `<base href>` or `baseUrl`, without duplicates,
 * in page order. `application/json` counts only with a JSON Feed-looking title or href.
 */
export function discoverFeedUrls(html: string, baseUrl: string): DiscoveredFeed[] {
  const head = html.slice(0, 512 * 1024); // feeds are announced in <head>; bound the scan
  let base = baseUrl;
  const found: DiscoveredFeed[] = [];
  const seen = new Set<string>();
  for (const match of head.matchAll(TAG)) {
    const attributes = parseAttributes(match[2]);
    if (match[1].toLowerCase() === "base") {
      base = resolveHttpUrl(attributes.href, baseUrl) ?? base;
      continue;
    }
    const rel = (attributes.rel ?? "").toLowerCase().split(/\s+/);
    const type = (attributes.type ?? "").toLowerCase().split(";")[0].trim();
    if (!rel.includes("alternate") || !FEED_TYPES.has(type)) continue;
    if (
      type === "application/json" &&
      !/json ?feed|feed\.json/i.test(`${attributes.title} ${attributes.href}`)
    )
      continue;
    const url = resolveHttpUrl(attributes.href, base);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    found.push({ url, type, ...(attributes.title ? { title: attributes.title } : {}) });
  }
  return found;
}

/** True when the text is an HTML page rather than a feed (doctype or <html> first). */
export function looksLikeHtmlPage(text: string): boolean {
  return /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>])/i.test(
    text.slice(0, 4096),
  );
}

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = match[1].toLowerCase();
    if (name in attributes) continue;
    // Attribute values may hold entities (&amp; in query strings, &raquo; in titles).
    attributes[name] = htmlToText(match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}
