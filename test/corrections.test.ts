import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import type { Role } from "../src/db/schema.js";
import { postAdminForm } from "./support/admin-forms.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

function jsonLd(html: string): Record<string, unknown> {
  const match = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error("no JSON-LD on the page");
  return JSON.parse(match[1]);
}

describe(`corrections on ${testDialect}`, () => {
  let site: TestSite;
  const staff = {} as Record<Role, TestUser>;
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    site = await createTestSite({ now: "2026-05-22T10:00:00.000Z" });
    for (const role of ["admin", "editor", "author", "contributor"] as const) {
      staff[role] = await site.newUser({ role });
      const made = await createApiToken(site.ctx, { name: `${role} token`, userId: staff[role].id });
      if ("errors" in made) throw new Error("token");
      tokens[role] = made.token;
    }
  });
  afterAll(async () => site?.close());

  const correct = (role: Role, id: number, payload: object) =>
    site.request({
      method: "POST",
      url: `/api/admin/articles/${id}/corrections`,
      headers: { authorization: `Bearer ${tokens[role]}` },
      payload,
    });

  test("a correction shows on the story with its label and time, an Updated time, and in its JSON-LD", async () => {
    const story = await site.newArticle({ title: "Bridge reopens on Monday", author: staff.author });
    const before = await site.request({ method: "GET", url: story.path });
    expect(before.body).not.toContain("Correction");
    expect(before.headers["x-cache"]).toBeDefined();

    site.clock.set("2026-05-22T10:05:00.000Z");
    const added = await correct("editor", story.id, { text: "The bridge reopens on Tuesday, not Monday." });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      article_id: story.id,
      text: "The bridge reopens on Tuesday, not Monday.",
      created_at: "2026-05-22T10:05:00.000Z",
    });

    const page = await site.request({ method: "GET", url: story.path });
    expect(page.headers["x-cache"]).toBe("MISS");
    expect(page.body).toMatch(
      /<strong class="correction-label">Correction<\/strong> <time datetime="2026-05-22T10:05:00(\.000)?Z">[^<]+<\/time>: The bridge reopens on Tuesday, not Monday\./,
    );
    expect(page.body).toMatch(/class="updated">Updated <time datetime="2026-05-22T10:05:00(\.000)?Z"/);
    const data = jsonLd(page.body);
    expect(data.dateModified).toBe("2026-05-22T10:05:00.000Z");
    expect(data.correction).toEqual([
      {
        "@type": "CorrectionComment",
        text: "The bridge reopens on Tuesday, not Monday.",
        datePublished: "2026-05-22T10:05:00.000Z",
      },
    ]);
    // The story's version is untouched: an editor's open copy is not made stale by a correction.
    const api = await site.request({
      method: "GET",
      url: `/api/admin/articles/${story.id}`,
      headers: { authorization: `Bearer ${tokens.editor}` },
    });
    expect(api.json().version).toBe(story.version);
    expect(api.json().updated_at).toBe("2026-05-22T10:05:00.000Z");
  });

  test("/corrections/ lists every correction newest first, with its story", async () => {
    const older = await site.newArticle({ title: "Council budget passes" });
    site.clock.set("2026-05-22T11:00:00.000Z");
    expect((await correct("admin", older.id, { text: "The vote was 7 to 4." })).statusCode).toBe(201);
    const page = await site.request({ method: "GET", url: "/corrections/" });
    expect(page.statusCode).toBe(200);
    const newest = page.body.indexOf("The vote was 7 to 4.");
    const earlier = page.body.indexOf("The bridge reopens on Tuesday");
    expect(newest).toBeGreaterThan(0);
    expect(earlier).toBeGreaterThan(newest);
    expect(page.body).toContain(`href="${older.path}"`);
    expect((await site.request({ method: "GET", url: "/corrections" })).statusCode).toBe(301);
    // A new correction reaches the cached list.
    expect((await site.request({ method: "GET", url: "/corrections/" })).headers["x-cache"]).toBe("HIT");
    site.clock.set("2026-05-22T12:00:00.000Z");
    await correct("editor", older.id, { text: "The meeting was on Tuesday." });
    const again = await site.request({ method: "GET", url: "/corrections/" });
    expect(again.headers["x-cache"]).toBe("MISS");
    expect(again.body.indexOf("The meeting was on Tuesday.")).toBeLessThan(
      again.body.indexOf("The vote was"),
    );
  });

  test("roles: editors correct any story, authors their own, contributors none; drafts take none", async () => {
    const own = await site.newArticle({ title: "Author's own story", author: staff.author });
    const other = await site.newArticle({ title: "Someone else's story" });
    expect((await correct("author", own.id, { text: "Fixed a name." })).statusCode).toBe(201);
    expect((await correct("author", other.id, { text: "Not mine." })).statusCode).toBe(403);
    expect((await correct("contributor", other.id, { text: "Nope." })).statusCode).toBe(403);
    const draft = await site.newArticle({ title: "Unpublished", status: "draft" });
    const onDraft = await correct("editor", draft.id, { text: "Too early." });
    expect(onDraft.statusCode).toBe(422);
    expect(onDraft.json().fields.article).toContain("published");
    const empty = await correct("editor", other.id, { text: "   " });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().fields.text).toBe("is required");
    expect((await correct("editor", other.id, { text: "x".repeat(1001) })).statusCode).toBe(422);
    expect((await correct("editor", other.id, {})).statusCode).toBe(400);
    expect((await correct("editor", 999999, { text: "Ghost." })).statusCode).toBe(404);
    expect(
      (
        await site.request({
          method: "POST",
          url: `/api/admin/articles/${other.id}/corrections`,
          payload: { text: "x" },
        })
      ).statusCode,
    ).toBe(401);
  });

  test("an editor adds a correction from the story's editor page", async () => {
    const story = await site.newArticle({ title: "Harbour fees rise" });
    const cookie = await site.sessionCookie(staff.editor);
    const editor = await site.request({ method: "GET", url: `/admin/articles/${story.id}/edit`, cookie });
    expect(editor.body).toContain(`action="/admin/articles/${story.id}/corrections"`);
    const saved = await postAdminForm(
      site,
      `/admin/articles/${story.id}/edit`,
      `/admin/articles/${story.id}/corrections`,
      cookie,
      { text: "Fees rise by 3%, not 30%." },
    );
    expect(saved.statusCode).toBe(303);
    expect((await site.request({ method: "GET", url: story.path })).body).toContain(
      "Fees rise by 3%, not 30%.",
    );
  });
});
