import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { publishDueArticles } from "../src/articles/service.js";
import { mediaJobsSettled } from "../src/media/service.js";
import { followRedirect as follow, postAdminForm } from "./support/admin-forms.js";
import { multipartForm, TINY_PNG } from "./support/multipart-form.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

/** What a browser sends with a form posted from one of the site's own pages. */
const SAME_SITE = { origin: "http://news.test" };

function mediaFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, "media");
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.\w+$/.test(f));
}

describe(`the article editor on ${testDialect}`, () => {
  let site: TestSite;
  let admin: TestUser;
  let adminCookie: string;

  beforeAll(async () => {
    site = await createTestSite({ settings: { timezone: "Europe/London" } });
    admin = await site.newUser({ role: "admin", name: "Ada Admin" });
    adminCookie = await site.sessionCookie(admin);
  });
  afterAll(async () => site?.close());

  /** Opens an editor page as `cookie` and posts the form with `fields` (and files) to it. */
  async function postEditor(
    pagePath: string,
    cookie: string,
    fields: Record<string, string | string[]>,
    files: Parameters<typeof multipartForm>[1] = [],
  ) {
    const page = await site.request({ method: "GET", url: pagePath, cookie });
    expect(page.statusCode).toBe(200);
    // The form posts back to its own page, and no CSRF token is ever in a URL.
    expect(page.body).toContain(`action="${pagePath}" enctype="multipart/form-data"`);
    expect(page.body).not.toMatch(/_csrf=/);
    const form = await multipartForm(fields, files);
    return site.request({
      method: "POST",
      url: pagePath,
      cookie,
      headers: { ...form.headers, ...SAME_SITE },
      payload: form.payload,
    });
  }

  test("an admin writes, previews and publishes a story with a category, a tag, an image and a source link", async () => {
    const story = {
      title: "Storm closes the harbour",
      slug: "",
      excerpt: "Ferries stay in port as gales hit the coast.",
      body: "The **harbour** closed at dawn.\n\n<script>alert(1)</script>",
      categories: "Weather",
      tags: "Storms",
      published_at: "",
      featured_alt: "Waves over the harbour wall",
      comments_open: "on",
      source_url: ["https://outlet.example/storm", "", ""],
      source_name: ["Coast Gazette", "", ""],
    };
    const preview = await postEditor("/admin/articles/new", adminCookie, { ...story, action: "preview" });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain("<strong>harbour</strong>");
    expect(preview.body).not.toContain("<script>alert(1)</script>");
    expect(preview.body).toContain('value="Storm closes the harbour"');
    expect(preview.body).toContain("The **harbour** closed at dawn.");
    expect(preview.body).not.toContain('aria-invalid="true"');
    expect(preview.body).not.toContain('class="field-error"');

    const published = await postEditor("/admin/articles/new", adminCookie, { ...story, action: "publish" }, [
      { field: "featured_image", fileName: "harbour.png", data: TINY_PNG, type: "image/png" },
    ]);
    expect(published.statusCode).toBe(303);
    const editPath = published.headers.location as string;
    expect(editPath).toMatch(/^\/admin\/articles\/\d+\/edit$/);

    const editPage = await follow(site, published, adminCookie);
    expect(editPage.body).toContain("Published. It is live on the site.");
    const permalink = /href="(\/2026\/05\/22\/storm-closes-the-harbour\/)">View on site/.exec(editPage.body);
    expect(permalink).not.toBeNull();

    const page = await site.request({ method: "GET", url: permalink![1] });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Storm closes the harbour");
    expect(page.body).toContain("<strong>harbour</strong>");
    expect(page.body).toContain('alt="Waves over the harbour wall"');
    expect(page.body).toMatch(/<img src="\/media\/2026\/05\/[\w-]+\.[0-9a-f]{12}\.w1\.png"/);
    expect(page.body).toMatch(
      /<a [^>]*href="https:\/\/outlet.example\/storm"[^>]*rel="noopener"[^>]*>Source link/,
    );
    expect(page.body).toContain("Coast Gazette");
    expect(page.body).toContain('href="/category/weather/">Weather</a>');
    expect(page.body).toContain('href="/tag/storms/"');
    expect(page.body).not.toContain("<script>alert(1)</script>");
    const image = /<img src="(\/media\/[^"]+)"/.exec(page.body)![1];
    const served = await site.request({ method: "GET", url: image });
    expect(served.statusCode).toBe(200);
    expect(served.headers["content-type"]).toBe("image/png");
  });

  test("a rejected editor form keeps everything that was typed, with a message next to each field", async () => {
    const response = await postEditor("/admin/articles/new", adminCookie, {
      title: "",
      slug: "Not A Slug",
      excerpt: "An excerpt to keep",
      body: "A body worth keeping.",
      categories: "Politics, World",
      tags: "Elections",
      published_at: "2026-13-45T99:00",
      featured_alt: "",
      source_url: ["not a url", "https://ok.example/a"],
      source_name: ["Somebody", ""],
      action: "publish",
    });
    expect(response.statusCode).toBe(422);
    const html = response.body;
    expect(html).toContain('aria-invalid="true" aria-describedby="title-error"');
    expect(html).toContain('id="title-error">Title is required');
    expect(html).toContain("Slug may contain only lower-case letters");
    expect(html).toContain('value="Not A Slug"');
    expect(html).toContain("An excerpt to keep");
    expect(html).toContain("A body worth keeping.");
    expect(html).toContain('value="Politics, World"');
    expect(html).toContain('value="Elections"');
    expect(html).toContain('value="2026-13-45T99:00"');
    expect(html).toContain("Publication time must be a date and time");
    expect(html).toContain('value="not a url"');
    expect(html).toContain('id="source_url_1-error">URL must be an http(s) URL');
    expect(html).toContain('value="https://ok.example/a"');
    expect(html).toContain('id="source_name_2-error">Outlet name must be 1 to 200 characters');
    expect(html).not.toContain("source_url_2-error");
    expect(html).not.toContain("source_url_3-error");
    expect(html).not.toContain('id="excerpt-error"');
  });

  test("a non-image upload is refused with a field error and nothing is stored", async () => {
    // Variants of the images uploaded above are made after their answers: let them land first.
    await mediaJobsSettled();
    const before = mediaFiles(site.config.dataDir);
    const response = await postEditor(
      "/admin/articles/new",
      adminCookie,
      { title: "With a fake image", body: "Text", action: "save_draft" },
      [
        {
          field: "featured_image",
          fileName: "photo.png",
          data: Buffer.from("just some text\n"),
          type: "image/png",
        },
      ],
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain(
      'id="featured_image-error">Image this file is not an image: only JPEG, PNG, GIF, WebP and AVIF images can be uploaded',
    );
    expect(response.body).toContain('value="With a fake image"');
    expect(mediaFiles(site.config.dataDir)).toEqual(before);
    const list = await site.request({ method: "GET", url: "/admin/articles?q=fake", cookie: adminCookie });
    expect(list.body).not.toContain("With a fake image");
  });

  test("an editor POST without the CSRF token is refused and saves nothing", async () => {
    const form = await multipartForm({ title: "Forged story", body: "x", action: "publish" });
    const response = await site.request({
      method: "POST",
      url: "/admin/articles/new",
      cookie: adminCookie,
      headers: form.headers,
      payload: form.payload,
    });
    expect(response.statusCode).toBe(403);
    const crossSite = await site.request({
      method: "POST",
      url: "/admin/articles/new",
      cookie: adminCookie,
      headers: { ...form.headers, origin: "https://evil.example" },
      payload: form.payload,
    });
    expect(crossSite.statusCode).toBe(403);
    const list = await site.request({ method: "GET", url: "/admin/articles?q=Forged", cookie: adminCookie });
    expect(list.body).toContain("No articles here");
  });

  test("a contributor only submits drafts: no publish button, a forged publish is refused, others' stories are closed", async () => {
    const contributor = await site.newUser({ role: "contributor" });
    const cookie = await site.sessionCookie(contributor);
    const page = await site.request({ method: "GET", url: "/admin/articles/new", cookie });
    expect(page.body).toContain(">Submit for review</button>");
    expect(page.body).not.toContain('value="publish"');

    const forged = await postEditor("/admin/articles/new", cookie, {
      title: "Contributor scoop",
      body: "Breaking",
      action: "publish",
    });
    expect(forged.statusCode).toBe(422);
    expect(forged.body).toContain("You may save drafts and submit them for review");
    expect(forged.body).toContain('value="Contributor scoop"');

    const submitted = await postEditor("/admin/articles/new", cookie, {
      title: "Contributor scoop",
      body: "Breaking",
      action: "save_draft",
    });
    expect(submitted.statusCode).toBe(303);
    const own = await follow(site, submitted, cookie);
    expect(own.body).toContain("Draft created.");
    expect(own.body).toContain('<span class="status status-draft">draft</span>');
    const forgedUpdate = await postEditor(submitted.headers.location as string, cookie, {
      title: "Contributor scoop",
      body: "Breaking",
      action: "publish",
    });
    expect(forgedUpdate.statusCode).toBe(422);
    const id = Number(/\/(\d+)\/edit/.exec(submitted.headers.location as string)![1]);
    expect(
      (await site.ctx.db.selectFrom("articles").select("status").where("id", "=", id).executeTakeFirst())
        ?.status,
    ).toBe("draft");

    const others = await site.newArticle({ title: "Someone else's draft", status: "draft" });
    expect(
      (await site.request({ method: "GET", url: `/admin/articles/${others.id}/edit`, cookie })).statusCode,
    ).toBe(403);
    const list = await site.request({ method: "GET", url: "/admin/articles", cookie });
    expect(list.body).toContain("Contributor scoop");
    expect(list.body).not.toContain("Someone else&#39;s draft");
  });

  test("an author publishes their own story; an editor edits anyone's", async () => {
    const author = await site.newUser({ role: "author" });
    const authorCookie = await site.sessionCookie(author);
    const created = await postEditor("/admin/articles/new", authorCookie, {
      title: "Author's own piece",
      body: "Words",
      action: "publish",
    });
    expect(created.statusCode).toBe(303);
    const id = Number(/\/(\d+)\/edit/.exec(created.headers.location as string)![1]);

    const editor = await site.newUser({ role: "editor" });
    const editorCookie = await site.sessionCookie(editor);
    const edited = await postEditor(`/admin/articles/${id}/edit`, editorCookie, {
      title: "Author's own piece, edited",
      body: "Better words",
      action: "update",
    });
    expect(edited.statusCode).toBe(303);
    const page = await site.request({ method: "GET", url: "/2026/05/22/authors-own-piece/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Author&#39;s own piece, edited");
    expect(page.body).toContain(author.name);

    const otherAuthor = await site.newUser({ role: "author" });
    const otherCookie = await site.sessionCookie(otherAuthor);
    expect(
      (await site.request({ method: "GET", url: `/admin/articles/${id}/edit`, cookie: otherCookie }))
        .statusCode,
    ).toBe(403);
  });

  test("a story scheduled for later is hidden from readers until its time comes", async () => {
    const scheduled = await postEditor("/admin/articles/new", adminCookie, {
      title: "Tomorrow's budget",
      body: "Numbers",
      // 09:00 in London on 23 May is 08:00 UTC (summer time).
      published_at: "2026-05-23T09:00",
      action: "publish",
    });
    expect(scheduled.statusCode).toBe(303);
    const edit = await follow(site, scheduled, adminCookie);
    expect(edit.body).toContain("Scheduled for Sat 23 May 2026, 09:00 (Europe/London).");
    expect(edit.body).toContain('value="2026-05-23T09:00"');
    const id = Number(/\/(\d+)\/edit/.exec(scheduled.headers.location as string)![1]);
    const row = await site.ctx.db
      .selectFrom("articles")
      .select(["status", "published_at"])
      .where("id", "=", id)
      .executeTakeFirst();
    expect(row?.status).toBe("scheduled");
    expect(new Date(row!.published_at!).toISOString()).toBe("2026-05-23T08:00:00.000Z");

    const permalink = "/2026/05/23/tomorrows-budget/";
    expect((await site.request({ method: "GET", url: permalink })).statusCode).toBe(404);
    site.clock.advance(23 * 3_600_000);
    await publishDueArticles(site.ctx);
    const live = await site.request({ method: "GET", url: permalink });
    expect(live.statusCode).toBe(200);
    expect(live.body).toContain("Tomorrow&#39;s budget");
  });

  test("the article list filters by status, author and title, 20 a page, with trash and restore", async () => {
    const editor = await site.newUser({ role: "editor", name: "Lister" });
    const cookie = await site.sessionCookie(editor);
    for (let i = 1; i <= 21; i++)
      await site.newArticle({ title: `Market report ${i}`, author: editor, categories: ["Markets"] });
    await site.newArticle({ title: "Draft about fish", author: editor, status: "draft" });

    const first = await site.request({
      method: "GET",
      url: `/admin/articles?q=market&author=${editor.id}`,
      cookie,
    });
    expect(first.body.match(/class="row-title"/g)?.length).toBe(20);
    expect(first.body).toContain("Page 1 of 2 · 21 articles");
    const next = /href="([^"]+)" rel="next"/.exec(first.body)![1].replace(/&amp;/g, "&");
    expect(next).toBe(`/admin/articles?author=${editor.id}&q=market&page=2`);
    const second = await site.request({ method: "GET", url: next, cookie });
    expect(second.body.match(/class="row-title"/g)?.length).toBe(1);

    const drafts = await site.request({
      method: "GET",
      url: `/admin/articles?status=draft&author=${editor.id}`,
      cookie,
    });
    expect(drafts.body).toContain("Draft about fish");
    expect(drafts.body).not.toContain("Market report");
    expect(drafts.body).toMatch(/aria-current="page">Drafts <span class="count">\(\d+\)/);

    const listed = await site.request({
      method: "GET",
      url: "/admin/articles?q=Market%20report%2021",
      cookie,
    });
    const id = /href="\/admin\/articles\/(\d+)\/edit" class="row-title">Market report 21</.exec(
      listed.body,
    )![1];
    const trashed = await postAdminForm(site, "/admin/articles", `/admin/articles/${id}/trash`, cookie, {
      return_to: "/admin/articles?q=Market",
    });
    expect(trashed.headers.location).toBe("/admin/articles?q=Market");
    expect((await follow(site, trashed, cookie)).body).toContain(
      "“Market report 21” was moved to the trash.",
    );
    expect((await site.request({ method: "GET", url: "/2026/05/22/market-report-21/" })).statusCode).toBe(
      404,
    );
    const trash = await site.request({ method: "GET", url: "/admin/articles?status=trashed", cookie });
    expect(trash.body).toContain("Market report 21");
    expect(trash.body).toContain(`action="/admin/articles/${id}/delete"`);

    await postAdminForm(site, "/admin/articles", `/admin/articles/${id}/restore`, cookie, {});
    const restored = await site.request({ method: "GET", url: `/admin/articles/${id}/edit`, cookie });
    expect(restored.body).toContain('<span class="status status-draft">draft</span>');

    await postAdminForm(site, "/admin/articles", `/admin/articles/${id}/trash`, cookie, {});
    const deleted = await postAdminForm(site, "/admin/articles", `/admin/articles/${id}/delete`, cookie, {});
    expect((await follow(site, deleted, cookie)).body).toContain("was deleted permanently");
    expect(
      (await site.request({ method: "GET", url: `/admin/articles/${id}/edit`, cookie })).statusCode,
    ).toBe(404);
  });

  test("the live preview endpoint returns sanitised HTML", async () => {
    const form = await site.formSession("/admin/articles/new", adminCookie);
    const response = await site.request({
      method: "POST",
      url: "/admin/articles/preview",
      cookie: form.cookie,
      headers: { accept: "application/json", "x-csrf-token": form.token },
      payload: { body: "# Heading\n\n[link](javascript:alert(1)) <img src=x onerror=alert(1)>" },
    });
    expect(response.statusCode).toBe(200);
    const { html } = response.json() as { html: string };
    expect(html).toContain("Heading");
    expect(html).not.toContain('href="javascript:');
    expect(html).not.toContain("onerror");
    const noToken = await site.request({
      method: "POST",
      url: "/admin/articles/preview",
      cookie: form.cookie,
      headers: { accept: "application/json" },
      payload: { body: "x" },
    });
    expect(noToken.statusCode).toBe(403);
  });
});
