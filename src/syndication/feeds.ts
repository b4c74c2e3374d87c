import { generateAtomFeed, generateJsonFeed, generateRssFeed } from "feedsmith";
import { escapeHtml } from "../lib/html-escape.js";

/**
 * The three outgoing feed formats from one model, generated with feedsmith: RSS 2.0 (with
 * content:encoded, dc:creator and atom:link self), Atom 1.0 and JSON Feed 1.1.
 */

export type FeedFormat = "rss" | "atom" | "json";

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};

export interface FeedImage {
  url: string;
  mimeType: string;
  byteSize: number;
  alt: string;
}

export interface FeedItem {
  /** Absolute permalink; also the item's stable id. */
  url: string;
  title: string;
  /** Plain-text summary. */
  summary: string;
  /** Sanitised HTML with absolute links, or undefined for excerpt-only feeds. */
  contentHtml: string | undefined;
  published: string;
  updated: string;
  author: { name: string; url: string };
  /** Category names, then tag names. */
  categories: string[];
  image: FeedImage | undefined;
  /** Where a curated story came from (attribution). */
  sources: Array<{ url: string; name: string }>;
}

export interface FeedModel {
  title: string;
  description: string;
  /** The HTML page this feed follows (home, category, tag or author page). */
  homeUrl: string;
  /** Absolute URLs of this feed in each format (self links and alternates). */
  feedUrls: Record<FeedFormat, string>;
  language: string;
  /** The newest change of any item (or undefined for an empty feed). */
  updated: string | undefined;
  items: FeedItem[];
}

// An empty feed still needs a feed-level date (Atom requires one); a fixed one keeps its ETag stable.
const EPOCH = new Date(0);

/** The item's HTML with a visible credit to the outlets a curated story came from. */
function contentWithAttribution(item: FeedItem): string | undefined {
  if (item.contentHtml === undefined) return undefined;
  if (item.sources.length === 0) return item.contentHtml;
  const links = item.sources
    .map((s) => `<a href="${escapeHtml(s.url)}" rel="noopener">${escapeHtml(s.name)}</a>`)
    .join(", ");
  return `${item.contentHtml}\n<p class="source-links">Source: ${links}</p>`;
}

/**
 * RSS 2.0. RSS does not say whether a title or description is text or HTML, and many readers render
 * it as HTML: every text field goes out HTML-escaped (as WordPress and our comments feed do), so a
 * title like `<script>` reaches a reader as text either way. Only `content:encoded` carries HTML,
 * the article's sanitised body.
 */
export function rssFeed(model: FeedModel): string {
  const text = escapeHtml;
  return generateRssFeed({
    title: text(model.title),
    link: model.homeUrl,
    description: text(model.description),
    language: model.language,
    lastBuildDate: model.updated ? new Date(model.updated) : EPOCH,
    generator: "Broadsheet",
    atom: { links: [{ href: model.feedUrls.rss, rel: "self", type: "application/rss+xml" }] },
    items: model.items.map((item) => {
      const source = item.sources[0];
      const content = contentWithAttribution(item);
      return {
        title: text(item.title),
        link: item.url,
        guid: { value: item.url, isPermaLink: true },
        pubDate: new Date(item.published),
        description: text(item.summary),
        ...(content !== undefined ? { content: { encoded: content } } : {}),
        dc: { creators: [text(item.author.name)] },
        categories: item.categories.map((name) => ({ name: text(name) })),
        ...(item.image
          ? { enclosures: [{ url: item.image.url, length: item.image.byteSize, type: item.image.mimeType }] }
          : {}),
        ...(source ? { source: { title: text(source.name), url: source.url } } : {}),
      };
    }),
  });
}

/** Atom 1.0. */
export function atomFeed(model: FeedModel): string {
  return generateAtomFeed({
    id: model.feedUrls.atom,
    title: { value: model.title, type: "text" },
    subtitle: { value: model.description, type: "text" },
    updated: model.updated ? new Date(model.updated) : EPOCH,
    generator: { text: "Broadsheet" },
    links: [
      { href: model.homeUrl, rel: "alternate", type: "text/html" },
      { href: model.feedUrls.atom, rel: "self", type: "application/atom+xml" },
    ],
    entries: model.items.map((item) => {
      const content = contentWithAttribution(item);
      return {
        id: item.url,
        title: { value: item.title, type: "text" },
        updated: new Date(item.updated),
        published: new Date(item.published),
        authors: [{ name: item.author.name, uri: item.author.url }],
        summary: { value: item.summary, type: "text" },
        ...(content !== undefined ? { content: { value: content, type: "html" } } : {}),
        categories: item.categories.map((term) => ({ term })),
        links: [
          { href: item.url, rel: "alternate", type: "text/html" },
          ...(item.image
            ? [
                {
                  href: item.image.url,
                  rel: "enclosure",
                  type: item.image.mimeType,
                  length: item.image.byteSize,
                },
              ]
            : []),
          // rel="via": the outlet a curated story was taken from (RFC 4287 §4.2.7.2).
          ...item.sources.map((s) => ({ href: s.url, rel: "via", title: s.name })),
        ],
      };
    }),
  });
}

/** JSON Feed 1.1, serialised. */
export function jsonFeed(model: FeedModel): string {
  const feed = generateJsonFeed({
    title: model.title,
    home_page_url: model.homeUrl,
    feed_url: model.feedUrls.json,
    description: model.description,
    language: model.language,
    items: model.items.map((item) => {
      const content = contentWithAttribution(item);
      return {
        id: item.url,
        url: item.url,
        // JSON Feed's link to the page a story is about elsewhere: the curated story's source.
        ...(item.sources[0] ? { external_url: item.sources[0].url } : {}),
        title: item.title,
        ...(content !== undefined ? { content_html: content } : { content_text: item.summary }),
        summary: item.summary,
        ...(item.image ? { image: item.image.url } : {}),
        date_published: new Date(item.published),
        date_modified: new Date(item.updated),
        authors: [{ name: item.author.name, url: item.author.url }],
        tags: item.categories,
      };
    }),
  });
  return JSON.stringify(feed);
}

/** The feed in a format. */
export function renderFeed(model: FeedModel, format: FeedFormat): string {
  return format === "rss" ? rssFeed(model) : format === "atom" ? atomFeed(model) : jsonFeed(model);
}
