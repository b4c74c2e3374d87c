import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { multipartForm } from "./support/multipart-form.js";
import { createTestSite, TEST_PASSWORD, type TestSite, testDialect } from "./support/site.js";

describe(`CSRF tokens bound to the session on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
    await site.newUser({ role: "admin" });
  });
  afterAll(async () => site?.close());

  const saveProfile = (cookie: string, token: string) =>
    site.request({
      method: "POST",
      url: "/admin/profile",
      cookie,
      form: { _csrf: token, name: "Renamed", bio: "" },
    });

  test("a _csrf cookie and token taken from an anonymous sign-in page are refused with a victim's session", async () => {
    const victim = await site.newUser({ role: "editor", name: "Vic Tim" });
    const victimSession = await site.sessionCookie(victim);
    // The attacker's own pair, from the sign-in page, planted in the victim's browser.
    const attacker = await site.formSession("/admin/login");
    const forged = await saveProfile(`${victimSession}; ${attacker.cookie}`, attacker.token);
    expect(forged.statusCode).toBe(403);
    expect(
      (await site.ctx.db.selectFrom("users").select("name").where("id", "=", victim.id).executeTakeFirst())
        ?.name,
    ).toBe("Vic Tim");
  });

  test("a token made for another session is refused; the session's own token works", async () => {
    const victim = await site.newUser({ role: "editor", name: "Own Token" });
    const victimSession = await site.sessionCookie(victim);
    const other = await site.newUser({ role: "author" });
    const otherForm = await site.formSession("/admin/profile", await site.sessionCookie(other));
    const otherCsrfCookie = otherForm.cookie.split("; ").find((c) => c.startsWith("_csrf="))!;
    expect((await saveProfile(`${victimSession}; ${otherCsrfCookie}`, otherForm.token)).statusCode).toBe(403);

    const own = await site.formSession("/admin/profile", victimSession);
    expect((await saveProfile(own.cookie, own.token)).statusCode).toBe(303);
  });

  test("signing in works with the sign-in page's token, and the old token is useless after it", async () => {
    const user = await site.newUser({ role: "author" });
    const form = await site.formSession("/admin/login");
    const signedIn = await site.request({
      method: "POST",
      url: "/admin/login",
      cookie: form.cookie,
      form: { _csrf: form.token, email: user.email, password: TEST_PASSWORD },
    });
    expect(signedIn.statusCode).toBe(303);
    const session = signedIn.cookies.find((c) => c.name === "bs_session")!;
    expect((await saveProfile(`${form.cookie}; bs_session=${session.value}`, form.token)).statusCode).toBe(
      403,
    );
  });
});

describe(`CSRF tokens never in URLs on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test("no form action carries a token, so a preview or a refused form never shows one in the address bar", async () => {
    const admin = await site.newUser({ role: "admin" });
    const cookie = await site.sessionCookie(admin);
    for (const url of ["/admin/articles/new", "/admin/media", "/admin/sources", "/admin/import/wordpress"]) {
      const page = await site.request({ method: "GET", url, cookie });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain('enctype="multipart/form-data"');
      expect(page.body, url).not.toMatch(/action="[^"]*_csrf/);
    }
    const form = await multipartForm({ title: "Draft", body: "**Bold** move", action: "preview" });
    const preview = await site.request({
      method: "POST",
      url: "/admin/articles/new",
      cookie,
      headers: { ...form.headers, origin: "http://news.test" },
      payload: form.payload,
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain("<strong>Bold</strong> move");
    expect(preview.body).toContain('action="/admin/articles/new"');
  });
});

describe(`cookies under an https SITE_URL on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite({ config: { siteUrl: "https://news.test" } });
    await site.newUser({ role: "admin" });
  });
  afterAll(async () => site?.close());

  test("every cookie is Secure even when the request reached the app over plain http", async () => {
    const user = await site.newUser({ role: "editor" });
    const page = await site.request({ method: "GET", url: "/admin/login" });
    const csrfCookie = page.cookies.find((c) => c.name === "_csrf");
    expect(csrfCookie?.secure).toBe(true);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
    const signedIn = await site.request({
      method: "POST",
      url: "/admin/login",
      cookie: `_csrf=${csrfCookie?.value}`,
      form: { _csrf: token, email: user.email, password: TEST_PASSWORD },
    });
    expect(signedIn.statusCode).toBe(303);
    const names = signedIn.cookies.map((c) => c.name).sort();
    expect(names).toEqual(["bs_device", "bs_session"]);
    for (const cookie of signedIn.cookies) {
      expect(cookie.secure, cookie.name).toBe(true);
      expect(cookie.httpOnly, cookie.name).toBe(true);
    }
    const session = `bs_session=${signedIn.cookies.find((c) => c.name === "bs_session")?.value}`;
    const form = await site.formSession("/admin/profile", session);
    const saved = await site.request({
      method: "POST",
      url: "/admin/profile",
      cookie: form.cookie,
      form: { _csrf: form.token, name: "Secure Sam", bio: "" },
    });
    expect(saved.cookies.find((c) => c.name === "bs_flash")?.secure).toBe(true);
  });
});

describe(`cookies under an http SITE_URL on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
    await site.newUser({ role: "admin" });
  });
  afterAll(async () => site?.close());

  test("a forged X-Forwarded-Proto from an untrusted client does not decide the Secure flag", async () => {
    const user = await site.newUser({ role: "editor" });
    const form = await site.formSession("/admin/login");
    const signedIn = await site.request({
      method: "POST",
      url: "/admin/login",
      cookie: form.cookie,
      headers: { "x-forwarded-proto": "https" },
      form: { _csrf: form.token, email: user.email, password: TEST_PASSWORD },
    });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.cookies.find((c) => c.name === "bs_session")?.secure).toBeFalsy();
  });
});
