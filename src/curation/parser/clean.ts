import { createHash } from "node:crypto";
import { resolveHttpUrl, type SafeHtml, sanitizeWith } from "../../lib/html-policy.js";
import { isTrackingParam } from "../../lib/tracking-params.js";

/**
 * Sanitises untrusted item HTML from a feed with the feed-item policy: no scripts, styles,
 * frames, forms, event handlers, `javascript:` or `data:` URLs; relative URLs resolved against
 * `baseUrl`; links get `rel="nofollow noopener"` and no `target`; tracking pixels and images
 * without a usable `src` are dropped.
 */
export function sanitizeItemHtml(html: string, baseUrl: string | undefined): SafeHtml {
  return sanitizeWith("feedItem", html, { baseUrl });
}

/**
 * The URL as it should be stored and shown: tracking parameters (utm_*, fbclid, gclid, mc_*…)
 * removed, host lower-cased, default port and fragment dropped. `undefined` unless http(s).
 */
export function canonicalizeUrl(url: string, base?: string): string | undefined {
  const absolute = resolveHttpUrl(url, base);
  if (!absolute) return undefined;
  const parsed = new URL(absolute); // WHATWG parsing already lower-cases the host and drops default ports
  parsed.hash = "";
  for (const name of [...parsed.searchParams.keys()]) {
    if (isTrackingParam(name)) parsed.searchParams.delete(name);
  }
  if (parsed.searchParams.size === 0) parsed.search = "";
  return parsed.href;
}

/**
 * A key under which two links to the same page compare equal: the canonical URL without its
 * scheme, a leading "www.", a trailing slash, and with query parameters sorted. Not a URL.
 */
export function urlDedupKey(url: string): string | undefined {
  const canonical = canonicalizeUrl(url);
  if (!canonical) return undefined;
  const parsed = new URL(canonical);
  parsed.searchParams.sort();
  const host = parsed.host.replace(/^www\./, "");
  const path = parsed.pathname.length > 1 ? parsed.pathname.replace(/\/+$/, "") : "";
  return `//${host}${path}${parsed.search}`;
}

/** What `itemDedupKey` reads from an item. */
export interface DedupFields {
  guid?: string;
  url?: string;
  title?: string;
  summaryText?: string;
}

/**
 * The key that identifies an item within its source: `guid:` + the GUID (URL-shaped GUIDs
 * normalised like links, so an http→https switch does not duplicate items), else `url:` + the
 * link's dedup key, else `hash:` + a hash of title and summary.
 */
export function itemDedupKey(item: DedupFields): string {
  const guid = item.guid?.trim();
  if (guid) return `guid:${urlDedupKey(guid) ?? guid}`;
  const link = item.url ? urlDedupKey(item.url) : undefined;
  if (link) return `url:${link}`;
  return `hash:${contentHash(`${item.title ?? ""}\n${item.summaryText ?? ""}`)}`;
}

/** A short, stable hash of text (whitespace and case insensitive), for content-based identity. */
export function contentHash(text: string): string {
  const normalized = text.replace(/\s+/g, " ").trim().toLowerCase();
  return createHash("sha256").update(normalized).digest("hex").slice(0, 32);
}
