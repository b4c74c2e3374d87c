import zlib from "node:zlib";
import fastifyCookie from "@fastify/cookie";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { updateArticle } from "../src/articles/service.js";
import * as articlesStore from "../src/articles/store.js";
import { type Config, loadConfig } from "../src/config.js";
import { ContentChanges } from "../src/infrastructure/content-changes.js";
import pageCachePlugin, {
  negotiateEncoding,
  PageCache,
  skipPageCache,
} from "../src/infrastructure/page-cache.js";
import { defaultSettings, type SettingsService } from "../src/site/settings.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`the page cache on ${testDialect}`, () => {
  let site: TestSite;
  let editor: TestUser;
  let story: Awaited<ReturnType<TestSite["newArticle"]>>;

  beforeAll(async () => {
    site = await createTestSite({ now: "2026-05-22T10:00:00.000Z" });
    editor = await site.newUser({ role: "editor", name: "Ada Editor" });
    story = await site.newArticle({
      author: editor,
      title: "Original headline",
      body: "A body long enough to be worth compressing. ".repeat(40),
      published_at: "2026-05-21T08:00:00.000Z",
      categories: ["City"],
    });
  });
  afterAll(async () => site?.close());

  /** Changes a story behind the application's back: no content-change notice, so caches keep the old page. */
  async function retitleSilently(title: string) {
    await articlesStore.updateArticle(site.ctx.db, story.id, { title });
  }

  test("a reader's repeat visit is answered from the cache with the same strong ETag", async () => {
    const first = await site.request({ method: "GET", url: story.path });
    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers["cache-control"]).toBe("public, max-age=60, stale-while-revalidate=300");
    expect(first.headers.vary).toBe("Accept-Encoding");

    await retitleSilently("Silently changed headline");
    const second = await site.request({ method: "GET", url: story.path });
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    // The security headers are replayed from the stored response.
    expect(second.headers["content-security-policy"]).toBe(first.headers["content-security-policy"]);
    expect(second.headers["x-content-type-options"]).toBe("nosniff");
    expect(second.headers["content-type"]).toBe("text/html; charset=utf-8");
  });

  test("links with tracking parameters share the page's entry; a parameter no page reads is never stored", async () => {
    const clean = await site.request({ method: "GET", url: story.path });
    const tracked = await site.request({
      method: "GET",
      url: `${story.path}?utm_source=newsletter&utm_medium=email&fbclid=IwAR0&gclid=x1&mc_cid=7`,
    });
    expect(tracked.headers["x-cache"]).toBe("HIT");
    expect(tracked.headers.age).toMatch(/^\d+$/);
    expect(tracked.headers.etag).toBe(clean.headers.etag);
    const size = site.app.pageCache.size;
    for (let n = 0; n < 5; n++) {
      const busted = await site.request({ method: "GET", url: `${story.path}?cachebuster=${n}` });
      expect(busted.statusCode).toBe(200);
      expect(busted.headers["x-cache"]).toBe("MISS");
    }
    expect(site.app.pageCache.size).toBe(size);
  });

  test("a browser holding the current ETag gets 304 Not Modified with no body", async () => {
    const page = await site.request({ method: "GET", url: story.path });
    const revalidated = await site.request({
      method: "GET",
      url: story.path,
      headers: { "if-none-match": page.headers.etag as string },
    });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.body).toBe("");
    expect(revalidated.headers.etag).toBe(page.headers.etag);
    const stale = await site.request({
      method: "GET",
      url: story.path,
      headers: { "if-none-match": '"nope"' },
    });
    expect(stale.statusCode).toBe(200);
  });

  test("brotli and gzip variants are negotiated, stored and decompress to the same page", async () => {
    const plain = await site.request({ method: "GET", url: story.path });
    const br = await site.request({
      method: "GET",
      url: story.path,
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toBe("Accept-Encoding");
    expect(Number(br.headers["content-length"])).toBeLessThan(Number(plain.headers["content-length"]));
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    expect(br.headers.etag).not.toBe(plain.headers.etag);

    const gzip = await site.request({
      method: "GET",
      url: story.path,
      headers: { "accept-encoding": "gzip" },
    });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);

    const refusing = await site.request({
      method: "GET",
      url: story.path,
      headers: { "accept-encoding": "br;q=0, gzip;q=0" },
    });
    expect(refusing.headers["content-encoding"]).toBeUndefined();
    expect(refusing.body).toBe(plain.body);
  });

  test("a page's first, uncached response is compressed too", async () => {
    const response = await site.request({
      method: "GET",
      url: "/category/city/",
      headers: { "accept-encoding": "br" },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-encoding"]).toBe("br");
    expect(zlib.brotliDecompressSync(response.rawPayload).toString()).toContain(
      '<h1 class="page-title">City</h1>',
    );
  });

  test("HEAD is answered from the cache with the page's headers and no body", async () => {
    const page = await site.request({ method: "GET", url: story.path });
    const head = await site.request({ method: "HEAD", url: story.path });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers.etag).toBe(page.headers.etag);
    expect(head.headers["content-length"]).toBe(page.headers["content-length"]);
  });

  test("an edit through the newsroom invalidates every cached page", async () => {
    const before = await site.request({ method: "GET", url: story.path });
    const front = await site.request({ method: "GET", url: "/" });
    const result = await updateArticle(site.ctx, editor, story.id, { title: "Corrected headline" });
    expect("article" in result).toBe(true);
    const after = await site.request({ method: "GET", url: story.path });
    expect(after.body).toContain("Corrected headline");
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect((await site.request({ method: "GET", url: "/" })).body).toContain("Corrected headline");
    expect(front.body).not.toContain("Corrected headline");
    const oldValidator = await site.request({
      method: "GET",
      url: story.path,
      headers: { "if-none-match": before.headers.etag as string },
    });
    expect(oldValidator.statusCode).toBe(200);
  });

  test("signed-in staff bypass the cache, get a private response, and never leak into it", async () => {
    const staffCookie = await site.sessionCookie(editor);
    await site.request({ method: "GET", url: story.path });
    await retitleSilently("Only staff see this fresh title");

    const staff = await site.request({ method: "GET", url: story.path, cookie: staffCookie });
    expect(staff.statusCode).toBe(200);
    expect(staff.body).toContain("Only staff see this fresh title");
    expect(staff.body).toContain("Dashboard (Ada Editor)");
    expect(staff.headers["cache-control"]).toBe("private, no-store");
    expect(staff.headers.etag).toBeUndefined();

    const reader = await site.request({ method: "GET", url: story.path });
    expect(reader.body).not.toContain("Dashboard");
    expect(reader.body).not.toContain("Only staff see this fresh title");

    // A page first opened by staff is not stored for readers either.
    const staffFirst = await site.request({ method: "GET", url: "/2026/", cookie: staffCookie });
    expect(staffFirst.body).toContain("Dashboard (Ada Editor)");
    const readerAfter = await site.request({ method: "GET", url: "/2026/" });
    expect(readerAfter.body).not.toContain("Dashboard");
    await site.ctx.changes.changed(["all"]);
  });

  test("a request carrying a registered personal cookie neither reads nor fills the cache", async () => {
    site.app.pageCache.bypassCookie("bs_test_notice");
    await site.request({ method: "GET", url: story.path });
    await retitleSilently("Fresh title for the notice holder");
    const personal = await site.request({
      method: "GET",
      url: story.path,
      cookie: "theme=dark; bs_test_notice=1",
    });
    expect(personal.body).toContain("Fresh title for the notice holder");
    expect(personal.headers["cache-control"]).toBe("private, no-store");
    const lookalike = await site.request({ method: "GET", url: story.path, cookie: "xbs_test_notice=1" });
    expect(lookalike.body).not.toContain("Fresh title for the notice holder");
    await site.ctx.changes.changed(["all"]);
  });

  test("the masthead date is right after midnight in the site's zone: the cache drops yesterday's pages", async () => {
    const today = await site.request({ method: "GET", url: "/" });
    expect(today.body).toContain("Fri. May 22nd, 2026");
    site.clock.set("2026-05-23T00:00:01.000Z");
    try {
      const tomorrow = await site.request({ method: "GET", url: "/" });
      expect(tomorrow.body).toContain("Sat. May 23rd, 2026");
    } finally {
      site.clock.set("2026-05-22T10:00:00.000Z");
      await site.ctx.changes.changed(["all"]);
    }
  });

  test("not-found pages and redirects are not stored", async () => {
    const missing = await site.request({ method: "GET", url: "/2026/05/21/nothing-here/" });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
    const redirect = await site.request({ method: "GET", url: "/page/1/" });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.etag).toBeUndefined();
    const { size } = site.app.pageCache;
    await site.request({ method: "GET", url: "/page/1/" });
    expect(site.app.pageCache.size).toBe(size);
  });
});

describe("the page cache module", () => {
  async function tinyApp(maxBytes = 1_000_000, minUses = 1) {
    const app = Fastify({ logger: false });
    const changes = new ContentChanges(undefined);
    // The same order as buildApp: the cookie plugin writes Set-Cookie in an onSend hook that must
    // run before the cache decides whether to store.
    await app.register(fastifyCookie, { secret: "x".repeat(32) });
    await app.register(pageCachePlugin, {
      ctx: {
        config: { pageCacheMaxBytes: maxBytes, pageCacheMinUses: minUses } as Config,
        now: () => new Date("2026-05-22T10:00:00Z"),
        changes,
        settings: { get: async () => defaultSettings } as unknown as SettingsService,
      },
    });
    let renders = 0;
    app.get("/page", { config: { pageCache: true, pageCacheQuery: ["x", "y"] } }, async (_request, reply) => {
      renders += 1;
      return reply.type("text/html").send(`<p>render ${renders}</p>`);
    });
    app.get("/with-cookie", { config: { pageCache: true } }, async (_request, reply) => {
      renders += 1;
      return reply.header("set-cookie", "seen=1").type("text/html").send(`<p>render ${renders}</p>`);
    });
    app.get("/stable", { config: { pageCache: true } }, async (_request, reply) => {
      return reply.type("text/html").send("<p>the same every time</p>");
    });
    app.get("/with-plugin-cookie", { config: { pageCache: true } }, async (_request, reply) => {
      renders += 1;
      return reply.setCookie("seen", "1").type("text/html").send(`<p>render ${renders}</p>`);
    });
    app.get("/personal", { config: { pageCache: true } }, async (_request, reply) => {
      renders += 1;
      skipPageCache(reply);
      return reply.type("text/html").send(`<p>render ${renders}</p>`);
    });
    app.get("/not-opted-in", async () => {
      renders += 1;
      return `render ${renders}`;
    });
    // A feature plugin registered after the cache whose own onSend hook sets a cookie.
    await app.register(async (feature) => {
      feature.addHook("onSend", async (request, reply, payload) => {
        if (request.url === "/late-cookie") reply.header("set-cookie", "late=1");
        return payload;
      });
      feature.get("/late-cookie", { config: { pageCache: true } }, async (_request, reply) => {
        renders += 1;
        return reply.type("text/html").send(`<p>render ${renders}</p>`);
      });
    });
    await app.ready();
    return { app, changes };
  }

  test("responses that set a cookie, are marked personal, or did not opt in are never stored", async () => {
    const { app } = await tinyApp();
    for (const url of ["/with-cookie", "/with-plugin-cookie", "/late-cookie", "/personal", "/not-opted-in"]) {
      const first = await app.inject({ method: "GET", url });
      const second = await app.inject({ method: "GET", url });
      expect(second.body, url).not.toBe(first.body);
    }
    for (const url of ["/with-cookie", "/with-plugin-cookie", "/late-cookie"])
      expect((await app.inject({ method: "GET", url })).headers["cache-control"], url).toBe(
        "private, no-store",
      );
    const cached = await app.inject({ method: "GET", url: "/page" });
    expect((await app.inject({ method: "GET", url: "/page" })).body).toBe(cached.body);
    expect(app.pageCache.size).toBe(1);
    await app.close();
  });

  test("with the default of two uses, a page is stored when it is asked for again, and again at once after a change", async () => {
    const { app, changes } = await tinyApp(1_000_000, 2);
    const bodies = [];
    for (let i = 0; i < 3; i++) bodies.push((await app.inject({ method: "GET", url: "/page" })).body);
    // A crawler's single visit stores nothing; the second visit is rendered and stored; the third is a hit.
    expect(bodies).toEqual(["<p>render 1</p>", "<p>render 2</p>", "<p>render 2</p>"]);
    expect(app.pageCache.size).toBe(1);
    for (let n = 0; n < 50; n++) await app.inject({ method: "GET", url: `/page?x=${n}` });
    expect(app.pageCache.size).toBe(1);
    await changes.changed(["all"]);
    const after = await app.inject({ method: "GET", url: "/page" });
    expect((await app.inject({ method: "GET", url: "/page" })).body).toBe(after.body);
    await app.close();
  });

  test("every cacheable response carries an ETag, the first one too, and hits say HIT with their age", async () => {
    const { app } = await tinyApp(1_000_000, 3);
    const first = await app.inject({ method: "GET", url: "/stable" });
    expect(first.headers["x-cache"]).toBe("MISS");
    expect(first.headers.etag).toMatch(/^"[\w-]{22}"$/);
    expect(first.headers["cache-control"]).toBe("public, max-age=60, stale-while-revalidate=300");
    // Not stored yet, and the browser already holds it: 304 without a body.
    const revalidated = await app.inject({
      method: "GET",
      url: "/stable",
      headers: { "if-none-match": first.headers.etag as string },
    });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.body).toBe("");
    expect(app.pageCache.size).toBe(0);
    const stored = await app.inject({ method: "GET", url: "/stable" });
    const hit = await app.inject({ method: "GET", url: "/stable" });
    expect(hit.headers["x-cache"]).toBe("HIT");
    expect(hit.headers.age).toBe("0");
    expect(hit.headers.etag).toBe(stored.headers.etag);
    expect(hit.headers.etag).toBe(first.headers.etag);
    await app.close();
  });

  test("the parameters a route reads are part of the key, and a content change clears everything", async () => {
    const { app, changes } = await tinyApp();
    const a = await app.inject({ method: "GET", url: "/page?x=1" });
    const b = await app.inject({ method: "GET", url: "/page?x=2" });
    expect(a.body).not.toBe(b.body);
    expect((await app.inject({ method: "GET", url: "/page?x=1" })).body).toBe(a.body);
    // Order does not matter, and tracking parameters are not part of the page.
    const both = await app.inject({ method: "GET", url: "/page?x=1&y=2" });
    for (const url of ["/page?y=2&x=1", "/page?utm_source=mail&x=1&fbclid=abc&y=2&gclid=1&mc_cid=9"]) {
      const again = await app.inject({ method: "GET", url });
      expect({ url, body: again.body, cache: again.headers["x-cache"] }).toEqual({
        url,
        body: both.body,
        cache: "HIT",
      });
    }
    // A parameter no route reads is never stored: a fresh query string cannot fill the cache.
    const size = app.pageCache.size;
    const first = await app.inject({ method: "GET", url: "/page?x=1&nonce=1" });
    const second = await app.inject({ method: "GET", url: "/page?x=1&nonce=1" });
    expect(second.body).not.toBe(first.body);
    expect(second.headers["x-cache"]).toBe("MISS");
    expect(app.pageCache.size).toBe(size);
    await changes.changed(["all"]);
    expect(app.pageCache.size).toBe(0);
    expect((await app.inject({ method: "GET", url: "/page?x=1" })).body).not.toBe(a.body);
    await app.close();
  });

  /** How a page rendered in a unit test was read: at no change, drawing on anything, fresh forever. */
  const fresh = { version: 0, tags: undefined, freshUntil: Number.POSITIVE_INFINITY };

  test("the cache stays within its byte budget, evicting the least recently used pages", () => {
    const cache = new PageCache({ maxBytes: 40_000, now: () => new Date(0), changedSince: () => false });
    const page = (n: number) => Buffer.from(`<p>${n}</p>`.padEnd(3_000, " "));
    const headers = { "content-type": "text/plain" };
    for (let n = 0; n < 30; n++) {
      cache.store(`/p${n}`, headers, page(n), fresh);
      expect(cache.bytes).toBeLessThanOrEqual(40_000);
    }
    expect(cache.size).toBeGreaterThan(5);
    expect(cache.size).toBeLessThan(30);
    // A page that would take more than a quarter of the budget is not stored at all.
    expect(cache.store("/huge", headers, Buffer.alloc(20_000), fresh)).toBeUndefined();
  });

  test("the bytes the cache counts are the memory its pages hold, compressed copies and short pages too", () => {
    const cache = new PageCache({ maxBytes: 10_000_000, now: () => new Date(0), changedSince: () => false });
    const headers = { "content-type": "text/html; charset=utf-8" };
    const story = cache.store(
      "/story/",
      headers,
      Buffer.from(`<p>${"The council votes on the harbour plan tonight. ".repeat(600)}</p>`),
      fresh,
    );
    // A short page is a view into Node's shared buffer pool until the cache copies it.
    const brief = cache.store("/brief/", headers, Buffer.from("<p>Brief.</p>"), fresh);
    if (!story || !brief) throw new Error("both pages should be stored");
    const bodies = [
      cache.variantFor(story, undefined).body,
      cache.variantFor(story, "br").body,
      cache.variantFor(story, "gzip").body,
      cache.variantFor(brief, undefined).body,
    ];
    for (const body of bodies) expect(body.buffer.byteLength).toBe(body.length);
    const held = bodies.reduce((sum, body) => sum + body.buffer.byteLength, 0);
    expect(cache.bytes).toBeGreaterThanOrEqual(held);
  });

  test("a page is stored in the encoding its reader asked for; other encodings are made from it", () => {
    const cache = new PageCache({ maxBytes: 10_000_000, now: () => new Date(0), changedSince: () => false });
    const html = `<p>${"The council votes on the harbour plan tonight. ".repeat(600)}</p>`;
    const page = cache.store(
      "/story/",
      { "content-type": "text/html" },
      Buffer.from(html),
      fresh,
      "gzip, br",
    );
    if (!page) throw new Error("the page should be stored");
    // A browser's page is held compressed only: a fraction of the page's own size.
    expect(cache.bytes).toBeLessThan(html.length / 4);
    expect(zlib.brotliDecompressSync(cache.variantFor(page, "br").body).toString()).toBe(html);
    expect(cache.variantFor(page, undefined).body.toString()).toBe(html);
    expect(zlib.gunzipSync(cache.variantFor(page, "gzip").body).toString()).toBe(html);
    expect(cache.bytes).toBeGreaterThan(html.length);
  });

  test("a render that began before a change touching it is not stored; one untouched is", () => {
    const changes = new ContentChanges(undefined);
    const cache = new PageCache({
      maxBytes: 1_000_000,
      now: () => new Date(0),
      changedSince: (version, tags) => changes.changedSince(version, tags),
    });
    const version = changes.version;
    void changes.changed(["article:1"]);
    const rendered = (tags: string[]) => ({ version, tags: new Set(tags), freshUntil: Infinity });
    expect(cache.store("/late", {}, Buffer.from("stale"), rendered(["article:1"]))).toBeUndefined();
    expect(cache.store("/other", {}, Buffer.from("fine"), rendered(["article:2"]))).toBeDefined();
    expect(cache.size).toBe(1);
  });

  test("PAGE_CACHE_MIN_USES defaults to two and may be set from one to ten", () => {
    expect(loadConfig({}).pageCacheMinUses).toBe(2);
    expect(loadConfig({ PAGE_CACHE_MIN_USES: "1" }).pageCacheMinUses).toBe(1);
    expect(() => loadConfig({ PAGE_CACHE_MIN_USES: "0" })).toThrow(/PAGE_CACHE_MIN_USES/);
  });

  test("PAGE_CACHE_MAX_MB=0 turns the cache off", async () => {
    const { app } = await tinyApp(0);
    const first = await app.inject({ method: "GET", url: "/page" });
    expect((await app.inject({ method: "GET", url: "/page" })).body).not.toBe(first.body);
    await app.close();
  });

  test.each([
    [undefined, "identity"],
    ["", "identity"],
    ["gzip, deflate, br, zstd", "br"],
    ["gzip, deflate", "gzip"],
    ["br;q=0.5, gzip;q=0.8", "gzip"],
    ["br;q=0, gzip", "gzip"],
    ["*", "br"],
    ["*;q=0", "identity"],
    ["identity", "identity"],
    ["deflate", "identity"],
    ["GZIP", "gzip"],
  ])("Accept-Encoding %j is answered with %s", (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});
