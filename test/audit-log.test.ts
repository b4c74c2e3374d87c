import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_SETTINGS_FORM, postAdminForm } from "./support/admin-forms.js";
import { createTestSite, TEST_PASSWORD, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`audit log on ${testDialect}`, () => {
  let site: TestSite;
  let admin: TestUser;
  let adminCookie: string;
  beforeAll(async () => {
    site = await createTestSite();
    admin = await site.newUser({ role: "admin", name: "Ada Admin" });
    adminCookie = await site.sessionCookie(admin);
  });
  afterAll(async () => site?.close());

  test("role changes, API tokens and sign-ins are listed for admins, newest first", async () => {
    const editor = await site.newUser({ role: "editor", name: "Ed Itor" });
    const roleChange = await postAdminForm(
      site,
      `/admin/users/${editor.id}`,
      `/admin/users/${editor.id}`,
      adminCookie,
      {
        name: "Ed Itor",
        email: editor.email,
        role: "author",
        bio: "",
      },
    );
    expect(roleChange.statusCode).toBe(303);
    const created = await postAdminForm(site, "/admin/tokens", "/admin/tokens", adminCookie, {
      name: "Newsletter sync",
      user_id: String(admin.id),
      lifetime: "never",
    });
    const token = /id="new-token" class="token-value">([^<]+)</.exec(created.body)?.[1];
    expect(token).toBeDefined();
    const tokenId = (await site.ctx.db.selectFrom("api_tokens").select("id").executeTakeFirstOrThrow()).id;
    await postAdminForm(site, "/admin/tokens", `/admin/tokens/${tokenId}/revoke`, adminCookie, {});

    const form = await site.formSession("/admin/login");
    await site.request({
      method: "POST",
      url: "/admin/login",
      cookie: form.cookie,
      form: { _csrf: form.token, email: editor.email, password: "a wrong password" },
    });
    await site.request({
      method: "POST",
      url: "/admin/login",
      cookie: form.cookie,
      form: { _csrf: form.token, email: "reader@example.org", password: TEST_PASSWORD },
    });

    const page = await site.request({ method: "GET", url: "/admin/audit", cookie: adminCookie });
    expect(page.statusCode).toBe(200);
    const text = page.body.replace(/\s+/g, " ");
    expect(text).toMatch(/Role changed<\/td><td>Ada Admin<\/td><td>Ed Itor<\/td><td>editor → author/);
    expect(text).toMatch(
      /API token created<\/td><td>Ada Admin<\/td><td>Ada Admin<\/td><td>“Newsletter sync”/,
    );
    expect(text).toMatch(
      /API token revoked<\/td><td>Ada Admin<\/td><td>Ada Admin<\/td><td>“Newsletter sync”/,
    );
    expect(text).toMatch(/Sign-in failed<\/td><td><\/td><td>Ed Itor<\/td><td>wrong password/);
    expect(text).toMatch(/Sign-in failed<\/td><td><\/td><td><\/td><td>no such account/);
    expect(text.indexOf("Sign-in failed")).toBeLessThan(text.indexOf("Role changed"));
    // Never a password, a token, or an email address typed into the sign-in form.
    for (const secret of [TEST_PASSWORD, "a wrong password", token!, "reader@example.org", editor.email])
      expect(page.body).not.toContain(secret);
  });

  test("saving the settings form records which settings changed", async () => {
    const saved = await postAdminForm(site, "/admin/settings", "/admin/settings", adminCookie, {
      ...DEFAULT_SETTINGS_FORM,
      title: "The Audited Times",
    });
    expect(saved.statusCode).toBe(303);
    const rows = await site.ctx.db
      .selectFrom("audit_log")
      .selectAll()
      .where("event", "=", "settings_changed")
      .execute();
    expect(rows.length).toBe(1);
    expect(rows[0].detail).toBe("title");
    expect(rows[0].actor_id).toBe(admin.id);
  });

  test("only admins open the audit log", async () => {
    const editor = await site.newUser({ role: "editor" });
    const editorCookie = await site.sessionCookie(editor);
    expect(
      (await site.request({ method: "GET", url: "/admin/audit", cookie: editorCookie })).statusCode,
    ).toBe(403);
    const anonymous = await site.request({ method: "GET", url: "/admin/audit" });
    expect(anonymous.statusCode).toBe(302);
  });
});
