import { afterEach, describe, expect, test, vi } from "vitest";
import { getArticle } from "../src/articles/service.js";
import { fetchDueSources } from "../src/curation/fetch-service.js";
import { startFeedScheduler } from "../src/curation/scheduler.js";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { type FeedServer, startFeedServer } from "./support/feed-server.js";
import { multipartForm } from "./support/multipart-form.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

interface StoryJson {
  id: number;
  title: string;
  status: string;
  article_id: number | null;
  also_reported_by: string[];
  items: Array<{
    id: number;
    source_id: number;
    source_name: string;
    title: string;
    url: string | null;
    published_at: string;
    link_status: string;
  }>;
}

describe(`the curation desk on ${testDialect}`, () => {
  let site: TestSite;
  let server: FeedServer;
  afterEach(async () => {
    await server?.close();
    await site?.close();
  });

  async function newDesk(): Promise<{ editor: TestUser; cookie: string; token: string }> {
    site = await createTestSite({ now: "2026-05-22T10:00:00.000Z" });
    server = await startFeedServer();
    server.serveFile("/gazette/feed.xml", "outlet-a-rss.xml", "application/rss+xml; charset=utf-8");
    server.serveFile("/ledger/atom.xml", "outlet-b-atom.xml", "application/atom+xml");
    server.serveFile("/courier/feed.json", "outlet-c.json", "application/feed+json");
    server.route("/courier/", {
      headers: { "content-type": "text/html; charset=utf-8" },
      body: `<!doctype html><html><head><title>Valley Courier</title>
        <link rel="alternate" type="application/feed+json" title="Valley Courier" href="/courier/feed.json">
        </head><body><h1>Valley Courier</h1></body></html>`,
    });
    // The first admin: auto-published stories carry this byline.
    await site.newUser({ role: "admin", name: "Chief Admin" });
    const token = await site.newApiToken();
    const editor = await site.newUser({ role: "editor", name: "Desk Editor" });
    return { editor, token, cookie: await site.sessionCookie(editor) };
  }

  const api = (token: string) => ({ authorization: `Bearer ${token}` });

  async function deskStories(token: string, status = "new"): Promise<StoryJson[]> {
    const response = await site.request({
      method: "GET",
      url: `/api/admin/stories?status=${status}`,
      headers: api(token),
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ stories: StoryJson[] }>().stories;
  }

  test("an editor adds three sources, sees their reports grouped on the desk after one fetch cycle, publishes one story with two Source links, and the article shows both", async () => {
    const { cookie, token } = await newDesk();
    await site
      .request({
        method: "POST",
        url: "/api/admin/sources",
        headers: api(token),
        payload: { url: "https://example.invalid/x" },
      })
      .then((r) => {
        // An address that cannot be read right now is still added (its fetch records why).
        expect(r.statusCode).toBe(201);
        return site.request({
          method: "DELETE",
          url: `/api/admin/sources/${r.json().id}`,
          headers: api(token),
        });
      });

    for (const url of [
      server.url("/gazette/feed.xml"),
      server.url("/ledger/atom.xml"),
      server.url("/courier/"),
    ]) {
      const added = await postAdminForm(site, "/admin/sources", "/admin/sources", cookie, {
        url,
        name: "",
        category_id: "",
        mode: "review",
        fetch_interval_minutes: "15",
      });
      expect(added.statusCode).toBe(303);
    }
    const sourcesPage = await site.request({ method: "GET", url: "/admin/sources", cookie });
    expect(sourcesPage.body).toContain("The Harbour Gazette");
    expect(sourcesPage.body).toContain("Northern Ledger");
    // Found from the site's page: the feed behind <link rel="alternate">.
    expect(sourcesPage.body).toContain(server.url("/courier/feed.json"));
    expect(sourcesPage.body).toContain("Not fetched yet");

    // One cycle of the scheduler, exactly as the timer runs it.
    const stop = startFeedScheduler(site.ctx);
    await vi.waitFor(
      async () => {
        const page = await site.request({ method: "GET", url: "/admin/sources", cookie });
        expect(page.body).not.toContain("Not fetched yet");
      },
      { timeout: 15_000, interval: 50 },
    );
    await stop();

    const desk = await site.request({ method: "GET", url: "/admin/desk", cookie });
    expect(desk.statusCode).toBe(200);
    expect(desk.body).toContain("River Ostra bursts its banks, forcing thousands from Veltmoor homes");
    expect(desk.body).toContain("Also reported by Northern Ledger, Valley Courier");
    expect(desk.body).toContain("Kestrel United sign striker Joao Pereira");

    const stories = await deskStories(token);
    expect(stories).toHaveLength(6);
    const flood = stories.find((s) => s.items.length === 3);
    expect(flood?.items.map((i) => i.source_name)).toEqual([
      "The Harbour Gazette",
      "Northern Ledger",
      "Valley Courier",
    ]);
    // Generic "officials will review the plan" items stay apart.
    expect(stories.filter((s) => s.items.length === 1)).toHaveLength(5);
    if (!flood) throw new Error("no flood story");

    const storyPage = await site.request({ method: "GET", url: `/admin/desk/stories/${flood.id}`, cookie });
    expect(storyPage.body).toContain(
      'value="River Ostra bursts its banks, forcing thousands from Veltmoor homes"',
    );
    expect(storyPage.body).toContain("Mayor Ilse Marenko ordered 2,400 residents of Veltmoor");
    // The Gazette is not licensed: no full-text or image option.
    expect(storyPage.body).not.toContain('name="use_full_text"');

    const [gazette, , courier] = flood.items;
    const published = await postAdminForm(
      site,
      `/admin/desk/stories/${flood.id}`,
      `/admin/desk/stories/${flood.id}/publish`,
      cookie,
      {
        title: "Veltmoor evacuated as the River Ostra floods",
        summary: "Thousands left their homes in Veltmoor overnight after the River Ostra burst its banks.",
        item_ids: [String(gazette.id), String(courier.id)],
        category: "Weather",
      },
    );
    expect(published.statusCode).toBe(303);
    const articlePath = String(published.headers.location);
    expect(articlePath).toMatch(/^\/2026\/05\/22\/veltmoor-evacuated-as-the-river-ostra-floods\/$/);

    const article = await site.request({ method: "GET", url: articlePath });
    expect(article.statusCode).toBe(200);
    const sourceLinks = [
      ...article.body.matchAll(/<a class="source-link" href="([^"]+)" rel="noopener">Source link/g),
    ].map((m) => m[1]);
    expect(sourceLinks).toEqual([
      "https://gazette.example/2026/05/21/ostra-floods/",
      "https://courier.example/p/8812",
    ]);
    expect(article.body).toContain("The Harbour Gazette");
    expect(article.body).toContain("by Anna Reyes");
    expect(article.body).toContain("Valley Courier");
    expect(article.body).toContain("Thousands left their homes in Veltmoor overnight");
    expect(article.body).toContain("Originally reported by");
    expect(article.body).toContain('"isBasedOn"');
    // Never the full text of an outlet that has not licensed it.
    expect(article.body).not.toContain("The full report, with every detail the Gazette licensed.");
    expect(article.body).toContain('href="/category/weather/"');
    // The summary is the story's opening: it is not printed again as a standfirst above it.
    expect(article.body).not.toContain('class="standfirst"');

    const after = await deskStories(token, "published");
    expect(after.find((s) => s.id === flood.id)).toMatchObject({
      status: "published",
      title: "Veltmoor evacuated as the River Ostra floods",
    });
    expect((await deskStories(token)).some((s) => s.id === flood.id)).toBe(false);
  }, 60_000);

  test("an editor saves a desk story as a draft or opens it in the editor; the source's category is offered, not filled in", async () => {
    const { cookie, token } = await newDesk();
    await site.request({
      method: "POST",
      url: "/api/admin/sources",
      headers: api(token),
      payload: { url: server.url("/gazette/feed.xml"), category: "Coast" },
    });
    await fetchDueSources(site.ctx);
    const [first, second] = await deskStories(token);
    if (!first || !second) throw new Error("the feed gave fewer than two stories");

    const page = await site.request({ method: "GET", url: `/admin/desk/stories/${first.id}`, cookie });
    expect(page.body).toContain("(the source files it under Coast)");
    expect(page.body).toMatch(
      /<input id="publish-category" name="category" value="" [^>]*placeholder="Coast"/,
    );
    expect(page.body).toContain('<button type="submit" name="action" value="draft">Save as draft</button>');

    const drafted = await postAdminForm(
      site,
      `/admin/desk/stories/${first.id}`,
      `/admin/desk/stories/${first.id}/publish`,
      cookie,
      { item_ids: first.items.map((i) => String(i.id)), category: "", action: "draft" },
    );
    expect(drafted.statusCode).toBe(303);
    expect(drafted.headers.location).toBe("/admin/desk");
    const [draftStory] = (await deskStories(token, "published")).filter((s) => s.id === first.id);
    const draft = await getArticle(site.ctx, draftStory?.article_id ?? 0);
    expect(draft).toMatchObject({ status: "draft", categories: [] });
    // Not on the site until an editor publishes it.
    expect((await site.request({ url: "/" })).body).not.toContain(first.title);
    const storyPage = await site.request({ method: "GET", url: `/admin/desk/stories/${first.id}`, cookie });
    expect(storyPage.body).toContain(
      `Saved as a draft. <a href="/admin/articles/${draft?.id}/edit">Open it in the editor</a>`,
    );

    const opened = await postAdminForm(
      site,
      `/admin/desk/stories/${second.id}`,
      `/admin/desk/stories/${second.id}/publish`,
      cookie,
      { item_ids: second.items.map((i) => String(i.id)), category: "Harbour", action: "edit" },
    );
    expect(opened.statusCode).toBe(303);
    const editorPath = String(opened.headers.location);
    expect(editorPath).toMatch(/^\/admin\/articles\/\d+\/edit$/);
    const editor = await site.request({ method: "GET", url: editorPath, cookie });
    expect(editor.statusCode).toBe(200);
    const openedArticle = await getArticle(site.ctx, Number(editorPath.split("/")[3]));
    expect(openedArticle).toMatchObject({ status: "draft", categories: [{ name: "Harbour" }] });

    // The API says which it made, and refuses a status it does not know.
    const [third] = await deskStories(token);
    const wrong = await site.request({
      method: "POST",
      url: `/api/admin/stories/${third?.id}/publish`,
      headers: api(token),
      payload: { item_ids: third?.items.map((i) => i.id), status: "scheduled" },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().fields).toMatchObject({ status: "must be published or draft" });
    const viaApi = await site.request({
      method: "POST",
      url: `/api/admin/stories/${third?.id}/publish`,
      headers: api(token),
      payload: { item_ids: third?.items.map((i) => i.id), status: "draft" },
    });
    expect(viaApi.statusCode).toBe(201);
    expect(viaApi.json().article.status).toBe("draft");
  });

  test("later reports of a published story wait as more coverage until an editor adds them; a publish-mode source's are added at once", async () => {
    const { cookie, token } = await newDesk();
    for (const path of ["/gazette/feed.xml", "/ledger/atom.xml"]) {
      const response = await site.request({
        method: "POST",
        url: "/api/admin/sources",
        headers: api(token),
        payload: { url: server.url(path) },
      });
      expect(response.statusCode).toBe(201);
    }
    await fetchDueSources(site.ctx);
    const flood = (await deskStories(token)).find((s) => s.items.length === 2);
    if (!flood) throw new Error("no flood story");
    const publish = await site.request({
      method: "POST",
      url: `/api/admin/stories/${flood.id}/publish`,
      headers: api(token),
      payload: { item_ids: flood.items.map((i) => i.id) },
    });
    expect(publish.statusCode).toBe(201);
    const { article } = publish.json<{ article: { id: number; url: string } }>();
    expect(article.url).toMatch(/^http:\/\/news\.test\/2026\/05\/22\/river-ostra-bursts/);

    // A third outlet (review mode) reports it after publication …
    const courier = await site.request({
      method: "POST",
      url: "/api/admin/sources",
      headers: api(token),
      payload: { url: server.url("/courier/feed.json") },
    });
    expect(
      (
        await site.request({
          method: "POST",
          url: `/api/admin/sources/${courier.json().id}/fetch`,
          headers: api(token),
        })
      ).json(),
    ).toMatchObject({ added: 2, status: "ok" });
    const coverage = await deskStories(token, "coverage");
    expect(coverage).toHaveLength(1);
    const pending = coverage[0].items.find((i) => i.link_status === "none");
    expect(pending?.source_name).toBe("Valley Courier");
    expect((await getArticle(site.ctx, article.id))?.sources).toHaveLength(2);

    const deskPage = await site.request({ method: "GET", url: "/admin/desk?status=coverage", cookie });
    expect(deskPage.body).toContain("Review more coverage");
    const accepted = await postAdminForm(
      site,
      `/admin/desk/stories/${flood.id}`,
      `/admin/desk/stories/${flood.id}/coverage`,
      cookie,
      {
        action: "accept",
        item_ids: [String(pending?.id)],
        return_to: "/admin/desk?status=coverage",
      },
    );
    expect(accepted.statusCode).toBe(303);
    expect((await followRedirect(site, accepted, cookie)).body).toContain(
      "1 report added to the article as Source links.",
    );
    expect((await getArticle(site.ctx, article.id))?.sources.map((s) => s.name)).toEqual([
      "The Harbour Gazette",
      "Northern Ledger",
      "Valley Courier",
    ]);
    expect(await deskStories(token, "coverage")).toHaveLength(0);

    // … and a publish-mode outlet's report is added without waiting for an editor.
    server.route("/wire/feed.xml", {
      headers: { "content-type": "application/rss+xml" },
      body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire Service</title><link>https://wire.example/</link>
        <item><title>Ostra flood: 2,400 evacuated from Veltmoor, Mayor Ilse Marenko says</title><link>https://wire.example/a/77</link>
        <description>Mayor Ilse Marenko said 2,400 Veltmoor residents were evacuated as the River Ostra rose 3.2 metres.</description>
        <pubDate>Thu, 21 May 2026 10:00:00 GMT</pubDate></item></channel></rss>`,
    });
    const wire = await site.request({
      method: "POST",
      url: "/api/admin/sources",
      headers: api(token),
      payload: { url: server.url("/wire/feed.xml"), mode: "publish" },
    });
    expect(wire.json()).toMatchObject({ mode: "publish", name: "Wire Service" });
    await fetchDueSources(site.ctx);
    const page = await site.request({ method: "GET", url: new URL(article.url).pathname });
    expect([...page.body.matchAll(/class="source-link" href="([^"]+)"/g)].map((m) => m[1])).toEqual([
      "https://gazette.example/2026/05/21/ostra-floods/",
      "https://ledger.example/news/veltmoor-evacuation",
      "https://courier.example/p/8812",
      "https://wire.example/a/77",
    ]);
  }, 60_000);

  test("a publish-mode source publishes its new stories automatically, bylined to the first admin, with the summary only", async () => {
    const { token } = await newDesk();
    const created = await site.request({
      method: "POST",
      url: "/api/admin/sources",
      headers: api(token),
      payload: { url: server.url("/gazette/feed.xml"), mode: "publish", category: "Coast" },
    });
    expect(created.statusCode).toBe(201);
    await fetchDueSources(site.ctx);
    const published = await deskStories(token, "published");
    expect(published).toHaveLength(3);
    const flood = published.find((s) => s.title.startsWith("River Ostra"));
    const article = await getArticle(site.ctx, flood?.article_id ?? 0);
    expect(article).toMatchObject({ status: "published", author: { name: "Chief Admin" } });
    expect(article?.categories.map((c) => c.name)).toEqual(["Coast"]);
    expect(article?.sources).toEqual([
      {
        url: "https://gazette.example/2026/05/21/ostra-floods/",
        name: "The Harbour Gazette",
        original_author: "Anna Reyes",
        original_published_at: "2026-05-21T07:00:00.000Z",
      },
    ]);
    expect(article?.body).not.toContain("licensed");
    expect(article?.html).not.toContain("<script");
  });

  test("the same item seen in two feeds is one story, credited once", async () => {
    const { token } = await newDesk();
    server.serveFile("/courier/region.json", "outlet-c.json", "application/feed+json");
    for (const [path, name] of [
      ["/courier/feed.json", "Valley Courier"],
      ["/courier/region.json", "Valley Courier (region)"],
    ]) {
      await site.request({
        method: "POST",
        url: "/api/admin/sources",
        headers: api(token),
        payload: { url: server.url(path), name },
      });
    }
    await fetchDueSources(site.ctx);
    const stories = await deskStories(token);
    expect(stories).toHaveLength(2);
    for (const story of stories)
      expect(story.items.map((i) => i.source_name).sort()).toEqual([
        "Valley Courier",
        "Valley Courier (region)",
      ]);
    const story = stories[0];
    const response = await site.request({
      method: "POST",
      url: `/api/admin/stories/${story.id}/publish`,
      headers: api(token),
      payload: { item_ids: story.items.map((i) => i.id), title: "One story" },
    });
    expect(response.statusCode).toBe(201);
    const article = await getArticle(site.ctx, response.json().article.id);
    expect(article?.sources).toHaveLength(1);
  });

  test("snoozed stories come back when their time is up; dismissed ones stay away until restored", async () => {
    const { cookie, token } = await newDesk();
    await site.request({
      method: "POST",
      url: "/api/admin/sources",
      headers: api(token),
      payload: { url: server.url("/courier/feed.json") },
    });
    await fetchDueSources(site.ctx);
    const [first, second] = await deskStories(token);
    const snoozed = await postAdminForm(
      site,
      "/admin/desk",
      `/admin/desk/stories/${first.id}/snooze`,
      cookie,
      { hours: "1", return_to: "/admin/desk" },
    );
    expect((await followRedirect(site, snoozed, cookie)).body).toContain("Story snoozed for an hour.");
    await postAdminForm(site, "/admin/desk", `/admin/desk/stories/${second.id}/dismiss`, cookie, {
      return_to: "/admin/desk",
    });
    expect(await deskStories(token)).toHaveLength(0);
    expect((await deskStories(token, "dismissed")).map((s) => s.id)).toEqual([second.id]);

    site.clock.advance(61 * 60_000);
    expect((await deskStories(token)).map((s) => s.id)).toEqual([first.id]);
    const restored = await site.request({
      method: "POST",
      url: `/api/admin/stories/${second.id}/restore`,
      headers: api(token),
    });
    expect(restored.json()).toMatchObject({ id: second.id, status: "new" });
    expect(await deskStories(token)).toHaveLength(2);
  });

  test("hostile feed content reaches the desk escaped and sanitised", async () => {
    const { cookie, token } = await newDesk();
    server.serveFile("/hostile.xml", "xss-cdata-entities.xml", "application/rss+xml");
    await site.request({
      method: "POST",
      url: "/api/admin/sources",
      headers: api(token),
      payload: { url: server.url("/hostile.xml") },
    });
    await fetchDueSources(site.ctx);
    const desk = await site.request({ method: "GET", url: "/admin/desk", cookie });
    expect(desk.body).toContain("Mayor signs budget &amp; resigns");
    expect(desk.body).not.toMatch(/<script>alert|onerror=|onmouseover|javascript:/i);
    const story = (await deskStories(token)).find((s) => s.title.startsWith("Mayor"));
    const page = await site.request({ method: "GET", url: `/admin/desk/stories/${story?.id}`, cookie });
    expect(page.body).not.toMatch(/<script>alert|onerror=|onmouseover|javascript:/i);
  });

  test("an editor edits a source, fetches it now, sees its health and switches it off and on", async () => {
    const { cookie, token } = await newDesk();
    const created = await site.request({
      method: "POST",
      url: "/api/admin/sources",
      headers: api(token),
      payload: { url: server.url("/ledger/atom.xml") },
    });
    const id = created.json().id as number;
    const page = await site.request({ method: "GET", url: `/admin/sources/${id}`, cookie });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Not fetched yet");

    const rejected = await postAdminForm(site, `/admin/sources/${id}`, `/admin/sources/${id}`, cookie, {
      url: server.url("/ledger/atom.xml"),
      name: "The Ledger",
      category_id: "",
      mode: "review",
      fetch_interval_minutes: "2",
    });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.body).toContain("Interval must be a whole number of minutes from 5 to 1440");
    expect(rejected.body).toContain('value="The Ledger"');

    const saved = await postAdminForm(site, `/admin/sources/${id}`, `/admin/sources/${id}`, cookie, {
      url: server.url("/ledger/atom.xml"),
      name: "The Ledger",
      category_id: "",
      mode: "review",
      is_full_text_allowed: "1",
      fetch_interval_minutes: "30",
    });
    expect(saved.statusCode).toBe(303);
    const fetched = await postAdminForm(site, `/admin/sources/${id}`, `/admin/sources/${id}/fetch`, cookie, {
      return_to: "source",
    });
    const after = await followRedirect(site, fetched, cookie);
    expect(after.body).toContain("Fetched: 3 new items.");
    expect(after.body).toMatch(/Items added<\/dt><dd>3 \(3 in the last fetch\)/);
    expect(after.body).toContain("Veltmoor evacuates 2,400 as Ostra floods");

    const again = await postAdminForm(site, `/admin/sources/${id}`, `/admin/sources/${id}/fetch`, cookie, {
      return_to: "source",
    });
    expect((await followRedirect(site, again, cookie)).body).toContain(
      "nothing changed since the last fetch (304 Not Modified)",
    );

    await postAdminForm(site, "/admin/sources", `/admin/sources/${id}/disable`, cookie, {});
    expect((await site.request({ method: "GET", url: "/admin/sources", cookie })).body).toContain(
      ">Disabled<",
    );
    await postAdminForm(site, "/admin/sources", `/admin/sources/${id}/enable`, cookie, {});
    const source = await site.request({
      method: "GET",
      url: `/api/admin/sources/${id}`,
      headers: api(token),
    });
    expect(source.json()).toMatchObject({
      name: "The Ledger",
      enabled: true,
      full_text_allowed: true,
      fetch_interval_minutes: 30,
      status: "pending",
    });

    const deleted = await postAdminForm(
      site,
      `/admin/sources/${id}`,
      `/admin/sources/${id}/delete`,
      cookie,
      {},
    );
    expect(deleted.statusCode).toBe(303);
    expect(await deskStories(token)).toHaveLength(0);
  });

  test("only editors and admins work the desk", async () => {
    await newDesk();
    const author = await site.newUser({ role: "author" });
    const cookie = await site.sessionCookie(author);
    expect((await site.request({ method: "GET", url: "/admin/desk", cookie })).statusCode).toBe(403);
    expect((await site.request({ method: "GET", url: "/admin/sources", cookie })).statusCode).toBe(403);
  });

  test("OPML export and import round-trip every source with its settings", async () => {
    const { cookie, token } = await newDesk();
    await site.request({
      method: "POST",
      url: "/api/admin/sources",
      headers: api(token),
      payload: {
        url: server.url("/gazette/feed.xml"),
        name: "Gazette & Co",
        mode: "publish",
        category: "Coast",
        full_text_allowed: true,
        fetch_interval_minutes: 30,
      },
    });
    await site.request({
      method: "POST",
      url: "/api/admin/sources",
      headers: api(token),
      payload: { url: server.url("/ledger/atom.xml") },
    });
    const exported = await site.request({ method: "GET", url: "/admin/sources/opml", cookie });
    expect(exported.headers["content-type"]).toContain("text/x-opml");
    expect(exported.body).toContain(`xmlUrl="${server.url("/gazette/feed.xml")}"`);
    const before = (
      await site.request({ method: "GET", url: "/api/admin/sources", headers: api(token) })
    ).json().sources;
    for (const source of before)
      await site.request({ method: "DELETE", url: `/api/admin/sources/${source.id}`, headers: api(token) });

    const form = await site.formSession("/admin/sources", cookie);
    const upload = await multipartForm({}, [
      { field: "file", fileName: "sources.opml", data: Buffer.from(exported.body), type: "text/x-opml" },
    ]);
    const imported = await site.request({
      method: "POST",
      url: "/admin/sources/opml",
      cookie: form.cookie,
      headers: { ...upload.headers, origin: "http://news.test" },
      payload: upload.payload,
    });
    expect(imported.statusCode).toBe(303);
    expect((await followRedirect(site, imported, cookie)).body).toContain(
      "Imported 2 sources, 0 already followed.",
    );
    const after = (
      await site.request({ method: "GET", url: "/api/admin/sources", headers: api(token) })
    ).json().sources;
    const pick = (s: Record<string, unknown>) => ({
      url: s.url,
      name: s.name,
      category: s.category,
      mode: s.mode,
      full_text_allowed: s.full_text_allowed,
      fetch_interval_minutes: s.fetch_interval_minutes,
      enabled: s.enabled,
    });
    expect(after.map(pick)).toEqual(before.map(pick));

    // Importing the same file again adds nothing.
    const again = await site.request({
      method: "POST",
      url: "/admin/sources/opml",
      cookie: form.cookie,
      headers: { ...upload.headers, origin: "http://news.test" },
      payload: upload.payload,
    });
    expect((await followRedirect(site, again, cookie)).body).toContain(
      "Imported 0 sources, 2 already followed.",
    );
  });
});
