import type { AnyFeed, AtomFeed, JsonFeed, MediaNs, RdfFeed, RssFeed } from "feedsmith";

/** Text from a feed with whether it is HTML (RSS description, Atom type="html") or plain text. */
export interface FeedText {
  value: string;
  isHtml: boolean;
}

/** One entry reduced to what Broadsheet reads, before URL resolution, sanitising and date parsing. */
export interface RawEntry {
  id?: string;
  /** Candidate links, best first, as written in the feed. */
  links: string[];
  title?: FeedText;
  summary?: FeedText;
  content?: FeedText;
  authors: string[];
  categories: string[];
  /** Candidate image URLs, best first, as written in the feed. */
  imageUrls: string[];
  /** Candidate dates, best first (published before updated), as written in the feed. */
  dates: string[];
  /** The entry's xml:base, and the content element's own xml:base (Atom). */
  base?: string;
  contentBase?: string;
}

/** A feed reduced to what Broadsheet reads. */
export interface RawFeed {
  format: AnyFeed["format"];
  title?: FeedText;
  siteLink?: string;
  base?: string;
  ttlMinutes?: number;
  skipHours: number[];
  skipDays: string[];
  entries: RawEntry[];
}

/** Reduces any feedsmith result to the fields Broadsheet reads, one mapping per format. */
export function rawFeedOf(parsed: AnyFeed): RawFeed {
  switch (parsed.format) {
    case "rss":
      return rawRssFeed(parsed.feed);
    case "atom":
      return rawAtomFeed(parsed.feed);
    case "rdf":
      return rawRdfFeed(parsed.feed);
    case "json":
      return rawJsonFeed(parsed.feed);
  }
}

function rawRssFeed(feed: RssFeed.Feed<string>): RawFeed {
  return {
    format: "rss",
    title: html(feed.title),
    siteLink: feed.link,
    base: feed.xml?.base,
    ttlMinutes: feed.ttl !== undefined && feed.ttl > 0 ? feed.ttl : undefined,
    skipHours: feed.skipHours ?? [],
    skipDays: feed.skipDays ?? [],
    entries: (feed.items ?? []).map((item) => ({
      id: item.guid?.value,
      // A permalink GUID is the link when <link> is missing (RSS 2.0: isPermaLink defaults to true).
      links: present([item.link, item.guid?.isPermaLink !== false ? urlLike(item.guid?.value) : undefined]),
      title: html(item.title ?? item.dc?.titles?.[0]),
      summary: html(item.description),
      content: html(item.content?.encoded),
      authors: present([...(item.dc?.creators ?? []), ...(item.authors ?? []).map((author) => author.name)]),
      categories: present([
        ...(item.categories ?? []).map((category) => category.name),
        ...(item.dc?.subjects ?? []),
      ]),
      imageUrls: present([
        ...mediaImages(item.media),
        ...(item.enclosures ?? [])
          .filter((enclosure) => isImage(enclosure.type, enclosure.url))
          .map((e) => e.url),
        item.itunes?.image,
      ]),
      dates: present([item.pubDate, ...(item.dc?.dates ?? []), item.atom?.published, item.atom?.updated]),
      base: item.xml?.base,
    })),
  };
}

function rawAtomFeed(feed: AtomFeed.Feed<string>): RawFeed {
  return {
    format: "atom",
    title: atomText(feed.title),
    siteLink: alternateLinks(feed.links)[0],
    base: feed.xml?.base,
    skipHours: [],
    skipDays: [],
    entries: (feed.entries ?? []).map((entry) => {
      // Out-of-line content (src=) and media types other than text/HTML carry no article text.
      const content = entry.content && !entry.content.src ? atomText(entry.content) : undefined;
      return {
        id: entry.id,
        links: alternateLinks(entry.links),
        title: atomText(entry.title),
        summary: atomText(entry.summary),
        content,
        authors: present([
          ...(entry.authors ?? []).map((author) => author.name),
          ...(entry.dc?.creators ?? []),
          ...(feed.authors ?? []).map((author) => author.name),
        ]),
        categories: present((entry.categories ?? []).map((category) => category.label ?? category.term)),
        imageUrls: present([
          ...mediaImages(entry.media),
          ...(entry.links ?? [])
            .filter((link) => link.rel === "enclosure" && isImage(link.type, link.href))
            .map((l) => l.href),
        ]),
        dates: present([entry.published, entry.updated, ...(entry.dc?.dates ?? [])]),
        base: entry.xml?.base,
        contentBase: entry.content?.xml?.base,
      };
    }),
  };
}

function rawRdfFeed(feed: RdfFeed.Feed<string>): RawFeed {
  return {
    format: "rdf",
    title: html(feed.title),
    siteLink: feed.link,
    base: feed.xml?.base,
    skipHours: [],
    skipDays: [],
    entries: (feed.items ?? []).map((item) => ({
      id: item.rdf?.about ?? item.link,
      links: present([item.link, urlLike(item.rdf?.about)]),
      title: html(item.title ?? item.dc?.titles?.[0]),
      summary: html(item.description ?? item.dc?.descriptions?.[0]),
      content: html(item.content?.encoded),
      authors: present(item.dc?.creators ?? []),
      categories: present(item.dc?.subjects ?? []),
      imageUrls: present(mediaImages(item.media)),
      dates: present([...(item.dc?.dates ?? []), ...(item.dcterms?.created ?? [])]),
      base: item.xml?.base,
    })),
  };
}

function rawJsonFeed(feed: JsonFeed.Feed<string>): RawFeed {
  return {
    format: "json",
    title: text(feed.title),
    siteLink: feed.home_page_url,
    skipHours: [],
    skipDays: [],
    entries: (feed.items ?? []).map((item) => ({
      id: item.id === undefined ? undefined : String(item.id),
      links: present([item.url, item.external_url]),
      title: text(item.title),
      summary: text(item.summary),
      content: html(item.content_html) ?? text(item.content_text),
      authors: present([...(item.authors ?? []), ...(feed.authors ?? [])].map((author) => author.name)),
      categories: present(item.tags ?? []),
      imageUrls: present([
        item.image,
        item.banner_image,
        ...(item.attachments ?? []).filter((a) => isImage(a.mime_type, a.url)).map((a) => a.url),
      ]),
      dates: present([item.date_published, item.date_modified]),
    })),
  };
}

/** Atom text constructs: type "html" and "xhtml" hold markup, "text" (the default) does not. */
function atomText(construct: { value?: string; type?: string } | undefined): FeedText | undefined {
  if (!construct?.value) return undefined;
  const type = (construct.type ?? "text").toLowerCase();
  if (type === "html" || type === "xhtml" || type === "text/html" || type === "application/xhtml+xml") {
    return { value: construct.value, isHtml: true };
  }
  if (type === "text" || type === "text/plain") return { value: construct.value, isHtml: false };
  return undefined;
}

/** Alternate links (rel="alternate" or no rel), HTML ones first. */
function alternateLinks(
  links: ReadonlyArray<{ href?: string; rel?: string; type?: string }> | undefined,
): string[] {
  const alternates = (links ?? []).filter((link) => link.href && (!link.rel || link.rel === "alternate"));
  const isHtmlLink = (link: { type?: string }): boolean => !link.type || /html/i.test(link.type);
  return present(
    [...alternates.filter(isHtmlLink), ...alternates.filter((l) => !isHtmlLink(l))].map((l) => l.href),
  );
}

/** Images from Media RSS: image contents first, then thumbnails, including inside media:group. */
function mediaImages(media: MediaNs.ItemOrFeed | undefined): Array<string | undefined> {
  if (!media) return [];
  const contents = [
    ...(media.contents ?? []),
    ...(media.groups ?? []).flatMap((group) => group.contents ?? []),
  ];
  const imageContents = contents.filter((c) => c.medium === "image" || (!c.medium && isImage(c.type, c.url)));
  const thumbnails = [
    ...(media.thumbnails ?? []),
    ...contents.flatMap((content) => content.thumbnails ?? []),
    ...(media.groups ?? []).flatMap((group) => group.thumbnails ?? []),
  ];
  return [...imageContents.map((content) => content.url), ...thumbnails.map((thumbnail) => thumbnail.url)];
}

/** An image by MIME type, or, when the type is missing, by the URL's file extension. */
function isImage(type: string | undefined, url: string | undefined): boolean {
  if (type) return type.toLowerCase().startsWith("image/");
  return url !== undefined && /\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)/i.test(url);
}

function html(value: string | undefined): FeedText | undefined {
  return value?.trim() ? { value, isHtml: true } : undefined;
}

function text(value: string | undefined): FeedText | undefined {
  return value?.trim() ? { value, isHtml: false } : undefined;
}

function urlLike(value: string | undefined): string | undefined {
  return value && /^https?:\/\//i.test(value.trim()) ? value : undefined;
}

/** Drops missing and blank values, trimming the rest. */
function present(values: ReadonlyArray<string | undefined>): string[] {
  const kept: string[] = [];
  for (const value of values) {
    const trimmed = value?.trim();
    if (trimmed) kept.push(trimmed);
  }
  return kept;
}
