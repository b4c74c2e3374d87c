import { Writable } from "node:stream";
import zlib from "node:zlib";
import type { FastifyBaseLogger } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fetchSource, fetchSources } from "../src/curation/fetch-service.js";
import { addSource, getSource, listRecentItemsOfSource } from "../src/curation/sources-service.js";
import { type FeedServer, fixture, startFeedServer } from "./support/feed-server.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

const MINUTE = 60_000;

describe(`fetching sources on ${testDialect}`, () => {
  let site: TestSite;
  let server: FeedServer;
  let counter = 0;
  beforeAll(async () => {
    site = await createTestSite({ now: "2026-05-22T10:00:00.000Z" });
    server = await startFeedServer();
  });
  afterAll(async () => {
    await server?.close();
    await site?.close();
  });

  /** A source on its own fixture path, added without discovery. */
  async function newSource(pathname: string, extra: { name?: string } = {}) {
    counter += 1;
    const result = await addSource(
      site.ctx,
      { url: server.url(pathname), name: extra.name ?? `Outlet ${counter}` },
      { discover: false },
    );
    if (!("source" in result)) throw new Error(`newSource: ${JSON.stringify(result.errors)}`);
    return result.source;
  }

  async function fetchNow(id: number, options: { totalTimeoutMs?: number } = {}) {
    const report = await fetchSource(site.ctx, id, options);
    if (!report) throw new Error(`no source ${id}`);
    return report;
  }

  test("a feed is read once: the refetch sends its validators, is answered 304 and adds nothing", async () => {
    server.serveFile("/cond/feed.xml", "outlet-a-rss.xml", "application/rss+xml");
    const source = await newSource("/cond/feed.xml");
    const first = await fetchNow(source.id);
    expect(first).toMatchObject({ status: "ok", added: 3, notModified: false, error: null });

    const second = await fetchNow(source.id);
    expect(second).toMatchObject({ status: "ok", added: 0, notModified: true });
    const requests = server.requests.filter((r) => r.path === "/cond/feed.xml");
    expect(requests[1].headers["if-none-match"]).toBe(
      `"${fixture("outlet-a-rss.xml").length}-outlet-a-rss.xml"`,
    );
    expect(requests[1].headers["if-modified-since"]).toBe("Thu, 21 May 2026 10:00:00 GMT");
    expect(requests[0].headers["user-agent"]).toBe("Broadsheet/0.1 (+http://news.test)");
    expect(requests[0].headers["accept-encoding"]).toContain("gzip");

    const stored = await getSource(site.ctx, source.id);
    expect(stored).toMatchObject({
      fetch_count: 2,
      not_modified_count: 1,
      not_modified_ratio: 0.5,
      items_added_count: 3,
    });
    // The feed's <ttl>20</ttl> is a lower bound above the 15-minute default.
    expect(Date.parse(stored?.next_fetch_at ?? "")).toBeGreaterThanOrEqual(
      site.clock.now().getTime() + 20 * MINUTE,
    );
    expect(await listRecentItemsOfSource(site.ctx, source.id)).toHaveLength(3);
  });

  test("refetching a feed whose links moved to https and gained tracking parameters stores no duplicates", async () => {
    let version = 1;
    const feed = (
      scheme: string,
      query: string,
    ) => `<?xml version="1.0"?><rss version="2.0"><channel><title>No GUIDs</title><link>https://noguid.example/</link>
      <item><title>Harbour reopens after storm</title><link>${scheme}://noguid.example/harbour${query}</link><pubDate>Thu, 21 May 2026 08:00:00 GMT</pubDate></item>
      <item><title>School term extended by a week</title><link>${scheme}://www.noguid.example/school/${query}</link><pubDate>Thu, 21 May 2026 07:00:00 GMT</pubDate></item>
      </channel></rss>`;
    server.route("/variants/feed.xml", () => ({
      headers: { "content-type": "application/rss+xml" },
      body: version === 1 ? feed("http", "") : feed("https", "?utm_source=rss&utm_medium=feed&fbclid=abc"),
    }));
    const source = await newSource("/variants/feed.xml");
    expect((await fetchNow(source.id)).added).toBe(2);
    version = 2;
    expect((await fetchNow(source.id)).added).toBe(0);
    const items = await listRecentItemsOfSource(site.ctx, source.id);
    expect(items.map((i) => i.url).sort()).toEqual([
      "http://noguid.example/harbour",
      "http://www.noguid.example/school/",
    ]);
  });

  test("a scheduler working from a list made before another node fetched a source does not fetch it again", async () => {
    server.serveFile("/twice/feed.xml", "outlet-a-rss.xml", "application/rss+xml");
    const source = await newSource("/twice/feed.xml");
    // Both nodes list the source as due; one fetches it first, then the other works through its list.
    expect((await fetchSources(site.ctx, [source.id], { onlyIfDue: true }))[0].status).toBe("ok");
    const late = await fetchSources(site.ctx, [source.id], { onlyIfDue: true });
    expect(late[0].status).toBe("not-due");
    expect(server.requests.filter((r) => r.path === "/twice/feed.xml")).toHaveLength(1);
    expect(await getSource(site.ctx, source.id)).toMatchObject({ fetch_count: 1 });
  });

  test("a failing source backs off exponentially and is never given up", async () => {
    server.route("/failing/feed.xml", { status: 500, body: "boom" });
    const source = await newSource("/failing/feed.xml");
    const start = site.clock.now().getTime();
    const first = await fetchNow(source.id);
    expect(first).toMatchObject({ status: "error", error: "HTTP 500: the publisher's server failed" });
    expect(Date.parse(first.nextFetchAt ?? "")).toBeGreaterThanOrEqual(start + 30 * MINUTE);

    site.clock.advance(31 * MINUTE);
    const second = await fetchNow(source.id);
    expect(Date.parse(second.nextFetchAt ?? "")).toBeGreaterThanOrEqual(
      site.clock.now().getTime() + 60 * MINUTE,
    );

    for (let i = 0; i < 10; i++) await fetchNow(source.id);
    const stored = await getSource(site.ctx, source.id);
    expect(stored).toMatchObject({ is_enabled: true, status: "error", consecutive_failures: 12 });
    // Capped at a day (plus jitter): still retried.
    expect(Date.parse(stored?.next_fetch_at ?? "")).toBeLessThanOrEqual(
      site.clock.now().getTime() + 24 * 60 * MINUTE * 1.1 + 1000,
    );

    server.serveFile("/failing/feed.xml", "outlet-c.json", "application/feed+json");
    expect(await fetchNow(source.id)).toMatchObject({ status: "ok", error: null, added: 2 });
    expect(await getSource(site.ctx, source.id)).toMatchObject({ consecutive_failures: 0, last_error: null });
  });

  test("a 429 with Retry-After is not fetched again before the publisher asks", async () => {
    server.route("/throttled/feed.xml", { status: 429, headers: { "retry-after": "7200" } });
    const source = await newSource("/throttled/feed.xml");
    const report = await fetchNow(source.id);
    expect(report.status).toBe("throttled");
    expect(Date.parse(report.nextFetchAt ?? "")).toBeGreaterThanOrEqual(
      site.clock.now().getTime() + 120 * MINUTE,
    );
  });

  test("410 Gone disables the source with a clear last error", async () => {
    server.route("/gone/feed.xml", { status: 410 });
    const source = await newSource("/gone/feed.xml");
    expect(await fetchNow(source.id)).toMatchObject({ status: "gone" });
    expect(await getSource(site.ctx, source.id)).toMatchObject({
      is_enabled: false,
      status: "gone",
      next_fetch_at: null,
      last_error: "HTTP 410: the publisher removed this feed; fetching has stopped",
    });
  });

  test("a permanent redirect updates the stored feed address", async () => {
    server.route("/moved/old.xml", { status: 301, headers: { location: "/moved/new.xml" } });
    server.serveFile("/moved/new.xml", "outlet-c.json", "application/feed+json");
    const source = await newSource("/moved/old.xml");
    expect(await fetchNow(source.id)).toMatchObject({ status: "ok", added: 2 });
    expect((await getSource(site.ctx, source.id))?.url).toBe(server.url("/moved/new.xml"));
  });

  const bigFeed = (count: number) =>
    `<?xml version="1.0"?><rss version="2.0"><channel><title>Archive</title><link>https://archive.example/</link>${Array.from(
      { length: count },
      (_, i) =>
        `<item><title>Archive story ${i}</title><link>https://archive.example/${i}</link><pubDate>Wed, 20 May 2026 10:00:00 GMT</pubDate></item>`,
    ).join("")}</channel></rss>`;

  test.each([
    ["malformed XML", "malformed-truncated.xml", /^Not a feed: /],
    ["an HTML page served as a feed", "html-page.html", /^Not a feed: the address serves an HTML page/],
  ])("%s is recorded as an error and backed off", async (_name, file, expected) => {
    server.route(`/fault/${file}`, {
      headers: { "content-type": "application/rss+xml" },
      body: fixture(file),
    });
    const source = await newSource(`/fault/${file}`);
    const report = await fetchNow(source.id);
    expect(report.status).toBe("error");
    expect(report.error).toMatch(expected);
  });

  test.each<[string, (path: string) => void, RegExp, { totalTimeoutMs?: number }]>([
    [
      "an empty body",
      (p) => server.route(p, { headers: { "content-type": "application/rss+xml" }, body: "" }),
      /^Not a feed: the response body is empty/,
      {},
    ],
    [
      "a 10 MB+ body",
      (p) => server.route(p, { body: Buffer.alloc(11 * 1024 * 1024, 32) }),
      /^Too large: /,
      {},
    ],
    [
      "a gzip bomb",
      (p) =>
        server.route(p, {
          headers: { "content-encoding": "gzip", "content-type": "application/rss+xml" },
          body: zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024)),
        }),
      /^Too large: .*after decompression/,
      {},
    ],
    [
      "an endless redirect loop",
      (p) => server.route(p, { status: 302, headers: { location: p } }),
      /^Too many redirects: /,
      {},
    ],
    [
      "a slow response (slowloris)",
      (p) =>
        server.route(p, (_request, response) => {
          response.writeHead(200, { "content-type": "application/rss+xml" });
          response.write("<?xml version='1.0'?><rss version='2.0'><channel>");
          return undefined; // never ends
        }),
      /^Timed out: /,
      { totalTimeoutMs: 400 },
    ],
    ["a 404", (p) => server.route(p, { status: 404 }), /^HTTP 404: the feed was not found/, {}],
  ])("%s is recorded as an error and the site is unaffected", async (name, serve, expected, options) => {
    const path = `/faults/${name.replace(/\W+/g, "-")}`;
    serve(path);
    const source = await newSource(path);
    const report = await fetchNow(source.id, options);
    expect(report.status).toBe("error");
    expect(report.error).toMatch(expected);
    expect((await getSource(site.ctx, source.id))?.is_enabled).toBe(true);
    expect((await site.request({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });

  test("a host that does not resolve is recorded as a DNS failure", async () => {
    const result = await addSource(
      site.ctx,
      { url: "http://feeds.nonexistent.invalid/feed.xml" },
      { discover: false },
    );
    if (!("source" in result)) throw new Error("not added");
    const report = await fetchNow(result.source.id);
    expect(report).toMatchObject({ status: "error" });
    expect(report.error).toMatch(/^Host not found: /);
  });

  test("an empty feed, invalid dates and a 5,000-item feed are read", async () => {
    server.serveFile("/ok/empty.xml", "empty-feed.xml", "application/rss+xml");
    const empty = await newSource("/ok/empty.xml");
    expect(await fetchNow(empty.id)).toMatchObject({ status: "ok", added: 0 });

    server.serveFile("/ok/dates.xml", "dates-and-duplicates.xml", "application/rss+xml");
    const dated = await newSource("/ok/dates.xml");
    const datedReport = await fetchNow(dated.id);
    expect(datedReport.status).toBe("ok");
    const items = await listRecentItemsOfSource(site.ctx, dated.id);
    expect(items.length).toBe(datedReport.added);
    expect(items.some((i) => !i.has_real_date)).toBe(true);
    for (const item of items) expect(Number.isNaN(Date.parse(item.published_at))).toBe(false);

    server.route("/ok/big.xml", { headers: { "content-type": "application/rss+xml" }, body: bigFeed(5001) });
    const big = await newSource("/ok/big.xml");
    expect(await fetchNow(big.id)).toMatchObject({ status: "ok", added: 5000 });
  }, 60_000);

  test("a source failing the same way is logged once, not at every retry", async () => {
    const lines: Array<{ msg: string; sourceId?: number }> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const original = site.ctx.log;
    site.ctx.log = pino({ level: "warn" }, sink) as unknown as FastifyBaseLogger;
    try {
      server.route("/logged/feed.xml", { status: 503 });
      const source = await newSource("/logged/feed.xml");
      for (let i = 0; i < 3; i++) await fetchNow(source.id);
      expect(lines.filter((l) => l.sourceId === source.id)).toHaveLength(1);
      expect(lines[0].msg).toBe("feed fetch failed; backing off");
    } finally {
      site.ctx.log = original;
    }
  });
});

describe(`a site without ALLOW_PRIVATE_FETCH on ${testDialect}`, () => {
  let site: TestSite;
  let server: FeedServer;
  beforeAll(async () => {
    site = await createTestSite({ config: { allowPrivateFetch: false } });
    server = await startFeedServer();
  });
  afterAll(async () => {
    await server?.close();
    await site?.close();
  });

  test("refuses a loopback source with a clear last error and never connects to it", async () => {
    server.serveFile("/feed.xml", "outlet-a-rss.xml", "application/rss+xml");
    const token = await site.newApiToken();
    const headers = { authorization: `Bearer ${token}` };
    const created = await site.request({
      method: "POST",
      url: "/api/admin/sources",
      headers,
      payload: { url: server.url("/feed.xml") },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: number }>();

    const fetched = await site.request({ method: "POST", url: `/api/admin/sources/${id}/fetch`, headers });
    expect(fetched.json()).toMatchObject({ added: 0, status: "error" });
    const source = await site.request({ method: "GET", url: `/api/admin/sources/${id}`, headers });
    expect(source.json()).toMatchObject({
      id,
      status: "error",
      enabled: true,
      last_error: "Refused (private address): 127.0.0.1 is a private or reserved address",
    });
    expect(server.requests).toHaveLength(0);
  });
});
