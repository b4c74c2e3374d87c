/**
 * Sitemaps (sitemaps.org 0.9) and the Google News sitemap, as pure functions of plain rows.
 * The index lists one file per month of articles — split into parts past the 50,000-URL limit —
 * plus categories (with the home page), tags and authors.
 */

import { escapeXml } from "../lib/html-escape.js";

/** The sitemaps.org limit of URLs in one file. */
export const MAX_URLS_PER_SITEMAP = 50_000;
/** Google News: at most 1,000 URLs, published in the last two days. */
export const NEWS_SITEMAP_MAX_URLS = 1000;
export const NEWS_SITEMAP_WINDOW_MS = 48 * 3_600_000;

export type SitemapKind = "articles" | "categories" | "tags" | "authors";

/** One file of the index: `sitemap-<name>.xml`. */
export interface SitemapFile {
  name: string;
  kind: SitemapKind;
  /** `YYYY-MM` for article files. */
  month: string | undefined;
  part: number;
  offset: number;
  limit: number;
  lastmod: string | null;
}

export interface SitemapGroup {
  kind: SitemapKind;
  month?: string;
  count: number;
  lastmod: string | null;
}

function fileName(kind: SitemapKind, month: string | undefined, part: number): string {
  return [kind, month, part > 1 ? String(part) : undefined].filter(Boolean).join("-");
}

/**
 * Splits groups of URLs into files of at most `maxUrls`: a month of 120,000 articles becomes
 * `articles-2026-05`, `articles-2026-05-2` and `articles-2026-05-3`. Empty groups get no file.
 */
export function planSitemaps(groups: SitemapGroup[], maxUrls: number = MAX_URLS_PER_SITEMAP): SitemapFile[] {
  const files: SitemapFile[] = [];
  for (const group of groups) {
    const parts = Math.ceil(group.count / maxUrls);
    for (let part = 1; part <= parts; part++) {
      files.push({
        name: fileName(group.kind, group.month, part),
        kind: group.kind,
        month: group.month,
        part,
        offset: (part - 1) * maxUrls,
        limit: Math.min(maxUrls, group.count - (part - 1) * maxUrls),
        lastmod: group.lastmod,
      });
    }
  }
  return files;
}

/** Reads a file name back (`articles-2026-05-2`); undefined for anything that is not one of ours. */
export function parseSitemapName(
  name: string,
): { kind: SitemapKind; month: string | undefined; part: number } | undefined {
  const match =
    /^(articles)-(\d{4}-(?:0[1-9]|1[0-2]))(?:-([2-9]|[1-9]\d{1,4}))?$|^(categories|tags|authors)(?:-([2-9]|[1-9]\d{1,4}))?$/.exec(
      name,
    );
  if (!match) return undefined;
  if (match[1]) return { kind: "articles", month: match[2], part: match[3] ? Number(match[3]) : 1 };
  return { kind: match[4] as SitemapKind, month: undefined, part: match[5] ? Number(match[5]) : 1 };
}

/** [start, end) of a UTC month `YYYY-MM` as ISO strings. */
export function monthRange(month: string): { from: string; until: string } {
  const [year, monthNumber] = month.split("-").map(Number);
  return {
    from: new Date(Date.UTC(year, monthNumber - 1, 1)).toISOString(),
    until: new Date(Date.UTC(year, monthNumber, 1)).toISOString(),
  };
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";

function lastmodElement(lastmod: string | null | undefined): string {
  return lastmod ? `<lastmod>${escapeXml(new Date(lastmod).toISOString())}</lastmod>` : "";
}

/** A `<sitemapindex>` of absolute sitemap URLs. */
export function sitemapIndexXml(entries: Array<{ loc: string; lastmod: string | null }>): string {
  const body = entries
    .map((e) => `  <sitemap><loc>${escapeXml(e.loc)}</loc>${lastmodElement(e.lastmod)}</sitemap>\n`)
    .join("");
  return `${XML_DECLARATION}<sitemapindex xmlns="${SITEMAP_NS}">\n${body}</sitemapindex>\n`;
}

/** A `<urlset>` of absolute page URLs. */
export function urlSetXml(urls: Array<{ loc: string; lastmod?: string | null }>): string {
  const body = urls
    .map((u) => `  <url><loc>${escapeXml(u.loc)}</loc>${lastmodElement(u.lastmod)}</url>\n`)
    .join("");
  return `${XML_DECLARATION}<urlset xmlns="${SITEMAP_NS}">\n${body}</urlset>\n`;
}

/**
 * The publication language as Google News wants it: an ISO 639 code, except Chinese, which is
 * `zh-cn` (simplified) or `zh-tw` (traditional).
 */
export function newsLanguage(language: string): string {
  const [primary, region] = language.toLowerCase().split("-");
  if (primary === "zh") return region === "tw" || region === "hk" || region === "hant" ? "zh-tw" : "zh-cn";
  return primary;
}

/** A Google News sitemap: each story with its publication, date and title. */
export function newsSitemapXml(
  publication: { name: string; language: string },
  stories: Array<{ loc: string; title: string; published_at: string }>,
): string {
  const name = escapeXml(publication.name);
  const language = escapeXml(newsLanguage(publication.language));
  const body = stories
    .map(
      (s) =>
        `  <url>\n    <loc>${escapeXml(s.loc)}</loc>\n    <news:news>\n` +
        `      <news:publication><news:name>${name}</news:name><news:language>${language}</news:language></news:publication>\n` +
        `      <news:publication_date>${new Date(s.published_at).toISOString()}</news:publication_date>\n` +
        `      <news:title>${escapeXml(s.title)}</news:title>\n    </news:news>\n  </url>\n`,
    )
    .join("");
  return `${XML_DECLARATION}<urlset xmlns="${SITEMAP_NS}" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n${body}</urlset>\n`;
}

/** robots.txt: everything public may be crawled except the newsroom, the API and search results. */
export function robotsTxt(siteUrl: string): string {
  return [
    "User-agent: *",
    "Disallow: /admin/",
    "Disallow: /api/admin/",
    "Disallow: /search",
    "Disallow: /?s=",
    "",
    `Sitemap: ${siteUrl}/sitemap.xml`,
    `Sitemap: ${siteUrl}/news-sitemap.xml`,
    "",
  ].join("\n");
}
