import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`the admin speaks each staff member's language on ${testDialect}`, () => {
  let site: TestSite;
  let admin: TestUser;
  let adminCookie: string;
  beforeAll(async () => {
    // The public site is in German: whoever has not chosen gets German.
    site = await createTestSite({ settings: { language: "de" } });
    admin = await site.newUser({ role: "admin", name: "Olga Admin" });
    adminCookie = await site.sessionCookie(admin);
  });
  afterAll(async () => site?.close());

  async function chooseLanguage(cookie: string, user: TestUser, language: string) {
    return postAdminForm(site, "/admin/profile", "/admin/profile", cookie, {
      name: user.name,
      bio: "",
      language,
    });
  }

  async function page(url: string, cookie: string) {
    return site.request({ method: "GET", url, cookie });
  }

  test("a staff member who picks Russian sees the nav, profile and staff screens in Russian", async () => {
    const saved = await chooseLanguage(adminCookie, admin, "ru");
    expect(saved.statusCode).toBe(303);
    const profile = await followRedirect(site, saved, adminCookie);
    expect(profile.body).toContain('<html lang="ru" dir="ltr">');
    expect(profile.body).toContain("Профиль сохранён.");
    expect(profile.body).toContain("<h1>Ваш профиль</h1>");
    expect(profile.body).toContain(">Статьи</a>");
    expect(profile.body).toContain('<option value="ru" lang="ru" selected>Русский</option>');

    const staff = await page("/admin/users", adminCookie);
    expect(staff.body).toContain("<h1>Сотрудники</h1>");
    expect(staff.body).toContain("Добавить сотрудника");
    expect(staff.body).toContain(">администратор</td>");
    expect(staff.body).not.toContain("Add a staff member");

    const tokens = await page("/admin/tokens", adminCookie);
    expect(tokens.body).toContain("Через 30 дней");
    expect(tokens.body).toContain("Через 90 дней");
  });

  test("a service's English problem reaches a Russian form in Russian, with its numbers", async () => {
    const refused = await postAdminForm(site, "/admin/profile", "/admin/profile", adminCookie, {
      name: "",
      bio: "x".repeat(2001),
      language: "ru",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("Ничего не сохранено.");
    expect(refused.body).toContain('id="name-error">Имя: от 1 до 100 символов</p>');
    expect(refused.body).toContain('id="bio-error">О себе: не длиннее 2\u00a0000 символов</p>');
  });

  test("Arabic turns the admin right to left", async () => {
    const arabic = await site.newUser({ role: "editor", name: "Amal Editor" });
    const cookie = await site.sessionCookie(arabic);
    await chooseLanguage(cookie, arabic, "ar");
    const profile = await page("/admin/profile", cookie);
    expect(profile.body).toContain('<html lang="ar" dir="rtl">');
    expect(profile.body).toContain("<h1>ملفك الشخصي</h1>");
    expect(profile.body).toContain("(محرر)");
  });

  test("another staff member, who chose nothing, still sees the site's language", async () => {
    const author = await site.newUser({ role: "author", name: "Hans Author" });
    const profile = await page("/admin/profile", await site.sessionCookie(author));
    expect(profile.body).toContain('<html lang="de" dir="ltr">');
    expect(profile.body).toContain("<h1>Ihr Profil</h1>");
    expect(profile.body).toContain('<option value="" selected>Sprache der Website</option>');
  });

  test("choosing the site language again follows the site", async () => {
    const editor = await site.newUser({ role: "editor", name: "Back Home" });
    const cookie = await site.sessionCookie(editor);
    await chooseLanguage(cookie, editor, "es");
    expect((await page("/admin/profile", cookie)).body).toContain("<h1>Tu perfil</h1>");
    await chooseLanguage(cookie, editor, "");
    expect((await page("/admin/profile", cookie)).body).toContain("<h1>Ihr Profil</h1>");
  });

  test("an unknown language is refused with the list of supported ones, and nothing changes", async () => {
    const author = await site.newUser({ role: "author", name: "Tina Typo" });
    const cookie = await site.sessionCookie(author);
    const refused = await chooseLanguage(cookie, author, "xx");
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(
      'id="language-error">Sprache der Verwaltung: muss eine dieser Sprachen sein: en, ru, uk, fr, de, es, ar',
    );
    const stored = await site.ctx.db
      .selectFrom("users")
      .select("language")
      .where("id", "=", author.id)
      .executeTakeFirstOrThrow();
    expect(stored.language).toBeNull();
  });

  test("signed-out pages follow the site's language, a refused sign-in too", async () => {
    const login = await site.request({ method: "GET", url: "/admin/login" });
    expect(login.body).toContain('<html lang="de" dir="ltr">');
    expect(login.body).toContain("<h1>Anmelden</h1>");
    const form = await site.formSession("/admin/login");
    const refused = await site.request({
      method: "POST",
      url: "/admin/login",
      cookie: form.cookie,
      form: { _csrf: form.token, email: admin.email, password: "not the password", next: "" },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain("E-Mail-Adresse oder Passwort falsch.");
    const forgot = await site.request({ method: "GET", url: "/admin/forgot-password" });
    expect(forgot.body).toContain("<h1>Passwort vergessen?</h1>");
  });
});

describe(`first-run setup on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test("follows the browser's Accept-Language and offers it as the site's language", async () => {
    const french = await site.request({
      method: "GET",
      url: "/admin/setup",
      headers: { "accept-language": "fr-CA,fr;q=0.9,en;q=0.5" },
    });
    expect(french.body).toContain('<html lang="fr" dir="ltr">');
    expect(french.body).toContain("<h1>Bienvenue dans Broadsheet</h1>");
    expect(french.body).toContain('<option value="fr" lang="fr" selected>Français</option>');

    const arabic = await site.request({
      method: "GET",
      url: "/admin/setup",
      headers: { "accept-language": "ar-EG" },
    });
    expect(arabic.body).toContain('<html lang="ar" dir="rtl">');

    const unsupported = await site.request({
      method: "GET",
      url: "/admin/setup",
      headers: { "accept-language": "ja" },
    });
    expect(unsupported.body).toContain('<html lang="en" dir="ltr">');
    expect(unsupported.body).toContain("<h1>Welcome to Broadsheet</h1>");
  });
});
