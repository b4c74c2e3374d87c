import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

describe(`categories and tags on ${testDialect}`, () => {
  let site: TestSite;
  let editorCookie: string;
  beforeAll(async () => {
    site = await createTestSite();
    editorCookie = await site.sessionCookie(await site.newUser({ role: "editor" }));
  });
  afterAll(async () => site?.close());

  async function categoryIdNamed(name: string): Promise<string> {
    const page = await site.request({ method: "GET", url: "/admin/categories", cookie: editorCookie });
    const match = new RegExp(`href="/admin/categories/(\\d+)">${name}</a>`).exec(page.body);
    if (!match) throw new Error(`no category named ${name} on the page`);
    return match[1];
  }

  test("an editor creates a category in the masthead navigation, renames it and moves its slug", async () => {
    const created = await postAdminForm(site, "/admin/categories", "/admin/categories", editorCookie, {
      name: "Harbour",
      slug: "",
      description: "Ships and tides",
      parent_id: "",
      nav_position: "1",
    });
    expect(created.statusCode).toBe(303);
    expect((await followRedirect(site, created, editorCookie)).body).toContain("Category “Harbour” created.");
    await site.newArticle({ title: "Tall ships arrive", categories: ["Harbour"] });
    const front = await site.request({ method: "GET", url: "/" });
    expect(front.body).toContain('href="/category/harbour/"');

    const id = await categoryIdNamed("Harbour");
    const list = await site.request({ method: "GET", url: "/admin/categories", cookie: editorCookie });
    expect(list.body).toContain(`<a href="/admin/articles?category=${id}">1</a>`);

    const renamed = await postAdminForm(
      site,
      `/admin/categories/${id}`,
      `/admin/categories/${id}`,
      editorCookie,
      {
        name: "Port & Harbour",
        slug: "port",
        description: "Ships and tides",
        parent_id: "",
        nav_position: "2",
      },
    );
    expect(renamed.statusCode).toBe(303);
    const archive = await site.request({ method: "GET", url: "/category/port/" });
    expect(archive.statusCode).toBe(200);
    expect(archive.body).toContain("Tall ships arrive");
  });

  test("a category form with mistakes keeps what was typed", async () => {
    const refused = await postAdminForm(site, "/admin/categories", "/admin/categories", editorCookie, {
      name: "",
      slug: "Bad Slug",
      description: "Kept description",
      parent_id: "",
      nav_position: "3",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('id="name-error">Name must be 1 to 100 characters');
    expect(refused.body).toContain('id="slug-error">Slug may contain only');
    expect(refused.body).toContain("Kept description");
    expect(refused.body).toContain('value="Bad Slug"');
    const badPosition = await postAdminForm(site, "/admin/categories", "/admin/categories", editorCookie, {
      name: "Sport",
      nav_position: "first",
    });
    expect(badPosition.statusCode).toBe(422);
    expect(badPosition.body).toContain('id="nav_position-error">Navigation position must be a whole number');
    expect(badPosition.body).toContain('value="first"');
    expect(badPosition.body).toContain('value="Sport"');

    const parentId = await categoryIdNamed("Port &amp; Harbour");
    const child = await postAdminForm(site, "/admin/categories", "/admin/categories", editorCookie, {
      name: "Ferries",
      parent_id: parentId,
      nav_position: "",
    });
    expect(child.statusCode).toBe(303);
    const childId = await categoryIdNamed("Ferries");
    const loop = await postAdminForm(
      site,
      `/admin/categories/${parentId}`,
      `/admin/categories/${parentId}`,
      editorCookie,
      {
        name: "Port & Harbour",
        slug: "port",
        parent_id: childId,
        nav_position: "2",
      },
    );
    expect(loop.statusCode).toBe(422);
    expect(loop.body).toContain("Parent cannot be the category itself or one of its subcategories");
  });

  test("deleting a category asks first, then keeps its stories", async () => {
    await site.newArticle({ title: "Weather story", categories: ["Weather"] });
    const id = await categoryIdNamed("Weather");
    const confirm = await site.request({
      method: "GET",
      url: `/admin/categories/${id}/delete`,
      cookie: editorCookie,
    });
    expect(confirm.body).toContain("Delete the category “Weather”?");
    expect(confirm.body).toContain("It is removed from 1 published story");
    const deleted = await postAdminForm(
      site,
      `/admin/categories/${id}/delete`,
      `/admin/categories/${id}/delete`,
      editorCookie,
      {},
    );
    expect(deleted.statusCode).toBe(303);
    expect((await site.request({ method: "GET", url: "/category/weather/" })).statusCode).toBe(404);
    const list = await site.request({
      method: "GET",
      url: "/admin/articles?q=Weather",
      cookie: editorCookie,
    });
    expect(list.body).toContain("Weather story");
  });

  test("an editor renames and deletes tags", async () => {
    await site.newArticle({ title: "Tagged story", tags: ["Tides"] });
    const page = await site.request({ method: "GET", url: "/admin/categories", cookie: editorCookie });
    const id = /action="\/admin\/tags\/(\d+)"[\s\S]*?value="Tides"/.exec(page.body)![1];
    const renamed = await postAdminForm(site, "/admin/categories", `/admin/tags/${id}`, editorCookie, {
      name: "Tide tables",
      slug: "tide-tables",
    });
    expect(renamed.statusCode).toBe(303);
    expect((await site.request({ method: "GET", url: "/tag/tide-tables/" })).body).toContain("Tagged story");
    const bad = await postAdminForm(site, "/admin/categories", `/admin/tags/${id}`, editorCookie, {
      name: "",
      slug: "",
    });
    expect((await followRedirect(site, bad, editorCookie)).body).toContain(
      "was not renamed: Name must be 1 to 100",
    );
    const confirm = await site.request({
      method: "GET",
      url: `/admin/tags/${id}/delete`,
      cookie: editorCookie,
    });
    expect(confirm.body).toContain("Delete the tag “Tide tables”?");
    await postAdminForm(site, `/admin/tags/${id}/delete`, `/admin/tags/${id}/delete`, editorCookie, {});
    expect((await site.request({ method: "GET", url: "/tag/tide-tables/" })).statusCode).toBe(404);
  });

  test("authors cannot manage categories", async () => {
    const authorCookie = await site.sessionCookie(await site.newUser({ role: "author" }));
    expect(
      (await site.request({ method: "GET", url: "/admin/categories", cookie: authorCookie })).statusCode,
    ).toBe(403);
    const forged = await postAdminForm(site, "/admin/", "/admin/categories", authorCookie, { name: "Spam" });
    expect(forged.statusCode).toBe(403);
  });
});
