import { randomInt } from "node:crypto";
import net from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { readerFields, SITE_ORIGIN } from "./comments-helpers.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000);
    const settle = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once("connect", () => settle(true));
    socket.once("error", () => settle(false));
    socket.once("timeout", () => settle(false));
  });
}

const redisUp = await answers(REDIS_URL);
if (!redisUp) console.warn(`SKIPPED: the Redis rate-limit tests (nothing answers at ${REDIS_URL})`);

/** A reader address of their own per run, so counters left in Redis by an earlier run do not count. */
function freshClientAddress(): string {
  return `198.18.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** Posts a comment through the proxy at 127.0.0.1, which appends the client's address to what the client sent. */
function postThroughProxy(node: FastifyInstance, articleId: number, client: string, spoofed: string) {
  return node.inject({
    method: "POST",
    url: "/comments",
    remoteAddress: "127.0.0.1",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      accept: "text/html",
      origin: SITE_ORIGIN,
      "x-forwarded-for": `${spoofed}, ${client}`,
    },
    payload: new URLSearchParams(readerFields(articleId)).toString(),
  });
}

test("TRUST_PROXY takes false, true, a hop count, or proxy addresses and CIDRs", () => {
  expect(loadConfig({}).trustProxy).toBe(false);
  expect(loadConfig({ TRUST_PROXY: "false" }).trustProxy).toBe(false);
  expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
  expect(loadConfig({ TRUST_PROXY: "2" }).trustProxy).toBe(2);
  expect(loadConfig({ TRUST_PROXY: "0" }).trustProxy).toBe(false);
  expect(loadConfig({ TRUST_PROXY: "127.0.0.1, 10.0.0.0/8,::1,loopback" }).trustProxy).toEqual([
    "127.0.0.1",
    "10.0.0.0/8",
    "::1",
    "loopback",
  ]);
  expect(() => loadConfig({ TRUST_PROXY: "nginx.local" })).toThrow(/TRUST_PROXY.*"nginx\.local"/);
  expect(() => loadConfig({ TRUST_PROXY: "10.0.0.0/99" })).toThrow(/TRUST_PROXY/);
});

describe.each([
  { counters: testDialect === "postgres" ? "the database" : "memory", redisUrl: undefined },
  ...(redisUp ? [{ counters: "Redis", redisUrl: REDIS_URL }] : []),
])(`comment limits behind a trusted proxy on ${testDialect}, counters in $counters`, ({ redisUrl }) => {
  let site: TestSite;
  /** A second node on the same database (PostgreSQL), or the same one (SQLite: one node). */
  let other: FastifyInstance;
  beforeAll(async () => {
    site = await createTestSite({ config: { trustProxy: ["127.0.0.1"], redisUrl } });
    if (testDialect === "postgres") {
      other = await buildApp(site.config, { logger: false });
      await other.ready();
    } else other = site.app;
  });
  afterAll(async () => {
    if (other !== site.app) await other?.close();
    await site?.close();
  });

  test("one reader's comments through both nodes together hit the limit of five a minute", async () => {
    const article = await site.newArticle();
    const client = freshClientAddress();
    const statuses: number[] = [];
    for (let n = 0; n < 6; n++)
      statuses.push(
        (await postThroughProxy(n % 2 ? other : site.app, article.id, client, "192.0.2.1")).statusCode,
      );
    expect(statuses.slice(0, 5).every((status) => status === 303)).toBe(true);
    expect(statuses[5]).toBe(429);
  });

  test("a client writing its own left-most X-Forwarded-For does not reset its limit", async () => {
    const article = await site.newArticle();
    const client = freshClientAddress();
    const statuses: number[] = [];
    for (let n = 0; n < 8; n++)
      statuses.push(
        (await postThroughProxy(n % 2 ? other : site.app, article.id, client, freshClientAddress()))
          .statusCode,
      );
    expect(statuses.filter((status) => status === 429)).toHaveLength(3);
    // Another reader behind the same proxy is not held back.
    expect((await postThroughProxy(site.app, article.id, freshClientAddress(), "192.0.2.1")).statusCode).toBe(
      303,
    );
  });
});

describe(`TRUST_PROXY as a hop count on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite({ config: { trustProxy: 1 } });
  });
  afterAll(async () => site?.close());

  test("one proxy hop: the client is the address the proxy appended, not what the client wrote", async () => {
    const article = await site.newArticle();
    const client = freshClientAddress();
    const statuses: number[] = [];
    for (let n = 0; n < 6; n++)
      statuses.push((await postThroughProxy(site.app, article.id, client, freshClientAddress())).statusCode);
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
  });
});
