import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import { deletePage, updatePage } from "../src/articles/pages.js";
import { deleteCategory, updateCategory } from "../src/articles/taxonomy.js";
import { listMenus } from "../src/site/menus-service.js";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

/** The masthead's section line: each link's text and address, in order. */
function sectionLine(html: string): { label: string; url: string; current: boolean }[] {
  const nav = /<nav class="sections"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? "";
  return [...nav.matchAll(/<a href="([^"]*)"( aria-current="page")?>([^<]*)<\/a>/g)].map((m) => ({
    url: m[1],
    current: m[2] !== undefined,
    label: m[3],
  }));
}

/** The footer's menu links (the footer menu or the categories, not the feed and search links). */
function footerLinks(html: string): string[] {
  const footer = /<footer[\s\S]*?<\/footer>/.exec(html)?.[0] ?? "";
  const nav = /<nav [^>]*>([\s\S]*?)<\/nav>/.exec(footer)?.[1] ?? "";
  return [...nav.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => `${m[2]} ${m[1]}`);
}

describe(`header and footer menus on ${testDialect}`, () => {
  let site: TestSite;
  let admin: TestUser;
  let adminCookie: string;
  let adminToken: string;
  let local: { id: number };
  let about: { id: number };

  const readerGet = (url: string) => site.request({ method: "GET", url });
  const settingsApi = (method: "GET" | "PATCH", payload?: object, token = adminToken) =>
    site.request({
      method,
      url: "/api/admin/settings",
      headers: { authorization: `Bearer ${token}` },
      payload,
    });

  /** Posts a menu's form as the settings page shows it now, with `change` applied over its fields. */
  async function saveMenuForm(
    menu: "header" | "footer",
    change: Record<string, string | string[]> = {},
    cookie = adminCookie,
  ): Promise<LightMyRequestResponse> {
    const page = await site.request({ method: "GET", url: "/admin/settings", cookie });
    const form = new RegExp(
      `<form method="post" action="/admin/settings/menus/${menu}"[\\s\\S]*?</form>`,
    ).exec(page.body)?.[0];
    if (!form) throw new Error(`saveMenuForm: no ${menu} menu form (status ${page.statusCode})`);
    const fields: Record<string, string[]> = {};
    for (const m of form.matchAll(
      /<input (?:id="[^"]*" )?(?:type="hidden" )?name="(\w+)"[^>]*?value="([^"]*)"/g,
    ))
      if (m[1] !== "_csrf" && m[1] !== "remove") fields[m[1]] = [...(fields[m[1]] ?? []), decode(m[2])];
    return postAdminForm(site, "/admin/settings", `/admin/settings/menus/${menu}`, cookie, {
      ...fields,
      ...change,
    });
  }
  const decode = (text: string) =>
    text
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");

  beforeAll(async () => {
    site = await createTestSite();
    admin = await site.newUser({ role: "admin" });
    adminCookie = await site.sessionCookie(admin);
    const created = await createApiToken(site.ctx, { name: "menus", userId: admin.id });
    if ("errors" in created) throw new Error("no token");
    adminToken = created.token;
    const story = await site.newArticle({ title: "Harbour reopens", categories: ["Local", "Sport"] });
    local = story.categories.find((c) => c.name === "Local")!;
    about = await site.newArticle({ title: "About us", slug: "about", is_page: true, body: "Who we are." });
    // The categories the masthead listed before menus existed.
    await site.ctx.settings.update({ navCategorySlugs: ["local", "sport"] });
  });
  afterAll(async () => site?.close());
  beforeEach(async () => {
    expect((await settingsApi("PATCH", { header_menu: [], footer_menu: [] })).statusCode).toBe(200);
  });

  test("with empty menus the masthead and footer list the categories, as before", async () => {
    const front = await readerGet("/");
    expect(sectionLine(front.body).map((l) => l.label)).toEqual(["Home", "Local", "Sport"]);
    expect(footerLinks(front.body)).toEqual(["Local /category/local/", "Sport /category/sport/"]);
  });

  test("an admin adds a category, a page and a custom link through the Settings form; readers see them in order", async () => {
    const additions: Record<string, string>[] = [
      { add_kind: "category", add_category: String(local.id) },
      { add_kind: "page", add_page: String(about.id) },
      { add_kind: "link", add_label: "Send us a tip", add_url: "mailto:tips@example.org" },
    ];
    for (const addition of additions) {
      const saved = await saveMenuForm("header", addition);
      expect(saved.statusCode).toBe(303);
      expect((await followRedirect(site, saved, adminCookie)).body).toContain("Header menu saved.");
    }
    const archive = await readerGet("/category/local/");
    expect(sectionLine(archive.body)).toEqual([
      { label: "Home", url: "/", current: false },
      { label: "Local", url: "/category/local/", current: true },
      { label: "About us", url: "/about/", current: false },
      { label: "Send us a tip", url: "mailto:tips@example.org", current: false },
    ]);
    expect(sectionLine((await readerGet("/about/")).body).find((l) => l.current)?.label).toBe("About us");
    // The footer keeps its categories until it has a menu of its own.
    expect(footerLinks(archive.body)).toEqual(["Local /category/local/", "Sport /category/sport/"]);
    expect(await listMenus(site.ctx)).toEqual({
      header: [
        { kind: "category", id: local.id, url: null, label: null },
        { kind: "page", id: about.id, url: null, label: null },
        { kind: "link", id: null, url: "mailto:tips@example.org", label: "Send us a tip" },
      ],
      footer: [],
    });
  });

  test("the form reorders, relabels and removes items", async () => {
    await settingsApi("PATCH", {
      footer_menu: [
        { kind: "category", id: local.id },
        { kind: "page", id: about.id },
        { kind: "link", url: "https://example.org/", label: "Partner" },
      ],
    });
    const saved = await saveMenuForm("footer", {
      item_position: ["2", "1", "3"],
      item_label: ["Our town", "", "Partner"],
      remove: "2",
    });
    expect(saved.statusCode).toBe(303);
    expect(footerLinks((await readerGet("/")).body)).toEqual([
      "About us /about/",
      "Our town /category/local/",
    ]);
  });

  test("a javascript: link is refused with everything typed kept, and nothing is stored", async () => {
    await settingsApi("PATCH", { header_menu: [{ kind: "category", id: local.id }] });
    const before = await listMenus(site.ctx);
    const refused = await saveMenuForm("header", {
      item_label: "Locals <b>only</b>",
      add_kind: "link",
      add_label: "Click me",
      add_url: "javascript:alert(document.cookie)",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("The header menu was not saved.");
    expect(refused.body).toContain(
      'id="menu-header-add-url-error">URL must start with https://, http://, / (a path on this site) or mailto:',
    );
    expect(refused.body).toContain('value="javascript:alert(document.cookie)"');
    expect(refused.body).toContain('value="Click me"');
    expect(refused.body).toContain('value="Locals &lt;b&gt;only&lt;/b&gt;"');
    expect(await listMenus(site.ctx)).toEqual(before);

    const unchosen = await saveMenuForm("header", { add_kind: "page" });
    expect(unchosen.statusCode).toBe(422);
    expect(unchosen.body).toContain('id="menu-header-add-page-error">Page choose the page to add');
    const badPosition = await saveMenuForm("header", { item_position: "first" });
    expect(badPosition.statusCode).toBe(422);
    expect(badPosition.body).toContain(
      'id="menu-header-0-position-error">Position must be a whole number from 1',
    );
    expect(badPosition.body).toContain('value="first"');
    expect(await listMenus(site.ctx)).toEqual(before);
  });

  test("a form opened before someone else saved the menu does not undo their change", async () => {
    const page = await site.request({ method: "GET", url: "/admin/settings", cookie: adminCookie });
    const staleVersion = /name="version" value="([^"]+)"/.exec(page.body)![1];
    await settingsApi("PATCH", {
      header_menu: [{ kind: "link", url: "/corrections/", label: "Corrections" }],
    });
    const stale = await saveMenuForm("header", {
      version: staleVersion,
      item_kind: [],
      add_kind: "link",
      add_label: "Archive",
      add_url: "/2026/",
    });
    expect(stale.statusCode).toBe(422);
    expect(stale.body).toContain("was changed by someone else since you opened it");
    expect(stale.body).toContain('value="Corrections"');
    expect(stale.body).toContain('value="Archive"');
    expect((await listMenus(site.ctx)).header).toEqual([
      { kind: "link", id: null, url: "/corrections/", label: "Corrections" },
    ]);
  });

  test("the API reads and replaces whole menus, with the same validation", async () => {
    const patched = await settingsApi("PATCH", {
      tagline: "Tides and times",
      footer_menu: [
        { kind: "page", id: about.id, label: "About us" },
        { kind: "link", url: "/search?q=harbour", label: "Harbour news" },
      ],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      tagline: "Tides and times",
      header_menu: [],
      footer_menu: [
        { kind: "page", id: about.id, label: "About us" },
        { kind: "link", url: "/search?q=harbour", label: "Harbour news" },
      ],
    });
    // A label equal to the page's title is its title: it follows a rename.
    expect((await listMenus(site.ctx)).footer[0].label).toBeNull();
    expect(footerLinks((await readerGet("/")).body)).toEqual([
      "About us /about/",
      "Harbour news /search?q=harbour",
    ]);

    const refused = await settingsApi("PATCH", {
      title: "Not saved either",
      header_menu: [
        { kind: "link", url: "javascript:alert(1)", label: "Bad" },
        { kind: "link", url: "data:text/html,hi", label: "Worse" },
        { kind: "link", url: "//evil.example/", label: "" },
      ],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().fields).toEqual({
      "header_menu[0].url": "must start with https://, http://, / (a path on this site) or mailto:",
      "header_menu[1].url": "must start with https://, http://, / (a path on this site) or mailto:",
      "header_menu[2].url": "must start with https://, http://, / (a path on this site) or mailto:",
      "header_menu[2].label": "is required for a link",
    });
    const unknown = await settingsApi("PATCH", { header_menu: [{ kind: "category", id: 999_999 }] });
    expect(unknown.json().fields).toEqual({ "header_menu[0].id": "names no category" });
    const storyAsPage = await settingsApi("PATCH", {
      header_menu: [{ kind: "page", id: (await site.newArticle()).id }],
    });
    expect(storyAsPage.json().fields).toEqual({ "header_menu[0].id": "names no page" });
    const malformed = await settingsApi("PATCH", { header_menu: [{ kind: "script", url: "/" }] });
    expect(malformed.statusCode).toBe(400);
    expect(Object.keys(malformed.json().fields)).toEqual(["header_menu[0].kind"]);
    const got = (await settingsApi("GET")).json();
    expect(got.title).not.toBe("Not saved either");
    expect(got.header_menu).toEqual([]);
  });

  test("only admins change the menus", async () => {
    const editor = await site.newUser({ role: "editor" });
    const editorCookie = await site.sessionCookie(editor);
    const form = await site.formSession("/admin/", editorCookie);
    const forged = await site.request({
      method: "POST",
      url: "/admin/settings/menus/header",
      cookie: form.cookie,
      form: { _csrf: form.token, add_kind: "link", add_label: "Hijack", add_url: "https://evil.example/" },
    });
    expect(forged.statusCode).toBe(403);
    const editorToken = await createApiToken(site.ctx, { name: "editor", userId: editor.id });
    if ("errors" in editorToken) throw new Error("no token");
    const viaApi = await settingsApi(
      "PATCH",
      { header_menu: [{ kind: "link", url: "https://evil.example/", label: "Hijack" }] },
      editorToken.token,
    );
    expect(viaApi.statusCode).toBe(403);
    const noCsrf = await site.request({
      method: "POST",
      url: "/admin/settings/menus/header",
      cookie: adminCookie,
      form: { add_kind: "link", add_label: "Hijack", add_url: "https://evil.example/" },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect((await listMenus(site.ctx)).header).toEqual([]);
  });

  test("an anonymous reader's cached pages show a changed menu at once", async () => {
    const story = await site.newArticle({ title: "Tide tables", categories: ["Local"] });
    const pages = ["/", "/category/local/", new URL(story.url).pathname, "/about/"];
    for (const url of pages) {
      await readerGet(url);
      expect((await readerGet(url)).headers["x-cache"], url).toBe("HIT");
    }
    await settingsApi("PATCH", {
      header_menu: [{ kind: "link", url: "https://weather.example/", label: "Weather" }],
      footer_menu: [{ kind: "link", url: "/feed/", label: "Subscribe" }],
    });
    for (const url of pages) {
      const page = await readerGet(url);
      expect(
        sectionLine(page.body).map((l) => l.label),
        url,
      ).toEqual(["Home", "Weather"]);
      expect(footerLinks(page.body), url).toEqual(["Subscribe /feed/"]);
    }
    // Renaming a page renames its link on pages already cached.
    await settingsApi("PATCH", { header_menu: [{ kind: "page", id: about.id }] });
    await readerGet("/");
    expect((await readerGet("/")).headers["x-cache"]).toBe("HIT");
    expect("article" in (await updatePage(site.ctx, admin, about.id, { title: "Who we are" }))).toBe(true);
    expect(sectionLine((await readerGet("/")).body).map((l) => l.label)).toEqual(["Home", "Who we are"]);
    await updatePage(site.ctx, admin, about.id, { title: "About us" });
  });

  test.skipIf(testDialect !== "postgres")(
    "another node's cached pages show a menu saved on this one",
    async () => {
      const other = await createTestSite({
        config: { database: site.config.database, dataDir: site.config.dataDir },
      });
      try {
        await vi.waitFor(() => expect(other.ctx.changes.isLive).toBe(true));
        await other.request({ method: "GET", url: "/" });
        expect((await other.request({ method: "GET", url: "/" })).headers["x-cache"]).toBe("HIT");
        await settingsApi("PATCH", {
          header_menu: [{ kind: "link", url: "/corrections/", label: "Corrections" }],
        });
        await vi.waitFor(async () =>
          expect(
            sectionLine((await other.request({ method: "GET", url: "/" })).body).map((l) => l.label),
          ).toEqual(["Home", "Corrections"]),
        );
      } finally {
        await other.close();
      }
    },
  );

  test("a category's link follows its name and goes with it; an unpublished page's link is hidden", async () => {
    const weather = await site.newArticle({ title: "Storm warning", categories: ["Weather"] });
    const weatherId = weather.categories[0].id;
    const contact = await site.newArticle({ title: "Contact", slug: "contact", is_page: true });
    await settingsApi("PATCH", {
      header_menu: [
        { kind: "category", id: weatherId },
        { kind: "page", id: contact.id },
        { kind: "category", id: weatherId, label: "Forecasts" },
      ],
    });
    expect(sectionLine((await readerGet("/")).body).map((l) => l.label)).toEqual([
      "Home",
      "Weather",
      "Contact",
      "Forecasts",
    ]);
    expect(await updateCategory(site.ctx, weatherId, { name: "Skies" })).toEqual({});
    expect(sectionLine((await readerGet("/")).body).map((l) => l.label)).toEqual([
      "Home",
      "Skies",
      "Contact",
      "Forecasts",
    ]);

    expect("article" in (await updatePage(site.ctx, admin, contact.id, { status: "draft" }))).toBe(true);
    expect(sectionLine((await readerGet("/")).body).map((l) => l.label)).toEqual([
      "Home",
      "Skies",
      "Forecasts",
    ]);
    const hidden = (await settingsApi("GET")).json().header_menu[1];
    expect(hidden).toEqual({ kind: "page", id: contact.id, label: "Contact", hidden: true });
    const settingsPage = await site.request({ method: "GET", url: "/admin/settings", cookie: adminCookie });
    expect(settingsPage.body).toContain("(hidden from readers: the page is not published)");
    await updatePage(site.ctx, admin, contact.id, { status: "published" });
    expect(sectionLine((await readerGet("/")).body).map((l) => l.label)).toContain("Contact");

    await deleteCategory(site.ctx, weatherId);
    expect(sectionLine((await readerGet("/")).body).map((l) => l.label)).toEqual(["Home", "Contact"]);
    expect(await deletePage(site.ctx, admin, contact.id)).toEqual({ ok: true });
    expect((await listMenus(site.ctx)).header).toEqual([]);
    // With its last item gone the masthead lists the categories again.
    expect(sectionLine((await readerGet("/")).body).map((l) => l.label)).toEqual(["Home", "Local", "Sport"]);
  });

  test("the breaking-news banner's link follows the same rule", async () => {
    const editorToken = await site.newApiToken();
    const refused = await site.request({
      method: "PUT",
      url: "/api/admin/front-page",
      headers: { authorization: `Bearer ${editorToken}` },
      payload: {
        top: [],
        breaking: { text: "Storm", url: "javascript:alert(1)", expires_at: "2999-01-01T00:00:00Z" },
      },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().fields["breaking.url"]).toBe(
      "must start with https://, http://, / (a path on this site) or mailto:",
    );
  });
});
