// Two real node processes (`cli serve`) on one PostgreSQL database, tried as an operator would:
// one site across nodes after dropped connections, a restart and a hung database; one fetch per
// source; limits shared and bound to the real client; media on any node; a graceful SIGTERM.

import fs from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { addSource } from "../src/curation/sources-service.js";
import { LISTENER_NAME } from "../src/db/change-feed.js";
import { type FeedServer, fixture, startFeedServer } from "./support/feed-server.js";
import { multipartForm, TINY_PNG } from "./support/multipart-form.js";
import {
  type NodeProcess,
  startNode,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from "./support/node-process.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

const SITE_URL = "http://news.test";
const METRICS_TOKEN = "metrics-token-for-the-two-node-suite";

if (testDialect !== "postgres")
  console.warn(
    "SKIPPED on SQLite: the two-node suite (several nodes need PostgreSQL; it runs in the PostgreSQL pass)",
  );

/** What every node of these tests is started with, behind the "proxy" at 127.0.0.1 (the test). */
function nodeEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-node-")),
    SITE_URL,
    TRUST_PROXY: "127.0.0.1",
    ALLOW_PRIVATE_FETCH: "true",
    PAGE_CACHE_MIN_USES: "1",
    METRICS_TOKEN,
    RUN_SCHEDULERS: "false",
    ...extra,
  };
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

async function page(node: NodeProcess, url: string, headers: Record<string, string> = {}) {
  const response = await fetch(node.origin + url, { headers: { accept: "text/html", ...headers } });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function editTitle(node: NodeProcess, token: string, id: number, title: string) {
  const response = await fetch(`${node.origin}/api/admin/articles/${id}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ title }),
  });
  return response.status;
}

/** Posts the comment form through the "proxy": nginx appends the client's address to what the client sent. */
async function postComment(
  node: NodeProcess,
  articleId: number,
  client: string,
  spoofed: string,
  body: string,
) {
  const response = await fetch(`${node.origin}/comments`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      accept: "text/html",
      origin: SITE_URL,
      "x-forwarded-for": `${spoofed}, ${client}`,
    },
    body: new URLSearchParams({
      article_id: String(articleId),
      parent_id: "",
      name: "A reader",
      email: "reader@example.org",
      url: "",
      body,
      homepage: "",
    }).toString(),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function metricsOf(node: NodeProcess): Promise<string> {
  const response = await fetch(`${node.origin}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  return response.text();
}

function metricValue(metrics: string, line: RegExp): number {
  return Number(line.exec(metrics)?.[1] ?? 0);
}

async function terminateListener(databaseUrl: string, node: NodeProcess): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1",
      [`${LISTENER_NAME} ${node.pid}`],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

describe.skipIf(testDialect !== "postgres")("two node processes on one PostgreSQL database", () => {
  let setup: TestSite;
  let feeds: FeedServer;
  let a: NodeProcess;
  let b: NodeProcess;
  let token: string;
  let databaseUrl: string;
  const sourcePaths: string[] = [];

  beforeAll(async () => {
    setup = await createTestSite();
    // The nodes run on the real clock: sessions and dates made here must be real too.
    setup.clock.set(new Date());
    if (setup.config.database.dialect !== "postgres") throw new Error("PostgreSQL expected");
    databaseUrl = setup.config.database.url;
    token = await setup.newApiToken();
    feeds = await startFeedServer();
    const feed = fixture("outlet-a-rss.xml");
    // Six slow feeds first in the due list, then eight quick ones.
    for (let n = 0; n < 14; n++) {
      const pathname = `/feeds/${n}.xml`;
      const slow = n < 6;
      feeds.route(pathname, (_request: http.IncomingMessage, response: http.ServerResponse) => {
        const answer = () => response.writeHead(200, { "content-type": "application/rss+xml" }).end(feed);
        if (slow) setTimeout(answer, 2000);
        else answer();
        return undefined;
      });
      const added = await addSource(
        setup.ctx,
        { url: feeds.url(pathname), name: `Outlet ${n}` },
        { discover: false },
      );
      if (!("source" in added)) throw new Error(JSON.stringify(added.errors));
      sourcePaths.push(pathname);
    }
    a = await startNode("A", nodeEnv(databaseUrl, { RUN_SCHEDULERS: "true" }));
    b = await startNode("B", nodeEnv(databaseUrl, { RUN_SCHEDULERS: "true" }));
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await feeds?.close();
    await setup?.close();
  });

  test("14 sources, 6 of them slow, are each fetched exactly once with both schedulers running", async () => {
    // Each node's scheduler has gone once through the sources due when its round began.
    await vi.waitFor(
      async () => {
        for (const node of [a, b])
          expect(
            metricValue(await metricsOf(node), /broadsheet_feed_tick_outcomes_total\{outcome="done"\} (\d+)/),
          ).toBeGreaterThan(0);
      },
      { timeout: 60_000, interval: 250 },
    );
    for (const pathname of sourcePaths)
      expect(
        feeds.requests.filter((r) => r.path === pathname),
        pathname,
      ).toHaveLength(1);
    const counts = await setup.ctx.db.selectFrom("sources").select("fetch_count").execute();
    expect(counts.map((row) => row.fetch_count)).toEqual(Array(14).fill(1));
  });

  test("an edit on A shows on B within 2 s after B's LISTEN connection was terminated", async () => {
    const article = await setup.newArticle({ title: "Harbour plan approved" });
    const url = pathOf(article.url);
    expect((await page(b, url)).body).toContain("Harbour plan approved");
    expect((await page(b, url)).body).toContain("Harbour plan approved");
    expect(await terminateListener(databaseUrl, b)).toBe(1);
    expect(await editTitle(a, token, article.id, "Harbour plan rejected")).toBe(200);
    await vi.waitFor(async () => expect((await page(b, url)).body).toContain("Harbour plan rejected"), {
      timeout: 2000,
      interval: 50,
    });
    await vi.waitFor(async () => expect((await page(b, "/readyz")).status).toBe(200), {
      timeout: 2000,
      interval: 50,
    });
  });

  test("a comment approved through A re-renders the story on B, while B keeps an unrelated archive cached", async () => {
    const story = await setup.newArticle({ title: "Ferry timetable changes", categories: ["Transport"] });
    await setup.newArticle({ title: "Gallery reopens", categories: ["Arts"] });
    const url = pathOf(story.url);
    // The two new stories' change notices reach B on their own time and may evict a first render.
    for (const path of [url, "/category/arts/"]) {
      await vi.waitFor(async () => expect((await page(b, path)).headers.get("x-cache"), path).toBe("HIT"), {
        timeout: 5000,
        interval: 50,
      });
    }
    expect(
      (await postComment(a, story.id, "198.51.100.41", "203.0.113.41", "The early ferry matters.")).status,
    ).toBe(303);
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const held = await fetch(`${a.origin}/api/admin/comments?status=pending&article_id=${story.id}`, {
      headers: auth,
    });
    const [comment] = ((await held.json()) as { comments: { id: number }[] }).comments;
    const approved = await fetch(`${a.origin}/api/admin/comments/${comment.id}`, {
      method: "PATCH",
      headers: auth,
      body: JSON.stringify({ status: "approved" }),
    });
    expect(approved.status).toBe(200);
    await vi.waitFor(async () => expect((await page(b, url)).body).toContain("The early ferry matters."), {
      timeout: 2000,
      interval: 50,
    });
    expect((await page(b, "/category/arts/")).headers.get("x-cache")).toBe("HIT");
  });

  test("one reader's comments through A and B together hit the shared limit, whatever they put in X-Forwarded-For", async () => {
    const article = await setup.newArticle();
    const statuses: number[] = [];
    for (let n = 0; n < 8; n++) {
      const answer = await postComment(
        n % 2 ? b : a,
        article.id,
        "198.51.100.23",
        `203.0.113.${n + 1}`,
        `Remark ${n}`,
      );
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429, 429, 429]);
    // Another reader behind the same proxy is not held back.
    expect((await postComment(b, article.id, "198.51.100.24", "203.0.113.1", "My own remark")).status).toBe(
      303,
    );
  });

  test("an image uploaded through A is served by B", async () => {
    const author = await setup.newUser({ role: "author" });
    const session = await setup.sessionCookie(author);
    const form = await fetch(`${a.origin}/admin/media`, { headers: { cookie: session } });
    const html = await form.text();
    const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(html)?.[1];
    const csrf = form.headers
      .getSetCookie()
      .map((cookie) => /^_csrf=([^;]+)/.exec(cookie)?.[1])
      .find(Boolean);
    if (!action || !csrf)
      throw new Error(
        `no upload form on A's media page (status ${form.status}): ${form.headers.getSetCookie()}\n${html.slice(0, 3000)}`,
      );
    const upload = await multipartForm({ alt: "The quay" }, [
      { field: "file", fileName: "quay.png", data: TINY_PNG, type: "image/png" },
    ]);
    const uploaded = await fetch(a.origin + action.replace(/&amp;/g, "&"), {
      method: "POST",
      redirect: "manual",
      // Upload forms are accepted from the site's own pages only.
      headers: { ...upload.headers, cookie: `${session}; _csrf=${csrf}`, origin: a.origin },
      body: new Uint8Array(upload.payload),
    });
    expect(uploaded.status).toBe(303);
    const media = await setup.ctx.db
      .selectFrom("media")
      .select("file_name")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    // The image's address leads to its widest variant, made from what A stored.
    const served = await fetch(`${b.origin}/media/${media.file_name}`);
    expect(served.redirected).toBe(true);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 1, 1]);
  });

  test("/metrics answers only with the token", async () => {
    expect((await fetch(`${a.origin}/metrics`)).status).toBe(401);
    const metrics = await metricsOf(a);
    expect(metrics).toContain("broadsheet_change_feed_connected 1");
    expect(metrics).toMatch(/broadsheet_db_pool_connections\{state="total"\} \d+/);
  });

  test("SIGTERM during a request lets it finish, then the node exits cleanly", async () => {
    feeds.route("/slow-at-shutdown.xml", (_request: http.IncomingMessage, response: http.ServerResponse) => {
      setTimeout(
        () =>
          response.writeHead(200, { "content-type": "application/rss+xml" }).end(fixture("outlet-a-rss.xml")),
        2000,
      );
      return undefined;
    });
    const added = await addSource(
      setup.ctx,
      { url: feeds.url("/slow-at-shutdown.xml"), name: "Slow at shutdown", is_enabled: false },
      { discover: false },
    );
    if (!("source" in added)) throw new Error(JSON.stringify(added.errors));
    const fetching = fetch(`${b.origin}/api/admin/sources/${added.source.id}/fetch`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    await vi.waitFor(
      () => expect(feeds.requests.some((r) => r.path === "/slow-at-shutdown.xml")).toBe(true),
      {
        timeout: 10_000,
        interval: 20,
      },
    );
    b.child.kill("SIGTERM");
    const answer = await fetching;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ status: "ok", added: 3 });
    expect(await b.exited).toBe(0);
    expect(b.output()).toContain("shut down");
  });
});

const cluster = testDialect === "postgres" ? await startThrowawayPostgres() : undefined;
if (cluster && "unavailable" in cluster)
  console.warn(`SKIPPED: the database restart and hung-database tests (${cluster.unavailable})`);
const ownCluster = cluster && !("unavailable" in cluster) ? cluster : undefined;

describe.skipIf(!ownCluster)("two node processes on a PostgreSQL that stops, restarts and hangs", () => {
  const db = ownCluster as ThrowawayPostgres;
  let setup: TestSite;
  let c: NodeProcess;
  let d: NodeProcess;
  let token: string;
  let articles: { id: number; url: string }[];

  beforeAll(async () => {
    setup = await createTestSite({
      database: {
        database: { dialect: "postgres", url: db.url },
        dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-setup-")),
        drop: async () => {},
      },
    });
    setup.clock.set(new Date());
    token = await setup.newApiToken();
    articles = [];
    for (const title of ["Tide tables", "Ferry timetable", "Lifeboat station"])
      articles.push(await setup.newArticle({ title }));
    await setup.close();
    // Short timeouts, so a hung database is given up on quickly.
    const timeouts = { DB_QUERY_TIMEOUT_MS: "1500", DB_CONNECT_TIMEOUT_MS: "1000" };
    c = await startNode("C", nodeEnv(db.url, timeouts));
    d = await startNode("D", nodeEnv(db.url, timeouts));
  }, 120_000);

  afterAll(async () => {
    db.freeze(false);
    await Promise.all([c?.stop(), d?.stop()]);
    db.destroy();
  });

  test("with the database hung (SIGSTOP), /readyz answers 503 within 1 s, a cached page is served and an uncached one gets 503", async () => {
    const cached = pathOf(articles[0].url);
    expect((await page(c, cached)).status).toBe(200);
    db.freeze(true);
    try {
      const started = performance.now();
      const ready = await page(c, "/readyz");
      // The issue asks for this bound: a proxy's health check must not hang with the database.
      expect(performance.now() - started).toBeLessThan(1000);
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body)).toMatchObject({
        status: "unavailable",
        checks: { database: "not answering" },
      });
      expect((await page(c, "/healthz")).status).toBe(200);
      const hit = await page(c, cached);
      expect(hit.status).toBe(200);
      expect(hit.body).toContain("Tide tables");
      const uncached = await page(c, pathOf(articles[1].url));
      expect(uncached.status).toBe(503);
      expect(uncached.headers.get("retry-after")).toBe("30");
      expect(uncached.body).toContain("This page is briefly unavailable");
    } finally {
      db.freeze(false);
    }
    await vi.waitFor(async () => expect((await page(c, "/readyz")).status).toBe(200), {
      timeout: 10_000,
      interval: 100,
    });
  });

  test("with the database down, a page whose cache was just emptied is served from its last good copy and a comment comes back with its text", async () => {
    const [kept, edited] = [pathOf(articles[2].url), articles[1]];
    expect((await page(d, kept)).status).toBe(200);
    // An edit empties every node's cache just before the outage.
    expect(await editTitle(c, token, edited.id, "Ferry timetable (winter)")).toBe(200);
    await vi.waitFor(async () => expect((await page(d, pathOf(edited.url))).body).toContain("(winter)"), {
      timeout: 2000,
      interval: 50,
    });
    db.stop();
    const stale = await page(d, kept);
    expect(stale.status).toBe(200);
    expect(stale.body).toContain("Lifeboat station");
    expect(Number(stale.headers.get("age"))).toBeGreaterThanOrEqual(0);
    expect(stale.headers.get("x-cache")).toBe("STALE");
    const comment = await postComment(
      d,
      articles[2].id,
      "198.51.100.40",
      "198.51.100.40",
      "Kept through the outage",
    );
    expect(comment.status).toBe(503);
    expect(comment.body).toContain("Kept through the outage");
    expect(comment.body).toContain("Your comment was not saved");
    expect((await page(d, "/readyz")).status).toBe(503);
  });

  test("after a database restart, an edit on one node shows on the other within 2 s", async () => {
    db.start();
    await vi.waitFor(
      async () => {
        for (const node of [c, d]) expect((await page(node, "/readyz")).status).toBe(200);
      },
      { timeout: 15_000, interval: 100 },
    );
    const url = pathOf(articles[0].url);
    expect((await page(d, url)).body).toContain("Tide tables");
    expect((await page(d, url)).body).toContain("Tide tables");
    await vi.waitFor(
      async () => expect(await editTitle(c, token, articles[0].id, "Tide tables (spring)")).toBe(200),
      {
        timeout: 10_000,
        interval: 200,
      },
    );
    await vi.waitFor(async () => expect((await page(d, url)).body).toContain("Tide tables (spring)"), {
      timeout: 2000,
      interval: 50,
    });
  });
});
