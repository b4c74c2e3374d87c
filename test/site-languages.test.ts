import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { postComment, readerFields } from "./comments-helpers.js";
import { createTestSite, TEST_PASSWORD, type TestSite, testDialect } from "./support/site.js";

/** What a reader sees or hears: text outside tags, and the labels screen readers speak. */
function visibleWords(html: string): string[] {
  const page = html.replace(/<script[\s\S]*?<\/script>/g, " ").replace(/<style[\s\S]*?<\/style>/g, " ");
  const body = page.slice(page.indexOf("<body"));
  const spoken = [...body.matchAll(/\b(?:aria-label|placeholder|title|alt)="([^"]*)"/g)].map((m) => m[1]);
  const text = body.replace(/<[^>]*>/g, " ").replace(/&[#a-z0-9]+;/g, " ");
  return [...spoken, text].flatMap((t) => t.match(/\p{L}+/gu) ?? []);
}

/** Latin words on a page; names that are Latin in every language are allowed. */
function englishWords(html: string, allowed: string[]): string[] {
  return visibleWords(html).filter((word) => /^[A-Za-z]+$/.test(word) && !allowed.includes(word));
}

/** What every public page of a site in the language gets: its pages, in its own words. */
async function publicPages(site: TestSite, words: { story: string; query: string }) {
  const editor = await site.newUser({ role: "editor", name: words.story.split(" ")[0] });
  const article = await site.newArticle({
    author: editor,
    title: words.story,
    body: `${words.story}. ${words.query}.`,
    categories: [words.query],
    tags: [words.query],
    sources: [{ url: "https://wire.example/1", name: words.query }],
    published_at: "2026-12-04T09:00:00Z",
  });
  const comment = await postComment(site, readerFields(article.id, { name: words.query, body: words.story }));
  expect(comment.statusCode).toBeLessThan(400);
  const get = async (url: string, cookie?: string) =>
    (await site.request({ method: "GET", url, cookie })).body;
  return {
    article,
    pages: {
      front: await get("/"),
      story: await get(
        new URL(article.url).pathname,
        comment.headers["set-cookie"]?.toString().split(";")[0],
      ),
      search: await get(`/search?q=${encodeURIComponent(words.query)}`),
      nothingFound: await get(`/search?q=${encodeURIComponent(`${words.query}zzz`)}`),
      tag: await get(article.tags[0] ? `/tag/${encodeURIComponent(article.tags[0].slug)}/` : "/"),
      notFound: await get("/no-such-page/"),
    },
  };
}

describe(`a Russian site on ${testDialect}`, () => {
  let site: TestSite;
  let pages: Record<string, string>;
  let articleId: number;
  beforeAll(async () => {
    site = await createTestSite({
      now: "2026-12-04T12:00:00.000Z",
      settings: {
        title: "Вечерние новости",
        tagline: "Новости дня",
        language: "ru",
        timezone: "Europe/Moscow",
      },
    });
    const published = await publicPages(site, {
      story: "Путин и Макрон поговорили по телефону",
      query: "Телефон",
    });
    pages = published.pages;
    articleId = published.article.id;
  });
  afterAll(async () => site?.close());

  test("pages say they are Russian and date the masthead in Russian", () => {
    expect(pages.front).toContain('<html lang="ru" dir="ltr">');
    expect(pages.front).toContain("пт, 4 декабря 2026 г.");
    expect(pages.story).toContain('<meta property="og:locale" content="ru_RU">');
    expect(pages.story).toContain('"inLanguage":"ru"');
  });

  test("the story, its comment form and the search speak Russian", () => {
    expect(pages.story).toContain("Добавить комментарий");
    expect(pages.story).toContain("Ваш адрес email не будет опубликован.");
    // A first comment waits for moderation: only its writer sees it, with the notice.
    expect(pages.story).toContain("0 комментариев");
    expect(pages.story).toContain("Ваш комментарий ожидает проверки.");
    expect(pages.search).toContain("Найден 1 материал");
    expect(pages.nothingFound).toContain("ничего не найдено");
  });

  test("no English is left on the public pages", () => {
    for (const [name, html] of Object.entries(pages)) {
      expect({
        name,
        english: englishWords(html, ["RSS", "Email", "email", "HTML", "https", "example", "com"]),
      }).toEqual({
        name,
        english: [],
      });
    }
  });

  test("a Cyrillic query in any case, or its beginning, finds the Cyrillic story", async () => {
    for (const q of ["ТЕЛЕФОНУ", "телефону", "Макрон", "МАКР*", "поговорили макрон"]) {
      const page = await site.request({ method: "GET", url: `/search?q=${encodeURIComponent(q)}` });
      expect({ q, found: page.body.includes("Найден 1 материал") }).toEqual({ q, found: true });
    }
    const nothing = await site.request({ method: "GET", url: `/search?q=${encodeURIComponent("Меркель")}` });
    expect(nothing.body).toContain("ничего не найдено");
  });

  test("a comment sent back says why in Russian, with the page and with the script", async () => {
    const fields = readerFields(articleId, { email: "не-адрес", name: "" });
    const page = await postComment(site, fields);
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain("Комментарий не отправлен. Исправьте отмеченное ниже.");
    expect(page.body).toContain("Поле «Имя» обязательно.");
    expect(page.body).toContain("В поле «Email» нужен действующий адрес электронной почты");
    const answer = (await postComment(site, fields, { json: true })).json();
    expect(answer.error).toBe("Комментарий не отправлен. Исправьте отмеченное ниже.");
    expect(answer.messages.name).toBe("Поле «Имя» обязательно.");
    // Programs still read the problem in the API's words.
    expect(answer.fields.name).toBe("is required");
  });

  test("comment feeds are titled in Russian", async () => {
    const feed = (await site.request({ method: "GET", url: "/comments/feed/" })).body;
    expect(feed).toContain("<title>Комментарии на сайте Вечерние новости</title>");
  });

  test("the RSS feed declares the language", async () => {
    expect((await site.request({ method: "GET", url: "/feed/" })).body).toContain("<language>ru</language>");
  });
});

describe(`an Arabic site on ${testDialect}`, () => {
  let site: TestSite;
  let pages: Record<string, string>;
  beforeAll(async () => {
    site = await createTestSite({
      now: "2026-12-04T12:00:00.000Z",
      settings: { title: "أخبار المساء", tagline: "أخبار اليوم", language: "ar", timezone: "Asia/Riyadh" },
    });
    ({ pages } = await publicPages(site, { story: "الرئيسان تحدثا عبر الهاتف", query: "الهاتف" }));
  });
  afterAll(async () => site?.close());

  test("pages are right to left, dated in Arabic, with no English left", () => {
    expect(pages.front).toContain('<html lang="ar" dir="rtl">');
    expect(pages.front).toContain("الجمعة، 4 ديسمبر 2026");
    expect(pages.story).toContain("اترك تعليقًا");
    for (const [name, html] of Object.entries(pages)) {
      expect({ name, english: englishWords(html, ["RSS", "HTML", "https", "example", "com"]) }).toEqual({
        name,
        english: [],
      });
    }
  });
});

describe(`setting up a site in Russian on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite({ now: "2026-12-04T12:00:00.000Z" });
  });
  afterAll(async () => site?.close());

  test("setup offers the languages by their own names and the site speaks the one chosen", async () => {
    const form = await site.formSession("/admin/setup");
    const page = await site.request({ method: "GET", url: "/admin/setup" });
    expect(page.body).toContain('<option value="ru" lang="ru" >Русский</option>');
    const fields = {
      _csrf: form.token,
      site_title: "Вечерние новости",
      name: "Иван Петров",
      email: "ivan@news.test",
      timezone: "Europe/Moscow",
      password: TEST_PASSWORD,
      password_confirm: TEST_PASSWORD,
    };
    const refused = await site.request({
      method: "POST",
      url: "/admin/setup",
      cookie: form.cookie,
      form: { ...fields, language: "tlh" },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("Language must be one of en, ru, uk, fr, de, es, ar");
    const done = await site.request({
      method: "POST",
      url: "/admin/setup",
      cookie: form.cookie,
      form: { ...fields, language: "ru" },
    });
    expect(done.statusCode).toBe(303);
    const front = (await site.request({ method: "GET", url: "/" })).body;
    expect(front).toContain('<html lang="ru" dir="ltr">');
    expect(front).toContain("пт, 4 декабря 2026 г.");
    expect(front).toContain("Поиск по сайту");
    const author = await site.ctx.db.selectFrom("users").select("slug").executeTakeFirstOrThrow();
    expect(author.slug).toBe("иван-петров");
  });
});
