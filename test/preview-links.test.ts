import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import type { Role } from "../src/db/schema.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`shared preview links on ${testDialect}`, () => {
  let site: TestSite;
  const staff = {} as Record<Role, TestUser>;
  const tokens = {} as Record<Role, string>;
  beforeAll(async () => {
    site = await createTestSite();
    for (const role of ["admin", "editor", "author", "contributor"] as const) {
      staff[role] = await site.newUser({ role });
      const made = await createApiToken(site.ctx, { name: `${role} token`, userId: staff[role].id });
      if ("errors" in made) throw new Error("token");
      tokens[role] = made.token;
    }
  });
  afterAll(async () => site?.close());

  const api = (role: Role, method: "POST" | "DELETE", url: string, payload?: object) =>
    site.request({
      method,
      url: `/api/admin${url}`,
      headers: { authorization: `Bearer ${tokens[role]}` },
      payload,
    });
  const open = (url: string) => site.request({ method: "GET", url: new URL(url).pathname });

  test("a link opens a draft in the site's design for anyone, privately and unindexed, for 48 hours", async () => {
    const draft = await site.newArticle({
      author: staff.author,
      title: "Embargoed budget",
      body: "The **numbers**.",
      status: "draft",
    });
    const made = await api("author", "POST", `/articles/${draft.id}/preview-link`);
    expect(made.statusCode).toBe(201);
    const { url, expires_at } = made.json();
    expect(url).toMatch(/^http:\/\/news\.test\/preview\/[A-Za-z0-9_-]{20,}\/$/);
    expect(expires_at).toBe("2026-05-24T10:00:00.000Z");

    for (let n = 0; n < 2; n += 1) {
      const page = await open(url);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain("Embargoed budget");
      expect(page.body).toContain("<strong>numbers</strong>");
      expect(page.body).toContain('<meta name="robots" content="noindex">');
      expect(page.headers["cache-control"]).toBe("private, no-store");
      expect(page.headers["x-robots-tag"]).toContain("noindex");
      expect(page.headers["x-cache"]).not.toBe("HIT");
    }
    // The story itself is still not on the site.
    expect((await site.request({ method: "GET", url: "/" })).body).not.toContain("Embargoed budget");

    site.clock.advance(49 * 3_600_000);
    expect((await open(url)).statusCode).toBe(404);
    site.clock.set("2026-05-22T10:00:00Z");
  });

  test("revoking a story's links closes them at once; a made-up link is not found", async () => {
    const story = await site.newArticle({
      author: staff.editor,
      title: "Scheduled scoop",
      status: "scheduled",
      published_at: "2026-06-01T00:00:00Z",
    });
    const { url } = (await api("editor", "POST", `/articles/${story.id}/preview-link`, { hours: 2 })).json();
    expect((await open(url)).statusCode).toBe(200);
    const revoked = await api("editor", "DELETE", `/articles/${story.id}/preview-link`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toEqual({ revoked: 1 });
    expect((await open(url)).statusCode).toBe(404);
    expect(
      (await site.request({ method: "GET", url: "/preview/not-a-real-token-at-all-x/" })).statusCode,
    ).toBe(404);
    expect((await api("editor", "POST", `/articles/${story.id}/preview-link`, { hours: 0 })).statusCode).toBe(
      422,
    );
  });

  test("only those who may edit a story share it", async () => {
    const draft = await site.newArticle({ author: staff.author, title: "Not yours", status: "draft" });
    const published = await site.newArticle({ author: staff.author, title: "Out now" });
    expect((await api("contributor", "POST", `/articles/${draft.id}/preview-link`)).statusCode).toBe(404);
    expect((await api("contributor", "DELETE", `/articles/${draft.id}/preview-link`)).statusCode).toBe(404);
    expect((await api("contributor", "POST", `/articles/${published.id}/preview-link`)).statusCode).toBe(403);
    expect((await api("editor", "POST", `/articles/${draft.id}/preview-link`)).statusCode).toBe(201);
    const anonymous = await site.request({
      method: "POST",
      url: `/api/admin/articles/${draft.id}/preview-link`,
    });
    expect(anonymous.statusCode).toBe(401);
  });

  test("the editor's own preview shows the story in the site's design with their autosaved text", async () => {
    const story = await site.newArticle({ author: staff.editor, title: "Tides", body: "Saved text." });
    const cookie = await site.sessionCookie(staff.editor);
    const editUrl = `/admin/articles/${story.id}/edit`;
    const form = await site.formSession(editUrl, cookie);
    await site.request({
      method: "POST",
      url: `/admin/articles/${story.id}/autosave`,
      cookie: form.cookie,
      headers: { accept: "application/json", "x-csrf-token": form.token },
      payload: { title: "Tides", excerpt: "", body: "Typed, not saved.", version: String(story.version) },
    });
    const preview = await site.request({ method: "GET", url: `/admin/articles/${story.id}/preview`, cookie });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain("Typed, not saved.");
    expect(preview.headers["cache-control"]).toContain("no-store");
    const other = await site.sessionCookie(staff.contributor);
    expect(
      (await site.request({ method: "GET", url: `/admin/articles/${story.id}/preview`, cookie: other }))
        .statusCode,
    ).toBe(403);
  });
});
