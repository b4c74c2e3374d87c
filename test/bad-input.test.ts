import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { LIMITS } from "../src/articles/validation.js";
import { postComment, readerFields } from "./comments-helpers.js";
import { articleApi, createTestSite, type TestSite, testDialect } from "./support/site.js";

// Input the database cannot hold gets the same 4xx on SQLite and PostgreSQL, before any query runs.
describe(`input the database cannot hold, on ${testDialect}`, () => {
  let site: TestSite;
  let auth: { authorization: string };
  let api: ReturnType<typeof articleApi>;
  beforeAll(async () => {
    site = await createTestSite();
    const token = await site.newApiToken();
    auth = { authorization: `Bearer ${token}` };
    api = articleApi(site, token);
  });
  afterAll(async () => site?.close());

  const createArticle = (payload: object) => api.create(payload);

  test.each([
    ["a NUL in the title", { title: "Budget\u0000vote" }, "title", /control characters/],
    ["a NUL in the body", { title: "Budget", body: "one\u0000two" }, "body", /control characters/],
    ["a bidi override in the title", { title: "Budget \u202Eetov" }, "title", /text-direction/],
    [
      "an isolate in a category name",
      { title: "Budget", categories: ["Desk \u2066x"] },
      "categories",
      /text-direction/,
    ],
    [
      "a C1 control in the excerpt",
      { title: "Budget", excerpt: "a\u0085b" },
      "excerpt",
      /control characters/,
    ],
    ["a line break in the title", { title: "Budget\nvote" }, "title", /control characters/],
    [
      "a source author longer than its column",
      {
        title: "Budget",
        sources: [{ url: "https://a.example/", name: "A", original_author: "x".repeat(201) }],
      },
      "sources[0].original_author",
      /at most 200 characters/,
    ],
    [
      "a title of 300 family emoji (1,500 code points for a 300-character column)",
      { title: "👩‍👩‍👧".repeat(LIMITS.title) },
      "title",
      /too long to store/,
    ],
    [
      "a year before 1000",
      { title: "Budget", status: "published", published_at: "0001-01-01T00:00:00Z" },
      "published_at",
      /years 1000 to 9999/,
    ],
  ])("%s is refused with 422 naming the field", async (_what, payload, field, message) => {
    const response = await createArticle(payload);
    expect(response.statusCode).toBe(422);
    expect(response.json().fields[field]).toMatch(message);
  });

  test("emoji sequences, flags and skin tones are welcome in names and count as one character each", async () => {
    const title = `${"👩‍👩‍👧🇺🇦👍🏽".repeat(10)} Café`;
    const response = await createArticle({ title, categories: ["Ελλάδα 🇬🇷"], tags: ["👩‍👩‍👧"] });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      title,
      categories: [{ name: "Ελλάδα 🇬🇷" }],
      tags: [{ name: "👩‍👩‍👧" }],
    });
    const long = await createArticle({ title: "é".repeat(LIMITS.title) });
    expect(long.statusCode).toBe(201);
    const tooLong = await createArticle({ title: "é".repeat(LIMITS.title + 1) });
    expect(tooLong.json().fields.title).toBe(`must be at most ${LIMITS.title} characters`);
  });

  test("a JSON body with bytes that are not UTF-8, or a lone surrogate, is refused with 400 naming the field", async () => {
    const payload = Buffer.concat([
      Buffer.from('{"title": "Budget '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('", "body": "fine"}'),
    ]);
    const response = await site.request({
      method: "POST",
      url: "/api/admin/articles",
      headers: { ...auth, "content-type": "application/json" },
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toEqual({ title: "is not valid UTF-8 text" });
    const surrogate = await createArticle({
      title: "Budget",
      sources: [{ url: "https://a.example/", name: "A \uD800" }],
    });
    expect(surrogate.statusCode).toBe(400);
    expect(surrogate.json().fields).toEqual({ "sources[0].name": "is not valid UTF-8 text" });
  });

  test("ids beyond the integer range answer 404", async () => {
    for (const url of [
      "/api/admin/articles/99999999999999999999",
      "/api/admin/articles/2147483648",
      "/api/admin/comments/99999999999",
    ]) {
      for (const method of ["GET", "PATCH", "DELETE"] as const) {
        if (url.includes("comments") && method === "GET") continue;
        const response = await site.request({
          method,
          url,
          headers: auth,
          payload: method === "PATCH" ? { status: "approved" } : undefined,
        });
        expect(response.statusCode, `${method} ${url}`).toBe(404);
      }
    }
    const media = await createArticle({ title: "Budget", featured_media_id: 99999999999 });
    expect(media.statusCode).toBe(400);
  });

  test("a comment on an article id beyond the integer range is refused, not a server error", async () => {
    const response = await postComment(site, { ...readerFields(99999999999), article_id: "99999999999" });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
  });

  test("a path with a NUL or other control byte answers 404", async () => {
    for (const url of ["/2026/12/04/a%00b/", "/category/a%01b/", "/tag/%00/", "/author/a%1Fb/"]) {
      const response = await site.request({ method: "GET", url, headers: { accept: "text/html" } });
      expect(response.statusCode, url).toBe(404);
    }
  });

  test("a date in year 1 is refused instead of being read back as 2001", async () => {
    const article = await site.newArticle({ title: "Dated" });
    expect((await api.patch(article.id, { published_at: "0001-01-01T00:00:00Z" })).statusCode).toBe(422);
    const far = await api.patch(article.id, { published_at: "9999-12-31T00:00:00Z", status: "scheduled" });
    expect(far.statusCode).toBe(200);
    expect(far.json().published_at).toBe("9999-12-31T00:00:00.000Z");
  });
});

describe(`unhandled database errors on ${testDialect}`, () => {
  test("become a logged 500 that names its request id and nothing else", async () => {
    const logLines: string[] = [];
    const site = await createTestSite({ expectsServerErrors: logLines });
    try {
      const auth = { authorization: `Bearer ${await site.newApiToken()}` };
      await sql`alter table articles rename to articles_elsewhere`.execute(site.ctx.db);
      const response = await site.request({ method: "GET", url: "/api/admin/articles", headers: auth });
      expect(response.statusCode).toBe(500);
      const body = response.json();
      expect(body).toEqual({ error: "internal error", request_id: expect.any(String) });
      expect(response.headers["x-request-id"]).toBe(body.request_id);
      const logged = logLines.map((line) => JSON.parse(line));
      expect(logged).toContainEqual(
        expect.objectContaining({ reqId: body.request_id, msg: "request failed with an unhandled error" }),
      );
    } finally {
      await site.close();
    }
  });
});
