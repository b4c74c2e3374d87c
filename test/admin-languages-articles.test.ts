import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { multipartForm } from "./support/multipart-form.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

/** What a browser sends with a form posted from one of the site's own pages. */
const SAME_SITE = { origin: "http://news.test" };

describe(`the newsroom's article screens speak the staff member's language on ${testDialect}`, () => {
  let site: TestSite;
  let editor: TestUser;
  let cookie: string;
  beforeAll(async () => {
    site = await createTestSite();
    editor = await site.newUser({ role: "editor", name: "Ольга Редактор" });
    cookie = await site.sessionCookie(editor);
    const chosen = await postAdminForm(site, "/admin/profile", "/admin/profile", cookie, {
      name: editor.name,
      bio: "",
      language: "ru",
    });
    expect(chosen.statusCode).toBe(303);
  });
  afterAll(async () => site?.close());

  const page = (url: string) => site.request({ method: "GET", url, cookie });

  test("the article list: tabs, statuses and the empty search in Russian", async () => {
    await site.newArticle({ title: "Шторм закрыл гавань", status: "draft" });
    const list = await page("/admin/articles");
    expect(list.body).toContain('<html lang="ru" dir="ltr">');
    expect(list.body).toContain("Написать материал");
    expect(list.body).toContain("Черновики <span");
    expect(list.body).toContain(">черновик</span>");
    expect(list.body).not.toContain("Write a story");
    const empty = await page("/admin/articles?q=%D0%BD%D0%B8%D1%87%D0%B5%D0%B3%D0%BE");
    expect(empty.body).toContain("Здесь нет статей с «ничего» в заголовке.");
  });

  test("the editor refuses a bad slug in Russian, keeps the text, and its script speaks Russian", async () => {
    const form = await page("/admin/articles/new");
    expect(form.body).toContain("Новый материал");
    expect(form.body).toContain(">Сохранить черновик</button>");
    // The script's sentences come with the page, in the page's language.
    expect(form.body).toContain("Есть несохранённые изменения");
    const fields = await multipartForm(
      { title: "Гавань закрыта", slug: "Bad Slug", body: "Текст", action: "save_draft" },
      [],
    );
    const refused = await site.request({
      method: "POST",
      url: "/admin/articles/new",
      cookie,
      headers: { ...fields.headers, ...SAME_SITE },
      payload: fields.payload,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("Материал не сохранён. Исправьте отмеченные ниже поля.");
    expect(refused.body).toContain(
      'id="slug-error">Слаг: может содержать только строчные буквы (любого алфавита), цифры и одиночные дефисы (не больше 200 символов)',
    );
    expect(refused.body).toContain('value="Гавань закрыта"');
  });

  test("saving a draft says so in Russian", async () => {
    const fields = await multipartForm({ title: "Паромы стоят", body: "Текст", action: "save_draft" }, []);
    const created = await site.request({
      method: "POST",
      url: "/admin/articles/new",
      cookie,
      headers: { ...fields.headers, ...SAME_SITE },
      payload: fields.payload,
    });
    expect(created.statusCode).toBe(303);
    const editorPage = await followRedirect(site, created, cookie);
    expect(editorPage.body).toContain("Черновик создан.");
    expect(editorPage.body).toContain("Редактирование материала");
  });

  test("categories: a translated field error, then a flash, in Russian", async () => {
    const refused = await postAdminForm(site, "/admin/categories", "/admin/categories", cookie, {
      name: "Гавань",
      slug: "",
      description: "",
      parent_id: "",
      nav_position: "первая",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(
      'id="nav_position-error">Позиция в навигации: должна быть целым числом от 0 до 999 или пустой',
    );
    const created = await postAdminForm(site, "/admin/categories", "/admin/categories", cookie, {
      name: "Гавань",
      slug: "",
      description: "",
      parent_id: "",
      nav_position: "",
    });
    expect(created.statusCode).toBe(303);
    expect((await followRedirect(site, created, cookie)).body).toContain("Рубрика «Гавань» создана.");
  });

  test("the front page and a story's revisions are in Russian, plurals included", async () => {
    const front = await page("/admin/front-page");
    expect(front.body).toContain("Сохранить главную");
    expect(front.body).toContain(">Главная новость 1</span>");
    const story = await site.newArticle({ title: "Ветер стих", status: "draft" });
    const revisions = await page(`/admin/articles/${story.id}/revisions`);
    expect(revisions.body).toContain("Редакции «Ветер стих»");
    expect(revisions.body).toContain("Вернуться в редактор");
  });

  test("a correction refused on a draft says why in Russian", async () => {
    const draft = await site.newArticle({ title: "Черновик о гавани", status: "draft" });
    const refused = await postAdminForm(
      site,
      `/admin/articles/${draft.id}/edit`,
      `/admin/articles/${draft.id}/corrections`,
      cookie,
      { text: "Исправлена дата." },
    );
    expect(refused.statusCode).toBe(303);
    const editor = await followRedirect(site, refused, cookie);
    expect(editor.body).toContain("исправления принимает только опубликованный материал");
    expect(editor.body).not.toContain("only a published story takes corrections");
  });
});
