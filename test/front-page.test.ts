import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import { expireFrontPageItems } from "../src/articles/front-page.js";
import type { Role } from "../src/db/schema.js";
import { postAdminForm } from "./support/admin-forms.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

/** The part of the front page between two markers (a section's opening tag and the next section). */
function region(html: string, start: string): string {
  const from = html.indexOf(start);
  if (from < 0) return "";
  const end = html.indexOf("</section>", from);
  return html.slice(from, end < 0 ? undefined : end);
}

/** How many times a story's headline links to it on the page. */
function linksTo(html: string, path: string): number {
  return html.split(`href="${path}"`).length - 1;
}

describe(`the editors' front page on ${testDialect}`, () => {
  let site: TestSite;
  const staff = {} as Record<Role, TestUser>;
  const tokens = {} as Record<Role, string>;
  /** Fourteen World stories, oldest first, one a day from 1 May. */
  const world: { id: number; path: string; title: string }[] = [];

  beforeAll(async () => {
    site = await createTestSite({ now: "2026-05-20T10:00:00.000Z" });
    for (const role of ["admin", "editor", "author", "contributor"] as const) {
      staff[role] = await site.newUser({ role });
      const made = await createApiToken(site.ctx, { name: `${role} token`, userId: staff[role].id });
      if ("errors" in made) throw new Error("token");
      tokens[role] = made.token;
    }
    for (let day = 1; day <= 14; day++) {
      const story = await site.newArticle({
        title: `World story ${day}`,
        categories: ["World"],
        published_at: `2026-05-${String(day).padStart(2, "0")}T08:00:00.000Z`,
      });
      world.push({ id: story.id, path: story.path, title: story.title });
    }
  });
  afterAll(async () => site?.close());

  const api = (role: Role, method: "GET" | "PUT", payload?: object) =>
    site.request({
      method,
      url: "/api/admin/front-page",
      headers: { authorization: `Bearer ${tokens[role]}` },
      payload,
    });

  test("page 1 shows each story once: not the lead again in Latest, nor a More news story in its section", async () => {
    const html = (await site.request({ method: "GET", url: "/" })).body;
    for (const story of world) expect(linksTo(html, story.path), story.title).toBeLessThanOrEqual(1);
    // Ten newest on the page itself, the older four in the World section.
    const section = region(html, 'class="category-section"');
    expect(section).toContain("World story 4");
    expect(section).not.toContain("World story 14");
    expect(html).not.toContain('id="side-latest"');
    // The section's grid knows how many stories it holds.
    expect(section).toContain("grid-count-4");
  });

  test("an editor chooses the lead and orders the top stories with a breaking banner; readers see it at once", async () => {
    const before = await site.request({ method: "GET", url: "/" });
    expect(before.headers["x-cache"]).toBeDefined();
    const story = await site.newArticle({
      title: "Unrelated story elsewhere",
      published_at: "2026-04-01T08:00:00Z",
    });
    const storyPage = await site.request({ method: "GET", url: story.path });
    expect((await site.request({ method: "GET", url: story.path })).headers["x-cache"]).toBe("HIT");
    void storyPage;

    const saved = await api("editor", "PUT", {
      lead: world[2].id,
      top: [world[0].id, world[13].id],
      breaking: { text: "Polls close at 10pm", url: "/elections/", expires_at: "2026-05-20T18:00:00Z" },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      lead: world[2].id,
      top: [world[0].id, world[13].id],
      breaking: { text: "Polls close at 10pm", expires_at: "2026-05-20T18:00:00.000Z" },
    });
    expect((await api("admin", "GET")).json().lead).toBe(world[2].id);

    const front = await site.request({ method: "GET", url: "/" });
    expect(front.headers["x-cache"]).toBe("MISS");
    const html = front.body;
    expect(region(html, 'class="front-lead"')).toContain("World story 3");
    const top = region(html, 'class="front-top-list"');
    expect(top.indexOf("World story 1<")).toBeGreaterThan(-1);
    expect(top.indexOf("World story 1<")).toBeLessThan(top.indexOf("World story 14"));
    expect(html).toContain('<a href="/elections/">Polls close at 10pm</a>');
    for (const entry of world) expect(linksTo(html, entry.path), entry.title).toBeLessThanOrEqual(1);
    // The change evicted only the front page: an article page elsewhere stays cached.
    expect((await site.request({ method: "GET", url: story.path })).headers["x-cache"]).toBe("HIT");
  });

  test("pins and the banner end at their time", async () => {
    const saved = await api("editor", "PUT", {
      lead: world[5].id,
      top: [],
      expires_at: "2026-05-20T12:00:00Z",
      breaking: { text: "Storm warning", expires_at: "2026-05-20T11:00:00Z" },
    });
    expect(saved.statusCode).toBe(200);
    expect(region((await site.request({ method: "GET", url: "/" })).body, 'class="front-lead"')).toContain(
      "World story 6",
    );
    site.clock.set("2026-05-20T11:30:00Z");
    expect(await expireFrontPageItems(site.ctx)).toBe(1);
    const afterBanner = (await site.request({ method: "GET", url: "/" })).body;
    expect(afterBanner).not.toContain("Storm warning");
    expect(region(afterBanner, 'class="front-lead"')).toContain("World story 6");
    site.clock.set("2026-05-20T12:30:00Z");
    expect(await expireFrontPageItems(site.ctx)).toBe(1);
    const after = (await site.request({ method: "GET", url: "/" })).body;
    expect(region(after, 'class="front-lead"')).toContain("World story 14");
    expect((await api("editor", "GET")).json()).toMatchObject({ lead: null, top: [], breaking: null });
  });

  test("authors and contributors cannot set the lead; bad arrangements are refused with reasons", async () => {
    for (const role of ["author", "contributor"] as const) {
      expect((await api(role, "PUT", { lead: world[0].id })).statusCode).toBe(403);
      expect((await api(role, "GET")).statusCode).toBe(403);
    }
    const draft = await site.newArticle({ title: "Embargoed", status: "draft" });
    const refused = await api("editor", "PUT", {
      lead: draft.id,
      top: [world[1].id, world[1].id],
      breaking: { text: "", expires_at: "2020-01-01T00:00:00Z" },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().fields).toMatchObject({
      top: expect.stringContaining("twice"),
      "breaking.text": expect.any(String),
      "breaking.expires_at": expect.stringContaining("future"),
    });
    const notPublished = await api("editor", "PUT", { lead: draft.id });
    expect(notPublished.statusCode).toBe(422);
    expect(notPublished.json().fields.lead).toBe("must be a published story");
    expect((await api("editor", "PUT", { lead: world[0].id, surprise: 1 })).statusCode).toBe(400);
  });

  test("an editor arranges the front page in the admin form without JavaScript", async () => {
    const cookie = await site.sessionCookie(staff.editor);
    const screen = await site.request({ method: "GET", url: "/admin/front-page", cookie });
    expect(screen.statusCode).toBe(200);
    expect(screen.body).toContain("Lead");
    expect(screen.body).toContain("Top story 4");
    const saved = await postAdminForm(site, "/admin/front-page", "/admin/front-page", cookie, {
      slot: [String(world[7].id), String(world[3].id), "", "", ""],
      expires_at: "",
      breaking_text: "Results tonight",
      breaking_url: "",
      breaking_expires_at: "2026-05-21T09:00",
    });
    expect(saved.statusCode).toBe(303);
    const html = (await site.request({ method: "GET", url: "/" })).body;
    expect(region(html, 'class="front-lead"')).toContain("World story 8");
    expect(region(html, 'class="front-top-list"')).toContain("World story 4");
    expect(html).toContain("Results tonight");
    const refused = await postAdminForm(site, "/admin/front-page", "/admin/front-page", cookie, {
      slot: [String(world[7].id), String(world[7].id), "", "", ""],
      breaking_text: "",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("each story shows once");
    const authorCookie = await site.sessionCookie(staff.author);
    expect(
      (await site.request({ method: "GET", url: "/admin/front-page", cookie: authorCookie })).statusCode,
    ).toBe(403);
  });
});
