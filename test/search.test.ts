import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deleteArticle, publishDueArticles, updateArticle } from "../src/articles/service.js";
import { rebuildSearchIndex, searchArticleIds } from "../src/search/service.js";
import { countSearchDocuments } from "../src/search/store.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

/** The result links of a search page, in order. */
function resultPaths(html: string): string[] {
  return [...html.matchAll(/<h2 class="search-result-title"><a href="([^"]+)">/g)].map((m) => m[1]);
}

describe(`search on ${testDialect}`, () => {
  let site: TestSite;
  let editor: TestUser;

  beforeAll(async () => {
    site = await createTestSite();
    editor = await site.newUser({ role: "editor" });
  });
  afterAll(async () => site?.close());

  const search = async (q: string, extra: Record<string, string> = {}) => {
    const params = new URLSearchParams({ q, ...extra });
    const response = await site.request({ method: "GET", url: `/search?${params}` });
    expect(response.statusCode).toBe(200);
    return { html: response.body, paths: resultPaths(response.body) };
  };
  const publish = (title: string, body: string, more: Record<string, unknown> = {}) =>
    site.newArticle({ author: editor, title, body, status: "published", ...more });

  test("a story with the word in its title ranks above one that has it only in the body", async () => {
    const inTitle = await publish("Harbour report", "Ships came and went.", {
      published_at: "2026-05-01T08:00:00Z",
    });
    const inBody = await publish("Weekly notes", "The harbour was quiet; the harbour master said so.", {
      published_at: "2026-05-20T08:00:00Z",
    });
    const { paths, html } = await search("harbour");
    expect(paths).toEqual([inTitle.path, inBody.path]);
    expect(html).toContain("<mark>Harbour</mark> report");
    expect(html).toContain("2 stories match");
  });

  test("quoted phrases match the words together and in order", async () => {
    const together = await publish("Budget vote", "Last night the city council met in public.");
    await publish("Regional roundup", "A council of elders met outside the city walls.");
    const { paths } = await search('"city council"');
    expect(paths).toEqual([together.path]);
  });

  test("a minus leaves out stories with a word", async () => {
    const river = await publish("Flood warning for the river", "Levels are rising upstream.");
    await publish("Flood warning on the coast", "Storm surge expected.");
    expect((await search("flood warning -coast")).paths).toEqual([river.path]);
    expect((await search('flood -"on the coast"')).paths).toEqual([river.path]);
  });

  test("the last word matches as a prefix and a star makes any word a prefix", async () => {
    const election = await publish("Election night", "Turnout was the highest in decades.");
    expect((await search("electi")).paths).toContain(election.path);
    expect((await search("electi* turnout")).paths).toEqual([election.path]);
    // Only the last bare word is a prefix: "electi" in the middle must match a whole word.
    expect((await search("electi turnout")).paths).toEqual([]);
  });

  test("café finds cafe and cafe finds café, with the accent kept in the snippet", async () => {
    const accented = await publish("Café culture returns", "The café on the square reopened.");
    const plain = await publish("Cafe prices climb", "A cafe owner explains.");
    const fromPlain = await search("cafe");
    expect(fromPlain.paths).toEqual(expect.arrayContaining([accented.path, plain.path]));
    expect(fromPlain.html).toContain("<mark>Café</mark> culture returns");
    const fromAccented = await search("CAFÉ");
    expect(fromAccented.paths).toEqual(expect.arrayContaining([accented.path, plain.path]));
  });

  test("drafts, scheduled and trashed stories are never found by readers", async () => {
    await site.newArticle({ author: editor, title: "Wombat draft", body: "wombat", status: "draft" });
    await site.newArticle({
      author: editor,
      title: "Wombat scheduled",
      body: "wombat",
      status: "scheduled",
      published_at: "2026-06-01T00:00:00Z",
    });
    await site.newArticle({ author: editor, title: "Wombat trashed", body: "wombat", status: "trashed" });
    const { paths, html } = await search("wombat");
    expect(paths).toEqual([]);
    expect(html).toContain("No stories match “wombat”");
    const suggest = await site.request({ method: "GET", url: "/search/suggest?q=wombat" });
    expect(suggest.json().suggestions).toEqual([]);
    // The newsroom finds all three.
    expect(await searchArticleIds(site.ctx, "wombat", { includeUnpublished: true })).toHaveLength(3);
    expect(await searchArticleIds(site.ctx, "wombat", { includeUnpublished: false })).toHaveLength(0);
  });

  test("the index follows edits, trash, restore, delete and scheduled publishing", async () => {
    const story = await publish("Zebrafish study", "Researchers in the lab.");
    expect((await search("zebrafish")).paths).toEqual([story.path]);

    const edited = await updateArticle(site.ctx, editor, story.id, { title: "Okapi study" });
    expect("article" in edited).toBe(true);
    expect((await search("zebrafish")).paths).toEqual([]);
    expect((await search("okapi")).paths).toEqual([story.path]);

    await updateArticle(site.ctx, editor, story.id, { status: "trashed" });
    expect((await search("okapi")).paths).toEqual([]);
    await updateArticle(site.ctx, editor, story.id, { status: "published" });
    expect((await search("okapi")).paths).toHaveLength(1);

    const before = await countSearchDocuments(site.ctx.db);
    expect(await deleteArticle(site.ctx, editor, story.id)).toEqual({ ok: true });
    expect((await search("okapi")).paths).toEqual([]);
    expect(await countSearchDocuments(site.ctx.db)).toBe(before - 1);

    const scheduled = await site.newArticle({
      author: editor,
      title: "Quokka census",
      body: "Counting quokkas.",
      status: "scheduled",
      published_at: new Date(site.clock.now().getTime() + 3_600_000).toISOString(),
    });
    expect((await search("quokka")).paths).toEqual([]);
    site.clock.advance(2 * 3_600_000);
    expect(await publishDueArticles(site.ctx)).toBeGreaterThanOrEqual(1);
    const after = await search("quokka");
    expect(after.paths.map((p) => p.split("/").at(-2))).toEqual([scheduled.slug]);
  });

  test("a rebuilt index finds the same stories", async () => {
    const story = await publish("Lighthouse keeper retires", "Forty years on the rock.");
    const indexed = await rebuildSearchIndex(site.ctx.db);
    expect(indexed).toBeGreaterThan(0);
    expect(await countSearchDocuments(site.ctx.db)).toBe(indexed);
    expect((await search("lighthouse")).paths).toEqual([story.path]);
  });

  test("hostile and malformed queries get an answer, never an error", async () => {
    await publish("Ordinary story about tea", "Tea, NEAR the harbour; title: none.");
    const hostile = [
      '"',
      '"""',
      '"unclosed phrase',
      "-",
      "--",
      "*",
      "**tea",
      "tea*",
      "NEAR(tea harbour)",
      "NEAR(tea harbour, 2)",
      "title:tea",
      "{title}: tea",
      "tea AND OR NOT",
      "AND OR NOT",
      "tea OR",
      "^tea",
      "tea:*",
      "!tea & harbour | x",
      "tea <-> harbour",
      "((tea",
      "tea)",
      "'; DROP TABLE articles; --",
      "tea' OR '1'='1",
      '" OR 1=1 --',
      "\\",
      "%_%",
      "tea\u0000harbour",
      "\uE000tea\uE001",
      "🙂 tea",
      "x".repeat(10_240),
      "tea ".repeat(2_560),
      '-"',
      "-tea",
      "+tea",
      "́́",
    ];
    for (const q of hostile) {
      const response = await site.request({ method: "GET", url: `/search?q=${encodeURIComponent(q)}` });
      expect(response.statusCode, `query ${JSON.stringify(q.slice(0, 40))}`).toBe(200);
      const suggest = await site.request({
        method: "GET",
        url: `/search/suggest?q=${encodeURIComponent(q)}`,
      });
      expect(suggest.statusCode, `suggest ${JSON.stringify(q.slice(0, 40))}`).toBe(200);
    }
    expect((await search("NEAR(tea harbour)")).paths).toHaveLength(1);
    expect((await search("title:tea")).paths).toEqual([]);
    // The articles table is still there.
    expect((await search("ordinary")).paths).toHaveLength(1);
  });

  test("results come with a count, escaped highlighted snippets and pages", async () => {
    await site.ctx.settings.update({ postsPerPage: 5 });
    try {
      for (let i = 1; i <= 7; i++)
        await publish(
          i === 1 ? "<script>alert(1)</script> Marathon" : `Marathon day ${i}`,
          `Runners of the marathon number ${i} <b>crossed</b> the line.`,
        );
      const first = await search("marathon");
      expect(first.paths).toHaveLength(5);
      expect(first.html).toContain("7 stories match");
      expect(first.html).toContain("Page 1 of 2");
      expect(first.html).toMatch(/<mark>marathon<\/mark>/);
      const second = await search("marathon", { page: "2" });
      for (const html of [first.html, second.html]) expect(html).not.toContain("<script>alert(1)</script>");
      expect(first.html + second.html).toContain(
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Marathon</mark>",
      );
      expect(first.html).toContain('href="/search?q=marathon&amp;page=2"');
      expect(second.paths).toHaveLength(2);
      expect(new Set([...first.paths, ...second.paths]).size).toBe(7);
      const beyond = await search("marathon", { page: "999999" });
      expect(beyond.paths).toEqual(second.paths);
      const newest = await search("marathon", { sort: "newest" });
      expect(newest.paths[0]).toContain("marathon-day-7");
    } finally {
      await site.ctx.settings.update({ postsPerPage: 10 });
    }
  });

  test("results narrow by section and dates, and an empty filtered search points to the unfiltered one", async () => {
    const sport = await publish("Regatta results", "The regatta ended.", {
      categories: ["Sport"],
      published_at: "2026-03-10T12:00:00Z",
    });
    const local = await publish("Regatta traffic", "Roads close for the regatta.", {
      categories: ["Local"],
      published_at: "2026-04-10T12:00:00Z",
    });
    expect((await search("regatta", { category: "sport" })).paths).toEqual([sport.path]);
    expect((await search("regatta", { from: "2026-04-01", to: "2026-04-30" })).paths).toEqual([local.path]);
    expect((await search("regatta", { to: "2026-03-10" })).paths).toEqual([sport.path]);
    const none = await search("regatta", { category: "sport", from: "2026-04-01" });
    expect(none.paths).toEqual([]);
    expect(none.html).toContain("2 stories match in all sections and dates");
    const badDate = await search("regatta", { from: "last tuesday", category: "nope" });
    expect(badDate.paths).toHaveLength(2);
    expect(badDate.html).toContain("Dates are written YYYY-MM-DD");
    expect(badDate.html).toContain("There is no such section");
  });

  test("an empty search shows the form and the latest stories", async () => {
    const { html } = await search("");
    expect(html).toContain("Type a few words above");
    expect(html).toContain("Latest stories");
  });

  test("WordPress's /?s= address leads to /search?q=", async () => {
    const response = await site.request({ method: "GET", url: "/?s=flood%20warning" });
    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe("/search?q=flood%20warning");
    const pretty = await site.request({ method: "GET", url: "/search/flood/" });
    expect(pretty.headers.location).toBe("/search?q=flood");
    expect((await site.request({ method: "GET", url: "/" })).statusCode).toBe(200);
  });

  test("the masthead box gets title suggestions as JSON, the typed word marked", async () => {
    const story = await publish("Volcanic ash grounds flights", "Airports closed.");
    await publish("Airline news", "Volcanic activity was mentioned in passing.");
    const response = await site.request({ method: "GET", url: "/search/suggest?q=volca" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("application/json");
    const body = response.json();
    expect(body.suggestions).toEqual([
      {
        title: story.title,
        title_html: "<mark>Volcanic</mark> ash grounds flights",
        url: story.url,
        published_at: story.published_at,
      },
    ]);
  });
});
