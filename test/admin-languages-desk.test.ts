import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { postComment, readerFields } from "./comments-helpers.js";
import { DEFAULT_SETTINGS_FORM, followRedirect, postAdminForm } from "./support/admin-forms.js";
import { multipartForm, TINY_PNG } from "./support/multipart-form.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`the newsroom's desk screens speak the staff member's language on ${testDialect}`, () => {
  let site: TestSite;
  let admin: TestUser;
  let cookie: string;
  beforeAll(async () => {
    site = await createTestSite();
    admin = await site.newUser({ role: "admin", name: "Olga Admin" });
    cookie = await site.sessionCookie(admin);
    const chosen = await postAdminForm(site, "/admin/profile", "/admin/profile", cookie, {
      name: admin.name,
      bio: "",
      language: "ru",
    });
    expect(chosen.statusCode).toBe(303);
  });
  afterAll(async () => site?.close());

  const page = (url: string) => site.request({ method: "GET", url, cookie });

  test("the dashboard counts in Russian plurals", async () => {
    await site.newArticle({ status: "draft" });
    await site.newArticle({ status: "draft" });
    const dashboard = await page("/admin/");
    expect(dashboard.body).toContain('<html lang="ru" dir="ltr">');
    expect(dashboard.body).toContain("<strong>2</strong> черновика</a>");
    expect(dashboard.body).toContain("Последние материалы");
    expect(dashboard.body).not.toContain("Write a story");
  });

  test("the settings page, its menus and its flash are in Russian", async () => {
    const settings = await page("/admin/settings");
    expect(settings.body).toContain("Сохранить настройки");
    expect(settings.body).toContain("Меню шапки");
    expect(settings.body).toContain('content="{&#34;copied&#34;:&#34;Скопировано&#34;');
    const saved = await postAdminForm(
      site,
      "/admin/settings",
      "/admin/settings",
      cookie,
      DEFAULT_SETTINGS_FORM,
    );
    expect(saved.statusCode).toBe(303);
    expect((await followRedirect(site, saved, cookie)).body).toContain("Настройки сохранены.");
  });

  test("moderation: tabs, a plural flash and a translated validation error", async () => {
    const article = await site.newArticle({ status: "published" });
    const held = await postComment(site, readerFields(article.id, { body: "Первое мнение" }));
    expect(held.headers.location).toMatch(/#comment-held$/);
    const queue = await page("/admin/comments");
    expect(queue.body).toContain("<strong>1</strong> На модерации");
    const id = /name="ids" value="(\d+)"/.exec(queue.body)?.[1] ?? "";

    const refused = await postAdminForm(site, "/admin/comments", `/admin/comments/${id}/edit`, cookie, {
      name: "Читатель",
      email: "broken",
      url: "",
      body: "Первое мнение",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(
      `id="edit-email-error">Эл. почта: должен быть действительным адресом эл. почты, например you@example.com</p>`,
    );

    const approved = await postAdminForm(site, "/admin/comments", "/admin/comments/bulk", cookie, {
      bulk_action: "approve",
      ids: id,
      return_to: "/admin/comments",
    });
    expect(approved.statusCode).toBe(303);
    expect((await followRedirect(site, approved, cookie)).body).toContain("1 комментарий одобрен.");
  });

  test("the media library: a refused file, an upload's flash and a focal point out of range, all in Russian", async () => {
    const upload = async (fileName: string, data: Buffer) => {
      const form = await site.formSession("/admin/media", cookie);
      const body = await multipartForm({ _csrf: form.token, alt: "" }, [
        { field: "file", fileName, data, type: "image/png" },
      ]);
      return site.request({
        method: "POST",
        url: "/admin/media",
        cookie: form.cookie,
        headers: { ...body.headers, origin: "http://news.test" },
        payload: body.payload,
      });
    };
    const library = await page("/admin/media");
    expect(library.body).toContain("Загрузка изображений");
    expect(library.body).not.toContain("Upload images");

    const refused = await upload("notes.png", Buffer.from("hello, I am text"));
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(
      'id="file-error">Изображение: этот файл не изображение: загружать можно только изображения JPEG, PNG, GIF, WebP и AVIF</p>',
    );

    const uploaded = await upload("quay.png", TINY_PNG);
    expect(uploaded.statusCode).toBe(303);
    const withFlash = await followRedirect(site, uploaded, cookie);
    expect(withFlash.body).toContain("Загружено 1 изображение.");
    const id = /href="\/admin\/media\/(\d+)"/.exec(withFlash.body)?.[1] ?? "";

    const image = await page(`/admin/media/${id}`);
    expect(image.body).toContain("Используется в 0 материалах");
    const outOfRange = await postAdminForm(site, `/admin/media/${id}`, `/admin/media/${id}`, cookie, {
      alt: "Набережная",
      caption: "",
      credit: "",
      focal_x: "5",
      focal_y: "0.5",
    });
    expect(outOfRange.statusCode).toBe(422);
    expect(outOfRange.body).toContain('id="focal_x-error">По горизонтали: должно быть числом от 0 до 1</p>');
  });

  test("the audit log names its events in Russian; what is stored stays as it was", async () => {
    const saved = await postAdminForm(site, "/admin/settings", "/admin/settings", cookie, {
      ...DEFAULT_SETTINGS_FORM,
      tagline: "Новости по мере их появления",
    });
    expect(saved.statusCode).toBe(303);
    const log = await page("/admin/audit");
    expect(log.body).toContain("<h1>Журнал аудита</h1>");
    expect(log.body).toContain("<td>Настройки изменены</td>");
    expect(log.body).not.toContain("Settings changed");
    const stored = await site.ctx.db.selectFrom("audit_log").select("event").execute();
    expect(stored.map((row) => row.event)).toContain("settings_changed");
  });

  test("settings and menus refuse in Russian, and the logo chooser speaks it", async () => {
    const refused = await postAdminForm(site, "/admin/settings", "/admin/settings", cookie, {
      ...DEFAULT_SETTINGS_FORM,
      postsPerPage: "0",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(
      'id="postsPerPage-error">Материалов на странице: должно быть целым числом от 1 до 100</p>',
    );
    expect(refused.body).toContain("Загрузить и использовать");
    expect(refused.body).not.toContain("Upload and use");

    const menu = await postAdminForm(site, "/admin/settings", "/admin/settings/menus/header", cookie, {
      version: "",
      add_kind: "link",
      add_label: "Архив",
      add_url: "javascript:alert(1)",
    });
    expect(menu.statusCode).toBe(422);
    expect(menu.body).toContain(
      "должен начинаться с https://, http://, / (путь на этом сайте) или mailto:</p>",
    );

    const unchosen = await postAdminForm(site, "/admin/settings", "/admin/settings/logo", cookie, {});
    expect(unchosen.statusCode).toBe(422);
    expect(unchosen.body).toContain('id="logo-error" role="alert">Выберите изображение из медиатеки.</p>');
  });

  test("the desk and the sources pages, a refused interval and a flash are in Russian", async () => {
    const desk = await page("/admin/desk");
    expect(desk.body).toContain("<h1>Редакция</h1>");
    expect(desk.body).toContain("Источников пока нет.");
    expect(desk.body).toMatch(/Новые <span class="count">/);
    expect(desk.body).not.toContain("All sources");

    const sources = await page("/admin/sources");
    expect(sources.body).toContain("Добавить источник");
    expect(sources.body).toContain("Загружать каждые (минут)");
    expect(sources.body).not.toContain("Fetch every");

    const refused = await postAdminForm(site, "/admin/sources", "/admin/sources", cookie, {
      url: "https://feeds.example.test/ledger.xml",
      name: "Вестник",
      mode: "review",
      fetch_interval_minutes: "2",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("Источник не добавлен.");
    expect(refused.body).toMatch(
      /id="source-interval-error">Интервал: должен быть целым числом минут от 5 до 1\s?440<\/p>/u,
    );

    const gone = await postAdminForm(site, "/admin/desk", "/admin/desk/stories/999999/dismiss", cookie, {
      return_to: "/admin/desk",
    });
    expect(gone.statusCode).toBe(303);
    expect((await followRedirect(site, gone, cookie)).body).toContain("Этого сюжета больше нет.");
  });
  test("the WordPress import: its refusal and its report, counts in Russian plurals", async () => {
    const upload = async (fileName: string, data: Buffer) => {
      const form = await multipartForm({}, [{ field: "file", fileName, data, type: "text/xml" }]);
      const csrf = (await page("/admin/import/wordpress")).cookies.find((c) => c.name === "_csrf");
      return site.request({
        method: "POST",
        url: "/admin/import/wordpress",
        cookie: `${cookie}; _csrf=${csrf?.value}`,
        headers: { ...form.headers, origin: "http://news.test" },
        payload: form.payload,
      });
    };
    expect((await page("/admin/import/wordpress")).body).toContain("<h1>Импорт из WordPress</h1>");
    const refused = await upload("", Buffer.alloc(0));
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("выберите файл экспорта WordPress (.xml)");

    const classic = fs.readFileSync(
      path.resolve(import.meta.dirname, "../src/migration/testdata/classic.xml"),
    );
    const started = await upload("ledger.xml", classic);
    expect(started.statusCode).toBe(303);
    const report = await vi.waitFor(
      async () => {
        const run = await page(String(started.headers.location));
        if (!run.body.includes("Импорт завершён.")) throw new Error("the import has not finished yet");
        return run;
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(report.body).toMatch(/<th scope="row">записи<\/th><td>7<\/td>/);
    expect(report.body).toMatch(/\d+ стар(ый адрес|ых адреса|ых адресов) теперь перенаправля/);
    expect(report.body).toContain("Изменено или опущено при переносе");
  });
});
