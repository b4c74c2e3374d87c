// A change evicts only the cached pages that drew on what changed: a comment re-renders its story,
// an edit the story and the listings it is in, a settings change everything.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { postComment, readerFields } from "./comments-helpers.js";
import { DEFAULT_SETTINGS_FORM, postAdminForm } from "./support/admin-forms.js";
import { articleApi, createTestSite, type TestSite, testDialect } from "./support/site.js";

describe(`scoped page-cache invalidation on ${testDialect}`, () => {
  let site: TestSite;
  let token: string;
  let api: ReturnType<typeof articleApi>;
  /** The story the tests change, in World and tagged harbour, with stories before and after it. */
  let harbour: { id: number; path: string };
  /** A story elsewhere (Sport, a month earlier, not next to the harbour story). */
  let derby: { id: number; path: string };
  /** The story just before the harbour one: its page links to it as "Next story". */
  let before: { path: string };
  let authorSlug: string;

  beforeAll(async () => {
    site = await createTestSite({ settings: { commentModeration: "none" } });
    token = await site.newApiToken();
    api = articleApi(site, token);
    const author = await site.newAuthor({ name: "Ida Harbour" });
    authorSlug = author.slug;
    derby = await site.newArticle({
      title: "Derby ends level",
      categories: ["Sport"],
      published_at: "2026-04-01T09:00:00.000Z",
    });
    before = await site.newArticle({ title: "Spring fair opens", published_at: "2026-04-15T09:00:00.000Z" });
    harbour = await site.newArticle({
      title: "Harbour plan approved",
      categories: ["World"],
      tags: ["harbour"],
      author,
      published_at: "2026-05-01T09:00:00.000Z",
    });
    // Newer stories fill the "Latest" list and the first front page.
    for (let day = 10; day <= 21; day++)
      await site.newArticle({ title: `Later story ${day}`, published_at: `2026-05-${day}T09:00:00.000Z` });
    // The harbour story leads "Most commented" before the tests begin.
    await comment(harbour.id, "First remark on the harbour.");
  });
  afterAll(async () => site?.close());

  async function comment(articleId: number, body: string) {
    const response = await postComment(site, readerFields(articleId, { body }));
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).not.toMatch(/held/);
  }

  async function get(url: string) {
    const response = await site.request({ method: "GET", url });
    expect(response.statusCode, url).toBe(200);
    return { cache: response.headers["x-cache"], body: response.body };
  }

  /** Requests each page until it is a cache hit. */
  async function warm(...urls: string[]) {
    for (const url of urls) {
      await get(url);
      expect((await get(url)).cache, url).toBe("HIT");
    }
  }

  test("an approved comment re-renders its story and the listings showing its count; unrelated pages stay cached", async () => {
    await warm(harbour.path, derby.path, "/category/sport/", "/page/2/", before.path);
    await comment(harbour.id, "A second remark on the harbour.");

    const story = await get(harbour.path);
    expect(story.cache).toBe("MISS");
    expect(story.body).toContain("A second remark on the harbour.");
    const listing = await get("/page/2/");
    expect(listing.cache).toBe("MISS");
    expect(listing.body).toContain("2 comments");
    // "Most commented" is unchanged (the harbour story leads it still), so these are untouched.
    expect((await get(derby.path)).cache).toBe("HIT");
    expect((await get("/category/sport/")).cache).toBe("HIT");
    expect((await get(before.path)).cache).toBe("HIT");
  });

  test("a comment leaves the pages that show its story among their related stories cached", async () => {
    const ferry = await site.newArticle({
      title: "Ferry timetable changes",
      categories: ["World"],
      published_at: "2026-05-02T09:00:00.000Z",
    });
    const page = await get(ferry.path);
    expect(page.body).toMatch(/Related stories[\s\S]*Harbour plan approved/);
    await warm(ferry.path);
    await comment(harbour.id, "A third remark on the harbour.");
    expect((await get(harbour.path)).body).toContain("A third remark on the harbour.");
    expect((await get(ferry.path)).cache).toBe("HIT");
  });

  test("a comment that changes the Most commented list re-renders the front page showing it, not the stories", async () => {
    await warm("/", before.path, "/category/world/");
    await comment(derby.id, "The derby deserved a winner.");
    const page = await get("/");
    expect(page.cache).toBe("MISS");
    expect(page.body).toMatch(/Most commented[\s\S]*Derby ends level/);
    // Story pages and archives show no "Most commented" list and do not list the derby.
    expect((await get(before.path)).body).not.toContain("Most commented");
    expect((await get(before.path)).cache).toBe("HIT");
    expect((await get("/category/world/")).cache).toBe("HIT");
  });

  test("an edit re-renders the story and every listing it appears in, and nothing else", async () => {
    const listings = [
      harbour.path,
      before.path,
      "/page/2/",
      "/category/world/",
      "/tag/harbour/",
      `/author/${authorSlug}/`,
      "/2026/05/01/",
      "/2026/05/page/2/",
    ];
    // These archives do not show the harbour story.
    const elsewhere = ["/category/sport/", "/2026/04/01/"];
    await warm(...listings, ...elsewhere);
    expect(
      (await api.patch(harbour.id, { title: "Harbour plan approved after all-night sitting" })).statusCode,
    ).toBe(200);
    for (const url of listings) {
      const page = await get(url);
      expect(page.cache, url).toBe("MISS");
      expect(page.body, url).toContain("Harbour plan approved after all-night sitting");
    }
    for (const url of elsewhere) expect((await get(url)).cache, url).toBe("HIT");
  });

  test("a story saved whole, as the edit form sends it, with the same categories and tags, re-renders only what shows it", async () => {
    const elsewhere = ["/category/sport/", "/2026/04/01/", "/2026/04/"];
    await warm(harbour.path, "/category/world/", ...elsewhere);
    const saved = await api.patch(harbour.id, {
      title: "Harbour plan approved at dawn",
      body: "The council voted at dawn.",
      categories: ["World"],
      tags: ["harbour"],
    });
    expect(saved.statusCode).toBe(200);
    for (const url of [harbour.path, "/category/world/"])
      expect((await get(url)).body, url).toContain("Harbour plan approved at dawn");
    // Nothing moved in any list: pages with a listing that does not show the story stay cached.
    for (const url of elsewhere) expect((await get(url)).cache, url).toBe("HIT");
  });

  test("a change to a story's body re-renders its own page only, not the pages showing its headline", async () => {
    // The newest story heads "Latest" on every other page.
    const newest = await site.newArticle({ title: "Tide tables", published_at: "2026-05-22T06:00:00.000Z" });
    const showingIt = [harbour.path, derby.path, "/"];
    await warm(newest.path, ...showingIt);
    expect((await get(derby.path)).body).toContain("Tide tables");
    expect((await api.patch(newest.id, { body: "High water at 06:12, corrected." })).statusCode).toBe(200);
    const story = await get(newest.path);
    expect(story.cache).toBe("MISS");
    expect(story.body).toContain("High water at 06:12, corrected.");
    for (const url of showingIt) expect((await get(url)).cache, url).toBe("HIT");
    // A new headline is another matter: every page showing it is re-rendered.
    expect((await api.patch(newest.id, { title: "Tide tables for the week" })).statusCode).toBe(200);
    for (const url of showingIt) expect((await get(url)).body, url).toContain("Tide tables for the week");
  });

  test("a story moved to another category leaves the old archive and joins the new one", async () => {
    await warm("/category/world/", "/category/sport/");
    expect((await api.patch(harbour.id, { categories: ["Sport"] })).statusCode).toBe(200);
    expect((await get("/category/world/")).body).not.toContain("Harbour plan approved");
    expect((await get("/category/sport/")).body).toContain("Harbour plan approved");
  });

  test("a story going out heads the Latest list on every page", async () => {
    await warm(derby.path, "/category/world/");
    await api.create({ title: "Breaking: storm warning", body: "Stay indoors.", status: "published" });
    for (const url of [derby.path, "/category/world/", "/"]) {
      const page = await get(url);
      expect(page.cache, url).toBe("MISS");
      expect(page.body, url).toContain("Breaking: storm warning");
    }
  });

  test("a settings change re-renders every page", async () => {
    await warm(derby.path, "/category/sport/", "/");
    const admin = await site.sessionCookie(await site.newUser({ role: "admin" }));
    const saved = await postAdminForm(site, "/admin/settings", "/admin/settings", admin, {
      ...DEFAULT_SETTINGS_FORM,
      commentModeration: "none",
      title: "The Evening Harbour",
    });
    expect(saved.statusCode).toBe(303);
    for (const url of [derby.path, "/category/sport/", "/"]) {
      const page = await get(url);
      expect(page.cache, url).toBe("MISS");
      expect(page.body, url).toContain("The Evening Harbour");
    }
  });
});
