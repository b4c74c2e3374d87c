import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { publishDueArticles } from "../src/articles/service.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

describe(`articles through the Admin and Content APIs on ${testDialect}`, () => {
  let site: TestSite;
  let auth: { authorization: string };
  beforeAll(async () => {
    site = await createTestSite();
    auth = { authorization: `Bearer ${await site.newApiToken()}` };
  });
  afterAll(async () => site?.close());

  const post = (payload: object) =>
    site.request({ method: "POST", url: "/api/admin/articles", headers: auth, payload });

  test("an article created as published opens at its permalink with its category, tag and source link", async () => {
    const created = await post({
      title: "Flood waters reach the old town",
      body: "The river rose **two metres** overnight.",
      status: "published",
      categories: ["Local News"],
      tags: ["Weather"],
      sources: [{ url: "https://river-gazette.example/flood", name: "River Gazette" }],
    });
    expect(created.statusCode).toBe(201);
    const article = created.json();
    expect(article).toMatchObject({
      slug: "flood-waters-reach-the-old-town",
      status: "published",
      url: "http://news.test/2026/05/22/flood-waters-reach-the-old-town/",
      categories: [{ name: "Local News", slug: "local-news" }],
      tags: [{ name: "Weather", slug: "weather" }],
    });
    expect(article.excerpt).toBe("The river rose two metres overnight.");

    const page = await site.request({ method: "GET", url: "/2026/05/22/flood-waters-reach-the-old-town/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Flood waters reach the old town");
    expect(page.body).toContain("<strong>two metres</strong>");
    expect(page.body).toMatch(
      /<a [^>]*href="https:\/\/river-gazette.example\/flood" rel="noopener"[^>]*>Source link/,
    );
    expect(page.body).toContain("River Gazette");
  });

  test("the Admin API's q searches like the newsroom: words anywhere in the story, drafts included", async () => {
    await post({
      title: "Harbour dredging starts",
      body: "Barges arrive from Rotterdam on Monday.",
      status: "draft",
    });
    await post({ title: "Council meets", body: "Nothing about boats.", status: "published" });
    const found = await site.request({ url: "/api/admin/articles?q=rotterdam", headers: auth });
    expect(found.statusCode).toBe(200);
    expect(found.json().articles.map((a: { title: string }) => a.title)).toEqual(["Harbour dredging starts"]);
    const none = await site.request({ url: "/api/admin/articles?q=zeppelin", headers: auth });
    expect(none.json()).toMatchObject({ articles: [], total: 0 });
  });

  test("a wrong date in a permalink redirects to the canonical one; drafts are 404 to readers", async () => {
    const article = await site.newArticle({ title: "Council votes on budget" });
    const wrong = await site.request({ method: "GET", url: "/2020/01/01/council-votes-on-budget/" });
    expect(wrong.statusCode).toBe(301);
    expect(wrong.headers.location).toBe(article.path);
    const draft = await site.newArticle({ title: "Secret draft", status: "draft" });
    expect(draft.path).toBe("/preview/secret-draft/");
    expect((await site.request({ method: "GET", url: "/2026/05/22/secret-draft/" })).statusCode).toBe(404);
    expect((await site.request({ method: "GET", url: "/api/articles/secret-draft" })).statusCode).toBe(404);
  });

  test("validation errors name each bad field and store nothing", async () => {
    const before = (await site.request({ method: "GET", url: "/api/admin/articles", headers: auth })).json()
      .total;
    const response = await post({
      title: "",
      slug: "Not A Slug",
      status: "live",
      published_at: "yesterday",
      sources: [{ url: "javascript:alert(1)", name: "" }],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      error: "validation failed",
      fields: {
        title: "is required",
        slug: expect.any(String),
        status: "must be draft, pending, scheduled, published or trashed",
        published_at: "must be an ISO 8601 date and time in the years 1000 to 9999",
        "sources[0].url": "must be an http(s) URL",
        "sources[0].name": expect.any(String),
      },
    });
    const unknownField = await post({ title: "x", colour: "red" });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().fields).toEqual({ colour: "is not a known field" });
    const wrongType = await post({ title: "x", comments_open: "maybe" });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().fields.comments_open).toBeDefined();
    const after = (await site.request({ method: "GET", url: "/api/admin/articles", headers: auth })).json()
      .total;
    expect(after).toBe(before);
  });

  test("two articles with the same title get distinct slugs; an explicit taken slug is refused", async () => {
    const first = (await post({ title: "Same headline" })).json();
    const second = (await post({ title: "Same headline" })).json();
    expect(first.slug).toBe("same-headline");
    expect(second.slug).toBe("same-headline-2");
    const clash = await post({ title: "Other", slug: "same-headline" });
    expect(clash.statusCode).toBe(422);
    expect(clash.json().fields.slug).toBe("is already used by another article");
  });

  test("hostile Markdown is stored sanitised and never reaches the page as script", async () => {
    const created = (
      await post({
        title: "Hostile body",
        status: "published",
        body: '<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))<a href="javascript:alert(4)">y</a>',
      })
    ).json();
    expect(created.html).not.toMatch(/<script|onerror|href="javascript:/i);
    const page = await site.request({ method: "GET", url: new URL(created.url).pathname });
    expect(page.body).not.toMatch(/<script>alert|onerror=|href="javascript:/i);
  });

  test("a scheduled article stays hidden until its time, then goes live by itself", async () => {
    const created = (
      await post({
        title: "Election results at noon",
        status: "scheduled",
        published_at: "2026-05-22T12:00:00Z",
      })
    ).json();
    expect(created.status).toBe("scheduled");
    const path = new URL(created.url).pathname;
    expect((await site.request({ method: "GET", url: path })).statusCode).toBe(404);
    site.clock.set("2026-05-22T12:00:01Z");
    expect(await publishDueArticles(site.ctx)).toBe(1);
    expect((await site.request({ method: "GET", url: path })).statusCode).toBe(200);
    site.clock.set("2026-05-22T10:00:00Z");
  });

  test("publishing with a past time for a scheduled article publishes at once", async () => {
    const created = (
      await post({ title: "Backdated", status: "scheduled", published_at: "2026-05-01T08:00:00Z" })
    ).json();
    expect(created.status).toBe("published");
    expect(created.url).toContain("/2026/05/01/backdated/");
  });

  test("PATCH changes fields, a changed slug of a published article redirects from the old URL; DELETE removes it", async () => {
    const created = (await post({ title: "Bridge reopens", status: "published" })).json();
    const patched = await site.request({
      method: "PATCH",
      url: `/api/admin/articles/${created.id}`,
      headers: auth,
      payload: { slug: "bridge-reopens-after-repairs", tags: ["Transport"] },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().tags).toEqual([{ name: "Transport", slug: "transport" }]);
    const old = await site.request({ method: "GET", url: "/2026/05/22/bridge-reopens/" });
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe("/2026/05/22/bridge-reopens-after-repairs/");

    const deleted = await site.request({
      method: "DELETE",
      url: `/api/admin/articles/${created.id}`,
      headers: auth,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await site.request({
      method: "GET",
      url: `/api/admin/articles/${created.id}`,
      headers: auth,
    });
    expect(gone.statusCode).toBe(404);
  });

  test("the Content API lists published articles only and never an email", async () => {
    const author = await site.newUser({
      role: "author",
      email: "private.author@news.test",
      name: "Pat Reporter",
    });
    await site.newArticle({ title: "Public story by Pat", author });
    await site.newArticle({ title: "Pat's draft", author, status: "draft" });
    const list = await site.request({ method: "GET", url: "/api/articles?per_page=100" });
    expect(list.statusCode).toBe(200);
    const titles = list.json().articles.map((a: { title: string }) => a.title);
    expect(titles).toContain("Public story by Pat");
    expect(titles).not.toContain("Pat's draft");
    expect(list.body).not.toContain("@news.test");
    const one = await site.request({ method: "GET", url: "/api/articles/public-story-by-pat" });
    expect(one.json()).toMatchObject({
      title: "Public story by Pat",
      author: { name: "Pat Reporter", slug: "pat-reporter" },
    });
    expect(one.json().html).toContain("<p>");
    expect(one.body).not.toContain("@news.test");
    expect((await site.request({ method: "GET", url: "/api/articles?page=0" })).statusCode).toBe(400);
  });

  test("an API token tied to a contributor may only save drafts", async () => {
    const contributor = await site.newUser({ role: "contributor" });
    const { createApiToken } = await import("../src/accounts/service.js");
    const result = await createApiToken(site.ctx, { name: "contrib", userId: contributor.id });
    if ("errors" in result) throw new Error("token");
    const headers = { authorization: `Bearer ${result.token}` };
    const refused = await site.request({
      method: "POST",
      url: "/api/admin/articles",
      headers,
      payload: { title: "Sneaky publish", status: "published" },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().fields.status).toContain("an editor publishes them");
    const draft = await site.request({
      method: "POST",
      url: "/api/admin/articles",
      headers,
      payload: { title: "Honest draft" },
    });
    expect(draft.statusCode).toBe(201);
    expect(draft.json().status).toBe("draft");
  });

  test("an expired token is refused with 401", async () => {
    const { createApiToken } = await import("../src/accounts/service.js");
    const result = await createApiToken(site.ctx, { name: "old", expiresAt: "2026-01-01T00:00:00Z" });
    if ("errors" in result) throw new Error("token");
    const response = await site.request({
      method: "GET",
      url: "/api/admin/articles",
      headers: { authorization: `Bearer ${result.token}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: "token expired" });
  });
});
