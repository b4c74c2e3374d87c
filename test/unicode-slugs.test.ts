import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { importWordPressFile } from "../src/migration/service.js";
import { articleApi, createTestSite, type TestSite, testDialect } from "./support/site.js";

const CYRILLIC_WXR = path.resolve(import.meta.dirname, "../src/migration/testdata/cyrillic.xml");

const TITLE = "Путин и Макрон поговорили по телефону";
const SLUG = "путин-и-макрон-поговорили-по-телефону";
/** How a browser sends the address, and how WordPress wrote it in its links. */
const upper = (text: string) => encodeURIComponent(text);
const lower = (text: string) => upper(text).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());

describe(`slugs in any script on ${testDialect}`, () => {
  let site: TestSite;
  let api: ReturnType<typeof articleApi>;
  let adminToken: string;

  beforeAll(async () => {
    site = await createTestSite({ now: "2026-12-04T12:00:00.000Z" });
    adminToken = await site.newApiToken();
    api = articleApi(site, adminToken);
  });
  afterAll(async () => site?.close());

  const get = (url: string) => site.request({ method: "GET", url });
  const setSlugStyle = (slug_style: string) =>
    site.request({
      method: "PATCH",
      url: "/api/admin/settings",
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { slug_style },
    });

  test("a Cyrillic title keeps its letters in the slug, percent-encoded in the address", async () => {
    const created = await api.create({ title: TITLE, body: "Текст.", status: "published", tags: ["Россия"] });
    expect(created.statusCode).toBe(201);
    const article = created.json();
    expect(article.slug).toBe(SLUG);
    expect(article.url).toBe(`http://news.test/2026/12/04/${upper(SLUG)}/`);

    for (const encode of [upper, lower]) {
      const page = await get(`/2026/12/04/${encode(SLUG)}/`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`<h1`);
      expect(page.body).toContain(TITLE);
    }
    const tag = await get(`/tag/${upper("россия")}/`);
    expect(tag.statusCode).toBe(200);
    expect(tag.body).toContain(TITLE);
    expect((await get(`/api/articles/${upper(SLUG)}`)).json().title).toBe(TITLE);
  });

  test("a renamed Cyrillic slug leaves a redirect from the old address, in either escape case", async () => {
    const created = (await api.create({ title: "Выборы в Киеве", body: "x", status: "published" })).json();
    expect(created.slug).toBe("выборы-в-киеве");
    const renamed = await api.patch(created.id, { slug: "выборы-в-киеве-итоги" });
    expect(renamed.statusCode).toBe(200);
    for (const encode of [upper, lower]) {
      const old = await get(`/2026/12/04/${encode("выборы-в-киеве")}/`);
      expect(old.statusCode).toBe(301);
      expect(old.headers.location).toBe(`/2026/12/04/${upper("выборы-в-киеве-итоги")}/`);
    }
    expect((await get(`/2026/12/04/${upper("выборы-в-киеве-итоги")}/`)).statusCode).toBe(200);
  });

  test("a slug an editor types in another script is kept; one with capitals or spaces is refused", async () => {
    const created = await api.create({ title: "x", slug: "東京-ニュース", body: "x", status: "published" });
    expect(created.json().slug).toBe("東京-ニュース");
    const refused = await api.create({ title: "x", slug: "Москва Сити", body: "x" });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().fields.slug).toMatch(/lower-case letters/);
  });

  test("a title of emoji or punctuation alone gets story-<id>, never an empty or shared slug", async () => {
    const first = (await api.create({ title: "🔥🔥🔥", body: "x", status: "published" })).json();
    const second = (await api.create({ title: "?!…", body: "x", status: "published" })).json();
    expect(first.slug).toBe(`story-${first.id}`);
    expect(second.slug).toBe(`story-${second.id}`);
    expect((await get(`/2026/12/04/story-${first.id}/`)).statusCode).toBe(200);
  });

  test("an override in a title is refused; right-to-left marks are kept out of the slug", async () => {
    const refused = await api.create({ title: "report\u202Efdp.exe", body: "x", status: "published" });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().fields.title).toMatch(/text-direction control characters/);
    const arabic = (
      await api.create({ title: "\u200Fأخبار اليوم 2026", body: "x", status: "published" })
    ).json();
    expect(arabic.slug).toBe("أخبار-اليوم-2026");
    expect((await get(`/2026/12/04/${upper(arabic.slug)}/`)).statusCode).toBe(200);
  });

  test("the ASCII style transliterates new slugs and leaves existing ones as they are", async () => {
    expect((await setSlugStyle("ascii")).statusCode).toBe(200);
    try {
      const created = (
        await api.create({ title: TITLE, body: "x", status: "published", tags: ["Украина"] })
      ).json();
      expect(created.slug).toBe("putin-i-makron-pogovorili-po-telefonu");
      expect((await get("/tag/ukraina/")).statusCode).toBe(200);
      const first = await get(`/api/articles/${upper(SLUG)}`);
      expect(first.statusCode).toBe(200);
      expect((await setSlugStyle("klingon")).json().fields.slug_style).toMatch(/unicode, ascii/);
    } finally {
      await setSlugStyle("unicode");
    }
  });

  test("sitemaps and feeds carry the percent-encoded address", async () => {
    const sitemap = await get("/sitemap.xml");
    const posts = sitemap.body.match(/<loc>([^<]+)<\/loc>/g)?.map((loc) => loc.slice(5, -6)) ?? [];
    const children = await Promise.all(posts.map((loc) => get(new URL(loc).pathname)));
    const all = [sitemap.body, ...children.map((c) => c.body)].join("\n");
    expect(all).toContain(`http://news.test/2026/12/04/${upper(SLUG)}/`);
    expect(all).not.toContain(SLUG);
    const rss = await get("/feed/");
    expect(rss.body).toContain(`<link>http://news.test/2026/12/04/${upper(SLUG)}/</link>`);
    const json = (await get("/feed/json/")).json();
    expect(json.items.map((item: { url: string }) => item.url)).toContain(
      `http://news.test/2026/12/04/${upper(SLUG)}/`,
    );
  });
});

describe(`a Cyrillic WordPress import on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
    const { report } = await importWordPressFile(site.ctx, CYRILLIC_WXR);
    expect(report.fatal).toBeNull();
  });
  afterAll(async () => site?.close());

  const get = (url: string) => site.request({ method: "GET", url });

  test("the post answers 200 at its old WordPress address, not a redirect to post-N", async () => {
    for (const encode of [lower, upper]) {
      const page = await get(`/2023/05/22/${encode(SLUG)}/`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(TITLE);
    }
    const stored = await site.ctx.db.selectFrom("articles").select("slug").executeTakeFirstOrThrow();
    expect(stored.slug).toBe(SLUG);
  });

  test("its tag and category keep their Cyrillic addresses", async () => {
    for (const [kind, slug] of [
      ["tag", "россия"],
      ["category", "политика"],
    ]) {
      const page = await get(`/${kind}/${lower(slug)}/`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(TITLE);
    }
  });

  test("the former slug redirects to the post", async () => {
    const old = await get(`/2023/05/22/${lower("путин-и-макрон")}/`);
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe(`/2023/05/22/${upper(SLUG)}/`);
  });
});
