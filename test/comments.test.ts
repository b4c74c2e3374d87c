import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getArticle } from "../src/articles/service.js";
import * as articlesStore from "../src/articles/store.js";
import { moderateComments } from "../src/comments/moderation.js";
import { getCommentById } from "../src/comments/store.js";
import { keyedHash } from "../src/lib/keyed-hash.js";
import {
  commentCounts,
  cookieFrom,
  nextIp,
  postComment,
  readerFields,
  SITE_ORIGIN,
} from "./comments-helpers.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`reader comments on ${testDialect}`, () => {
  let site: TestSite;
  let editor: TestUser;
  beforeAll(async () => {
    site = await createTestSite();
    editor = await site.newUser({ role: "editor", name: "Erin Editor" });
  });
  afterAll(async () => site?.close());

  const approve = async (id: number) => {
    const result = await moderateComments(site.ctx, editor, [id], "approve");
    expect(result).toEqual({ changed: 1 });
  };
  const idFrom = (location: string | undefined) => Number(/#comment-(\d+)$/.exec(location ?? "")?.[1]);
  const articlePage = (path: string, cookie?: string) => site.request({ method: "GET", url: path, cookie });

  test("the article shows Leave a Reply with the privacy notice, a label for every field and a hidden honeypot", async () => {
    const article = await site.newArticle();
    const page = await articlePage(article.path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Leave a Reply");
    expect(page.body).toContain("Your email address will not be published.");
    for (const id of ["comment-field-body", "comment-field-name", "comment-field-email", "comment-field-url"])
      expect(page.body).toMatch(new RegExp(`<label for="${id}">[\\s\\S]*?id="${id}"`));
    expect(page.body).toMatch(
      /class="comment-form-hp" aria-hidden="true"[\s\S]*?name="homepage"[^>]*tabindex="-1"/,
    );
    expect(page.body).toContain(`name="article_id" value="${article.id}"`);
    expect(page.body).toMatch(/<link rel="stylesheet" href="\/assets\/[0-9a-f]+\/comments\.css">/);
    expect(page.body).toMatch(/<script type="module" src="\/assets\/[0-9a-f]+\/comments\.js"><\/script>/);
  });

  test("a first-time reader's comment is held: they see the moderation notice, nobody else sees the comment", async () => {
    const article = await site.newArticle();
    const ip = nextIp();
    const fields = readerFields(article.id, { name: "Fiona First", body: "First time here, great piece." });
    const posted = await postComment(site, fields, {
      ip,
      headers: { "user-agent": `Mozilla/5.0 ${"x".repeat(400)}` },
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe(`${article.path}#comment-held`);
    const held = posted.cookies.find((c) => c.name === "bs_comment_held");
    expect(held?.httpOnly).toBe(true);
    expect(held?.maxAge).toBe(600);

    const mine = await articlePage(article.path, cookieFrom(posted, "bs_comment_held"));
    expect(mine.body).toContain("Your comment is awaiting moderation.");
    expect(mine.body).toContain("First time here, great piece.");
    const others = await articlePage(article.path);
    expect(others.body).not.toContain("awaiting moderation");
    expect(others.body).not.toContain("First time here");

    const queue = await site.request({
      method: "GET",
      url: "/api/admin/comments?status=pending",
      headers: { authorization: `Bearer ${await site.newApiToken()}` },
    });
    const stored = queue.json().comments.find((c: { name: string }) => c.name === "Fiona First");
    expect(stored.moderation_reasons).toEqual(["first-time commenter"]);
    const row = await getCommentById(site.ctx.db, stored.id);
    expect(row?.ip_hash).toBe(keyedHash(site.ctx.secret, ip));
    expect(row?.ip_hash).not.toContain(ip);
    expect(row?.user_agent.length).toBe(200);
  });

  test.each([
    ["a space before '='", (pair: string) => pair.replace("=", " =")],
    ["a tab before '='", (pair: string) => pair.replace("=", "\t=")],
    ["other cookies around it", (pair: string) => `theme=dark;${pair} ; x=1`],
  ])("a held comment never reaches other readers through the page cache, with %s", async (_label, spell) => {
    const article = await site.newArticle();
    const posted = await postComment(site, readerFields(article.id, { body: "Spam for everyone to see." }));
    const cookie = spell(cookieFrom(posted, "bs_comment_held"));
    for (let visit = 0; visit < 3; visit++) {
      const mine = await articlePage(article.path, cookie);
      expect(mine.body).toContain("Spam for everyone to see.");
      expect(mine.headers["cache-control"]).toBe("private, no-store");
    }
    for (let visit = 0; visit < 3; visit++)
      expect((await articlePage(article.path)).body).not.toContain("Spam for everyone to see.");
  });

  test("a forged or expired notice cookie shows nothing", async () => {
    const article = await site.newArticle();
    const forged = encodeURIComponent(JSON.stringify({ a: article.id, c: [1, 2, 3] }));
    const page = await articlePage(article.path, `bs_comment_held=${forged}.bogus-signature`);
    expect(page.body).not.toContain("awaiting moderation");
  });

  test("once approved, a reader's reply appears at once, threaded under its parent, oldest first", async () => {
    const article = await site.newArticle();
    const email = "regular@example.org";
    const first = await postComment(
      site,
      readerFields(article.id, { email, name: "Rita Regular", body: "Opening thoughts." }),
    );
    const parentId = Number(
      (
        await site.request({
          method: "GET",
          url: "/api/admin/comments?status=pending",
          headers: { authorization: `Bearer ${await site.newApiToken()}` },
        })
      )
        .json()
        .comments.find((c: { body: string }) => c.body === "Opening thoughts.").id,
    );
    expect(first.statusCode).toBe(303);
    await approve(parentId);

    const other = await postComment(
      site,
      readerFields(article.id, { email, name: "Rita Regular", body: "A second, later top-level comment." }),
    );
    expect(other.statusCode).toBe(303);
    const reply = await postComment(
      site,
      readerFields(article.id, {
        email,
        name: "Rita Regular",
        body: "Replying to myself.",
        parent_id: String(parentId),
      }),
    );
    expect(reply.statusCode).toBe(303);
    const replyId = idFrom(reply.headers.location);
    expect(reply.headers.location).toBe(`${article.path}#comment-${replyId}`);

    const page = await articlePage(article.path);
    const thread = new RegExp(
      `id="comment-${parentId}"[\\s\\S]*Opening thoughts\\.[\\s\\S]*<ol class="children">[\\s\\S]*id="comment-${replyId}"[\\s\\S]*Replying to myself\\.[\\s\\S]*</ol>[\\s\\S]*A second, later top-level comment\\.`,
    );
    expect(page.body).toMatch(thread);
    expect(page.body).toContain("3 comments");
    expect(page.body).toContain(`href="${article.path}#comment-${replyId}"`);
    expect(page.body).toContain(`href="${article.path}?replytocom=${replyId}#respond"`);

    const detail = await getArticle(site.ctx, article.id);
    expect(detail?.comment_count).toBe(3);
  });

  test("?replytocom= sets up the form as a reply without JavaScript, with a Cancel reply link", async () => {
    const article = await site.newArticle();
    const posted = await postComment(site, readerFields(article.id, { name: "Paula Parent" }), {
      cookie: await site.sessionCookie(editor),
    });
    const parentId = idFrom(posted.headers.location);
    const page = await articlePage(`${article.path}?replytocom=${parentId}`);
    expect(page.body).toContain("Reply to Erin Editor");
    expect(page.body).toContain(`name="parent_id" value="${parentId}"`);
    expect(page.body).toMatch(/class="cancel-reply" data-cancel-reply>Cancel reply/);
  });

  test("signed-in staff comment as their account and are approved at once, with an Author badge on their own story", async () => {
    const article = await site.newArticle({ author: editor });
    const posted = await postComment(
      site,
      { article_id: String(article.id), parent_id: "", body: "Editor's note: updated." },
      {
        cookie: await site.sessionCookie(editor),
      },
    );
    expect(posted.statusCode).toBe(303);
    const id = idFrom(posted.headers.location);
    const row = await getCommentById(site.ctx.db, id);
    expect(row).toMatchObject({
      status: "approved",
      name: "Erin Editor",
      email: editor.email,
      user_id: editor.id,
    });
    const page = await articlePage(article.path);
    expect(page.body).toMatch(/Erin Editor<\/a><\/span> <span class="comment-badge">Author<\/span>/);
  });

  test("a rejected comment keeps everything the reader typed and says which field is wrong", async () => {
    const article = await site.newArticle();
    const before = await commentCounts(site);
    const response = await postComment(
      site,
      readerFields(article.id, {
        name: "Kept Name",
        email: "not-an-email",
        url: "javascript:alert(1)",
        body: "My long and carefully written comment\nwith two lines.",
        remember: "1",
      }),
      // Details remembered from an earlier visit never replace what the reader just typed.
      {
        cookie: `bs_commenter=${encodeURIComponent(JSON.stringify({ name: "Old Name", email: "old@example.org", url: "" }))}`,
      },
    );
    expect(response.statusCode).toBe(422);
    expect(response.headers["cache-control"]).toBe("private, no-store");
    expect(response.body).not.toContain("Old Name");
    expect(response.body).not.toContain("old@example.org");
    expect(response.body).toContain('value="Kept Name"');
    expect(response.body).toContain('value="not-an-email"');
    expect(response.body).toContain('value="javascript:alert(1)"');
    expect(response.body).toContain("My long and carefully written comment\nwith two lines.</textarea>");
    expect(response.body).toMatch(/id="comment-field-remember"[^>]*checked/);
    expect(response.body).toContain("Email must be a valid email address");
    expect(response.body).toContain("Website must be a web address starting with http:// or https://");
    expect(response.body).toMatch(/id="comment-field-email"[^>]*aria-invalid="true"/);
    expect(response.body).not.toMatch(/href="javascript:/);
    expect(await commentCounts(site)).toEqual(before);
  });

  const badInputs: [string, Record<string, string>, number, string][] = [
    ["a missing name", { name: "" }, 422, "Name is required."],
    ["a name of 101 characters", { name: "n".repeat(101) }, 422, "Name must be at most 100 characters."],
    ["a missing email", { email: "" }, 422, "Email is required."],
    ["an invalid email", { email: "ada@@example" }, 422, "Email must be a valid email address"],
    [
      "an email of 255 characters",
      { email: `${"e".repeat(243)}@example.org` },
      422,
      "Email must be at most 254 characters.",
    ],
    [
      "a javascript: website",
      { url: "javascript:alert(document.cookie)" },
      422,
      "Website must be a web address",
    ],
    ["an invalid website", { url: "http://" }, 422, "Website must be a web address"],
    [
      "a website of 201 characters",
      { url: `https://example.org/${"u".repeat(181)}` },
      422,
      "Website must be at most 200 characters.",
    ],
    ["a missing comment", { body: "   " }, 422, "Comment is required."],
    [
      "a comment of 10,001 characters",
      { body: "c".repeat(10_001) },
      422,
      "Comment must be at most 10,000 characters",
    ],
    [
      "control characters in the name",
      { name: "Bell\u0007Ringer" },
      422,
      "Name contains control characters.",
    ],
    [
      "control characters in the comment",
      { body: "null\u0000byte" },
      422,
      "Comment contains control characters.",
    ],
    [
      "a parent that is not a number",
      { parent_id: "abc" },
      422,
      "The comment you are replying to is not on this story.",
    ],
    [
      "a parent that does not exist",
      { parent_id: "999999" },
      422,
      "The comment you are replying to is not on this story.",
    ],
  ];
  test.each(badInputs)(
    "%s is refused with a clear message and nothing is stored",
    async (_what, change, status, message) => {
      const article = await site.newArticle();
      const before = await commentCounts(site);
      const response = await postComment(site, readerFields(article.id, change));
      expect(response.statusCode).toBe(status);
      expect(response.body).toContain(message);
      expect(await commentCounts(site)).toEqual(before);
    },
  );

  test("bytes that are not UTF-8 are refused by field, raw or %-encoded", async () => {
    const article = await site.newArticle();
    const before = await commentCounts(site);
    const encoded = await postComment(
      site,
      {},
      {
        rawBody: `article_id=${article.id}&name=Ada&email=ada%40example.org&body=caf%E9%FF`,
      },
    );
    expect(encoded.statusCode).toBe(422);
    expect(encoded.body).toContain("Comment contains characters that are not valid UTF-8.");
    const raw = await postComment(
      site,
      {},
      {
        rawBody: Buffer.concat([
          Buffer.from(`article_id=${article.id}&email=ada%40example.org&body=fine&name=`),
          Buffer.from([0xc3, 0x28, 0xff]),
        ]),
      },
    );
    expect(raw.statusCode).toBe(422);
    expect(raw.body).toContain("Name contains characters that are not valid UTF-8.");
    expect(await commentCounts(site)).toEqual(before);
  });

  test("comments on a missing, unpublished or closed article are refused", async () => {
    const before = await commentCounts(site);
    const missing = await postComment(site, readerFields(999_999));
    expect(missing.statusCode).toBe(404);
    const noId = await postComment(site, readerFields(0, { article_id: "" }), { json: true });
    expect(noId.statusCode).toBe(400);
    const draft = await site.newArticle({ status: "draft" });
    expect((await postComment(site, readerFields(draft.id))).statusCode).toBe(404);
    const scheduled = await site.newArticle({ status: "scheduled", published_at: "2030-01-01T00:00:00Z" });
    expect((await postComment(site, readerFields(scheduled.id))).statusCode).toBe(404);

    const closed = await site.newArticle({ comments_open: false });
    const closedPage = await articlePage(closed.path);
    expect(closedPage.body).toContain("Comments are closed.");
    expect(closedPage.body).not.toContain('action="/comments"');
    const onClosed = await postComment(site, readerFields(closed.id, { body: "Let me in anyway" }));
    expect(onClosed.statusCode).toBe(403);
    expect(onClosed.body).toContain("Comments are closed on this story.");
    expect(onClosed.body).toContain("Let me in anyway</textarea>");
    expect(await commentCounts(site)).toEqual(before);
  });

  test("comments close automatically on articles older than the configured number of days", async () => {
    const article = await site.newArticle({ published_at: "2026-04-01T09:00:00Z" });
    await site.ctx.settings.update({ commentCloseAfterDays: 30 });
    try {
      const page = await articlePage(article.path);
      expect(page.body).toContain("Comments are closed.");
      expect((await postComment(site, readerFields(article.id))).statusCode).toBe(403);
      await site.ctx.settings.update({ commentCloseAfterDays: 60 });
      expect((await postComment(site, readerFields(article.id))).statusCode).toBe(303);
    } finally {
      await site.ctx.settings.update({ commentCloseAfterDays: 0 });
    }
  });

  test("a reply must be to an approved comment of the same story, and no deeper than the limit", async () => {
    const staff = await site.sessionCookie(editor);
    const article = await site.newArticle();
    const elsewhere = await site.newArticle();
    const foreign = idFrom(
      (await postComment(site, readerFields(elsewhere.id), { cookie: staff })).headers.location,
    );
    const fromOtherStory = await postComment(site, readerFields(article.id, { parent_id: String(foreign) }));
    expect(fromOtherStory.statusCode).toBe(422);
    expect(fromOtherStory.body).toContain("The comment you are replying to is not on this story.");

    await postComment(site, readerFields(article.id, { body: "held parent", email: "newbie@example.org" }));
    const heldParent = (
      await site.request({
        method: "GET",
        url: "/api/admin/comments?status=pending",
        headers: { authorization: `Bearer ${await site.newApiToken()}` },
      })
    )
      .json()
      .comments.find((c: { body: string }) => c.body === "held parent");
    const toHeld = await postComment(site, readerFields(article.id, { parent_id: String(heldParent.id) }));
    expect(toHeld.statusCode).toBe(422);
    expect(toHeld.body).toContain("The comment you are replying to is not published yet.");

    await site.ctx.settings.update({ commentMaxDepth: 2 });
    try {
      const top = idFrom(
        (await postComment(site, readerFields(article.id), { cookie: staff })).headers.location,
      );
      const second = await postComment(site, readerFields(article.id, { parent_id: String(top) }), {
        cookie: staff,
      });
      expect(second.statusCode).toBe(303);
      const third = await postComment(
        site,
        readerFields(article.id, { parent_id: String(idFrom(second.headers.location)) }),
        { cookie: staff },
      );
      expect(third.statusCode).toBe(422);
      expect(third.body).toContain("Replies nest at most 2 levels: reply to an earlier comment.");
      const page = await articlePage(article.path);
      expect(page.body).toContain(`data-reply-to="${top}"`);
      expect(page.body).not.toContain(`data-reply-to="${idFrom(second.headers.location)}"`);
    } finally {
      await site.ctx.settings.update({ commentMaxDepth: 5 });
    }
  });

  test("a cross-site post is refused by its Origin; a same-site Referer is accepted when Origin is absent", async () => {
    const article = await site.newArticle();
    const before = await commentCounts(site);
    const evil = await postComment(site, readerFields(article.id), { origin: "https://evil.example" });
    expect(evil.statusCode).toBe(403);
    const none = await postComment(site, readerFields(article.id), { origin: null });
    expect(none.statusCode).toBe(403);
    const nullOrigin = await postComment(site, readerFields(article.id), { origin: "null" });
    expect(nullOrigin.statusCode).toBe(403);
    const lookalike = await postComment(site, readerFields(article.id), {
      origin: "http://news.test.evil.example",
    });
    expect(lookalike.statusCode).toBe(403);
    expect(await commentCounts(site)).toEqual(before);
    const referred = await postComment(site, readerFields(article.id), {
      origin: null,
      headers: { referer: `${SITE_ORIGIN}${article.path}` },
    });
    expect(referred.statusCode).toBe(303);
    const byHost = await postComment(site, readerFields(article.id), { origin: "http://localhost:80" });
    expect(byHost.statusCode).toBe(303);
  });

  test("an oversized request is refused before it is read", async () => {
    const article = await site.newArticle();
    const before = await commentCounts(site);
    const response = await postComment(site, readerFields(article.id, { body: "x".repeat(100_000) }));
    expect(response.statusCode).toBe(413);
    expect(await commentCounts(site)).toEqual(before);
  });

  test("a flood from one address gets 429 with Retry-After, the text handed back, and nothing more stored", async () => {
    const article = await site.newArticle();
    const ip = nextIp();
    for (let i = 0; i < 5; i++) {
      const ok = await postComment(site, readerFields(article.id), { ip });
      expect(ok.statusCode).toBe(303);
    }
    const before = await commentCounts(site);
    const limited = await postComment(site, readerFields(article.id, { body: "The sixth, too soon." }), {
      ip,
    });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.body).toContain("You are sending comments too quickly.");
    expect(limited.body).toContain("The sixth, too soon.</textarea>");
    const limitedJson = await postComment(site, readerFields(article.id), { ip, json: true });
    expect(limitedJson.statusCode).toBe(429);
    expect(limitedJson.json().error).toContain("too quickly");
    expect(await commentCounts(site)).toEqual(before);
    const otherReader = await postComment(site, readerFields(article.id));
    expect(otherReader.statusCode).toBe(303);
  });

  test("the fourth comment from one address within ten minutes is held as a flood", async () => {
    const article = await site.newArticle();
    await site.ctx.settings.update({ commentModeration: "none" });
    try {
      const ip = nextIp();
      for (let i = 0; i < 3; i++)
        expect((await postComment(site, readerFields(article.id), { ip })).headers.location).toMatch(
          /#comment-\d+$/,
        );
      const fourth = await postComment(site, readerFields(article.id), { ip });
      expect(fourth.headers.location).toBe(`${article.path}#comment-held`);
      site.clock.advance(11 * 60_000);
      const later = await postComment(site, readerFields(article.id), { ip });
      expect(later.headers.location).toMatch(/#comment-\d+$/);
    } finally {
      await site.ctx.settings.update({ commentModeration: "first-time" });
    }
  });

  test("the same comment twice is refused as a duplicate", async () => {
    const article = await site.newArticle();
    const fields = readerFields(article.id, { body: "Say it once." });
    expect((await postComment(site, fields)).statusCode).toBe(303);
    const before = await commentCounts(site);
    const again = await postComment(site, fields);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain("it looks as though you have already said that");
    expect(again.body).toContain("Say it once.</textarea>");
    expect(await commentCounts(site)).toEqual(before);
  });

  test("a bot that fills the honeypot is told its comment awaits moderation, and it lands in spam with the reason", async () => {
    const article = await site.newArticle();
    const response = await postComment(
      site,
      readerFields(article.id, { homepage: "http://bot.example", body: "Bot text here" }),
    );
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${article.path}#comment-held`);
    const spam = await site.request({
      method: "GET",
      url: `/api/admin/comments?status=spam&article_id=${article.id}`,
      headers: { authorization: `Bearer ${await site.newApiToken()}` },
    });
    expect(spam.json().comments[0]).toMatchObject({ body: "Bot text here", status: "spam" });
    expect(spam.json().comments[0].moderation_reasons).toContain("honeypot filled");
    const page = await articlePage(article.path, cookieFrom(response, "bs_comment_held"));
    expect(page.body).not.toContain("Bot text here");
  });

  describe("moderation policy", () => {
    const statusOf = async (response: { headers: { location?: string } }, articleId: number) => {
      const id = idFrom(response.headers.location);
      if (id) return (await getCommentById(site.ctx.db, id))?.status;
      const token = await site.newApiToken();
      for (const status of ["pending", "spam"]) {
        const list = await site.request({
          method: "GET",
          url: `/api/admin/comments?status=${status}&article_id=${articleId}`,
          headers: { authorization: `Bearer ${token}` },
        });
        if (list.json().comments.length) return status;
      }
      return undefined;
    };

    test.each<[string, Record<string, unknown>, Record<string, string>, string, string | null]>([
      [
        "every comment is held when moderation is 'all'",
        { commentModeration: "all" },
        {},
        "pending",
        "every comment is held (site setting)",
      ],
      ["nothing is held when moderation is 'none'", { commentModeration: "none" }, {}, "approved", null],
      [
        "more than two links are held",
        { commentModeration: "none" },
        { body: "[a](https://a.example) [b](https://b.example) https://c.example" },
        "pending",
        "3 links (more than 2)",
      ],
      [
        "a moderation keyword is held",
        { commentModeration: "none", commentModerationKeywords: ["casino"] },
        { body: "Try the Casino royale" },
        "pending",
        'keyword "casino"',
      ],
      [
        "a disallowed keyword is spam",
        { commentModeration: "none", commentDisallowedKeywords: ["pills"] },
        { url: "https://cheap-pills.example" },
        "spam",
        'disallowed keyword "pills"',
      ],
      [
        "a disallowed IP is spam",
        { commentModeration: "none", commentDisallowedKeywords: ["192.0.2.99"] },
        {},
        "spam",
        'disallowed keyword "192.0.2.99"',
      ],
    ])("%s", async (_what, settings, fields, expected, reason) => {
      const article = await site.newArticle();
      await site.ctx.settings.update(settings);
      try {
        const response = await postComment(site, readerFields(article.id, fields), {
          ip: fields.url ? undefined : "192.0.2.99",
        });
        expect(response.statusCode).toBe(303);
        expect(await statusOf(response, article.id)).toBe(expected);
        if (reason) {
          const list = await site.request({
            method: "GET",
            url: `/api/admin/comments?status=${expected}&article_id=${article.id}`,
            headers: { authorization: `Bearer ${await site.newApiToken()}` },
          });
          expect(list.json().comments[0].moderation_reasons).toContain(reason);
        }
      } finally {
        await site.ctx.settings.update({
          commentModeration: "first-time",
          commentModerationKeywords: [],
          commentDisallowedKeywords: [],
        });
      }
    });
  });

  test("Markdown is rendered, raw HTML shows as text, and links carry rel=ugc nofollow noopener", async () => {
    const article = await site.newArticle();
    const posted = await postComment(
      site,
      readerFields(article.id, {
        url: "https://reader.example/blog",
        body: "*really* **good** `code` [my post](https://reader.example/post)\n\n> quoted\n\n<b>not bold</b>",
      }),
      { cookie: await site.sessionCookie(editor) },
    );
    const page = await articlePage(article.path);
    const id = idFrom(posted.headers.location);
    const html = page.body.slice(page.body.indexOf(`id="comment-${id}"`));
    expect(html).toContain("<em>really</em> <strong>good</strong> <code>code</code>");
    expect(html).toContain('<a href="https://reader.example/post" rel="ugc nofollow noopener">my post</a>');
    expect(html).toContain("<blockquote>");
    expect(html).toContain("&lt;b&gt;not bold&lt;/b&gt;");
  });

  test("a reader's website links their name with rel=ugc nofollow noopener", async () => {
    await site.ctx.settings.update({ commentModeration: "none" });
    try {
      const article = await site.newArticle();
      await postComment(site, readerFields(article.id, { name: "Webby", url: "webby.example/home" }));
      const page = await articlePage(article.path);
      expect(page.body).toContain(
        '<a href="https://webby.example/home" rel="ugc nofollow noopener">Webby</a>',
      );
    } finally {
      await site.ctx.settings.update({ commentModeration: "first-time" });
    }
  });

  /** The raw (percent-encoded) value of a cookie as the browser stores and sends it. */
  const rawCookieValue = (response: { headers: Record<string, unknown> }, name: string) => {
    const header = response.headers["set-cookie"];
    const lines = (Array.isArray(header) ? header : [header]).map(String);
    const line = lines.find((l) => l.startsWith(`${name}=`));
    if (!line) throw new Error(`expected the response to set cookie ${name}`);
    return line.slice(name.length + 1, line.indexOf(";"));
  };

  test("a reader who asks to be remembered gets a cookie only their browser reads, and can clear it", async () => {
    const article = await site.newArticle();
    const details = { name: "Remy Remembered", email: "remy@example.org", url: "https://remy.example" };
    const posted = await postComment(site, readerFields(article.id, { ...details, remember: "1" }));
    expect(posted.statusCode).toBe(303);
    const remembered = posted.cookies.find((c) => c.name === "bs_commenter");
    // Readable by the page's script (comments.js), sent only on same-site navigation.
    expect(remembered?.httpOnly ?? false).toBe(false);
    expect(remembered?.sameSite).toBe("Lax");
    expect(remembered?.secure ?? false).toBe(false);
    expect(remembered?.path).toBe("/");
    expect(remembered?.maxAge).toBe(365 * 86_400);
    // Unsigned JSON, percent-encoded: exactly what comments.js decodes.
    const raw = rawCookieValue(posted, "bs_commenter");
    expect(JSON.parse(decodeURIComponent(raw))).toEqual(details);
    const cookie = `bs_commenter=${raw}`;

    // Sending it back again without ticking the box clears it; a reader who never ticked it gets none.
    const unticked = await postComment(site, readerFields(article.id), { cookie });
    const cleared = unticked.cookies.find((c) => c.name === "bs_commenter");
    expect(cleared?.value).toBe("");
    expect(cleared?.expires?.getTime()).toBe(0);
    const never = await postComment(site, readerFields(article.id));
    expect(never.cookies.some((c) => c.name === "bs_commenter")).toBe(false);

    const forgotten = await site.request({
      method: "POST",
      url: "/comments/forget",
      payload: `return_to=${encodeURIComponent(article.path)}`,
      headers: { "content-type": "application/x-www-form-urlencoded", origin: SITE_ORIGIN },
      cookie,
    });
    expect(forgotten.statusCode).toBe(303);
    expect(forgotten.headers.location).toBe(`${article.path}#respond`);
    expect(forgotten.cookies.find((c) => c.name === "bs_commenter")?.value).toBe("");
    const offSite = await site.request({
      method: "POST",
      url: "/comments/forget",
      payload: "return_to=//evil.example/",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: SITE_ORIGIN },
    });
    expect(offSite.headers.location).toBe("/#respond");
  });

  test("a remembered reader gets the same cached page as everyone, with no name or email of theirs in it", async () => {
    const article = await site.newArticle();
    const details = { name: "Cara Cached", email: "cara.cached@example.org", url: "https://cara.example" };
    const posted = await postComment(site, readerFields(article.id, { ...details, remember: "1" }));
    const cookie = `bs_commenter=${rawCookieValue(posted, "bs_commenter")}`;

    const mine = await articlePage(article.path, cookie);
    expect(mine.statusCode).toBe(200);
    expect(mine.headers["cache-control"]).toBe("public, max-age=60, stale-while-revalidate=300");
    expect(mine.body).not.toContain(details.email);
    expect(mine.body).not.toContain(details.name);
    expect(mine.body).not.toContain(details.url);
    expect(mine.body).toMatch(/id="comment-field-name"[^>]*value=""/);
    expect(mine.body).not.toMatch(/id="comment-field-remember"[^>]*checked/);
    // The forget control is there for the script to reveal; the script learns the cookie's name here.
    expect(mine.body).toMatch(
      /<form action="\/comments\/forget" method="post" class="comment-forget"[^>]* hidden>/,
    );
    expect(mine.body).toContain('data-remembered-cookie="bs_commenter"');

    // Changed behind the cache's back: both readers still get the stored page, so both were served from it.
    await articlesStore.updateArticle(site.ctx.db, article.id, { title: "Silently retitled" });
    const someoneElse = await articlePage(article.path);
    const mineAgain = await articlePage(article.path, `theme=dark; ${cookie}`);
    for (const page of [someoneElse, mineAgain]) {
      expect(page.headers.etag).toBe(mine.headers.etag);
      expect(page.body).not.toContain("Silently retitled");
    }
    // A cookie that is not even JSON changes nothing either: the server never reads it.
    const garbled = await articlePage(article.path, "bs_commenter=%E0%A4%A{not json");
    expect(garbled.statusCode).toBe(200);
    expect(garbled.headers.etag).toBe(mine.headers.etag);
    await site.ctx.changes.changed(["all"]);
  });

  test("a reader whose details are long and non-Latin is still remembered; a website that cannot fit is left out", async () => {
    const article = await site.newArticle();
    const fits = {
      name: "中".repeat(100),
      email: `${"é".repeat(200)}@例え.jp`,
      url: "https://例え.jp/ニュース",
    };
    const whole = await postComment(site, readerFields(article.id, { ...fits, remember: "1" }));
    expect(whole.statusCode).toBe(303);
    expect(JSON.parse(decodeURIComponent(rawCookieValue(whole, "bs_commenter")))).toEqual(fits);

    const longest = {
      name: "中".repeat(100),
      email: `${"中".repeat(240)}@例え.jp`,
      url: `https://例え.jp/${"中".repeat(150)}`,
    };
    const trimmed = await postComment(site, readerFields(article.id, { ...longest, remember: "1" }));
    expect(trimmed.statusCode).toBe(303);
    const raw = rawCookieValue(trimmed, "bs_commenter");
    // Browsers silently drop a cookie whose name and value pass 4096 bytes.
    expect(`bs_commenter=${raw}`.length).toBeLessThan(4096);
    expect(JSON.parse(decodeURIComponent(raw))).toEqual({ ...longest, url: "" });
  });

  test("behind HTTPS the remembered-details cookie is Secure", async () => {
    const secureSite = await createTestSite({ config: { siteUrl: "https://news.test" } });
    try {
      const article = await secureSite.newArticle();
      const posted = await postComment(secureSite, readerFields(article.id, { remember: "1" }), {
        origin: "https://news.test",
      });
      expect(posted.statusCode).toBe(303);
      const remembered = posted.cookies.find((c) => c.name === "bs_commenter");
      expect(remembered?.secure).toBe(true);
      expect(remembered?.httpOnly ?? false).toBe(false);
    } finally {
      await secureSite.close();
    }
  });

  test("with JavaScript the form posts in place: 201 with the rendered comment, 202 when held, 422 with fields", async () => {
    const article = await site.newArticle();
    const staff = await site.sessionCookie(editor);
    const parent = idFrom(
      (await postComment(site, readerFields(article.id), { cookie: staff })).headers.location,
    );
    const shown = await postComment(
      site,
      readerFields(article.id, { parent_id: String(parent), body: "In place!" }),
      {
        json: true,
        cookie: staff,
      },
    );
    expect(shown.statusCode).toBe(201);
    const body = shown.json();
    expect(body.status).toBe("approved");
    expect(body.comment.parent_id).toBe(parent);
    expect(body.comment.html).toMatch(
      new RegExp(`<li id="comment-${body.comment.id}" class="comment depth-2`),
    );
    expect(body.comment.html).toContain("In place!");

    const held = await postComment(site, readerFields(article.id), { json: true });
    expect(held.statusCode).toBe(202);
    expect(held.json()).toEqual({
      status: "held",
      message: "Your comment is awaiting moderation. It will appear here once an editor approves it.",
    });
    expect(held.cookies.some((c) => c.name === "bs_comment_held")).toBe(true);

    const rejected = await postComment(site, readerFields(article.id, { email: "" }), { json: true });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json()).toEqual({
      error: "Your comment was not sent. Please correct what is marked below.",
      fields: { email: "is required" },
      messages: { email: "Email is required." },
    });
  });

  test("comment feeds list approved comments, site-wide and per article", async () => {
    const article = await site.newArticle({ title: "Feed story" });
    const staff = await site.sessionCookie(editor);
    const posted = await postComment(site, readerFields(article.id, { body: "Feed-worthy remark" }), {
      cookie: staff,
    });
    await postComment(
      site,
      readerFields(article.id, { body: "Held back remark", email: "held-feed@example.org" }),
    );
    const id = idFrom(posted.headers.location);
    for (const url of ["/comments/feed/", `${article.path}feed/`]) {
      const feed = await site.request({ method: "GET", url });
      expect(feed.statusCode).toBe(200);
      expect(feed.headers["content-type"]).toContain("application/rss+xml");
      expect(feed.body).toContain("Feed-worthy remark");
      expect(feed.body).toContain(`${SITE_ORIGIN}${article.path}#comment-${id}`);
      expect(feed.body).toContain("<dc:creator>Erin Editor</dc:creator>");
      expect(feed.body).not.toContain("Held back remark");
      expect(feed.body).not.toContain(editor.email);
    }
    expect((await site.request({ method: "GET", url: "/comments/feed" })).headers.location).toBe(
      "/comments/feed/",
    );
    expect((await site.request({ method: "GET", url: "/2001/01/01/no-such-story/feed/" })).statusCode).toBe(
      404,
    );
  });

  test("approving or deleting a comment updates the cached article page", async () => {
    const article = await site.newArticle();
    const posted = await postComment(site, readerFields(article.id, { body: "Wait for the editor" }));
    expect(posted.statusCode).toBe(303);
    const queue = await site.request({
      method: "GET",
      url: `/api/admin/comments?status=pending&article_id=${article.id}`,
      headers: { authorization: `Bearer ${await site.newApiToken()}` },
    });
    const id = queue.json().comments[0].id;
    const first = await articlePage(article.path);
    expect(first.body).not.toContain("Wait for the editor");
    expect((await articlePage(article.path)).body).not.toContain("Wait for the editor");
    await approve(id);
    expect((await articlePage(article.path)).body).toContain("Wait for the editor");
    await moderateComments(site.ctx, editor, [id], "delete");
    expect((await articlePage(article.path)).body).not.toContain("Wait for the editor");
  });

  test("comment counts reach article lists, and the most commented stories are ranked", async () => {
    const { listMostCommentedArticles } = await import("../src/comments/service.js");
    const { countApprovedComments } = await import("../src/db/story-extras.js");
    const staff = await site.sessionCookie(editor);
    const quiet = await site.newArticle();
    const busy = await site.newArticle();
    for (let i = 0; i < 3; i++) await postComment(site, readerFields(busy.id), { cookie: staff });
    await postComment(site, readerFields(quiet.id), { cookie: staff });
    const counts = await countApprovedComments(site.ctx.db, [quiet.id, busy.id]);
    expect(counts.get(busy.id)).toBe(3);
    expect(counts.get(quiet.id)).toBe(1);
    const ranked = await listMostCommentedArticles(site.ctx, 50, 7);
    const order = ranked.map((a) => a.id);
    expect(order.indexOf(busy.id)).toBeLessThan(order.indexOf(quiet.id));
    expect(ranked.find((a) => a.id === busy.id)?.comment_count).toBe(3);
    site.clock.advance(30 * 86_400_000);
    expect((await listMostCommentedArticles(site.ctx, 50, 7)).map((a) => a.id)).not.toContain(busy.id);
    site.clock.advance(-30 * 86_400_000);
  });
});
