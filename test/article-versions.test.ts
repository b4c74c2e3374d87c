import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { postAdminForm } from "./support/admin-forms.js";
import { articleApi, createTestSite, type TestSite, testDialect } from "./support/site.js";

describe(`article versions: If-Match and the editor's conflict page on ${testDialect}`, () => {
  let site: TestSite;
  let api: ReturnType<typeof articleApi>;
  beforeAll(async () => {
    site = await createTestSite();
    api = articleApi(site, await site.newApiToken());
  });
  afterAll(async () => site?.close());

  test("a PATCH made from a copy older than the last save answers 412 with the current version, and changes nothing", async () => {
    const article = await site.newArticle({ title: "Council votes on budget" });
    const etag = (await api.get(article.id)).headers.etag as string;
    expect(etag).toMatch(/^"v\d+"$/);

    const first = await api.patch(article.id, { title: "Council passes budget" }, { "if-match": etag });
    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).not.toBe(etag);

    const stale = await api.patch(article.id, { title: "Council rejects budget" }, { "if-match": etag });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({
      current_version: first.json().version,
      article: { title: "Council passes budget" },
    });
    expect((await api.delete(article.id, { "if-match": etag })).statusCode).toBe(412);

    const now = await api.get(article.id);
    expect(now.json().title).toBe("Council passes budget");
    expect(now.headers.etag).toBe(first.headers.etag);
  });

  test("a PATCH without If-Match still applies (the header is optional)", async () => {
    const article = await site.newArticle({ title: "Bridge reopens" });
    const response = await api.patch(article.id, { excerpt: "Traffic flows again." });
    expect(response.statusCode).toBe(200);
    expect(response.json().version).toBe(article.version + 1);
  });

  test("saving the editor over a newer save shows both versions and keeps the editor's own text", async () => {
    const editor = await site.newUser({ role: "editor" });
    const cookie = await site.sessionCookie(editor);
    const article = await site.newArticle({ title: "Storm warning", body: "Original text." });
    const openedAt = String(article.version);
    // A colleague saves first.
    await api.patch(article.id, { title: "Storm warning upgraded", body: "Their new paragraph." });
    const editUrl = `/admin/articles/${article.id}/edit`;
    const fields = {
      title: "Storm warning: what to do",
      body: "My carefully written advice.",
      excerpt: "",
      version: openedAt,
      action: "update",
    };
    const conflict = await postAdminForm(site, editUrl, editUrl, cookie, fields);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.body).toContain("Someone else saved this story while you were editing");
    expect(conflict.body).toContain("Their new paragraph.");
    expect(conflict.body).toContain("Storm warning upgraded");
    expect(conflict.body).toContain("My carefully written advice.");
    expect(conflict.body).toContain('value="Storm warning: what to do"');
    const stored = await api.get(article.id);
    expect(stored.json().body).toBe("Their new paragraph.");

    // The form now carries the stored version: saving again overwrites knowingly.
    const carried = /name="version" value="(\d+)"/.exec(conflict.body)?.[1];
    expect(carried).toBe(String(stored.json().version));
    const overwrite = await postAdminForm(site, editUrl, editUrl, cookie, { ...fields, version: carried! });
    expect(overwrite.statusCode).toBe(303);
    expect((await api.get(article.id)).json()).toMatchObject({
      title: "Storm warning: what to do",
      body: "My carefully written advice.",
    });
  });
});
