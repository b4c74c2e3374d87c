import { XMLParser, XMLValidator } from "fast-xml-parser";
import Fastify from "fastify";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decodeBasicEntities, escapeHtml } from "../src/lib/html-escape.js";
import { insertMedia } from "../src/media/store.js";
import syndicationRoutes from "../src/syndication/routes.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

// An independent parser (not feedsmith, which generated the feeds): attributes kept, values as text.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  trimValues: true,
  isArray: (name, jpath) =>
    ["item", "entry", "url", "sitemap", "category"].includes(name) ||
    jpath === "feed.link" ||
    jpath === "feed.entry.link",
});

function parseXml(body: string) {
  expect(XMLValidator.validate(body)).toBe(true);
  // Characters XML 1.0 forbids anywhere, CDATA included (a strict reader rejects the document).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for those characters is the point
  expect(body).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  return parser.parse(body);
}

const HOSTILE_TITLE = `Tom & Jerry's <script>alert("x")</script> ]]> \u0001 "quotes"`;

describe(`feeds and sitemaps on ${testDialect}`, () => {
  let site: TestSite;
  let editor: TestUser;

  beforeAll(async () => {
    site = await createTestSite({ settings: { title: "The Daily Test", language: "en-GB" } });
    editor = await site.newUser({ role: "editor", name: "Ada Reporter" });
    const media = await insertMedia(site.ctx.db, {
      file_name: "harbour.jpg",
      original_name: "harbour.jpg",
      mime_type: "image/jpeg",
      byte_size: 12345,
      width: 800,
      height: 600,
      alt: "The harbour",
      caption: "",
      credit: "",
      variant_hash: null,
      master_key: null,
      source_url: null,
      uploaded_by: editor.id,
      created_at: "2026-05-01T00:00:00.000Z",
    });
    await site.newArticle({
      author: editor,
      title: "Harbour reopens",
      body: "The harbour **reopened** today. ![map](/media/map.png)",
      categories: ["Local"],
      tags: ["Shipping"],
      featured_media_id: media.id,
      published_at: "2026-05-21T09:00:00Z",
    });
    const hostile = await site.newArticle({
      author: editor,
      title: HOSTILE_TITLE.replace("\u0001", ""),
      body: "Body with <b>tags</b> & ampersands.",
      categories: ["World"],
      sources: [{ url: "https://wire.example/story?id=1&x=2", name: "Wire & Co" }],
      published_at: "2026-05-22T08:00:00Z",
    });
    // The API and forms refuse control characters; a title stored before they did still has them,
    // and the feeds must cope.
    await site.ctx.db
      .updateTable("articles")
      .set({ title: HOSTILE_TITLE })
      .where("id", "=", hostile.id)
      .execute();
    await site.newArticle({ author: editor, title: "Unpublished draft", status: "draft" });
  });
  afterAll(async () => site?.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    site.request({ method: "GET", url, headers });

  test("the RSS feed is valid RSS 2.0 with full content, enclosure, source and escaped titles", async () => {
    const response = await get("/feed/");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/rss+xml; charset=utf-8");
    const rss = parseXml(response.body).rss;
    expect(rss["@version"]).toBe("2.0");
    const channel = rss.channel;
    expect(channel.title).toBe("The Daily Test");
    expect(channel.link).toBe("http://news.test/");
    expect(channel.description).toBeTruthy();
    expect(channel["atom:link"]).toMatchObject({ "@href": "http://news.test/feed/", "@rel": "self" });
    const items = channel.item;
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item.title).toBeTruthy();
      expect(item.link).toMatch(/^http:\/\/news\.test\/2026\/05\/2\d\//);
      expect(item.guid["#text"]).toBe(item.link);
      expect(new Date(item.pubDate).toString()).not.toBe("Invalid Date");
      expect(item["dc:creator"]).toBe("Ada Reporter");
    }
    const [hostile, harbour] = items;
    // RSS text is HTML-escaped: a reader that renders the title as HTML shows it as text.
    expect(hostile.title).toBe(escapeHtml(HOSTILE_TITLE.replace("\u0001", "")));
    expect(hostile.source).toEqual({
      "#text": "Wire &amp; Co",
      "@url": "https://wire.example/story?id=1&x=2",
    });
    expect(hostile["content:encoded"]).toContain("Wire &amp; Co</a>");
    expect(harbour.enclosure).toEqual({
      "@url": "http://news.test/media/harbour.jpg",
      "@length": "12345",
      "@type": "image/jpeg",
    });
    expect(harbour["content:encoded"]).toContain("<strong>reopened</strong>");
    expect(harbour["content:encoded"]).toContain('src="http://news.test/media/map.png"');
    expect(harbour.category).toEqual(["Local", "Shipping"]);
    expect(response.body).not.toContain("Unpublished draft");
  });

  test("titles and summaries are text in every feed format, read back by a feed parser; only content carries HTML", async () => {
    const clean = HOSTILE_TITLE.replace("\u0001", "");
    const rss = parseRssFeed((await get("/feed/")).body);
    const rssItem = rss.items?.find((i) => i.link?.includes("/2026/05/22/"));
    // Rendered as HTML (what many readers do with an RSS title), it is exactly the title's text.
    expect(rssItem?.title).not.toContain("<");
    expect(decodeBasicEntities(rssItem?.title ?? "")).toBe(clean);
    expect(rssItem?.description).not.toContain("<");
    expect(rssItem?.content?.encoded).toContain("<b>tags</b>");
    expect(rssItem?.content?.encoded).not.toContain("<script");

    const atom = parseAtomFeed((await get("/feed/atom/")).body);
    const atomEntry = atom.entries?.find((e) => e.id?.includes("/2026/05/22/"));
    expect(atomEntry?.title).toEqual({ value: clean, type: "text" });
    expect((await get("/feed/atom/")).body).toMatch(/<title type="text">/);
    expect(atomEntry?.content).toMatchObject({ type: "html", value: expect.stringContaining("<b>tags</b>") });

    const json = parseJsonFeed((await get("/feed/json/")).body);
    const jsonItem = json.items?.find((i) => i.id?.includes("/2026/05/22/"));
    expect(jsonItem?.title).toBe(clean);
    expect(jsonItem?.content_html).toContain("<b>tags</b>");
    expect(jsonItem?.content_html).not.toContain("<script");
  });

  test("the Atom feed has the elements RFC 4287 requires", async () => {
    const response = await get("/feed/atom/");
    expect(response.headers["content-type"]).toBe("application/atom+xml; charset=utf-8");
    const feed = parseXml(response.body).feed;
    expect(feed["@xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(feed.id).toBe("http://news.test/feed/atom/");
    expect(feed.title["#text"] ?? feed.title).toBe("The Daily Test");
    expect(Number.isNaN(Date.parse(feed.updated))).toBe(false);
    expect(feed.link.map((l: Record<string, string>) => l["@rel"])).toEqual(["alternate", "self"]);
    expect(feed.entry).toHaveLength(2);
    for (const entry of feed.entry) {
      expect(entry.id).toMatch(/^http:\/\/news\.test\//);
      expect(entry.title["#text"] ?? entry.title).toBeTruthy();
      expect(Number.isNaN(Date.parse(entry.updated))).toBe(false);
      expect(entry.author.name).toBe("Ada Reporter");
      expect(entry.content["@type"]).toBe("html");
    }
    const hostile = feed.entry[0];
    expect(hostile.title["#text"]).toBe(HOSTILE_TITLE.replace("\u0001", ""));
    expect(hostile.link.find((l: Record<string, string>) => l["@rel"] === "via")).toMatchObject({
      "@href": "https://wire.example/story?id=1&x=2",
      "@title": "Wire & Co",
    });
    expect(feed.entry[1].link.find((l: Record<string, string>) => l["@rel"] === "enclosure")).toMatchObject({
      "@href": "http://news.test/media/harbour.jpg",
      "@type": "image/jpeg",
      "@length": "12345",
    });
  });

  test("the JSON Feed is version 1.1 with the required fields", async () => {
    const response = await get("/feed/json/");
    expect(response.headers["content-type"]).toBe("application/feed+json; charset=utf-8");
    const feed = JSON.parse(response.body);
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.title).toBe("The Daily Test");
    expect(feed.feed_url).toBe("http://news.test/feed/json/");
    expect(feed.home_page_url).toBe("http://news.test/");
    expect(feed.items).toHaveLength(2);
    for (const item of feed.items) {
      expect(typeof item.id).toBe("string");
      expect(typeof item.content_html).toBe("string");
      expect(item.authors).toEqual([{ name: "Ada Reporter", url: "http://news.test/author/ada-reporter/" }]);
    }
    expect(feed.items[0].title).toBe(HOSTILE_TITLE.replace("\u0001", ""));
    expect(feed.items[0].external_url).toBe("https://wire.example/story?id=1&x=2");
    expect(feed.items[1].image).toBe("http://news.test/media/harbour.jpg");
  });

  test("category, tag and author feeds hold only their stories; unknown ones are 404", async () => {
    const local = parseXml((await get("/category/local/feed/")).body).rss.channel;
    expect(local.title).toBe("The Daily Test » Local");
    expect(local.item.map((i: { title: string }) => i.title)).toEqual(["Harbour reopens"]);
    const tag = JSON.parse((await get("/tag/shipping/feed/json/")).body);
    expect(tag.items.map((i: { title: string }) => i.title)).toEqual(["Harbour reopens"]);
    const author = parseXml((await get("/author/ada-reporter/feed/atom/")).body).feed;
    expect(author.entry).toHaveLength(2);
    expect((await get("/category/nope/feed/")).statusCode).toBe(404);
    expect((await get("/feed")).headers.location).toBe("/feed/");
  });

  test("excerpt-only feeds carry the excerpt, not the body", async () => {
    await site.ctx.settings.update({ feedFullText: false });
    await site.ctx.changes.changed(["settings"]);
    try {
      const rss = parseXml((await get("/feed/")).body).rss.channel;
      expect(rss.item[1]["content:encoded"]).toBeUndefined();
      expect(rss.item[1].description).toContain("The harbour reopened today.");
      const json = JSON.parse((await get("/feed/json/")).body);
      expect(json.items[1].content_html).toBeUndefined();
      expect(json.items[1].content_text).toContain("The harbour reopened today.");
    } finally {
      await site.ctx.settings.update({ feedFullText: true });
      await site.ctx.changes.changed(["settings"]);
    }
  });

  test("a feed reader's conditional GET gets 304 Not Modified", async () => {
    const first = await get("/feed/");
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"/);
    expect(first.headers["last-modified"]).toBe(new Date("2026-05-22T10:00:00Z").toUTCString());
    expect((await get("/feed/", { "if-none-match": etag })).statusCode).toBe(304);
    const lastModified = String(first.headers["last-modified"]);
    await site.ctx.changes.changed(["all"]);
    expect((await get("/feed/", { "if-modified-since": lastModified })).statusCode).toBe(304);
    expect((await get("/feed/", { "if-none-match": '"something-else"' })).statusCode).toBe(200);
  });

  test("the sitemap index lists a file per month plus categories, tags and authors, each listing its URLs", async () => {
    const response = await get("/sitemap.xml");
    expect(response.headers["content-type"]).toBe("application/xml; charset=utf-8");
    const index = parseXml(response.body).sitemapindex;
    expect(index["@xmlns"]).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
    const locs = index.sitemap.map((s: { loc: string }) => s.loc);
    expect(locs).toEqual([
      "http://news.test/sitemap-articles-2026-05.xml",
      "http://news.test/sitemap-categories.xml",
      "http://news.test/sitemap-tags.xml",
      "http://news.test/sitemap-authors.xml",
    ]);
    const month = parseXml((await get("/sitemap-articles-2026-05.xml")).body).urlset;
    expect(month.url.map((u: { loc: string }) => u.loc)).toEqual([
      "http://news.test/2026/05/21/harbour-reopens/",
      expect.stringMatching(/^http:\/\/news\.test\/2026\/05\/22\/tom-jerry/),
    ]);
    for (const url of month.url) expect(Number.isNaN(Date.parse(url.lastmod))).toBe(false);
    const categories = parseXml((await get("/sitemap-categories.xml")).body).urlset;
    expect(categories.url.map((u: { loc: string }) => u.loc)).toEqual([
      "http://news.test/",
      "http://news.test/category/local/",
      "http://news.test/category/world/",
    ]);
    const authors = parseXml((await get("/sitemap-authors.xml")).body).urlset;
    expect(authors.url.map((u: { loc: string }) => u.loc)).toEqual(["http://news.test/author/ada-reporter/"]);
    expect((await get("/sitemap-articles-2026-04.xml")).statusCode).toBe(404);
    expect((await get("/sitemap-articles-2026-05-2.xml")).statusCode).toBe(404);
    expect((await get("/sitemap-whatever.xml")).statusCode).toBe(404);
  });

  test("sitemaps split past the URL limit, and every URL is in exactly one part", async () => {
    // The 50,000-URL limit, lowered to 1 so a small site shows the split.
    const app = Fastify();
    await app.register(syndicationRoutes, { ctx: site.ctx, maxUrlsPerSitemap: 1 });
    try {
      const index = parseXml((await app.inject("/sitemap.xml")).body).sitemapindex;
      const files = index.sitemap.map((s: { loc: string }) => s.loc.replace("http://news.test", ""));
      expect(files).toEqual([
        "/sitemap-articles-2026-05.xml",
        "/sitemap-articles-2026-05-2.xml",
        "/sitemap-categories.xml",
        "/sitemap-categories-2.xml",
        "/sitemap-categories-3.xml",
        "/sitemap-tags.xml",
        "/sitemap-authors.xml",
      ]);
      const urls: string[] = [];
      for (const file of files) {
        const urlset = parseXml((await app.inject(file)).body).urlset;
        expect(urlset.url, file).toHaveLength(1);
        urls.push(urlset.url[0].loc);
      }
      expect(new Set(urls).size).toBe(urls.length);
      expect(urls).toContain("http://news.test/2026/05/21/harbour-reopens/");
      expect((await app.inject("/sitemap-articles-2026-05-3.xml")).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  test("the Google News sitemap lists the last 48 hours with publication name and language", async () => {
    const news = parseXml((await get("/news-sitemap.xml")).body).urlset;
    expect(news["@xmlns:news"]).toBe("http://www.google.com/schemas/sitemap-news/0.9");
    expect(news.url).toHaveLength(2);
    const story = news.url[0]["news:news"];
    expect(story["news:publication"]).toEqual({ "news:name": "The Daily Test", "news:language": "en" });
    expect(story["news:title"]).toBe(HOSTILE_TITLE.replace("\u0001", ""));
    expect(story["news:publication_date"]).toBe("2026-05-22T08:00:00.000Z");
    site.clock.advance(2 * 24 * 3_600_000);
    await site.ctx.changes.changed(["all"]);
    try {
      const later = parseXml((await get("/news-sitemap.xml")).body).urlset;
      expect(later.url ?? []).toHaveLength(0);
    } finally {
      site.clock.advance(-2 * 24 * 3_600_000);
      await site.ctx.changes.changed(["all"]);
    }
  });

  test("robots.txt points at both sitemaps and keeps crawlers out of the newsroom and search", async () => {
    const response = await get("/robots.txt");
    expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(response.body).toContain("Sitemap: http://news.test/sitemap.xml");
    expect(response.body).toContain("Sitemap: http://news.test/news-sitemap.xml");
    expect(response.body).toContain("Disallow: /admin/");
    expect(response.body).toContain("Disallow: /search");
  });
});
