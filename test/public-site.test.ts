import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { updateArticle } from "../src/articles/service.js";
import { postComment, readerFields } from "./comments-helpers.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

/** The `content` of a `<meta property|name=…>` tag, or undefined. */
function meta(html: string, key: string): string | undefined {
  const match = new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`).exec(html);
  return match?.[1];
}

function linkHref(html: string, rel: string): string | undefined {
  return new RegExp(`<link rel="${rel}" href="([^"]*)"`).exec(html)?.[1];
}

/** The page's own listing: what is in <main> before the side lists. */
function mainColumn(html: string): string {
  return html.slice(html.indexOf("<main"), html.indexOf('<aside class="sidebar"'));
}

function jsonLd(html: string): Record<string, unknown> {
  const match = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error("no JSON-LD on the page");
  return JSON.parse(match[1]) as Record<string, unknown>;
}

describe(`the public news site on ${testDialect}`, () => {
  let site: TestSite;
  let editor: TestUser;

  beforeAll(async () => {
    site = await createTestSite({
      now: "2026-05-22T10:00:00.000Z",
      settings: {
        title: "The Harbour Herald",
        tagline: "Port Alder's paper",
        postsPerPage: 3,
        language: "en-GB",
      },
    });
    editor = await site.newUser({ role: "editor", name: "Maya Okafor" });
  });
  afterAll(async () => site?.close());

  test("an empty site's front page says there are no stories yet, under the dated masthead", async () => {
    const response = await site.request({ method: "GET", url: "/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/html");
    expect(response.body).toContain('<html lang="en-GB" dir="ltr">');
    expect(response.body).toContain("Fri. May 22nd, 2026");
    expect(response.body).toContain('<time datetime="2026-05-22">');
    expect(response.body).toContain("The Harbour Herald");
    expect(response.body).toContain("No stories yet");
    expect(response.body).toContain('action="/search"');
    expect((await site.request({ method: "GET", url: "/page/2/" })).statusCode).toBe(404);
  });

  describe("with stories", () => {
    const stories: Record<string, Awaited<ReturnType<TestSite["newArticle"]>>> = {};

    beforeAll(async () => {
      await site.ctx.settings.update({ navCategorySlugs: ["world", "sport"] });
      const day = (d: number, h = 9) => new Date(Date.UTC(2026, 4, d, h)).toISOString();
      stories.oldest = await site.newArticle({
        author: editor,
        title: "Harbour wall repairs begin",
        published_at: day(10),
        categories: ["World"],
        tags: ["Harbour"],
      });
      stories.curated = await site.newArticle({
        author: editor,
        title: "Ferry fares frozen for the winter",
        excerpt: "The operator backed down after a petition.",
        body: "Fares stay **as they are** until April.",
        published_at: day(18),
        categories: ["World"],
        tags: ["Transport", "Harbour"],
        sources: [{ url: "https://ledger.example/ferry", name: "The Coastal Ledger" }],
      });
      stories.sport = await site.newArticle({
        author: editor,
        title: "Blues win the rowing league",
        published_at: day(19),
        categories: ["Sport"],
      });
      stories.middle = await site.newArticle({
        author: editor,
        title: "Council approves tram extension",
        published_at: day(20),
        categories: ["World"],
      });
      stories.newest = await site.newArticle({
        author: editor,
        title: "Plankton bloom lights up the bay",
        published_at: day(21),
        categories: ["Science"],
        tags: ["Harbour"],
      });
      stories.draft = await site.newArticle({ author: editor, title: "Unfinished draft", status: "draft" });
      stories.scheduled = await site.newArticle({
        author: editor,
        title: "Embargoed until next week",
        status: "scheduled",
        published_at: day(29),
      });
      stories.trashed = await site.newArticle({
        author: editor,
        title: "Pulled story",
        published_at: day(15),
      });
      await updateArticle(site.ctx, editor, stories.trashed.id, { status: "trashed" });
    });

    test("the front page leads with the newest story, then the latest with bylines, and category sections", async () => {
      const response = await site.request({ method: "GET", url: "/" });
      expect(response.statusCode).toBe(200);
      const html = response.body;
      const lead = html.indexOf("Plankton bloom lights up the bay");
      expect(lead).toBeGreaterThan(0);
      expect(html.indexOf("Council approves tram extension")).toBeGreaterThan(lead);
      expect(html).toContain(`href="${stories.newest.path}"`);
      expect(html).toContain('By <a href="/author/maya-okafor/">Maya Okafor</a>');
      // Navigation by the chosen categories, and their sections.
      expect(html).toMatch(
        /<nav class="sections"[\s\S]*href="\/category\/world\/"[\s\S]*href="\/category\/sport\/"/,
      );
      expect(html).toContain('id="section-world"');
      expect(html).toContain("More in World");
      // Page 1 lists the newest stories itself: a "Latest" list beside them would show them twice.
      expect(html).not.toContain('id="side-latest"');
      for (const hidden of ["Unfinished draft", "Embargoed until next week", "Pulled story"])
        expect(html).not.toContain(hidden);
      expect(linkHref(html, "canonical")).toBe("http://news.test/");
      expect(linkHref(html, "next")).toBe("http://news.test/page/2/");
      expect(jsonLd(html)["@type"]).toBe("WebSite");
      expect(meta(html, "og:type")).toBe("website");
    });

    test("a sticky story leads the front page even when newer ones exist", async () => {
      await updateArticle(site.ctx, editor, stories.oldest.id, { is_sticky: true });
      try {
        const html = (await site.request({ method: "GET", url: "/" })).body;
        const leadBlock = html.slice(
          html.indexOf('class="front-lead"'),
          html.indexOf('class="front-top-list"'),
        );
        expect(leadBlock).toContain("Harbour wall repairs begin");
      } finally {
        await updateArticle(site.ctx, editor, stories.oldest.id, { is_sticky: false });
      }
    });

    test("later front pages paginate with rel prev/next and a canonical link; out-of-range pages are 404", async () => {
      const second = await site.request({ method: "GET", url: "/page/2/" });
      expect(second.statusCode).toBe(200);
      expect(second.body).toContain("Harbour wall repairs begin");
      expect(second.body).toContain("Page 2 of 2");
      expect(linkHref(second.body, "canonical")).toBe("http://news.test/page/2/");
      expect(linkHref(second.body, "prev")).toBe("http://news.test/");
      expect(linkHref(second.body, "next")).toBeUndefined();
      expect(second.body).toContain('<a class="pagination-prev" href="/" rel="prev">');
      expect(second.body).toContain("<title>Latest stories – Page 2 – The Harbour Herald</title>");

      for (const url of ["/page/0/", "/page/3/", "/page/999/", "/page/abc/", "/page/-1/"]) {
        const response = await site.request({ method: "GET", url });
        expect(response.statusCode, url).toBe(404);
        expect(response.body, url).toContain("We can’t find that page");
      }
      const first = await site.request({ method: "GET", url: "/page/1/" });
      expect(first.statusCode).toBe(301);
      expect(first.headers.location).toBe("/");
      const noSlash = await site.request({ method: "GET", url: "/page/2" });
      expect(noSlash.statusCode).toBe(301);
      expect(noSlash.headers.location).toBe("/page/2/");
    });

    test("an article page shows headline, byline, dates, terms, Source link, related and neighbouring stories", async () => {
      const response = await site.request({ method: "GET", url: stories.curated.path });
      expect(response.statusCode).toBe(200);
      const html = response.body;
      expect(html).toContain(
        '<h1 id="story-title" class="story-title">Ferry fares frozen for the winter</h1>',
      );
      expect(html).toContain('By <a href="/author/maya-okafor/" rel="author">Maya Okafor</a>');
      expect(html).toContain('<time datetime="2026-05-18T09:00:00.000Z">Mon. May 18th, 2026</time>');
      expect(html).toContain("<strong>as they are</strong>");
      expect(html).toContain('<a href="/category/world/">World</a>');
      expect(html).toContain('<a href="/tag/transport/" rel="tag">Transport</a>');
      expect(html).toMatch(
        /<a class="source-link" href="https:\/\/ledger.example\/ferry" rel="noopener">Source link[\s\S]*?<\/a> <span class="source-name">The Coastal Ledger<\/span>/,
      );
      // Related by shared tag first (Harbour), then category; previous and next by date.
      const related = html.slice(html.indexOf('id="related-title"'));
      expect(related).toContain("Harbour wall repairs begin");
      expect(related).toContain("Plankton bloom lights up the bay");
      expect(related).not.toContain("Blues win the rowing league");
      expect(html).toMatch(/Previous story<\/span> Harbour wall repairs begin/);
      expect(html).toMatch(/Next story<\/span> Blues win the rowing league/);
      expect(html).toContain('id="comments"');
    });

    test("an article page carries canonical, Open Graph, Twitter and NewsArticle data with its sources", async () => {
      const html = (await site.request({ method: "GET", url: stories.curated.path })).body;
      expect(html).toContain("<title>Ferry fares frozen for the winter – The Harbour Herald</title>");
      expect(linkHref(html, "canonical")).toBe(`http://news.test${stories.curated.path}`);
      expect(meta(html, "description")).toBe("The operator backed down after a petition.");
      expect(meta(html, "og:type")).toBe("article");
      expect(meta(html, "og:url")).toBe(`http://news.test${stories.curated.path}`);
      expect(meta(html, "twitter:card")).toBe("summary");
      expect(meta(html, "article:published_time")).toBe("2026-05-18T09:00:00.000Z");
      const data = jsonLd(html);
      expect(data).toMatchObject({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        headline: "Ferry fares frozen for the winter",
        datePublished: "2026-05-18T09:00:00.000Z",
        author: [{ "@type": "Person", name: "Maya Okafor", url: "http://news.test/author/maya-okafor/" }],
        publisher: { "@type": "Organization", name: "The Harbour Herald" },
        isBasedOn: [{ url: "https://ledger.example/ferry", publisher: { name: "The Coastal Ledger" } }],
      });
    });

    test("a wrong or old date in a permalink leads to the canonical address with a 301", async () => {
      const [, , , , slug] = stories.middle.path.split("/");
      for (const wrong of [`/2019/01/01/${slug}/`, `/2026/05/21/${slug}/`]) {
        const response = await site.request({ method: "GET", url: wrong });
        expect(response.statusCode, wrong).toBe(301);
        expect(response.headers.location).toBe(stories.middle.path);
      }
      const noSlash = await site.request({ method: "GET", url: stories.middle.path.slice(0, -1) });
      expect(noSlash.statusCode).toBe(301);
      expect(noSlash.headers.location).toBe(stories.middle.path);
    });

    test("drafts, scheduled and trashed stories are not found by readers, and the 404 page helps them on", async () => {
      for (const story of [stories.draft, stories.scheduled, stories.trashed]) {
        const path = `/2026/05/22/${story.slug}/`;
        const response = await site.request({ method: "GET", url: path });
        expect(response.statusCode, story.title).toBe(404);
        expect(response.body).not.toContain(story.title);
      }
      const missing = await site.request({ method: "GET", url: "/2026/05/22/no-such-story/" });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers["cache-control"]).toBe("no-store");
      expect(missing.body).toContain('id="not-found-search"');
      expect(missing.body).toContain("Latest stories");
      expect(missing.body).toContain("Plankton bloom lights up the bay");
      expect(missing.body).toContain('<meta name="robots" content="noindex">');
    });

    test("category, tag and author archives list their stories; the author page has a bio and initials, never an email", async () => {
      const category = await site.request({ method: "GET", url: "/category/world/" });
      expect(category.statusCode).toBe(200);
      expect(category.body).toContain('<h1 class="page-title">World</h1>');
      expect(category.body).toContain("Council approves tram extension");
      expect(mainColumn(category.body)).not.toContain("Blues win the rowing league");
      expect(category.body).toContain(">3 stories</p>");
      expect(linkHref(category.body, "canonical")).toBe("http://news.test/category/world/");

      const tag = await site.request({ method: "GET", url: "/tag/harbour/" });
      expect(tag.statusCode).toBe(200);
      expect(tag.body).toContain("<title>Tag: Harbour – The Harbour Herald</title>");
      expect(tag.body).toContain("Plankton bloom lights up the bay");
      expect(mainColumn(tag.body)).not.toContain("Council approves tram extension");

      const { updateUser } = await import("../src/accounts/service.js");
      await updateUser(site.ctx, editor.id, { bio: "City editor since 2015." });
      await site.ctx.changes.changed(["all"]);
      const author = await site.request({ method: "GET", url: "/author/maya-okafor/" });
      expect(author.statusCode).toBe(200);
      expect(author.body).toContain('<h1 class="page-title">Maya Okafor</h1>');
      expect(author.body).toContain("City editor since 2015.");
      expect(author.body).toMatch(
        /<span class="avatar avatar-large avatar-hue-\d" aria-hidden="true">MO<\/span>/,
      );
      expect(author.body).not.toContain(editor.email);

      for (const url of ["/category/nope/", "/tag/nope/", "/author/nobody/"])
        expect((await site.request({ method: "GET", url })).statusCode, url).toBe(404);
      const noSlash = await site.request({ method: "GET", url: "/category/world" });
      expect(noSlash.statusCode).toBe(301);
      expect(noSlash.headers.location).toBe("/category/world/");
    });

    test("archives paginate with /page/N/ and an empty archive says so", async () => {
      const first = await site.request({ method: "GET", url: "/author/maya-okafor/" });
      expect(first.body).toContain("5 stories · page 1 of 2");
      expect(linkHref(first.body, "next")).toBe("http://news.test/author/maya-okafor/page/2/");
      const second = await site.request({ method: "GET", url: "/author/maya-okafor/page/2/" });
      expect(second.statusCode).toBe(200);
      expect(second.body).toContain("Harbour wall repairs begin");
      expect(linkHref(second.body, "prev")).toBe("http://news.test/author/maya-okafor/");
      expect((await site.request({ method: "GET", url: "/author/maya-okafor/page/3/" })).statusCode).toBe(
        404,
      );
      expect((await site.request({ method: "GET", url: "/author/maya-okafor/page/0/" })).statusCode).toBe(
        404,
      );
      const pageOne = await site.request({ method: "GET", url: "/author/maya-okafor/page/1/" });
      expect(pageOne.statusCode).toBe(301);
      expect(pageOne.headers.location).toBe("/author/maya-okafor/");

      const { createCategory } = await import("../src/articles/taxonomy.js");
      await createCategory(site.ctx, { name: "Opinion" });
      const empty = await site.request({ method: "GET", url: "/category/opinion/" });
      expect(empty.statusCode).toBe(200);
      expect(empty.body).toContain("There are no stories in Opinion so far.");
      expect((await site.request({ method: "GET", url: "/category/opinion/page/2/" })).statusCode).toBe(404);
    });

    test("date archives list a year, a month or a day in the site's zone", async () => {
      const year = await site.request({ method: "GET", url: "/2026/" });
      expect(year.statusCode).toBe(200);
      expect(year.body).toContain('<h1 class="page-title">2026</h1>');
      expect(year.body).toContain("5 stories");
      const month = await site.request({ method: "GET", url: "/2026/05/" });
      expect(month.statusCode).toBe(200);
      expect(month.body).toContain('<h1 class="page-title">May 2026</h1>');
      const day = await site.request({ method: "GET", url: "/2026/05/18/" });
      expect(day.statusCode).toBe(200);
      expect(day.body).toContain('<h1 class="page-title">May 18, 2026</h1>');
      expect(day.body).toContain("Ferry fares frozen for the winter");
      expect(mainColumn(day.body)).not.toContain("Blues win the rowing league");
      const monthPage = await site.request({ method: "GET", url: "/2026/05/page/2/" });
      expect(monthPage.statusCode).toBe(200);
      const emptyDay = await site.request({ method: "GET", url: "/2026/05/02/" });
      expect(emptyDay.statusCode).toBe(200);
      expect(emptyDay.body).toContain("There are no stories from May 2, 2026 so far.");
      for (const url of ["/2026/13/", "/2026/02/30/", "/1800/", "/20266/", "/2026/5/", "/abcd/"])
        expect((await site.request({ method: "GET", url })).statusCode, url).toBe(404);
    });

    test("pages pass the Content-Security-Policy: no inline scripts or style attributes", async () => {
      for (const url of ["/", stories.curated.path, "/category/world/", "/2026/05/", "/nowhere/"]) {
        const response = await site.request({ method: "GET", url });
        expect(response.headers["content-security-policy"]).toContain("script-src 'self'");
        expect(response.headers["x-content-type-options"]).toBe("nosniff");
        expect(response.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
        expect(response.body, url).not.toMatch(/\sstyle="/);
        expect(response.body, url).not.toMatch(/<style[\s>]/);
        // The only inline script allowed is JSON-LD data, which browsers never execute.
        const scripts = response.body.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? [];
        for (const tag of scripts) expect(tag, url).toBe('<script type="application/ld+json">');
      }
    });

    test("a video link pasted on its own line shows as a card that loads the player only when asked", async () => {
      const story = await site.newArticle({
        title: "Harbour wall footage",
        body: "The wall held.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nMore at [the council](https://example.org/council).",
      });
      const page = await site.request({ method: "GET", url: story.path });
      expect(page.body).toContain('<figure class="embed embed-youtube">');
      expect(page.body).toContain('data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"');
      expect(page.body).toMatch(/<script type="module" src="\/assets\/[0-9a-f]+\/embeds\.js"><\/script>/);
      expect(page.body).not.toMatch(/<iframe|youtube\.com\/embed|ytimg/);
      expect(page.headers["content-security-policy"]).toContain("frame-src https://www.youtube-nocookie.com");
      // The stored body keeps the plain link: feeds and the editor see the address.
      const feed = await site.request({ method: "GET", url: "/feed/" });
      expect(feed.body).not.toContain("embed-play");
      const plain = await site.request({ method: "GET", url: stories.curated.path });
      expect(plain.body).not.toContain("embeds.js");
    });

    test("every page has landmarks, a skip link and alt text on its images", async () => {
      const html = (await site.request({ method: "GET", url: "/" })).body;
      expect(html).toContain('<a class="skip-link" href="#content">Skip to content</a>');
      expect(html).toContain('<header class="masthead" role="banner">');
      expect(html).toContain('<main id="content"');
      expect(html).toContain('<footer class="site-footer" role="contentinfo">');
      for (const img of html.match(/<img [^>]*>/g) ?? []) expect(img).toMatch(/ alt="/);
    });
  });
});

describe(`reader pages built afresh on ${testDialect}`, () => {
  // Without the page cache every request builds its page: what the site shares between pages
  // (listing counts, stories shown in other pages' lists) must follow each change at once.
  let site: TestSite;
  let editor: TestUser;
  const day = (d: number) => new Date(Date.UTC(2026, 4, d, 9)).toISOString();

  beforeAll(async () => {
    site = await createTestSite({
      now: "2026-05-22T10:00:00.000Z",
      config: { pageCacheMaxBytes: 0 },
      settings: { postsPerPage: 2, commentModeration: "none" },
    });
    editor = await site.newUser({ role: "editor", name: "Ines Duarte" });
  });
  afterAll(async () => site?.close());

  test("an archive's story count and pages follow each publish and trashing", async () => {
    const local = { author: editor, categories: ["Local"] };
    await site.newArticle({ ...local, title: "Lifeboat crew honoured", published_at: day(10) });
    await site.newArticle({ ...local, title: "Market hall reopens", published_at: day(11) });
    const before = await site.request({ method: "GET", url: "/category/local/" });
    expect(before.body).toContain('<p class="page-count">2 stories</p>');

    const third = await site.newArticle({
      ...local,
      title: "Ferry timetable changes",
      published_at: day(12),
    });
    const after = await site.request({ method: "GET", url: "/category/local/" });
    expect(after.body).toContain("3 stories · page 1 of 2");
    expect(mainColumn(after.body)).toContain("Ferry timetable changes");
    expect((await site.request({ method: "GET", url: "/category/local/page/2/" })).body).toContain(
      "Lifeboat crew honoured",
    );

    await updateArticle(site.ctx, editor, third.id, { status: "trashed" });
    const trashed = await site.request({ method: "GET", url: "/category/local/" });
    expect(trashed.body).toContain('<p class="page-count">2 stories</p>');
    expect(mainColumn(trashed.body)).not.toContain("Ferry timetable changes");
    expect((await site.request({ method: "GET", url: "/category/local/page/2/" })).statusCode).toBe(404);
  });

  test("a standfirst is shown when it was written for the story, never when it repeats the opening", async () => {
    const body = "The harbour master closed the outer basin at dawn.\n\nShips wait at anchor.";
    const derived = await site.newArticle({ author: editor, title: "Basin closed", body });
    const written = await site.newArticle({
      author: editor,
      title: "Basin closed again",
      body,
      excerpt: "A second closure in a week worries the fishing fleet.",
    });
    const standfirstOf = async (path: string) =>
      /<p class="standfirst">([^<]*)<\/p>/.exec((await site.request({ url: path })).body)?.[1];
    expect(await standfirstOf(derived.path)).toBeUndefined();
    expect(await standfirstOf(written.path)).toBe("A second closure in a week worries the fishing fleet.");
  });

  test("related stories: the newest sharing a tag, then the newest sharing a category; a publish or an unpublish changes them at once", async () => {
    const desk = { author: editor, categories: ["Lifeboats"] };
    const article = await site.newArticle({
      ...desk,
      tags: ["Crew"],
      title: "Crew changes at the station",
      published_at: day(5),
    });
    const crewOld = await site.newArticle({
      ...desk,
      tags: ["Crew"],
      title: "Crew trained at night",
      published_at: day(2),
    });
    for (const d of [6, 7, 8, 9, 10])
      await site.newArticle({ ...desk, title: `Lifeboat launch on day ${d}`, published_at: day(d) });
    const relatedOf = async () => {
      const html = (await site.request({ method: "GET", url: article.path })).body;
      const start = html.indexOf('id="related-title"');
      return [
        ...html.slice(start, html.indexOf("</section>", start)).matchAll(/<h3[^>]*>\s*<a[^>]*>([^<]+)</g),
      ].map((m) => m[1].trim());
    };

    // The tag's story first, then the category's newest (not the story itself).
    expect(await relatedOf()).toEqual([
      "Crew trained at night",
      "Lifeboat launch on day 10",
      "Lifeboat launch on day 9",
      "Lifeboat launch on day 8",
    ]);
    const crewNew = await site.newArticle({
      ...desk,
      tags: ["Crew"],
      title: "Crew honoured",
      published_at: day(11),
    });
    expect(await relatedOf()).toEqual([
      "Crew honoured",
      "Crew trained at night",
      "Lifeboat launch on day 10",
      "Lifeboat launch on day 9",
    ]);
    await updateArticle(site.ctx, editor, crewNew.id, { title: "Crew honoured by the mayor" });
    expect((await relatedOf())[0]).toBe("Crew honoured by the mayor");
    await updateArticle(site.ctx, editor, crewOld.id, { status: "draft" });
    expect(await relatedOf()).toEqual([
      "Crew honoured by the mayor",
      "Lifeboat launch on day 10",
      "Lifeboat launch on day 9",
      "Lifeboat launch on day 8",
    ]);
  });

  test("a story's headline on another story's page follows an edit; its related card shows no comment count", async () => {
    const tides = { author: editor, tags: ["Tides"] };
    const older = await site.newArticle({ ...tides, title: "Tide gauge installed", published_at: day(14) });
    const newer = await site.newArticle({ ...tides, title: "Spring tides expected", published_at: day(15) });
    const relatedOf = (html: string) => {
      const start = html.indexOf('id="related-title"');
      return html.slice(start, html.indexOf("</section>", start));
    };

    const first = await site.request({ method: "GET", url: newer.path });
    expect(first.body).toMatch(/Previous story<\/span> Tide gauge installed</);
    expect(relatedOf(first.body)).toContain("Tide gauge installed");
    expect(relatedOf(first.body)).not.toContain("1 comment");

    await updateArticle(site.ctx, editor, older.id, { title: "Tide gauge installed at the pier" });
    const edited = await site.request({ method: "GET", url: newer.path });
    expect(edited.body).toMatch(/Previous story<\/span> Tide gauge installed at the pier</);
    expect(relatedOf(edited.body)).toContain("Tide gauge installed at the pier");

    // Related stories carry no comment count: the newest are related to many stories, and a
    // comment on one would otherwise re-render all those pages.
    expect((await postComment(site, readerFields(older.id))).statusCode).toBe(303);
    const commented = await site.request({ method: "GET", url: newer.path });
    expect(relatedOf(commented.body)).toContain("Tide gauge installed at the pier");
    expect(relatedOf(commented.body)).not.toMatch(/\d+ comments?</);
    expect((await site.request({ method: "GET", url: older.path })).body).toMatch(/1 comment/);
  });
});

describe(`the error page on ${testDialect}`, () => {
  test("a server error shows the designed 500 page and leaks nothing about the failure", async () => {
    const site = await createTestSite({ expectsServerErrors: true });
    await site.newArticle({ title: "Anything" });
    // Pull the articles table out from under the running app: every story query now fails.
    await sql`alter table articles rename to articles_elsewhere`.execute(site.ctx.db);
    const response = await site.request({ method: "GET", url: "/", headers: { accept: "text/html" } });
    expect(response.statusCode).toBe(500);
    expect(response.body).toContain("Something went wrong");
    expect(response.body).toContain("Broadsheet");
    expect(response.body).not.toMatch(/error:|stack|sqlite|postgres|kysely|at \w+ \(/i);
    await site.close();
  });
});

describe(`demo content on ${testDialect}`, () => {
  test("a newcomer who keeps 'Start with demo stories' at setup sees a living front page, and seeding again adds nothing", async () => {
    const site = await createTestSite();
    try {
      const form = await site.formSession("/admin/setup");
      expect(form.token).not.toBe("");
      const setupPage = await site.request({ method: "GET", url: "/admin/setup" });
      expect(setupPage.body).toMatch(/<input type="checkbox" name="demo" checked>/);
      const done = await site.request({
        method: "POST",
        url: "/admin/setup",
        cookie: form.cookie,
        form: {
          _csrf: form.token,
          site_title: "The Port Alder Post",
          name: "Ada Admin",
          email: "ada@news.test",
          password: "correct horse battery staple",
          password_confirm: "correct horse battery staple",
          demo: "on",
        },
      });
      expect(done.statusCode).toBe(303);
      const front = await site.request({ method: "GET", url: "/" });
      expect(front.body).toContain("The Port Alder Post");
      expect(front.body).toContain("Council approves harbour tram extension after late-night vote");
      expect(front.body).toMatch(
        /<img src="\/media\/[^"]+\.wide\d+\.png" srcset="[^"]+" sizes="[^"]+" alt="Illustration of/,
      );
      expect(front.body).toContain('href="/category/science/"');
      const curated = await site.request({ method: "GET", url: "/2026/05/19/ferry-fares-freeze-winter/" });
      expect(curated.statusCode).toBe(200);
      expect(curated.body).toContain(
        'href="https://coastal-ledger.example/news/island-ferry-fares-frozen" rel="noopener"',
      );
      const image = /<img src="(\/media\/[^"]+\.png)"/.exec(front.body)?.[1] ?? "";
      const png = await site.request({ method: "GET", url: image });
      expect(png.statusCode).toBe(200);
      expect(png.headers["content-type"]).toBe("image/png");

      const { seedDemoContent } = await import("../src/demo/seed-demo.js");
      const again = await seedDemoContent(site.ctx);
      expect(again).toEqual({ created: 0, skipped: 14 });
      const authors = await site.request({ method: "GET", url: "/author/maya-okafor/" });
      expect(authors.body).toContain("City editor.");
      expect(authors.body).not.toContain("demo.broadsheet.invalid");
    } finally {
      await site.close();
    }
  });
});

describe(`author pages on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test("staff who have published nothing have no author page or feed, so they cannot be listed", async () => {
    const quiet = await site.newUser({ role: "editor", name: "Quiet Quentin" });
    await site.newArticle({ author: quiet, title: "Quentin's draft", status: "draft" });
    for (const url of [
      `/author/${quiet.slug}/`,
      `/author/${quiet.slug}/feed/`,
      `/author/${quiet.slug}/feed/json/`,
    ]) {
      const response = await site.request({ method: "GET", url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain("Quiet Quentin");
    }
    await site.newArticle({ author: quiet, title: "Quentin's first story" });
    const page = await site.request({ method: "GET", url: `/author/${quiet.slug}/` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Quiet Quentin");
  });
});
