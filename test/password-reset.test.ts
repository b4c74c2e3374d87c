import { afterAll, describe, expect, test } from "vitest";
import { postAdminForm } from "./support/admin-forms.js";
import { startFakeSmtp } from "./support/fake-smtp.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

describe(`"Forgot password?" and reset links on ${testDialect}`, () => {
  const sites: TestSite[] = [];
  afterAll(async () => {
    for (const site of sites) await site.close();
  });

  test("with SMTP, a staff member gets a one-time link by email and sets a new password with it", async () => {
    const smtp = await startFakeSmtp();
    const site = await createTestSite({ config: { smtpUrl: `smtp://127.0.0.1:${smtp.port}` } });
    sites.push(site);
    await site.newUser({ role: "admin" });
    const editor = await site.newUser({ role: "editor", email: "maya@news.test" });
    const login = await site.request({ method: "GET", url: "/admin/login" });
    expect(login.body).toContain('href="/admin/forgot-password">Forgot password?</a>');
    const form = await site.formSession("/admin/forgot-password");
    const asked = await site.request({
      method: "POST",
      url: "/admin/forgot-password",
      cookie: form.cookie,
      form: { _csrf: form.token, email: "maya@news.test" },
    });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain("If an account has this email, a link to set a new password is on its way.");
    await expect.poll(() => smtp.messages.length).toBe(1);
    expect(smtp.messages[0].to).toEqual(["maya@news.test"]);
    const url = /http:\/\/news\.test(\/admin\/set-password\?token=[A-Za-z0-9_=-]+)/.exec(
      smtp.messages[0].data.replace(/=\r\n/g, "").replace(/=3D/g, "="),
    )?.[1];
    expect(url).toBeTruthy();
    const page = await site.request({ method: "GET", url: url! });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(editor.name);

    // An unknown address gets the same answer, and no email.
    const form2 = await site.formSession("/admin/forgot-password");
    const unknown = await site.request({
      method: "POST",
      url: "/admin/forgot-password",
      cookie: form2.cookie,
      form: { _csrf: form2.token, email: "nobody@news.test" },
    });
    expect(unknown.body).toContain("If an account has this email");
    expect(smtp.messages).toHaveLength(1);
    await smtp.close();
  });

  test("without SMTP the page says to ask an admin, who copies a link from the staff page (admins only)", async () => {
    const site = await createTestSite();
    sites.push(site);
    const admin = await site.newUser({ role: "admin" });
    const author = await site.newUser({ role: "author", name: "Ben Author" });
    const page = await site.request({ method: "GET", url: "/admin/forgot-password" });
    expect(page.body).toContain("Ask an administrator for a link to set a new password");
    expect(page.body).not.toContain('name="email"');

    const adminCookie = await site.sessionCookie(admin);
    const made = await postAdminForm(
      site,
      `/admin/users/${author.id}`,
      `/admin/users/${author.id}/reset-link`,
      adminCookie,
      {},
    );
    expect(made.statusCode).toBe(200);
    const url = /data-reset-link>http:\/\/news\.test([^<]+)</.exec(made.body)?.[1]?.replace(/&amp;/g, "&");
    expect(url).toMatch(/^\/admin\/set-password\?token=/);
    expect(made.body).toContain(">Copy reset link</button>");
    expect((await site.request({ method: "GET", url: url! })).body).toContain("Ben Author");

    const editorCookie = await site.sessionCookie(await site.newUser({ role: "editor" }));
    const refused = await postAdminForm(
      site,
      "/admin/",
      `/admin/users/${author.id}/reset-link`,
      editorCookie,
      {},
    );
    expect(refused.statusCode).toBe(403);
  });
});
