import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import type { Role } from "../src/db/schema.js";
import { followRedirect } from "./support/admin-forms.js";
import { multipartForm } from "./support/multipart-form.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`pages on ${testDialect}`, () => {
  let site: TestSite;
  const staff = {} as Record<Role, TestUser>;
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    site = await createTestSite();
    for (const role of ["admin", "editor", "author", "contributor"] as const) {
      staff[role] = await site.newUser({ role, name: `Pat ${role}` });
      const made = await createApiToken(site.ctx, { name: `${role} token`, userId: staff[role].id });
      if ("errors" in made) throw new Error("token");
      tokens[role] = made.token;
    }
  });
  afterAll(async () => site?.close());

  const api = (role: Role, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
    site.request({
      method,
      url: `/api/admin${url}`,
      headers: { authorization: `Bearer ${tokens[role]}` },
      payload,
    });

  test("an editor publishes an About page and a subpage; readers open them at /about/ and /about/team/", async () => {
    const about = await api("editor", "POST", "/pages", {
      title: "About us",
      slug: "about",
      body: "We are a **small** newsroom.",
      status: "published",
    });
    expect(about.statusCode).toBe(201);
    expect(about.json()).toMatchObject({
      title: "About us",
      path: "/about/",
      url: "http://news.test/about/",
      status: "published",
      parent_id: null,
    });
    expect(about.json()).not.toHaveProperty("categories");
    expect(about.json()).not.toHaveProperty("comments_open");
    const team = await api("editor", "POST", "/pages", {
      title: "The team",
      slug: "team",
      parent_id: about.json().id,
      body: "Editors and reporters.",
      status: "published",
    });
    expect(team.statusCode).toBe(201);
    expect(team.json().path).toBe("/about/team/");

    const page = await site.request({ method: "GET", url: "/about/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("About us");
    expect(page.body).toContain("<strong>small</strong>");
    // No byline, date, previous/next links or comments on a page.
    expect(page.body).not.toContain('class="byline');
    expect(page.body).not.toContain("story-nav");
    expect(page.body).not.toContain('id="comments"');
    expect(page.body).not.toContain("comments-area");
    expect(page.body).not.toContain("comment-form");
    expect((await site.request({ method: "GET", url: "/about/team/" })).body).toContain(
      "Editors and reporters.",
    );
    const noSlash = await site.request({ method: "GET", url: "/about" });
    expect(noSlash.statusCode).toBe(301);
    expect(noSlash.headers.location).toBe("/about/");
    expect((await site.request({ method: "GET", url: "/about/nobody/" })).statusCode).toBe(404);
  });

  test("pages stay out of the articles API, the front page and the feeds, and are in the sitemap", async () => {
    await site.newArticle({ title: "A real story" });
    const listed = await api("editor", "GET", "/articles");
    expect(listed.json().articles.map((a: { title: string }) => a.title)).not.toContain("About us");
    const pages = await api("editor", "GET", "/pages");
    expect(pages.statusCode).toBe(200);
    expect(pages.json()).toMatchObject({ page: 1, page_count: 1, total: 2 });
    expect(
      pages
        .json()
        .pages.map((p: { path: string }) => p.path)
        .sort(),
    ).toEqual(["/about/", "/about/team/"]);
    const unknownStatus = await api("editor", "GET", "/pages?status=hidden");
    expect(unknownStatus.statusCode).toBe(400);
    expect(unknownStatus.json().fields).toEqual({
      status: "must be draft, pending, scheduled, published or trashed",
    });
    const aboutId = pages.json().pages.find((p: { path: string }) => p.path === "/about/").id;
    expect((await api("editor", "GET", `/articles/${aboutId}`)).statusCode).toBe(404);
    expect((await api("editor", "PATCH", `/articles/${aboutId}`, { title: "x" })).statusCode).toBe(404);
    expect((await site.request({ method: "GET", url: "/api/articles/about" })).statusCode).toBe(404);
    const publicList = await site.request({ method: "GET", url: "/api/articles" });
    expect(publicList.json().articles.map((a: { title: string }) => a.title)).toEqual(["A real story"]);

    const front = await site.request({ method: "GET", url: "/" });
    expect(front.body).toContain("A real story");
    expect(front.body).not.toContain("About us");
    expect((await site.request({ method: "GET", url: "/feed/" })).body).not.toContain("About us");

    const index = await site.request({ method: "GET", url: "/sitemap.xml" });
    const files = [...index.body.matchAll(/<loc>http:\/\/news\.test(\/sitemap-[^<]+)<\/loc>/g)].map(
      (m) => m[1],
    );
    const all = (await Promise.all(files.map((url) => site.request({ method: "GET", url })))).map(
      (r) => r.body,
    );
    expect(all.join("")).toContain("<loc>http://news.test/about/team/</loc>");
  });

  test("a page at one of the site's own addresses is refused with a clear message", async () => {
    for (const slug of ["admin", "api", "search", "feed", "category", "2024"]) {
      const refused = await api("editor", "POST", "/pages", { title: "Clash", slug, status: "published" });
      expect(refused.statusCode, slug).toBe(422);
      expect(refused.json().fields.slug, slug).toMatch(/own addresses|year's archive/);
    }
    const twice = await api("editor", "POST", "/pages", { title: "About again", slug: "about" });
    expect(twice.statusCode).toBe(422);
    expect(twice.json().fields.slug).toContain("another page is already at /about/");
  });

  test("authors and contributors cannot write pages", async () => {
    for (const role of ["author", "contributor"] as const) {
      expect((await api(role, "POST", "/pages", { title: "Mine", body: "x" })).statusCode).toBe(403);
      expect((await api(role, "GET", "/pages")).statusCode).toBe(403);
    }
    const cookie = await site.sessionCookie(staff.author);
    expect((await site.request({ method: "GET", url: "/admin/pages", cookie })).statusCode).toBe(403);
  });

  test("renaming a parent page moves its subpages and leaves a redirect from the old address", async () => {
    const parent = await api("editor", "POST", "/pages", {
      title: "Help",
      slug: "help",
      status: "published",
    });
    const child = await api("editor", "POST", "/pages", {
      title: "Contact",
      slug: "contact",
      parent_id: parent.json().id,
      status: "published",
    });
    expect((await site.request({ method: "GET", url: "/help/contact/" })).statusCode).toBe(200);
    const renamed = await api("editor", "PATCH", `/pages/${parent.json().id}`, { slug: "support" });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().path).toBe("/support/");
    expect((await api("editor", "GET", `/pages/${child.json().id}`)).json().path).toBe("/support/contact/");
    expect((await site.request({ method: "GET", url: "/support/contact/" })).body).toContain("Contact");
    const old = await site.request({ method: "GET", url: "/help/" });
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe("/support/");
    // Under itself is nowhere.
    const loop = await api("editor", "PATCH", `/pages/${parent.json().id}`, { parent_id: child.json().id });
    expect(loop.statusCode).toBe(422);
    expect(loop.json().fields.parent_id).toContain("under itself");
  });

  test("an editor adds a page in the admin without JavaScript, and it is listed under Pages", async () => {
    const cookie = await site.sessionCookie(staff.editor);
    const blank = await site.request({ method: "GET", url: "/admin/pages/new", cookie });
    expect(blank.statusCode).toBe(200);
    expect(blank.body).toContain("Parent page");
    expect(blank.body).not.toContain('name="categories"');
    expect(blank.body).not.toContain('name="source_url"');
    expect(blank.body).not.toContain('name="comments_open"');
    const form = await multipartForm({
      title: "Ethics policy",
      slug: "ethics",
      body: "We correct our mistakes.",
      excerpt: "",
      published_at: "",
      parent_id: "",
      action: "publish",
    });
    const saved = await site.request({
      method: "POST",
      url: "/admin/pages/new",
      cookie,
      headers: { ...form.headers, origin: "http://news.test" },
      payload: form.payload,
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toMatch(/^\/admin\/pages\/\d+\/edit$/);
    const editor = await followRedirect(site, saved, cookie);
    expect(editor.body).toContain("http://news.test/ethics/");
    expect((await site.request({ method: "GET", url: "/ethics/" })).body).toContain(
      "We correct our mistakes.",
    );
    const list = await site.request({ method: "GET", url: "/admin/pages", cookie });
    expect(list.body).toContain("Ethics policy");
    const articles = await site.request({ method: "GET", url: "/admin/articles", cookie });
    expect(articles.body).not.toContain("Ethics policy");
  });
});
