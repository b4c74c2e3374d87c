import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPasswordResetLink } from "../src/accounts/service.js";
import { SESSION_COOKIE } from "../src/infrastructure/requests.js";
import { importWordPress, importWordPressFile } from "../src/migration/service.js";
import type { WxrPost, WxrWritableRecord } from "../src/migration/wxr/types.js";
import { blankWxrItem, writeWxr } from "../src/migration/wxr/writer.js";
import { TINY_PNG } from "./support/multipart-form.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

const testdata = path.resolve(import.meta.dirname, "../src/migration/testdata");
const fixture = (name: string) => path.join(testdata, name);

async function importFixture(site: TestSite, name: string) {
  return (await importWordPressFile(site.ctx, fixture(name))).report;
}

async function countRows(site: TestSite) {
  const count = async (
    table: "articles" | "comments" | "users" | "categories" | "tags" | "media" | "redirects",
  ) =>
    Number(
      (
        await site.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    articles: await count("articles"),
    comments: await count("comments"),
    users: await count("users"),
    categories: await count("categories"),
    tags: await count("tags"),
    media: await count("media"),
    redirects: await count("redirects"),
  };
}

async function articleBySlug(site: TestSite, slug: string) {
  return site.ctx.db.selectFrom("articles").selectAll().where("slug", "=", slug).executeTakeFirst();
}

/** Each old address answers a 301 to its new one. */
async function expectPermanentRedirects(site: TestSite, cases: [string, string][]) {
  for (const [from, to] of cases) {
    const response = await site.request({ method: "GET", url: from });
    expect({ from, status: response.statusCode, location: response.headers.location }).toEqual({
      from,
      status: 301,
      location: to,
    });
  }
}

describe(`importing a classic WordPress export on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
    await site.newUser({ role: "admin" });
    const report = await importFixture(site, "classic.xml");
    expect(report.fatal).toBeNull();
  });
  afterAll(async () => site?.close());

  test("a reader finds the post at its WordPress date URL with its threaded, moderated comments", async () => {
    const page = await site.request({ method: "GET", url: "/2023/05/22/council-approves-new-budget/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Council approves new budget");
    expect(page.body).toContain("Ada Admin");
    expect(page.body).toContain("<figcaption>");
    expect(page.body).toContain("https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    // Approved comments and their replies, nested; spam, pending and trashed ones are not shown.
    expect(page.body).toMatch(/class="comment depth-1[^"]*"[\s\S]*Finally, more buses!/);
    expect(page.body).toMatch(/class="comment depth-2[^"]*"[\s\S]*Yes, from June\./);
    expect(page.body).not.toContain("Buy now");
    expect(page.body).not.toContain("Thanks &amp; see you there");
    expect(page.body).not.toContain("Deleted by a moderator");
    // The featured image stays at its original address.
    expect(page.body).toContain("https://ledger.example.com/wp-content/uploads/2023/05/council.jpg");
  });

  test("comments keep their thread, status and commenter, with the IP only as a keyed hash", async () => {
    const article = await articleBySlug(site, "council-approves-new-budget");
    const comments = await site.ctx.db
      .selectFrom("comments")
      .selectAll()
      .where("article_id", "=", article!.id)
      .orderBy("id")
      .execute();
    const byText = (text: string) => comments.find((c) => c.body_html.includes(text))!;
    const reply = byText("Yes, from June");
    const nested = byText("see you there");
    expect(reply.parent_id).toBe(byText("Finally, more buses").id);
    expect(nested.parent_id).toBe(reply.id);
    expect(nested.status).toBe("pending");
    expect(byText("Buy now").status).toBe("spam");
    expect(byText("Deleted by a moderator").status).toBe("trash");
    expect(comments.every((c) => !/\d+\.\d+\.\d+\.\d+/.test(c.ip_hash))).toBe(true);
    expect(byText("Finally, more buses").created_at).toMatch(/^2023-05-22T/);
  });

  test("old permalinks, renamed slugs and ?p= links answer with a 301 to the new address", async () => {
    const cases: [string, string][] = [
      ["/news/council-approves-new-budget/", "/2023/05/22/council-approves-new-budget/"],
      ["/news/council-approves-new-budget", "/2023/05/22/council-approves-new-budget/"],
      ["/news/council-budget-vote/", "/2023/05/22/council-approves-new-budget/"],
      ["/?p=101", "/2023/05/22/council-approves-new-budget/"],
      ["/index.php?p=101", "/2023/05/22/council-approves-new-budget/"],
      ["/?page_id=110", "/about-us/"],
      ["/?page_id=111", "/about-us/contact/"],
      ["/news/caf%c3%a9-d%c3%a9j%c3%a0-vu/", "/2023/06/06/cafe-deja-vu/"],
      ["/news/caf%C3%A9-d%C3%A9j%C3%A0-vu/", "/2023/06/06/cafe-deja-vu/"],
      ["/news/%e6%97%a5%e6%9c%ac/", "/2023/06/07/%E6%97%A5%E6%9C%AC/"],
      ["/category/news/local/", "/category/local/"],
      ["/category/%c3%a9conomie/", "/category/economie/"],
    ];
    await expectPermanentRedirects(site, cases);
    const target = await site.request({ method: "GET", url: "/2023/06/06/cafe-deja-vu/" });
    expect(target.statusCode).toBe(200);
    expect(target.body).toContain("Café déjà vu &amp; other stories…");
  });

  test("WordPress's plain links answer as WordPress would: a 301 to the address here", async () => {
    const jane = await site.ctx.db
      .selectFrom("users")
      .select("slug")
      .where("name", "=", "Jane Doe")
      .executeTakeFirstOrThrow();
    const story = "/2023/05/22/council-approves-new-budget/";
    const cases: [string, string][] = [
      ["/?feed=rss2", "/feed/"],
      ["/?feed=atom", "/feed/atom/"],
      ["/?feed=comments-rss2", "/comments/feed/"],
      ["/?cat=3", "/category/local/"],
      ["/index.php?cat=3", "/category/local/"],
      ["/?author=2", `/author/${jane.slug}/`],
      ["/?tag=budget", "/tag/budget/"],
      ["/?m=202305", "/2023/05/"],
      ["/?m=20230522", "/2023/05/22/"],
      [`${story}amp/`, story],
      [`${story}?amp=1`, story],
      [`/index.php${story}`, story],
      ["/index.php/news/council-approves-new-budget/", story],
      ["/index.php/news/council-approves-new-budget/amp/", story],
    ];
    await expectPermanentRedirects(site, cases);
    for (const [, to] of cases)
      expect((await site.request({ method: "GET", url: to })).statusCode, to).toBe(200);
  });

  test("a plain link to a draft, a private post or an id never imported is a 404, not the front page", async () => {
    for (const url of [
      "/?p=105",
      "/?p=104",
      "/?p=999999",
      "/?page_id=999",
      "/?cat=999",
      "/?author=999",
      "/?feed=nonsense",
    ]) {
      const response = await site.request({ method: "GET", url, headers: { accept: "text/html" } });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
      expect(response.body).not.toContain("Staff notes");
    }
    const tracked = await site.request({ method: "GET", url: "/?utm_source=newsletter" });
    expect(tracked.statusCode).toBe(200);
  });

  test("private, draft, scheduled and trashed posts keep their nearest status and stay off the site", async () => {
    expect((await articleBySlug(site, "staff-notes-holiday-rota"))?.status).toBe("draft");
    expect((await articleBySlug(site, "draft-bridge-repairs"))?.status).toBe("draft");
    expect((await articleBySlug(site, "election-night-live"))?.status).toBe("scheduled");
    expect((await articleBySlug(site, "old-rumour"))?.status).toBe("trashed");
    const hidden = await site.request({ method: "GET", url: "/2023/06/08/staff-notes-holiday-rota/" });
    expect(hidden.statusCode).toBe(404);
    const home = await site.request({ method: "GET", url: "/" });
    expect(home.body).not.toContain("Staff notes");
    expect(home.body).not.toContain("Election night live");
  });

  test("posts keep their flags, dates, pages and sticky status", async () => {
    const council = await articleBySlug(site, "council-approves-new-budget");
    expect(council).toMatchObject({ is_sticky: 1, comments_open: 1, is_page: 0 });
    expect(council?.published_at).toBe("2023-05-22T08:30:00.000Z");
    expect(council?.featured_media_id).not.toBeNull();
    expect(council?.body_html).not.toContain("[caption");
    expect((await articleBySlug(site, "cafe-deja-vu"))?.comments_open).toBe(0);
    expect((await articleBySlug(site, "about-us"))?.is_page).toBe(1);
  });

  test("WordPress pages open as pages at their old address, subpages under their parent", async () => {
    const about = await articleBySlug(site, "about-us");
    const contact = await articleBySlug(site, "contact");
    expect(about).toMatchObject({ is_page: 1, page_path: "about-us", parent_id: null, comments_open: 0 });
    expect(contact).toMatchObject({ is_page: 1, page_path: "about-us/contact", parent_id: about?.id });
    const page = await site.request({ method: "GET", url: "/about-us/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Founded in 1901.");
    // A page, not a story: no byline, previous/next links or closed-comments notice.
    expect(page.body).not.toContain('class="byline');
    expect(page.body).not.toContain("story-nav");
    expect(page.body).not.toContain("Comments are closed");
    const child = await site.request({ method: "GET", url: "/about-us/contact/" });
    expect(child.statusCode).toBe(200);
    expect(child.body).toContain("the desk");
    // Not a dated story any more, and not in the stories' lists.
    expect((await site.request({ method: "GET", url: "/2023/01/01/about-us/" })).statusCode).toBe(301);
    expect((await site.request({ method: "GET", url: "/feed/" })).body).not.toContain("Founded in 1901");
  });

  test("categories keep their hierarchy and WordPress slugs, and authors arrive without a password", async () => {
    const categories = await site.ctx.db
      .selectFrom("categories")
      .select(["id", "slug", "parent_id"])
      .execute();
    const bySlug = new Map(categories.map((c) => [c.slug, c]));
    expect(bySlug.get("local")?.parent_id).toBe(bySlug.get("news")?.id);
    expect(bySlug.get("economie")?.parent_id).toBe(bySlug.get("world")?.id);
    const archive = await site.request({ method: "GET", url: "/category/local/" });
    expect(archive.statusCode).toBe(200);
    expect(archive.body).toContain("Council approves new budget");
    const tag = await site.request({ method: "GET", url: "/tag/city-council/" });
    expect(tag.statusCode).toBe(200);
    const jane = await site.ctx.db
      .selectFrom("users")
      .select(["role", "password_hash"])
      .where("email", "=", "jane.doe@ledger.example.com")
      .executeTakeFirst();
    expect(jane).toEqual({ role: "author", password_hash: null });
  });

  test("importing the same file again creates no duplicates", async () => {
    const before = await countRows(site);
    const report = await importFixture(site, "classic.xml");
    expect(await countRows(site)).toEqual(before);
    expect(report.counts.posts).toEqual({ imported: 0, skipped: 7, failed: 0 });
    expect(report.counts.comments).toEqual({ imported: 0, skipped: 7, failed: 0 });
    expect(report.counts.authors.imported).toBe(0);
  });

  test("an imported author sets a password with a one-time link and signs in", async () => {
    const link = await createPasswordResetLink(site.ctx, "Jane.Doe@ledger.example.com");
    expect(link).toBeDefined();
    const url = new URL(link!.url);
    const form = await site.formSession(`${url.pathname}${url.search}`);
    const token = url.searchParams.get("token")!;
    const post = (password: string, confirm = password) =>
      site.request({
        method: "POST",
        url: "/admin/set-password",
        cookie: form.cookie,
        form: { _csrf: form.token, token, password, password_confirm: confirm },
      });
    const mismatch = await post("a long enough password", "something else entirely");
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.body).toContain("does not match");
    const done = await post("a long enough password");
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe("/admin/");
    const session = done.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(session).toBeDefined();
    const again = await site.request({ method: "GET", url: `${url.pathname}${url.search}` });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain("expired or was already used");
  });
});

describe(`other WordPress exports on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test("block editor content arrives as clean HTML without block comments", async () => {
    const report = await importFixture(site, "blocks.xml");
    expect(report.fatal).toBeNull();
    const article = await articleBySlug(site, "storm-closes-the-harbour");
    expect(article?.status).toBe("published");
    expect(article?.body_html).not.toContain("<!-- wp:");
    expect(article?.body_html).toContain("<p>");
    expect(report.warnings.some((w) => w.reason.includes("not carried over"))).toBe(true);
  });

  test("an ISO-8859-1 export keeps its accents", async () => {
    await importFixture(site, "latin1.xml");
    const article = await articleBySlug(site, "ete-a-quebec");
    expect(article?.title).toContain("Québec");
  });

  test("items with missing elements are reported with their line and the rest is imported", async () => {
    const report = await importFixture(site, "missing-elements.xml");
    expect(report.fatal).toBeNull();
    expect(report.failures.map((f) => f.line)).toEqual(expect.arrayContaining([10, 16, 21]));
    expect(report.failures.find((f) => f.line === 10)?.reason).toContain("wp:post_id");
    expect(report.counts.posts.imported).toBeGreaterThan(0);
  });
});

describe(`bad files on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test.each([
    ["not-xml.txt", /not an XML file.*line 1/],
    ["wrong-namespace.xml", /not a WordPress export.*namespace/],
  ])("%s is refused with a clear message and nothing is stored", async (name, message) => {
    const report = await importFixture(site, name);
    expect(report.fatal?.message).toMatch(message);
    expect(report.fatal?.line).toBeGreaterThan(0);
    expect((await countRows(site)).articles).toBe(0);
  });

  test("a truncated file stops at the line it ends on without a half-written post", async () => {
    const report = await importFixture(site, "truncated.xml");
    expect(report.fatal?.message).toMatch(/truncated.*line \d+/);
    expect(report.fatal?.line).toBeGreaterThan(0);
    // The file ends inside the first post's comments: neither the post nor any comment is stored.
    const counts = await countRows(site);
    expect(counts.articles).toBe(0);
    expect(counts.comments).toBe(0);
  });

  test("an unsupported WXR version is named", async () => {
    const text = fs
      .readFileSync(fixture("blocks.xml"), "utf8")
      .replace(/<wp:wxr_version>[^<]*<\/wp:wxr_version>/, "<wp:wxr_version>9.9</wp:wxr_version>");
    const report = await importWordPress(site.ctx, [text]);
    expect(report.fatal?.message).toMatch(/unsupported WXR version "9.9"/);
  });
});

function post(overrides: Partial<WxrPost> & Pick<WxrPost, "wpId" | "title" | "postName">): WxrWritableRecord {
  return {
    ...blankWxrItem(),
    postType: "post",
    link: `https://dupes.example.com/?p=${overrides.wpId}`,
    guid: `https://dupes.example.com/?p=${overrides.wpId}`,
    creatorLogin: "editor",
    contentHtml: "Plain text.",
    postDateGmt: "2024-01-02T03:04:05Z",
    postDateSource: "gmt",
    status: "publish",
    commentStatus: "open",
    ...overrides,
  };
}

async function wxrText(records: WxrWritableRecord[]): Promise<string> {
  const { PassThrough } = await import("node:stream");
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (chunk: Buffer) => chunks.push(chunk));
  await writeWxr(output, records);
  return Buffer.concat(chunks).toString("utf8");
}

const SITE_HEADER: WxrWritableRecord = {
  kind: "site",
  title: "Dupes",
  link: "https://dupes.example.com",
  description: "",
  language: "en",
  wxrVersion: "1.2",
  baseSiteUrl: "https://dupes.example.com",
  baseBlogUrl: "https://dupes.example.com",
};

describe(`hard cases on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test("a subpage before its parent in the export still finds it; a page at one of the site's own addresses moves aside", async () => {
    const page = (wpId: number, title: string, postName: string, link: string, parentId = 0) =>
      post({ wpId, title, postName, postType: "page", link, parentId, contentHtml: `${title} text.` });
    const text = await wxrText([
      SITE_HEADER,
      page(201, "Our team", "team", "https://dupes.example.com/about/team/", 200),
      page(200, "About", "about", "https://dupes.example.com/about/"),
      page(202, "Feed page", "feed", "https://dupes.example.com/feed/"),
      post({ wpId: 203, title: "About a story", postName: "about" }),
    ]);
    const report = await importWordPress(site.ctx, [text]);
    expect(report.fatal).toBeNull();
    expect((await site.request({ method: "GET", url: "/about/" })).body).toContain("About text.");
    expect((await site.request({ method: "GET", url: "/about/team/" })).body).toContain("Our team text.");
    const rows = await site.ctx.db
      .selectFrom("articles")
      .select(["id", "title", "parent_id", "page_path"])
      .where("is_page", "=", 1)
      .execute();
    const about = rows.find((r) => r.title === "About");
    expect(rows.find((r) => r.title === "Our team")).toMatchObject({
      parent_id: about?.id,
      page_path: "about/team",
    });
    // "/feed/" stays the site's feed; the page moved to a free address, where its old links lead.
    expect(rows.find((r) => r.title === "Feed page")?.page_path).toBe("feed-2");
    expect((await site.request({ method: "GET", url: "/feed/" })).headers["content-type"]).toContain("xml");
    await expectPermanentRedirects(site, [["/?page_id=202", "/feed-2/"]]);
  });

  test("block-editor video, audio, alignment and galleries reach the reader's page, with no empty paragraph left", async () => {
    const contentHtml = [
      '<!-- wp:video {"id":7} -->',
      '<figure class="wp-block-video aligncenter"><video controls src="https://dupes.example.com/wp-content/uploads/flood.mp4"></video><figcaption>The flood at dawn.</figcaption></figure>',
      "<!-- /wp:video -->",
      "<!-- wp:audio -->",
      '<figure class="wp-block-audio"><audio controls src="https://dupes.example.com/wp-content/uploads/interview.mp3"></audio></figure>',
      "<!-- /wp:audio -->",
      '<!-- wp:paragraph {"align":"center"} -->',
      '<p class="has-text-align-center">Centred words.</p>',
      "<!-- /wp:paragraph -->",
      "<!-- wp:paragraph -->",
      "<p></p>",
      "<!-- /wp:paragraph -->",
      "<!-- wp:gallery -->",
      '<figure class="wp-block-gallery has-nested-images"><figure class="wp-block-image"><img src="https://dupes.example.com/a.jpg" alt="A"/></figure><figure class="wp-block-image"><img src="https://dupes.example.com/b.jpg" alt="B"/></figure></figure>',
      "<!-- /wp:gallery -->",
      '<!-- wp:quote --><blockquote class="wp-block-quote" cite="https://example.org/speech"><p>Quoted.</p><cite>The mayor</cite></blockquote><!-- /wp:quote -->',
    ].join("\n");
    const text = await wxrText([
      SITE_HEADER,
      post({ wpId: 40, title: "Flood video", postName: "flood-video", contentHtml }),
    ]);
    const report = await importWordPress(site.ctx, [text]);
    expect(report.fatal).toBeNull();
    const page = await site.request({ method: "GET", url: "/2024/01/02/flood-video/" });
    expect(page.statusCode).toBe(200);
    const body = page.body.slice(page.body.indexOf('class="story-body'));
    expect(body).toContain(
      '<figure class="align-center"><video controls src="https://dupes.example.com/wp-content/uploads/flood.mp4"></video><figcaption>The flood at dawn.</figcaption></figure>',
    );
    expect(body).toContain(
      '<audio controls src="https://dupes.example.com/wp-content/uploads/interview.mp3"></audio>',
    );
    expect(body).toContain('<p class="text-center">Centred words.</p>');
    expect(body).toContain(
      '<figure class="gallery"><figure><img src="https://dupes.example.com/a.jpg" alt="A" loading="lazy" /></figure>',
    );
    expect(body).toContain(
      '<blockquote cite="https://example.org/speech"><p>Quoted.</p><cite>The mayor</cite></blockquote>',
    );
    expect(body).not.toMatch(/<p>\s*<\/p>/);
  });

  test("classic [gallery] shortcodes show their images, though the attachments come after the post", async () => {
    const attachment = (wpId: number, file: string, parentId: number, alt: string, caption = "") =>
      post({
        wpId,
        title: file,
        postName: file,
        postType: "attachment",
        parentId,
        attachmentUrl: `https://dupes.example.com/wp-content/uploads/${file}`,
        excerptHtml: caption,
        postmeta: { _wp_attachment_image_alt: alt },
      });
    const text = await wxrText([
      SITE_HEADER,
      post({
        wpId: 60,
        title: "Storm photos",
        postName: "storm-photos",
        contentHtml: 'Pictures:\n\n[gallery ids="52,51"]',
      }),
      post({ wpId: 61, title: "Harbour photos", postName: "harbour-photos", contentHtml: "[gallery]" }),
      attachment(51, "storm-1.jpg", 60, "Waves over the wall", "The sea wall at noon"),
      attachment(52, "storm-2.jpg", 60, "A fallen tree"),
      attachment(53, "harbour.jpg", 61, "Boats"),
      attachment(54, "notes.pdf", 61, ""),
    ]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "wxr-gallery-")), "gallery.xml");
    fs.writeFileSync(file, text);
    const { report } = await importWordPressFile(site.ctx, file);
    expect(report.fatal).toBeNull();
    expect(Object.keys(report.constructs)).not.toContain("[gallery] shortcode");

    const storm = await site.request({ method: "GET", url: "/2024/01/02/storm-photos/" });
    expect(storm.body).toContain(
      '<figure class="gallery">\n<figure><img src="https://dupes.example.com/wp-content/uploads/storm-2.jpg" alt="A fallen tree" loading="lazy" /></figure>\n' +
        '<figure><img src="https://dupes.example.com/wp-content/uploads/storm-1.jpg" alt="Waves over the wall" loading="lazy" /><figcaption>The sea wall at noon</figcaption></figure>\n</figure>',
    );
    const harbour = await site.request({ method: "GET", url: "/2024/01/02/harbour-photos/" });
    expect(harbour.body).toContain(
      '<figure class="gallery">\n<figure><img src="https://dupes.example.com/wp-content/uploads/harbour.jpg" alt="Boats" loading="lazy" /></figure>\n</figure>',
    );
    expect(harbour.body).not.toContain("notes.pdf");
  });

  test("downloaded images replace the old site's addresses in bodies, resized copies and srcset included", async () => {
    const requested: string[] = [];
    const oldSite = http.createServer((request, response) => {
      requested.push(request.url ?? "");
      response.writeHead(200, { "content-type": "image/png" }).end(TINY_PNG);
    });
    await new Promise<void>((resolve) => oldSite.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(oldSite.address() as AddressInfo).port}`;
    const uploads = `${origin}/wp-content/uploads/2024/01`;
    try {
      const text = await wxrText([
        { ...SITE_HEADER, baseSiteUrl: origin, baseBlogUrl: origin, link: origin },
        post({
          wpId: 70,
          title: "Quay at dawn",
          postName: "quay-at-dawn",
          contentHtml: `<a href="${uploads}/quay.png"><img src="${uploads}/quay-300x200.png" srcset="${uploads}/quay-300x200.png 300w, ${uploads}/quay.png 1200w" sizes="(max-width: 300px) 100vw, 300px" alt="The quay"></a>\n\nElsewhere: <img src="https://elsewhere.example.org/cat.png" alt="A cat">`,
          postmeta: { _thumbnail_id: "71" },
        }),
        post({
          wpId: 71,
          title: "quay",
          postName: "quay",
          postType: "attachment",
          parentId: 70,
          attachmentUrl: `${uploads}/quay.png`,
          postmeta: { _wp_attachment_image_alt: "The quay" },
        }),
      ]);
      const report = await importWordPress(site.ctx, [text], { fetchMedia: true });
      expect(report.fatal).toBeNull();
      expect(requested).toEqual(["/wp-content/uploads/2024/01/quay.png"]);

      const page = await site.request({ method: "GET", url: "/2024/01/02/quay-at-dawn/" });
      const body = page.body.slice(page.body.indexOf('class="story-body'));
      // The link keeps the image's own address; the image is shown in the site's variants.
      const local =
        /<a href="(\/media\/[\w/-]+\.png)"[^>]*><picture>[\s\S]*?<img src="(\/media\/[\w/.-]+\.png)" srcset="[^"]+" sizes="[^"]+" alt="The quay"/.exec(
          body,
        );
      expect(local, body.slice(0, 1500)).not.toBeNull();
      expect(body).not.toContain(origin);
      expect(body).toContain('src="https://elsewhere.example.org/cat.png"');
      const address = await site.request({ method: "GET", url: local?.[1] ?? "/" });
      expect(address.statusCode).toBe(302);
      const image = await site.request({ method: "GET", url: local?.[2] ?? "/" });
      expect(image.statusCode).toBe(200);
      expect(image.headers["content-type"]).toBe("image/png");
    } finally {
      oldSite.close();
    }
  });

  test("two posts with the same slug both arrive, each at its own address", async () => {
    const text = await wxrText([
      SITE_HEADER,
      post({
        wpId: 1,
        title: "Budget day",
        postName: "budget",
        link: "https://dupes.example.com/2024/budget/",
      }),
      post({
        wpId: 2,
        title: "Budget day, again",
        postName: "budget",
        postDateGmt: "2025-01-02T03:04:05Z",
        link: "https://dupes.example.com/2025/budget/",
      }),
    ]);
    const report = await importWordPress(site.ctx, [text]);
    expect(report.counts.posts.imported).toBe(2);
    expect(report.warnings.some((w) => w.reason.includes('stored as "budget-2"'))).toBe(true);
    const first = await site.request({ method: "GET", url: "/2024/budget/" });
    const second = await site.request({ method: "GET", url: "/2025/budget/" });
    expect(first.headers.location).toBe("/2024/01/02/budget/");
    expect(second.headers.location).toBe("/2025/01/02/budget-2/");
  });

  test("an import killed half way is completed by running it again, without duplicates", async () => {
    const records: WxrWritableRecord[] = [{ ...SITE_HEADER, baseSiteUrl: "https://resume.example.com" }];
    for (let id = 1; id <= 40; id += 1) {
      records.push(
        post({
          wpId: id,
          title: `Story ${id}`,
          postName: `resume-story-${id}`,
          comments: [
            {
              wpId: id * 10,
              authorName: "Reader",
              authorEmail: "reader@example.com",
              authorUrl: "",
              authorIp: "192.0.2.1",
              dateGmt: "2024-01-03T00:00:00Z",
              content: `First on ${id}`,
              approved: "1",
              type: "",
              parentId: 0,
              userId: 0,
            },
            {
              wpId: id * 10 + 1,
              authorName: "Replier",
              authorEmail: "",
              authorUrl: "",
              authorIp: "",
              dateGmt: "2024-01-04T00:00:00Z",
              content: `Reply on ${id}`,
              approved: "1",
              type: "",
              parentId: id * 10,
              userId: 0,
            },
          ],
        }),
      );
    }
    const bytes = Buffer.from(await wxrText(records));
    // The process dies (here: the disk read fails) part-way through the file.
    async function* killedHalfWay() {
      yield bytes.subarray(0, Math.floor(bytes.length / 2));
      throw new Error("read EIO");
    }
    const first = await importWordPress(site.ctx, killedHalfWay());
    expect(first.fatal?.message).toContain("read EIO");
    expect(first.counts.posts.imported).toBeGreaterThan(0);
    expect(first.counts.posts.imported).toBeLessThan(40);
    const second = await importWordPress(site.ctx, [bytes]);
    expect(second.fatal).toBeNull();
    expect(first.counts.posts.imported + second.counts.posts.imported).toBe(40);
    const stored = await site.ctx.db
      .selectFrom("articles")
      .select("id")
      .where("slug", "like", "resume-story-%")
      .execute();
    expect(stored).toHaveLength(40);
    const comments = await site.ctx.db
      .selectFrom("comments")
      .select(["id", "parent_id"])
      .where(
        "article_id",
        "in",
        stored.map((row) => row.id),
      )
      .execute();
    expect(comments).toHaveLength(80);
    expect(comments.filter((c) => c.parent_id !== null)).toHaveLength(40);
  });
});
