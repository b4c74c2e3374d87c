import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { createTestSite, TEST_PASSWORD, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`staff, profile and API tokens on ${testDialect}`, () => {
  let site: TestSite;
  let admin: TestUser;
  let adminCookie: string;
  beforeAll(async () => {
    site = await createTestSite();
    admin = await site.newUser({ role: "admin", name: "Only Admin" });
    adminCookie = await site.sessionCookie(admin);
  });
  afterAll(async () => site?.close());

  async function signIn(email: string, password: string) {
    const form = await site.formSession("/admin/login");
    return site.request({
      method: "POST",
      url: "/admin/login",
      cookie: form.cookie,
      form: { _csrf: form.token, email, password, next: "/admin/" },
    });
  }

  test("editors and authors are refused the staff, token and settings pages", async () => {
    for (const role of ["editor", "author", "contributor"] as const) {
      const cookie = await site.sessionCookie(await site.newUser({ role }));
      for (const url of ["/admin/users", "/admin/users/new", `/admin/users/${admin.id}`, "/admin/tokens"])
        expect((await site.request({ method: "GET", url, cookie })).statusCode, `${role} ${url}`).toBe(403);
      const forged = await postAdminForm(site, "/admin/", "/admin/users/new", cookie, {
        name: "Sneaky",
        email: "sneaky@news.test",
        role: "admin",
        password: TEST_PASSWORD,
        password_confirm: TEST_PASSWORD,
      });
      expect(forged.statusCode).toBe(403);
    }
    const list = await site.request({ method: "GET", url: "/admin/users", cookie: adminCookie });
    expect(list.body).not.toContain("sneaky@news.test");
  });

  test("an admin adds a staff member who can then sign in with that role", async () => {
    const refused = await postAdminForm(site, "/admin/users/new", "/admin/users/new", adminCookie, {
      name: "Rita Reporter",
      email: "rita@news.test",
      role: "author",
      bio: "Covers the port.",
      password: TEST_PASSWORD,
      password_confirm: "something else entirely",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('id="password_confirm-error">Password does not match the password');
    expect(refused.body).toContain('value="rita@news.test"');
    expect(refused.body).toContain("Covers the port.");
    expect((await signIn("rita@news.test", TEST_PASSWORD)).statusCode).toBe(401);

    const added = await postAdminForm(site, "/admin/users/new", "/admin/users/new", adminCookie, {
      name: "Rita Reporter",
      email: "rita@news.test",
      role: "author",
      bio: "Covers the port.",
      password: TEST_PASSWORD,
      password_confirm: TEST_PASSWORD,
    });
    expect(added.statusCode).toBe(303);
    expect((await followRedirect(site, added, adminCookie)).body).toContain(
      "Rita Reporter can now sign in as author.",
    );
    const signedIn = await signIn("rita@news.test", TEST_PASSWORD);
    expect(signedIn.statusCode).toBe(303);
  });

  test("an admin changes a role, disables and re-enables an account; the last admin cannot be demoted", async () => {
    const editor = await site.newUser({ role: "editor", name: "Ed Itor" });
    const editorCookie = await site.sessionCookie(editor);
    const promoted = await postAdminForm(
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
    expect(promoted.statusCode).toBe(303);
    expect(
      (await site.request({ method: "GET", url: "/admin/categories", cookie: editorCookie })).statusCode,
    ).toBe(403);

    const disabled = await postAdminForm(
      site,
      "/admin/users",
      `/admin/users/${editor.id}/disable`,
      adminCookie,
      {},
    );
    expect(disabled.statusCode).toBe(303);
    expect((await followRedirect(site, disabled, adminCookie)).body).toContain(
      "Ed Itor can no longer sign in.",
    );
    expect((await site.request({ method: "GET", url: "/admin/", cookie: editorCookie })).statusCode).toBe(
      302,
    );
    expect((await signIn(editor.email, TEST_PASSWORD)).statusCode).toBe(401);
    await postAdminForm(site, "/admin/users", `/admin/users/${editor.id}/enable`, adminCookie, {});
    expect((await signIn(editor.email, TEST_PASSWORD)).statusCode).toBe(303);

    const demote = await postAdminForm(
      site,
      `/admin/users/${admin.id}`,
      `/admin/users/${admin.id}`,
      adminCookie,
      {
        name: admin.name,
        email: admin.email,
        role: "editor",
        bio: "",
      },
    );
    expect(demote.statusCode).toBe(422);
    expect(demote.body).toContain("Role the last admin cannot be demoted or disabled");
    const disableSelf = await postAdminForm(
      site,
      "/admin/users",
      `/admin/users/${admin.id}/disable`,
      adminCookie,
      {},
    );
    expect((await followRedirect(site, disableSelf, adminCookie)).body).toContain(
      "the last admin cannot be demoted",
    );
    expect((await site.request({ method: "GET", url: "/admin/users", cookie: adminCookie })).statusCode).toBe(
      200,
    );
  });

  test("an admin resets someone's password, which signs them out", async () => {
    const author = await site.newUser({ role: "author" });
    const authorCookie = await site.sessionCookie(author);
    const reset = await postAdminForm(
      site,
      `/admin/users/${author.id}`,
      `/admin/users/${author.id}/password`,
      adminCookie,
      { password: "a brand new passphrase", password_confirm: "a brand new passphrase" },
    );
    expect(reset.statusCode).toBe(303);
    expect((await site.request({ method: "GET", url: "/admin/", cookie: authorCookie })).statusCode).toBe(
      302,
    );
    expect((await signIn(author.email, "a brand new passphrase")).statusCode).toBe(303);
  });

  test("everyone edits their own profile and changes their password only with the current one", async () => {
    const contributor = await site.newUser({ role: "contributor" });
    const cookie = await site.sessionCookie(contributor);
    const saved = await postAdminForm(site, "/admin/profile", "/admin/profile", cookie, {
      name: "Casey Contributor",
      bio: "Writes about boats.",
    });
    expect(saved.statusCode).toBe(303);
    const profile = await followRedirect(site, saved, cookie);
    expect(profile.body).toContain("Profile saved.");
    expect(profile.body).toContain('value="Casey Contributor"');

    const wrong = await postAdminForm(site, "/admin/profile", "/admin/profile/password", cookie, {
      current_password: "not my password",
      password: "another long passphrase",
      password_confirm: "another long passphrase",
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('id="current_password-error">Current password is not right');

    const changed = await postAdminForm(site, "/admin/profile", "/admin/profile/password", cookie, {
      current_password: TEST_PASSWORD,
      password: "another long passphrase",
      password_confirm: "another long passphrase",
    });
    expect(changed.statusCode).toBe(303);
    // The old session ended; the one handed back with the answer carries on.
    expect((await site.request({ method: "GET", url: "/admin/", cookie })).statusCode).toBe(302);
    const fresh = changed.cookies.find((c) => c.name === "bs_session");
    expect(fresh).toBeDefined();
    const after = await followRedirect(site, changed, `bs_session=${fresh!.value}`);
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain("Password changed.");
    expect((await signIn(contributor.email, "another long passphrase")).statusCode).toBe(303);
  });

  test("an admin creates an API token, sees it once, and revoking it locks the API out", async () => {
    const created = await postAdminForm(site, "/admin/tokens", "/admin/tokens", adminCookie, {
      name: "Newsletter sync",
      user_id: String(admin.id),
      lifetime: "90",
    });
    expect(created.statusCode).toBe(200);
    const token = /<code id="new-token" class="token-value">(bst_[^<]+)<\/code>/.exec(created.body)?.[1];
    expect(token).toBeDefined();
    const api = () =>
      site.request({
        method: "GET",
        url: "/api/admin/articles",
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await api()).statusCode).toBe(200);

    const list = await site.request({ method: "GET", url: "/admin/tokens", cookie: adminCookie });
    expect(list.body).toContain("Newsletter sync");
    expect(list.body).toContain("2026-08-20");
    expect(list.body).not.toContain(token!);

    const id = /action="\/admin\/tokens\/(\d+)\/revoke"/.exec(list.body)![1];
    const revoked = await postAdminForm(site, "/admin/tokens", `/admin/tokens/${id}/revoke`, adminCookie, {});
    expect(revoked.statusCode).toBe(303);
    expect((await api()).statusCode).toBe(401);

    const nameless = await postAdminForm(site, "/admin/tokens", "/admin/tokens", adminCookie, {
      name: "",
      user_id: String(admin.id),
      lifetime: "never",
    });
    expect(nameless.statusCode).toBe(422);
    expect(nameless.body).toContain('id="name-error">Name must be 1 to 100 characters');
  });
});
