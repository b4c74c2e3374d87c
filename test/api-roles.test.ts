import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import type { Role } from "../src/db/schema.js";
import { getMedia, saveImage } from "../src/media/service.js";
import { postAdminForm } from "./support/admin-forms.js";
import { TINY_PNG } from "./support/multipart-form.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

// A token acts as its user, with that user's role: what the Admin API shows and allows follows the
// same rules as the newsroom.
describe(`roles on the Admin API on ${testDialect}`, () => {
  let site: TestSite;
  const staff = {} as Record<Role, TestUser>;
  const tokens = {} as Record<Role, string>;
  let others: { draft: number; scheduled: number; published: number };
  beforeAll(async () => {
    site = await createTestSite();
    for (const role of ["admin", "editor", "author", "contributor"] as const) {
      staff[role] = await site.newUser({ role });
      const made = await createApiToken(site.ctx, { name: `${role} token`, userId: staff[role].id });
      if ("errors" in made) throw new Error("token");
      tokens[role] = made.token;
    }
    const colleague = await site.newUser({ role: "author" });
    others = {
      draft: (await site.newArticle({ author: colleague, title: "Colleague's draft", status: "draft" })).id,
      scheduled: (
        await site.newArticle({
          author: colleague,
          title: "Colleague's embargoed story",
          status: "scheduled",
          published_at: "2026-06-01T00:00:00Z",
        })
      ).id,
      published: (await site.newArticle({ author: colleague, title: "Colleague's published story" })).id,
    };
  });
  afterAll(async () => site?.close());

  const api = (role: Role, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
    site.request({
      method,
      url: `/api/admin${url}`,
      headers: { authorization: `Bearer ${tokens[role]}` },
      payload,
    });

  test.each(["author", "contributor"] as const)(
    "a %s's token does not see other people's drafts or scheduled stories, body included",
    async (role) => {
      expect((await api(role, "GET", `/articles/${others.draft}`)).statusCode).toBe(404);
      expect((await api(role, "GET", `/articles/${others.scheduled}`)).statusCode).toBe(404);
      expect((await api(role, "GET", `/articles/${others.published}`)).statusCode).toBe(200);
      expect((await api(role, "PATCH", `/articles/${others.draft}`, { title: "Mine now" })).statusCode).toBe(
        404,
      );
      const own = await api(role, "POST", "/articles", { title: `The ${role}'s own draft`, body: "Mine." });
      expect(own.statusCode).toBe(201);
      expect((await api(role, "GET", `/articles/${own.json().id}`)).json().body).toBe("Mine.");
      for (const status of ["", "draft", "scheduled"]) {
        const listed = await api(role, "GET", `/articles${status ? `?status=${status}` : ""}`);
        const ids = listed.json().articles.map((a: { id: number }) => a.id);
        expect(ids).not.toContain(others.draft);
        expect(ids).not.toContain(others.scheduled);
      }
      const listed = await api(role, "GET", "/articles?status=draft");
      expect(listed.json().articles.map((a: { id: number }) => a.id)).toContain(own.json().id);
    },
  );

  test.each(["admin", "editor"] as const)("an %s's token reads and lists everyone's work", async (role) => {
    expect((await api(role, "GET", `/articles/${others.draft}`)).json().body).toBeDefined();
    const listed = await api(role, "GET", "/articles?status=scheduled");
    expect(listed.json().articles.map((a: { id: number }) => a.id)).toContain(others.scheduled);
  });

  test("only editors pin a story (the newest pinned one leads the front page)", async () => {
    const own = (
      await api("author", "POST", "/articles", { title: "Author's scoop", status: "published" })
    ).json();
    expect((await api("author", "PATCH", `/articles/${own.id}`, { is_sticky: true })).statusCode).toBe(403);
    expect(
      (await api("author", "POST", "/articles", { title: "Pinned by an author", is_sticky: true }))
        .statusCode,
    ).toBe(403);
    expect((await api("author", "GET", `/articles/${own.id}`)).json().is_sticky).toBe(false);
    // Sending the value the story already has changes nothing and is not refused.
    expect((await api("author", "PATCH", `/articles/${own.id}`, { is_sticky: false })).statusCode).toBe(200);
    const pinned = await api("editor", "PATCH", `/articles/${own.id}`, { is_sticky: true });
    expect(pinned.statusCode).toBe(200);
    expect(pinned.json().is_sticky).toBe(true);
  });

  test("a contributor changes the alt text of their own images only", async () => {
    const upload = async (user: TestUser, alt: string) => {
      const saved = await saveImage(site.ctx, { data: TINY_PNG, originalName: "a.png", alt }, user.id);
      if ("error" in saved) throw new Error(saved.error);
      return saved.media.id;
    };
    const editorsImage = await upload(staff.editor, "The editor's caption");
    const ownImage = await upload(staff.contributor, "My caption");
    const cookie = await site.sessionCookie(staff.contributor);
    const refused = await postAdminForm(site, "/admin/media", `/admin/media/${editorsImage}`, cookie, {
      alt: "Vandalised",
    });
    expect(refused.statusCode).toBe(403);
    const allowed = await postAdminForm(site, "/admin/media", `/admin/media/${ownImage}`, cookie, {
      alt: "My better caption",
    });
    expect(allowed.statusCode).toBe(303);
    expect((await getMedia(site.ctx, editorsImage))?.alt).toBe("The editor's caption");
    expect((await getMedia(site.ctx, ownImage))?.alt).toBe("My better caption");
  });
});
