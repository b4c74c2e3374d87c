import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

const validSettings = {
  title: "The Harbour Herald",
  tagline: "Tides and times",
  language: "en-GB",
  timezone: "Europe/London",
  dateFormat: "EEEE d MMMM yyyy",
  postsPerPage: "12",
  feedFullText: "on",
  commentsOpenByDefault: "on",
  commentModeration: "all",
  commentMaxLinks: "3",
  commentModerationKeywords: "casino\nfree money\n",
  commentDisallowedKeywords: "",
  commentCloseAfterDays: "30",
  commentMaxDepth: "4",
};

describe(`site settings on ${testDialect}`, () => {
  let site: TestSite;
  let adminCookie: string;
  beforeAll(async () => {
    site = await createTestSite();
    adminCookie = await site.sessionCookie(await site.newUser({ role: "admin" }));
  });
  afterAll(async () => site?.close());

  test("an admin saves the settings and the public site follows them", async () => {
    await site.newArticle({ title: "Local news", categories: ["Local"] });
    await site.newArticle({ title: "Port news", categories: ["Port"] });
    const saved = await postAdminForm(site, "/admin/settings", "/admin/settings", adminCookie, {
      ...validSettings,
      nav_slug: ["local", "port"],
      nav_order: ["2", "1"],
    });
    expect(saved.statusCode).toBe(303);
    const page = await followRedirect(site, saved, adminCookie);
    expect(page.body).toContain("Settings saved.");
    expect(page.body).toContain('value="The Harbour Herald"');
    expect(page.body).toContain("<option selected>Europe/London</option>");
    expect(page.body).toContain("Friday 22 May 2026");

    const settings = await site.ctx.settings.get();
    expect(settings).toMatchObject({
      title: "The Harbour Herald",
      postsPerPage: 12,
      language: "en-GB",
      commentModeration: "all",
      commentModerationKeywords: ["casino", "free money"],
      commentNotifyAuthors: false,
      navCategorySlugs: ["port", "local"],
    });
    const front = await site.request({ method: "GET", url: "/" });
    expect(front.body).toContain("The Harbour Herald");
    expect(front.body).toContain("Friday 22 May 2026");
    expect(front.body.indexOf("/category/port/")).toBeLessThan(front.body.indexOf("/category/local/"));
  });

  test("invalid settings are refused with a message per field and everything typed kept", async () => {
    const before = await site.ctx.settings.get();
    const refused = await postAdminForm(site, "/admin/settings", "/admin/settings", adminCookie, {
      ...validSettings,
      title: "",
      tagline: "Kept tagline",
      timezone: "Mars/Olympus",
      dateFormat: "yyyy-MM-dd bbbbbb qqqqqq",
      postsPerPage: "lots",
      commentMaxDepth: "40",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('id="title-error">Site title must be 1 to 100 characters');
    expect(refused.body).toContain('id="timezone-error">Time zone must be an IANA time zone');
    expect(refused.body).toContain(
      'id="postsPerPage-error">Stories per page must be a whole number from 1 to 100',
    );
    expect(refused.body).toContain('id="commentMaxDepth-error">');
    expect(refused.body).toContain('value="Kept tagline"');
    expect(refused.body).toContain('value="lots"');
    expect(await site.ctx.settings.get()).toEqual(before);
  });

  test("the date format example follows what is typed", async () => {
    const example = await site.request({
      method: "GET",
      url: "/admin/settings/date-example?dateFormat=EEE.%20MMM%20do%2C%20yyyy&timezone=Pacific%2FAuckland",
      cookie: adminCookie,
      headers: { accept: "application/json" },
    });
    expect(example.json()).toEqual({ example: "Fri. May 22nd, 2026" });
    const bad = await site.request({
      method: "GET",
      url: "/admin/settings/date-example?dateFormat=&timezone=UTC",
      cookie: adminCookie,
      headers: { accept: "application/json" },
    });
    expect(bad.statusCode).toBe(422);
  });

  test("only admins open the settings", async () => {
    const editorCookie = await site.sessionCookie(await site.newUser({ role: "editor" }));
    expect(
      (await site.request({ method: "GET", url: "/admin/settings", cookie: editorCookie })).statusCode,
    ).toBe(403);
    const form = await site.formSession("/admin/", editorCookie);
    const forged = await site.request({
      method: "POST",
      url: "/admin/settings",
      cookie: form.cookie,
      payload: { _csrf: form.token, ...validSettings, title: "Hijacked" },
    });
    expect(forged.statusCode).toBe(403);
    expect((await site.ctx.settings.get()).title).not.toBe("Hijacked");
  });

  test("an admin's token reads and changes the settings through the API; others get 403", async () => {
    const admin = await site.newUser({ role: "admin" });
    const editor = await site.newUser({ role: "editor" });
    const tokenOf = async (userId: number) => {
      const created = await createApiToken(site.ctx, { name: `t${userId}`, userId });
      if ("errors" in created) throw new Error("no token");
      return created.token;
    };
    const call = async (userId: number, method: "GET" | "PATCH", payload?: object) =>
      site.request({
        method,
        url: "/api/admin/settings",
        headers: { authorization: `Bearer ${await tokenOf(userId)}` },
        payload,
      });
    const patched = await call(admin.id, "PATCH", {
      title: "Вечерние новости",
      tagline: "Новости дня",
      language: "ru",
      timezone: "Europe/Moscow",
      date_format: "EEEEEE, d MMMM yyyy",
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      title: "Вечерние новости",
      language: "ru",
      timezone: "Europe/Moscow",
    });
    expect((await call(admin.id, "GET")).json()).toMatchObject({
      tagline: "Новости дня",
      date_format: "EEEEEE, d MMMM yyyy",
      slug_style: "unicode",
    });
    const unknownLanguage = await call(admin.id, "PATCH", { language: "tlh" });
    expect(unknownLanguage.statusCode).toBe(422);
    expect(unknownLanguage.json().fields.language).toBe(
      "must be one of en, ru, uk, fr, de, es, ar (a region may follow, as in en-GB)",
    );
    expect((await call(admin.id, "PATCH", { colour: "red" })).json().fields.colour).toBe(
      "is not a known field",
    );
    expect((await call(editor.id, "PATCH", { title: "Hijacked" })).statusCode).toBe(403);
    expect((await call(editor.id, "GET")).statusCode).toBe(403);
    expect((await site.ctx.settings.get()).language).toBe("ru");
    await site.ctx.settings.update({ language: "en-GB", timezone: "Europe/London" });
  });
});
