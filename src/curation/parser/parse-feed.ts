import { DetectError, parseFeed as parseAnyFeed } from "feedsmith";
import { escapeHtml } from "../../lib/html-escape.js";
import { resolveHttpUrl } from "../../lib/html-policy.js";
import { htmlToText, truncateAtWord } from "../../lib/html-text.js";
import { canonicalizeUrl, itemDedupKey, sanitizeItemHtml } from "./clean.js";
import { decodeFeedBytes } from "./decode-feed-bytes.js";
import { type DiscoveredFeed, discoverFeedUrls, looksLikeHtmlPage } from "./discover-feeds.js";
import { parseFeedDate } from "./feed-dates.js";
import { type FeedText, type RawEntry, type RawFeed, rawFeedOf } from "./feed-entries.js";

export { type DiscoveredFeed, discoverFeedUrls } from "./discover-feeds.js";

/** Items kept from one feed; the rest are dropped with a warning (a feed of 50,000 is an archive dump). */
export const MAX_ITEMS_PER_FEED = 5000;
/** Longest plain-text summary kept, in characters, cut at a word boundary. */
export const SUMMARY_TEXT_MAX_CHARS = 1000;
/** Length of a summary made from the content when the feed gives none. */
export const SUMMARY_EXCERPT_CHARS = 400;
/** A date more than this far past the fetch time is not believed. */
const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
/** Dates before this are placeholders (epoch, 1970) rather than publication dates. */
const EARLIEST_BELIEVABLE_DATE = Date.UTC(1994, 0, 1);

/** Why a body could not be read as a feed. */
export type FeedParseErrorKind = "empty" | "html-page" | "unrecognised" | "malformed";

/** The body is not a usable feed. For `html-page`, `discoveredFeeds` lists feeds the page links to. */
export class FeedParseError extends Error {
  override readonly name = "FeedParseError";

  constructor(
    readonly kind: FeedParseErrorKind,
    message: string,
    readonly discoveredFeeds: DiscoveredFeed[] = [],
  ) {
    super(message);
  }
}

/** One feed item, cleaned: HTML sanitised, URLs absolute, text plain, date ISO. */
export interface ParsedItem {
  /** The feed's own identifier (RSS guid, Atom id, JSON id, RDF about), if any. */
  guid: string | undefined;
  /** Identity within the source: see `itemDedupKey`. Unique among a parsed feed's items. */
  dedupKey: string;
  /** Canonical absolute link (tracking parameters removed). */
  url: string | undefined;
  /** Plain text, never empty. */
  title: string;
  summaryHtml: string;
  summaryText: string;
  /** Full content when the feed carries it separately from the summary. */
  contentHtml?: string;
  author: string | undefined;
  categories: string[];
  imageUrl: string | undefined;
  /** ISO 8601; the fetch time when the feed gives no believable date. */
  publishedAt: string;
  hasRealDate: boolean;
}

/** A parsed feed: its own details, scheduling hints and items in feed order. */
export interface ParsedFeed {
  format: "rss" | "atom" | "rdf" | "json";
  title: string | undefined;
  siteUrl: string | undefined;
  ttlMinutes: number | undefined;
  skipHours: number[];
  skipDays: string[];
  items: ParsedItem[];
  /** What was repaired or dropped, for the source's log. */
  warnings: string[];
}

/** The fetched body and where it came from. */
export interface ParseFeedInput {
  body: Uint8Array | string;
  /** The final URL the body was fetched from: the base for relative links. */
  url: string;
  contentType?: string;
  fetchedAt: Date;
}

/**
 * Parses RSS 0.9x/1.0/2.0, Atom 1.0 and JSON Feed 1.0/1.1 into cleaned items. Repairs what real
 * feeds break (encodings, relative links, HTML in titles, missing dates, duplicate GUIDs) and says
 * so in `warnings`. Throws `FeedParseError` for an empty body, an HTML page or an unknown format.
 */
export function parseFeed(input: ParseFeedInput): ParsedFeed {
  const warnings: string[] = [];
  const text = decodeBody(input, warnings);
  if (text.trim() === "") throw new FeedParseError("empty", "the response body is empty");
  if (looksLikeHtmlPage(text)) throw htmlPageError(text, input.url);

  let raw: RawFeed;
  try {
    // One more than the cap, so truncation can be reported.
    raw = rawFeedOf(parseAnyFeed(text, { maxItems: MAX_ITEMS_PER_FEED + 1 }));
  } catch (error) {
    if (/<(?:html|body|head)[\s>]/i.test(text.slice(0, 4096))) throw htmlPageError(text, input.url);
    if (error instanceof DetectError) {
      throw new FeedParseError("unrecognised", "not an RSS, Atom or JSON feed");
    }
    throw new FeedParseError("malformed", `the feed cannot be read: ${(error as Error).message}`);
  }
  if (raw.entries.length > MAX_ITEMS_PER_FEED) {
    raw.entries = raw.entries.slice(0, MAX_ITEMS_PER_FEED);
    warnings.push(
      `the feed has more than ${MAX_ITEMS_PER_FEED} items; only the first ${MAX_ITEMS_PER_FEED} were read`,
    );
  }
  if (raw.format === "rss") repairSkipHints(raw, text);

  const documentBase = resolveHttpUrl(raw.base, input.url) ?? input.url;
  const siteUrl = canonicalizeUrl(raw.siteLink ?? "", documentBase);
  // Atom resolves against the document (RFC 4287); RSS links in practice are relative to the site.
  const resolvesAgainstDocument = Boolean(raw.base) || raw.format === "atom";
  const context: EntryContext = {
    defaultBase: resolvesAgainstDocument ? documentBase : (siteUrl ?? documentBase),
    hasFeedXmlBase: Boolean(raw.base),
    fetchedAt: input.fetchedAt,
  };

  const items: ParsedItem[] = [];
  const seenKeys = new Set<string>();
  let duplicates = 0;
  let empty = 0;
  let undated = 0;
  for (const entry of raw.entries) {
    const item = normalizeEntry(entry, context);
    if (!item) {
      empty++;
      continue;
    }
    if (seenKeys.has(item.dedupKey)) {
      duplicates++;
      continue;
    }
    seenKeys.add(item.dedupKey);
    if (!item.hasRealDate) undated++;
    items.push(item);
  }
  if (duplicates)
    warnings.push(`${duplicates} duplicate item(s) dropped (same GUID or link); the first was kept`);
  if (empty) warnings.push(`${empty} item(s) without title, link or text dropped`);
  if (undated) warnings.push(`${undated} item(s) without a believable date; the fetch time was used`);

  return {
    format: raw.format,
    title: raw.title ? feedTextToPlain(raw.title) || undefined : undefined,
    siteUrl,
    ttlMinutes: raw.ttlMinutes,
    skipHours: raw.skipHours,
    skipDays: raw.skipDays,
    items,
    warnings,
  };
}

function decodeBody(input: ParseFeedInput, warnings: string[]): string {
  if (typeof input.body === "string") return input.body.replace(/^\uFEFF/, "");
  const decoded = decodeFeedBytes(input.body, input.contentType);
  if (decoded.warning) warnings.push(decoded.warning);
  return decoded.text;
}

function htmlPageError(html: string, url: string): FeedParseError {
  const feeds = discoverFeedUrls(html, url);
  const hint = feeds.length ? `; it links to ${feeds.map((feed) => feed.url).join(", ")}` : "";
  return new FeedParseError("html-page", `the address serves an HTML page, not a feed${hint}`, feeds);
}

/** What every entry of one feed is normalised against. */
interface EntryContext {
  /** Base for an entry's links when it has no xml:base of its own. */
  defaultBase: string;
  hasFeedXmlBase: boolean;
  fetchedAt: Date;
}

function normalizeEntry(entry: RawEntry, context: EntryContext): ParsedItem | undefined {
  const { fetchedAt } = context;
  const entryBase = resolveHttpUrl(entry.base, context.defaultBase) ?? context.defaultBase;
  const url = firstDefined(entry.links, (link) => canonicalizeUrl(link, entryBase));
  // Relative URLs in content: an xml:base in scope if any, else the article's own URL.
  const hasXmlBase = Boolean(entry.base) || context.hasFeedXmlBase;
  const contentBase =
    resolveHttpUrl(entry.contentBase, entryBase) ?? (hasXmlBase ? entryBase : (url ?? entryBase));

  const contentHtml = entry.content ? feedTextToHtml(entry.content, contentBase) : undefined;
  let summaryHtml = entry.summary ? feedTextToHtml(entry.summary, contentBase) : "";
  if (!summaryHtml && contentHtml) {
    const excerpt = truncateAtWord(htmlToText(contentHtml), SUMMARY_EXCERPT_CHARS);
    summaryHtml = excerpt ? `<p>${escapeHtml(excerpt)}</p>` : "";
  }
  const summaryText = truncateAtWord(htmlToText(summaryHtml), SUMMARY_TEXT_MAX_CHARS);
  const titleText = entry.title ? feedTextToPlain(entry.title) : "";
  if (!titleText && !url && !summaryText) return undefined;
  const title = titleText || truncateAtWord(summaryText, 80) || url || "(untitled)";

  const date = firstDefined(entry.dates, (raw) => believableDate(parseFeedDate(raw), fetchedAt));
  const guid = entry.id?.trim() || undefined;
  const hasDistinctContent = contentHtml !== undefined && contentHtml !== "" && contentHtml !== summaryHtml;
  return {
    guid,
    dedupKey: itemDedupKey({ guid, url, title, summaryText }),
    url,
    title,
    summaryHtml,
    summaryText,
    ...(hasDistinctContent ? { contentHtml } : {}),
    author: firstDefined(entry.authors, (name) => htmlToText(name).slice(0, 200) || undefined),
    categories: uniqueCategories(entry.categories),
    imageUrl:
      firstDefined(entry.imageUrls, (image) => resolveHttpUrl(image, contentBase)) ??
      firstImageSource(contentHtml ?? summaryHtml),
    publishedAt: (date ?? fetchedAt).toISOString(),
    hasRealDate: date !== undefined,
  };
}

function feedTextToHtml(text: FeedText, baseUrl: string): string {
  if (text.isHtml) return sanitizeItemHtml(text.value, baseUrl);
  return text.value
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

function feedTextToPlain(text: FeedText): string {
  return text.isHtml ? htmlToText(text.value) : text.value.replace(/\s+/g, " ").trim();
}

function believableDate(date: Date | undefined, fetchedAt: Date): Date | undefined {
  if (!date) return undefined;
  const time = date.getTime();
  if (time < EARLIEST_BELIEVABLE_DATE || time > fetchedAt.getTime() + MAX_FUTURE_SKEW_MS) return undefined;
  return date;
}

/** The first `src` of an image in sanitised HTML (whose attributes are always double-quoted). */
function firstImageSource(sanitizedHtml: string): string | undefined {
  const match = /<img\b[^>]*?\ssrc="([^"]+)"/i.exec(sanitizedHtml);
  return match ? match[1].replace(/&amp;/g, "&") : undefined;
}

function uniqueCategories(categories: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const category of categories) {
    const name = htmlToText(category).slice(0, 100);
    const key = name.toLowerCase();
    if (name && !byKey.has(key)) byKey.set(key, name);
  }
  return [...byKey.values()].slice(0, 20);
}

/**
 * feedsmith 3.0.1 drops <skipHours>/<skipDays> with a single child (it only reads arrays), so
 * the common one-value case is read here straight from the XML.
 */
function repairSkipHints(raw: RawFeed, text: string): void {
  if (raw.skipHours.length === 0) {
    const block = /<skipHours\b[^>]*>([\s\S]*?)<\/skipHours>/i.exec(text)?.[1] ?? "";
    raw.skipHours = [...block.matchAll(/<hour>\s*(\d{1,2})\s*<\/hour>/gi)]
      .map((match) => Number(match[1]))
      .filter((hour) => hour <= 24);
  }
  if (raw.skipDays.length === 0) {
    const block = /<skipDays\b[^>]*>([\s\S]*?)<\/skipDays>/i.exec(text)?.[1] ?? "";
    raw.skipDays = [...block.matchAll(/<day>\s*([A-Za-z]+)\s*<\/day>/gi)].map((match) => match[1]);
  }
}

function firstDefined<T>(values: readonly string[], map: (value: string) => T | undefined): T | undefined {
  for (const value of values) {
    const mapped = map(value);
    if (mapped !== undefined) return mapped;
  }
  return undefined;
}
