import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { FeedParseError, MAX_ITEMS_PER_FEED, type ParsedFeed, parseFeed } from "./parse-feed.js";

const FETCHED_AT = new Date("2024-03-06T12:00:00Z");
const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const parseFixture = (
  name: string,
  url = "https://feeds.example/path/feed.xml",
  contentType?: string,
): ParsedFeed => parseFeed({ body: fixture(name), url, contentType, fetchedAt: FETCHED_AT });

/** Tags, attributes and schemes that must never survive sanitising. */
const DANGEROUS =
  /<script|<style|<iframe|<object|<form|<input|<svg|\son\w+=|javascript:|vbscript:|data:|target=/i;

describe("parseFeed on real-world feed styles", () => {
  test.each<[string, string, Partial<ParsedFeed>, number]>([
    ["wordpress-rss2.xml", "rss", { title: "The Harbor Daily", siteUrl: "https://harbordaily.example/" }, 3],
    [
      "atom-xhtml-base.xml",
      "atom",
      { title: "The Lakeside Courier — Science & Health", siteUrl: "https://lakeside-courier.example/blog/" },
      3,
    ],
    ["json-feed-1.1.json", "json", { title: "Northern Wire", siteUrl: "https://northernwire.example/" }, 3],
    [
      "rss1-rdf.xml",
      "rdf",
      { title: "Meridian Post: Science", siteUrl: "https://meridianpost.example/science" },
      2,
    ],
    [
      "relative-links-rss.xml",
      "rss",
      { ttlMinutes: 60, skipHours: [3], skipDays: ["Sunday"], siteUrl: "https://valleyledger.example/news/" },
      3,
    ],
    ["xss-cdata-entities.xml", "rss", { title: "Civic Times & Friends" }, 3],
    ["malformed-recoverable.xml", "rss", { title: "Q&A Weekly" }, 2],
    ["dates-and-duplicates.xml", "rss", { title: "Sloppy Sentinel" }, 7],
    ["empty-feed.xml", "rss", { title: "Quiet Gazette", items: [] }, 0],
  ])("%s is read as %s", (name, format, feed, itemCount) => {
    const parsed = parseFixture(name);
    expect(parsed.format).toBe(format);
    expect(parsed).toMatchObject(feed);
    expect(parsed.items).toHaveLength(itemCount);
    for (const item of parsed.items) {
      expect(item.summaryHtml).not.toMatch(DANGEROUS);
      expect(item.contentHtml ?? "").not.toMatch(DANGEROUS);
      expect(item.title).not.toBe("");
      expect(new Date(item.publishedAt).toISOString()).toBe(item.publishedAt);
    }
  });

  test("WordPress: content:encoded, dc:creator, categories, media image, tracking stripped from links", () => {
    const [first, second] = parseFixture("wordpress-rss2.xml").items;
    expect(first).toMatchObject({
      guid: "https://harbordaily.example/?p=4812",
      url: "https://harbordaily.example/2024/03/06/council-approves-ferry-terminal/",
      title: "Council approves new ferry terminal after marathon session",
      author: "Marisol Quade",
      categories: ["Local", "Transport"],
      imageUrl: "https://harbordaily.example/wp-content/uploads/2024/03/terminal-1200.jpg",
      publishedAt: "2024-03-06T08:30:00.000Z",
      hasRealDate: true,
    });
    expect(first.summaryText).toMatch(/^After nine hours of debate, councillors voted 7–2/);
    expect(first.contentHtml).toContain(
      'src="https://harbordaily.example/wp-content/uploads/2024/03/terminal.jpg"',
    );
    expect(first.contentHtml).toContain("terminal-300x169.jpg 300w");
    expect(first.contentHtml).toContain(
      '<a href="https://harbordaily.example/tag/eastside/" rel="nofollow noopener">',
    );
    expect(first.contentHtml).not.toMatch(/style=|class=|pixel\.gif/);
    expect(second.summaryText).toBe(
      "Harbour master Ines Falk explains the unusually high tides expected this month. […]",
    );
  });

  test("Atom: xml:base chains, xhtml title and content, enclosure image, published before updated", () => {
    const [algae, levels, podcast] = parseFixture(
      "atom-xhtml-base.xml",
      "https://lakeside-courier.example/feed",
    ).items;
    expect(algae).toMatchObject({
      url: "https://lakeside-courier.example/blog/2024/03/algae-bloom-beaches.html",
      title: "Algae bloom closes three beaches",
      summaryText:
        "Blue-green algae at Millpond, Reedbank & Shore Road beaches: swimming banned until tests clear.",
      author: "Dr. Henrike Vos",
      categories: ["Environment", "health"],
      imageUrl: "https://lakeside-courier.example/blog/images/algae.jpg",
      publishedAt: "2024-03-06T09:15:00.000Z",
    });
    expect(algae.contentHtml).toContain('href="https://lakeside-courier.example/blog/data/samples.csv"');
    expect(algae.contentHtml).toContain('src="https://lakeside-courier.example/blog/2024/03/chart.png"');
    expect(algae.contentHtml).not.toContain("onclick");
    // type="text" titles are literal: angle brackets are text, not markup.
    expect(levels.title).toBe("Why lake levels <matter> for farmers");
    expect(levels.author).toBe("Courier Science Desk");
    expect(levels.contentHtml).toContain('href="https://lakeside-courier.example/blog/reports/levels.pdf"');
    expect(podcast.contentHtml).toBeUndefined();
  });

  test("JSON Feed: relative URLs, plain-text content, numeric ids, titleless items", () => {
    const [ridge, school, untitled] = parseFixture(
      "json-feed-1.1.json",
      "https://northernwire.example/feed.json",
    ).items;
    expect(ridge).toMatchObject({
      url: "https://northernwire.example/stories/ridge-pass-closed?ref=homepage",
      summaryText: "Highway 9 shut between Alder Creek & Fenwick.",
      contentHtml: "<p>Crews expect the <b>Ridge Pass</b> to reopen by Friday.</p>",
      imageUrl: "https://northernwire.example/images/rockslide.jpg",
      author: "Tomas Arvidsen",
      categories: ["Transport", "Weather"],
      publishedAt: "2024-03-06T12:45:00.000Z",
    });
    expect(school).toMatchObject({
      url: "https://northernwire.example/stories/school-budget",
      contentHtml:
        "<p>The board will meet again on March 14.</p><p>Parents asked for more time to review the plan.</p>",
      author: "Northern Wire Staff",
      publishedAt: "2024-03-05T18:20:00.000Z",
    });
    expect(untitled).toMatchObject({
      guid: "42",
      title: "A linked item without a title or date.",
      hasRealDate: false,
    });
  });

  test("RSS 1.0: dc:date, dc:creator, dc:subject, rdf:about as GUID", () => {
    const [comet] = parseFixture("rss1-rdf.xml").items;
    expect(comet).toMatchObject({
      guid: "https://meridianpost.example/science/comet-return",
      author: "Priya Nandakumar",
      categories: ["Astronomy"],
      publishedAt: "2024-03-05T22:10:00.000Z",
    });
  });

  test("relative links resolve against the site, GUID permalinks stand in for missing links", () => {
    const [hall, bus, guidOnly] = parseFixture("relative-links-rss.xml").items;
    expect(hall.url).toBe("https://valleyledger.example/news/2024/market-hall-reopens");
    expect(hall.imageUrl).toBe("https://valleyledger.example/media/hall-wide.jpg");
    expect(hall.summaryHtml).toContain('href="https://valleyledger.example/news/2024/market-hall"');
    expect(hall.summaryHtml).toContain('src="https://valleyledger.example/news/img/hall.jpg"');
    expect(bus.url).toBe("https://valleyledger.example/news/2024/bus-timetable");
    expect(guidOnly.url).toBe("https://valleyledger.example/news/2024/guid-only");
  });

  test.each([
    ["windows-1252-declared-utf8.xml", undefined, /not valid UTF-8; read as windows-1252/],
    ["windows-1252-undeclared.xml", undefined, /not valid UTF-8; read as windows-1252/],
    ["windows-1252-undeclared.xml", "application/rss+xml; charset=utf-8", /not valid UTF-8/],
    ["utf8-declared-latin1.xml", undefined, /declared windows-1252 but the bytes are valid UTF-8/],
    ["utf8-declared-latin1.xml", "text/xml; charset=ISO-8859-1", /valid UTF-8/],
  ])("%s (Content-Type %s) decodes to the right characters", (name, contentType, warning) => {
    const parsed = parseFixture(name, undefined, contentType);
    expect(parsed.title).toBe("Riverside Herald — Business");
    expect(parsed.items[0].title).toBe("Café owner’s “best year” – profits up €12,000");
    expect(parsed.items[0].summaryText).toBe("Renée Dubois says tourists returned to Saint-Étienne Street.");
    expect(parsed.warnings.join("\n")).toMatch(warning);
  });

  test("hostile titles are reduced to text; escaped markup is decoded once", () => {
    const titles = parseFixture("xss-cdata-entities.xml").items.map((item) => item.title);
    expect(titles).toEqual([
      "Mayor signs budget & resigns",
      "Tom & Jerry ’s reunion — tickets",
      "Only an image in the title.",
    ]);
  });

  test("hostile HTML keeps its text and safe links only", () => {
    const [budget, escaped] = parseFixture("xss-cdata-entities.xml").items;
    expect(budget.summaryHtml).toContain(
      '<a href="https://civictimes.example/full" rel="nofollow noopener">Read more</a>',
    );
    expect(budget.summaryText).toBe("Budget details Read more caps vb");
    expect(escaped.summaryHtml).toBe("<p>Escaped <em>HTML</em> description &amp; an  attempt.</p>");
  });

  test("dates: named zones, zone-less and dc:date are read; missing, bad and far-future dates fall back, flagged", () => {
    const items = parseFixture("dates-and-duplicates.xml").items;
    const byTitle = Object.fromEntries(
      items.map((item) => [item.title, [item.publishedAt, item.hasRealDate]]),
    );
    expect(byTitle).toEqual({
      "RFC 822 with CEST": ["2024-03-06T08:00:00.000Z", true],
      "SQL style without zone": ["2024-03-05T14:30:00.000Z", true],
      "No date at all": [FETCHED_AT.toISOString(), false],
      "Garbage date": [FETCHED_AT.toISOString(), false],
      "Far future": [FETCHED_AT.toISOString(), false],
      "Only dc:date": ["2024-03-04T15:00:00.000Z", true],
      "Same link, no GUID": [FETCHED_AT.toISOString(), false],
    });
  });

  test("duplicate GUIDs and links within a feed keep the first item, with a warning", () => {
    const parsed = parseFixture("dates-and-duplicates.xml");
    expect(parsed.items.map((item) => item.title)).not.toContain("Duplicate GUID, later copy");
    expect(parsed.items.map((item) => item.title)).not.toContain("Same link again over https");
    expect(parsed.warnings).toContain("2 duplicate item(s) dropped (same GUID or link); the first was kept");
    expect(new Set(parsed.items.map((item) => item.dedupKey)).size).toBe(parsed.items.length);
  });
});

describe("parseFeed refuses what is not a feed", () => {
  test.each<[string, Buffer | string, string, RegExp]>([
    ["an HTML page", fixture("html-page.html"), "html-page", /HTML page, not a feed; it links to/],
    ["a truncated feed", fixture("malformed-truncated.xml"), "malformed", /cannot be read/],
    ["an empty body", Buffer.alloc(0), "empty", /empty/],
    ["whitespace only", "  \n ", "empty", /empty/],
    ["plain text", "Service temporarily unavailable", "unrecognised", /not an RSS, Atom or JSON feed/],
    [
      "XML that is not a feed",
      '<?xml version="1.0"?><note><to>Tove</to></note>',
      "unrecognised",
      /not an RSS/,
    ],
    [
      "broken JSON",
      '{"version": "https://jsonfeed.org/version/1.1", "items": [',
      "unrecognised",
      /not an RSS/,
    ],
  ])("%s fails with kind %s", (_name, body, kind, message) => {
    let caught: unknown;
    try {
      parseFeed({ body, url: "https://meridianpost.example/", fetchedAt: FETCHED_AT });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FeedParseError);
    expect((caught as FeedParseError).kind).toBe(kind);
    expect((caught as FeedParseError).message).toMatch(message);
  });

  test("an HTML page error carries the feeds the page links to", () => {
    try {
      parseFeed({
        body: fixture("html-page.html"),
        url: "https://meridianpost.example/",
        fetchedAt: FETCHED_AT,
      });
      expect.unreachable("an HTML page must not parse");
    } catch (error) {
      expect((error as FeedParseError).discoveredFeeds.map((feed) => feed.url)).toEqual([
        "https://meridianpost.example/feed/",
        "https://meridianpost.example/feed/atom/",
        "https://meridianpost.example/feed/json/",
      ]);
    }
  });
});

test("a feed with more items than the cap is truncated with a warning", () => {
  const items = Array.from(
    { length: MAX_ITEMS_PER_FEED + 50 },
    (_, i) => `<item><title>Item ${i}</title><link>https://bulk.example/${i}</link></item>`,
  ).join("");
  const parsed = parseFeed({
    body: `<rss version="2.0"><channel><title>Bulk</title>${items}</channel></rss>`,
    url: "https://bulk.example/feed",
    fetchedAt: FETCHED_AT,
  });
  expect(parsed.items).toHaveLength(MAX_ITEMS_PER_FEED);
  expect(parsed.warnings.join("\n")).toMatch(/more than 5000 items/);
});
