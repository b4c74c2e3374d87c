import type { InjectOptions } from "fastify";
import { parseRssFeed } from "feedsmith";
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createUser } from "../src/accounts/service.js";
import { buildApp } from "../src/app.js";
import { createArticle } from "../src/articles/service.js";
import { moderateComments } from "../src/comments/moderation.js";
import { unsubscribeToken } from "../src/comments/notifications.js";
import { submitComment } from "../src/comments/service.js";
import { getCommentById, listCommentsForModeration } from "../src/comments/store.js";
import { loadConfig } from "../src/config.js";
import { commentCounts, cookieFrom, nextIp, postComment, readerFields } from "./comments-helpers.js";
import { createTestDatabase } from "./support/database.js";
import { startFakeSmtp } from "./support/fake-smtp.js";
import { createTestSite, TEST_PASSWORD, type TestSite, type TestUser, testDialect } from "./support/site.js";

/**
 * Everything in `html` a browser would run: script elements (other than the theme's own module
 * scripts and JSON-LD), event-handler attributes, script-capable URLs, and elements that embed
 * active content. Output escaping means every literal `<` starts a real tag, so a tag we cannot
 * parse is reported too rather than skipped.
 */
function executableMarkup(html: string): string[] {
  const found: string[] = [];
  const decode = (value: string) =>
    value
      .replace(/&#x([0-9a-f]+);?/gi, (_m, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
      .replace(/&#(\d+);?/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
      .replace(/&colon;/gi, ":")
      .replace(/&tab;|&newline;/gi, "")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&");
  const tag = /<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
  const attribute = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  let parsedTags = 0;
  for (const match of html.matchAll(tag)) {
    parsedTags += 1;
    const name = match[1].toLowerCase();
    const attributes = new Map<string, string>();
    for (const a of match[2].matchAll(attribute))
      attributes.set(a[1].toLowerCase(), decode(a[2] ?? a[3] ?? a[4] ?? ""));
    if (name === "script") {
      const themeModule =
        attributes.get("type") === "module" &&
        /^\/(assets\/[0-9a-f]+|admin\/assets)\//.test(attributes.get("src") ?? "");
      const jsonLd = attributes.get("type") === "application/ld+json";
      if (!themeModule && !jsonLd) found.push(match[0]);
    }
    // The theme's decorative icons (hidden from assistive tech, never focusable) are its own markup, not input.
    const themeIcon =
      name === "svg" && attributes.get("aria-hidden") === "true" && attributes.get("focusable") === "false";
    if (["iframe", "object", "embed", "svg", "math", "base", "frame", "applet"].includes(name) && !themeIcon)
      found.push(match[0]);
    if (name === "meta" && attributes.has("http-equiv")) found.push(match[0]);
    for (const [key, value] of attributes) {
      if (key.startsWith("on")) found.push(`${name} ${key}=`);
      if (
        ["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"].includes(key) &&
        /^(javascript|vbscript|data):/i.test(value.replace(/[\s\p{Cc}]/gu, ""))
      )
        found.push(`${name} ${key}=${value}`);
    }
  }
  const tagStarts = (html.match(/<[a-zA-Z]/g) ?? []).length;
  if (tagStarts !== parsedTags) found.push(`${tagStarts - parsedTags} tag(s) that do not parse`);
  return found;
}

const XSS_CORPUS = [
  "<script>alert(1)</script>",
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  "<img src=x onerror=alert(1)>",
  "<svg onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click](&#106;avascript:alert(1))",
  "[click](java&#x09;script:alert(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  '<a href="javascript:alert(1)">x</a>',
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "&#60;script&#62;alert(1)&#60;/script&#62;",
  '" onfocus="alert(1)" autofocus="',
  "' onmouseover='alert(1)",
  "<iframe src=javascript:alert(1)>",
  "<<script>script>alert(1)<</script>/script>",
  "{{ 7 | times: 191 }}{% raw %}",
  "<!--<script>alert(1)//-->",
  "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
];

describe(`comment safety on ${testDialect}`, () => {
  let site: TestSite;
  let editor: TestUser;
  beforeAll(async () => {
    site = await createTestSite({ settings: { commentModeration: "none" } });
    editor = await site.newUser({ role: "editor", name: "Sam Safe" });
  });
  afterAll(async () => site?.close());

  test("the executable-markup check catches what it should", () => {
    expect(executableMarkup('<p>fine</p><a href="https://x.example">x</a>')).toEqual([]);
    expect(executableMarkup("<p>&lt;script&gt;</p>")).toEqual([]);
    expect(executableMarkup("<img src=x onerror=alert(1)>")).not.toEqual([]);
    expect(executableMarkup('<a href="&#106;avascript:alert(1)">x</a>')).not.toEqual([]);
    expect(executableMarkup("<script>alert(1)</script>")).not.toEqual([]);
    expect(executableMarkup("<svg/onload=alert(1)>")).not.toEqual([]);
  });

  test("an XSS corpus in every field never reaches a page, feed, form or the admin as executable markup", async () => {
    const article = await site.newArticle({ title: "Hostile input" });
    const responses: { where: string; body: string }[] = [];
    for (const [i, payload] of XSS_CORPUS.entries()) {
      const fields = readerFields(article.id, {
        name: payload.slice(0, 100),
        email: `xss${i}@example.org`,
        url: payload,
        body: `${payload}\n\n${i}`,
      });
      // A website that is not http(s) is refused: the re-rendered form is a response too.
      const first = await postComment(site, fields);
      responses.push({ where: `form re-render #${i}`, body: first.body });
      if (first.statusCode === 422) {
        const stored = await postComment(site, { ...fields, url: "" });
        expect(stored.statusCode).toBe(303);
      } else {
        expect(first.statusCode).toBe(303);
      }
      const badEmail = await postComment(site, { ...fields, email: payload, body: `${fields.body} (email)` });
      expect(badEmail.statusCode).toBe(422);
      responses.push({ where: `bad email #${i}`, body: badEmail.body });
      const inPlace = await postComment(
        site,
        { ...fields, url: "", body: `${fields.body} (json)` },
        { json: true },
      );
      responses.push({ where: `json #${i}`, body: String(inPlace.json().comment?.html ?? "") });
    }
    // Some payloads look like spam and were held: publish everything so all of it is on the page.
    const held = [
      ...(await listCommentsForModeration(
        site.ctx.db,
        { status: "pending", articleId: article.id },
        { limit: 500, offset: 0 },
      )),
      ...(await listCommentsForModeration(
        site.ctx.db,
        { status: "spam", articleId: article.id },
        { limit: 500, offset: 0 },
      )),
    ];
    if (held.length)
      await moderateComments(
        site.ctx,
        editor,
        held.map((c) => c.id),
        "approve",
      );
    expect((await commentCounts(site, article.id)).approved).toBe(XSS_CORPUS.length * 2);

    const staff = await site.sessionCookie(editor);
    for (const [where, url, cookie] of [
      ["article page", article.path, undefined],
      ["site comments feed", "/comments/feed/", undefined],
      ["article comments feed", `${article.path}feed/`, undefined],
      ["admin queue", `/admin/comments?status=approved&article=${article.id}`, staff],
    ] as const) {
      const response = await site.request({ method: "GET", url, cookie });
      expect(response.statusCode, where).toBe(200);
      responses.push({ where, body: response.body });
    }
    for (const { where, body } of responses) expect(executableMarkup(body), where).toEqual([]);
    // The Liquid in a name stays text, never evaluated.
    expect(responses.find((r) => r.where === "article page")?.body).toContain("{{ 7 | times: 191 }}");
    // In the feeds, each item's text fields and HTML, once the XML is decoded, are safe as HTML too.
    for (const feed of responses.filter((r) => r.where.includes("feed"))) {
      const items = parseRssFeed(feed.body).items ?? [];
      expect(items.length).toBeGreaterThan(0);
      for (const item of items)
        for (const part of [item.title ?? "", item.description ?? "", ...(item.dc?.creators ?? [])])
          expect(executableMarkup(part), `${feed.where}: ${part}`).toEqual([]);
    }
  });

  test("100 comments on one article render with the same number of queries as one (no N+1)", async () => {
    let queries = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        queries += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const actor = { ...editor, email: editor.email, slug: editor.slug };
    let written = 0;
    const addComments = async (articleId: number, count: number) => {
      let parent = "";
      for (let i = 0; i < count; i++) {
        written += 1;
        const result = await submitComment(
          site.ctx,
          {
            name: `Reader ${i}`,
            email: `reader${i}@example.org`,
            url: "",
            body: `Comment number ${written} on this story.`,
            articleId: String(articleId),
            parentId: i % 4 === 3 ? parent : "",
            honeypot: "",
            remember: false,
            notifyReplies: false,
          },
          { ip: nextIp(), userAgent: "test", actor },
        );
        if (result.outcome !== "accepted") throw new Error(`comment ${i} was not accepted`);
        if (i % 4 === 0) parent = String(result.commentId);
      }
    };
    const article = await site.newArticle();
    await addComments(article.id, 1);
    const original = site.ctx.db;
    const render = async () => {
      site.ctx.db = original.withPlugin(counter);
      try {
        queries = 0;
        // A query string no one asked for before: a page-cache miss, so the page is really rendered.
        const response = await site.request({ method: "GET", url: `${article.path}?fresh=${Math.random()}` });
        expect(response.statusCode).toBe(200);
        return { queries, body: response.body };
      } finally {
        site.ctx.db = original;
      }
    };
    await render(); // warm-up: first-render lookups (settings, theme) are not what is measured
    const one = await render();
    await addComments(article.id, 99);
    await render();
    const hundred = await render();
    expect((hundred.body.match(/<li id="comment-\d+"/g) ?? []).length).toBe(100);
    expect(hundred.body).toContain("100 comments");
    // The one-loop thread closes every list it opens: the markup nests as the replies do.
    const area = hundred.body.slice(
      hundred.body.indexOf('<ol class="comment-list"'),
      hundred.body.indexOf('<div id="respond"'),
    );
    expect((area.match(/<li\b/g) ?? []).length).toBe((area.match(/<\/li>/g) ?? []).length);
    expect((area.match(/<ol\b/g) ?? []).length).toBe((area.match(/<\/ol>/g) ?? []).length);
    expect((area.match(/<ol class="children">/g) ?? []).length).toBe(24);
    expect(hundred.queries).toBe(one.queries);
    expect(hundred.queries).toBeLessThanOrEqual(25);
  });
});

describe(`commenter emails stay private on ${testDialect}`, () => {
  test("no commenter email appears in any public page, feed, API response, error or log line", async () => {
    const logLines: string[] = [];
    const database = await createTestDatabase();
    const config = {
      ...loadConfig({ SITE_URL: "http://news.test", RUN_SCHEDULERS: "false" }),
      database: database.database,
      dataDir: database.dataDir,
      logLevel: "trace",
    };
    const app = await buildApp(config, {
      logger: { level: "trace", stream: { write: (line: string) => logLines.push(line) } },
    });
    await app.ready();
    try {
      const created = await createUser(app.ctx, {
        email: "desk@news.test",
        name: "Desk",
        role: "editor",
        password: TEST_PASSWORD,
      });
      if ("errors" in created) throw new Error("editor");
      const desk = created.user;
      const written = await createArticle(app.ctx, desk, {
        title: "Private matters",
        body: "Body.",
        status: "published",
      });
      if (!("article" in written)) throw new Error("article");
      const article = written.article;
      // Just enough of a TestSite for the posting helper, on this app with its captured logs.
      const site = {
        request: ({ cookie, ...options }: InjectOptions & { cookie?: string }) =>
          app.inject({ ...options, headers: { ...(options.headers ?? {}), ...(cookie ? { cookie } : {}) } }),
      } as unknown as TestSite;

      const emails = [
        "approved.secret@private.example",
        "held.secret@private.example",
        "spam.secret@private.example",
      ];
      const approvedPost = await postComment(
        site,
        readerFields(article.id, { email: emails[0], body: "Visible remark", remember: "1" }),
      );
      const approvedId = Number(
        (await listCommentsForModeration(app.ctx.db, { status: "pending" }, { limit: 10, offset: 0 }))[0].id,
      );
      await moderateComments(app.ctx, desk, [approvedId], "approve");
      const heldPost = await postComment(
        site,
        readerFields(article.id, { email: emails[1], body: "Held remark" }),
      );
      await postComment(
        site,
        readerFields(article.id, { email: emails[2], body: "Spam remark", homepage: "x" }),
      );
      const reply = await postComment(
        site,
        readerFields(article.id, { email: emails[0], body: "Reply in place", parent_id: String(approvedId) }),
        { json: true },
      );
      expect(reply.statusCode).toBe(201);
      const rateLimited: string[] = [];
      const ip = nextIp();
      for (let i = 0; i < 6; i++) {
        const r = await postComment(
          site,
          readerFields(article.id, { email: emails[1], body: `flood ${i}` }),
          { ip, json: true },
        );
        rateLimited.push(r.body);
      }
      const heldCookie = cookieFrom(heldPost, "bs_comment_held");
      // Remembered details are the reader's browser's business: the page never carries them.
      const rememberedCookie = `bs_commenter=${encodeURIComponent(
        approvedPost.cookies.find((c) => c.name === "bs_commenter")?.value ?? "",
      )}`;

      const publicResponses: { url: string; body: string }[] = [
        { url: "POST /comments (approved)", body: approvedPost.body },
        { url: "POST /comments (json reply)", body: reply.body },
        { url: "POST /comments (rate limited)", body: rateLimited.join("\n") },
      ];
      for (const [url, cookie] of [
        ["/", undefined],
        [article.path, undefined],
        [article.path, heldCookie],
        [article.path, rememberedCookie],
        [`${article.path}feed/`, undefined],
        ["/comments/feed/", undefined],
        ["/feed/", undefined],
        ["/api/articles", undefined],
        [`/api/articles/${article.slug}`, undefined],
        ["/no-such-page/", undefined],
        ["/comments/unsubscribe?comment=1&token=nope", undefined],
      ] as const) {
        const response = await site.request({ method: "GET", url, cookie });
        publicResponses.push({ url, body: response.body });
      }
      expect(publicResponses.find((r) => r.url === article.path)?.body).toContain("Visible remark");
      for (const { url, body } of publicResponses)
        for (const email of emails) expect(body.includes(email), `${email} in ${url}`).toBe(false);
      for (const line of logLines)
        for (const email of emails) expect(line.includes(email), `${email} in a log line`).toBe(false);
      expect(logLines.length).toBeGreaterThan(0);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});

describe(`comment notifications on ${testDialect}`, () => {
  test("the author hears of new comments; a commenter hears of replies only if they asked, and can stop", async () => {
    const smtp = await startFakeSmtp();
    const site = await createTestSite({
      config: { smtpUrl: `smtp://127.0.0.1:${smtp.port}` },
      settings: { commentNotifyAuthors: true },
    });
    try {
      const author = await site.newUser({
        role: "author",
        name: "Ann Author",
        email: "ann.author@news.test",
      });
      const editor = await site.newUser({ role: "editor" });
      const article = await site.newArticle({ author, title: "Notify me" });
      const form = await site.request({ method: "GET", url: article.path });
      expect(form.body).toContain("Email me when someone replies to my comment.");

      await postComment(
        site,
        readerFields(article.id, {
          email: "asker@example.org",
          name: "Asker",
          body: "Question?",
          notify_replies: "1",
        }),
      );
      await postComment(
        site,
        readerFields(article.id, { email: "quiet@example.org", name: "Quiet", body: "No emails please" }),
      );
      const pending = await listCommentsForModeration(
        site.ctx.db,
        { status: "pending", articleId: article.id },
        { limit: 10, offset: 0 },
      );
      const asker = pending.find((c) => c.name === "Asker")!;
      const quiet = pending.find((c) => c.name === "Quiet")!;
      await moderateComments(site.ctx, editor, [asker.id, quiet.id], "approve");
      await vi.waitFor(
        () => expect(smtp.messages.filter((m) => m.to.includes(author.email)).length).toBe(2),
        { timeout: 10_000 },
      );

      const staff = await site.sessionCookie(editor);
      await postComment(
        site,
        readerFields(article.id, { parent_id: String(asker.id), body: "Answer for Asker" }),
        { cookie: staff },
      );
      await postComment(
        site,
        readerFields(article.id, { parent_id: String(quiet.id), body: "Answer for Quiet" }),
        { cookie: staff },
      );
      await vi.waitFor(
        () => expect(smtp.messages.filter((m) => m.to.includes("asker@example.org")).length).toBe(1),
        { timeout: 10_000 },
      );
      await vi.waitFor(
        () => expect(smtp.messages.filter((m) => m.to.includes(author.email)).length).toBe(4),
        { timeout: 10_000 },
      );
      expect(smtp.messages.some((m) => m.to.includes("quiet@example.org"))).toBe(false);

      const toAsker = smtp.messages.find((m) => m.to.includes("asker@example.org"))!;
      expect(toAsker.data).toContain("replied to your comment");
      expect(toAsker.data).toContain("Answer for Asker");
      const token = unsubscribeToken(site.ctx.secret, asker.id);
      expect(toAsker.data.replace(/=\r\n/g, "")).toContain(
        `/comments/unsubscribe?comment=${asker.id}&token=${token}`,
      );

      const wrong = await site.request({
        method: "GET",
        url: `/comments/unsubscribe?comment=${asker.id}&token=${"0".repeat(32)}`,
      });
      expect(wrong.statusCode).toBe(400);
      expect((await getCommentById(site.ctx.db, asker.id))?.notify_replies).toBe(1);
      const stopped = await site.request({
        method: "GET",
        url: `/comments/unsubscribe?comment=${asker.id}&token=${token}`,
      });
      expect(stopped.statusCode).toBe(200);
      expect(stopped.body).toContain("no more emails about replies");
      expect((await getCommentById(site.ctx.db, asker.id))?.notify_replies).toBe(0);
    } finally {
      await site.close();
      await smtp.close();
    }
  });
});
