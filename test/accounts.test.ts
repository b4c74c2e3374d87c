import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestSite, TEST_PASSWORD, type TestSite, testDialect } from "./support/site.js";

describe(`accounts on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test("a fresh site sends /admin/ to the setup page, which creates the first admin and signs them in", async () => {
    const first = await site.request({ method: "GET", url: "/admin/" });
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe("/admin/setup");

    const form = await site.formSession("/admin/setup");
    const setupPage = await site.request({ method: "GET", url: "/admin/setup" });
    // The machine's own zone is chosen until the admin picks another.
    const machineZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    expect(setupPage.body).toContain(`<option selected>${machineZone}</option>`);
    const badZone = await site.request({
      method: "POST",
      url: "/admin/setup",
      cookie: form.cookie,
      form: {
        _csrf: form.token,
        site_title: "The Daily Test",
        name: "Ada Editor",
        email: "ada@news.test",
        timezone: "Mars/Olympus_Mons",
        password: TEST_PASSWORD,
        password_confirm: TEST_PASSWORD,
      },
    });
    expect(badZone.statusCode).toBe(422);
    expect(badZone.body).toContain("Time zone must be one of the time zones in the list");
    const rejected = await site.request({
      method: "POST",
      url: "/admin/setup",
      cookie: form.cookie,
      form: {
        _csrf: form.token,
        site_title: "The Daily Test",
        name: "Ada Editor",
        email: "not-an-email",
        password: "short",
        password_confirm: "short",
      },
    });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.body).toContain('value="The Daily Test"');
    expect(rejected.body).toContain("Email must be a valid email address");
    expect(rejected.body).toContain("Password must be at least 10 characters");

    const done = await site.request({
      method: "POST",
      url: "/admin/setup",
      cookie: form.cookie,
      form: {
        _csrf: form.token,
        site_title: "The Daily Test",
        name: "Ada Editor",
        email: "ada@news.test",
        timezone: "Europe/Berlin",
        password: TEST_PASSWORD,
        password_confirm: TEST_PASSWORD,
      },
    });
    expect(done.statusCode).toBe(303);
    expect((await site.ctx.settings.get()).timezone).toBe("Europe/Berlin");
    const session = done.cookies.find((c) => c.name === "bs_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
    const dashboard = await site.request({
      method: "GET",
      url: "/admin/",
      cookie: `bs_session=${session?.value}`,
    });
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain("Ada Editor");
    expect((await site.ctx.settings.get()).title).toBe("The Daily Test");

    const again = await site.request({ method: "GET", url: "/admin/setup" });
    expect(again.statusCode).toBe(302);
  });

  test("sign-in works with the right password, says the same thing for a wrong one or an unknown email, then locks", async () => {
    const user = await site.newUser({ role: "editor", email: "lock@news.test" });
    const form = await site.formSession("/admin/login");
    const post = (email: string, password: string) =>
      site.request({
        method: "POST",
        url: "/admin/login",
        cookie: form.cookie,
        form: { _csrf: form.token, email, password },
      });

    const unknown = await post("nobody@news.test", TEST_PASSWORD);
    const wrong = await post(user.email, "wrong password!");
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.body).toContain("Wrong email or password.");
    expect(wrong.body).toContain("Wrong email or password.");

    const ok = await post(user.email, TEST_PASSWORD);
    expect(ok.statusCode).toBe(303);
    expect(ok.cookies.some((c) => c.name === "bs_session")).toBe(true);

    for (let i = 0; i < 5; i++) await post(user.email, "wrong password!");
    const locked = await post(user.email, TEST_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.body).toContain("Too many failed sign-ins");
  });

  test("a form posted without its CSRF token is refused", async () => {
    const editor = await site.newUser({ role: "editor" });
    const cookie = await site.sessionCookie(editor);
    const response = await site.request({ method: "POST", url: "/admin/logout", cookie, form: {} });
    expect(response.statusCode).toBe(403);
    const still = await site.request({ method: "GET", url: "/admin/", cookie });
    expect(still.statusCode).toBe(200);
  });

  test("signing out ends the session", async () => {
    const editor = await site.newUser({ role: "editor" });
    const cookie = await site.sessionCookie(editor);
    const form = await site.formSession("/admin/", cookie);
    const out = await site.request({
      method: "POST",
      url: "/admin/logout",
      cookie: form.cookie,
      form: { _csrf: form.token },
    });
    expect(out.statusCode).toBe(303);
    const after = await site.request({ method: "GET", url: "/admin/", cookie });
    expect(after.statusCode).toBe(302);
    expect(after.headers.location).toContain("/admin/login");
  });

  test("the Admin API answers 401 without a token, with a bad one and with a revoked one", async () => {
    expect((await site.request({ method: "GET", url: "/api/admin/articles" })).statusCode).toBe(401);
    const bad = await site.request({
      method: "GET",
      url: "/api/admin/articles",
      headers: { authorization: "Bearer nope" },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual({ error: "invalid token" });
    const token = await site.newApiToken();
    const good = await site.request({
      method: "GET",
      url: "/api/admin/articles",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(good.statusCode).toBe(200);
  });
});
