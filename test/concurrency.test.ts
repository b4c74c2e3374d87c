import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../src/app.js";
import { createTestSite, type TestSite, testDialect, testLogger } from "./support/site.js";

// Real parallel HTTP requests at listening apps: two clients (and two nodes on one database) writing
// the same stories at the same moment. Each round's requests are sent together; the counts below are
// what a newsroom would see: writes acknowledged with 2xx that a concurrent write undid, and 5xx.

const UPDATE_ROUNDS = 100;
const CREATE_ROUNDS = 50;
/** Rounds in flight at once: more contention per second without making the run longer. */
const ROUNDS_AT_ONCE = 10;

let site: TestSite;
let secondNode: FastifyInstance;
let token: string;
const base: { a: string; b: string } = { a: "", b: "" };
const serverErrors: string[] = [];

beforeAll(async () => {
  site = await createTestSite();
  token = await site.newApiToken();
  base.a = await site.app.listen({ port: 0, host: "127.0.0.1" });
  // A second node built from the same config: its own pool (or SQLite connection) on the same database.
  secondNode = await buildApp(site.config, { logger: testLogger() });
  base.b = await secondNode.listen({ port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await secondNode?.close();
  await site?.close();
});

async function api(
  node: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${node}/api/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 500) serverErrors.push(`${method} ${path} → ${response.status} ${text}`);
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

/** Runs `round(i)` for i in 0..count-1, ROUNDS_AT_ONCE at a time. */
async function inBatches(count: number, round: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += ROUNDS_AT_ONCE)
    await Promise.all(
      Array.from({ length: Math.min(ROUNDS_AT_ONCE, count - start) }, (_, k) => round(start + k)),
    );
}

async function publishedStory(label: string): Promise<number> {
  const created = await api(base.a, "POST", "/articles", {
    title: `Story ${label}`,
    body: `Body of ${label}.`,
    status: "published",
  });
  expect(created.status).toBe(201);
  return created.json.id as number;
}

describe.each([
  { nodes: "one node", other: () => base.a },
  { nodes: "two nodes", other: () => base.b },
])(`concurrent edits on ${testDialect}, $nodes`, ({ nodes, other }) => {
  test(`an unpublish sent with an edit is never undone (${UPDATE_ROUNDS} rounds)`, async () => {
    let undone = 0;
    let acknowledged = 0;
    await inBatches(UPDATE_ROUNDS, async (i) => {
      const id = await publishedStory(`unpublish ${nodes} ${i}`);
      const title = `Edited ${nodes} ${i}`;
      const [unpublish, edit] = await Promise.all([
        api(base.a, "PATCH", `/articles/${id}`, { status: "draft" }),
        api(other(), "PATCH", `/articles/${id}`, { title }),
      ]);
      expect([unpublish.status, edit.status]).toEqual([200, 200]);
      acknowledged += 2;
      const stored = await api(base.a, "GET", `/articles/${id}`);
      if (stored.json.status !== "draft") undone += 1;
      if (stored.json.title !== title) undone += 1;
    });
    console.info(
      `${testDialect}, ${nodes}: unpublish vs edit, ${UPDATE_ROUNDS} rounds, ${acknowledged} acknowledged writes, ${undone} undone`,
    );
    expect(undone).toBe(0);
    expect(serverErrors).toEqual([]);
  });

  test(`a trash sent with an edit is never undone (${UPDATE_ROUNDS} rounds)`, async () => {
    let undone = 0;
    let acknowledged = 0;
    await inBatches(UPDATE_ROUNDS, async (i) => {
      const id = await publishedStory(`trash ${nodes} ${i}`);
      const [trash, pin] = await Promise.all([
        api(base.a, "PATCH", `/articles/${id}`, { status: "trashed" }),
        api(other(), "PATCH", `/articles/${id}`, { is_sticky: true, excerpt: `Pinned ${i}` }),
      ]);
      expect([trash.status, pin.status]).toEqual([200, 200]);
      acknowledged += 2;
      const stored = await api(base.a, "GET", `/articles/${id}`);
      if (stored.json.status !== "trashed") undone += 1;
      if (stored.json.is_sticky !== true || stored.json.excerpt !== `Pinned ${i}`) undone += 1;
    });
    console.info(
      `${testDialect}, ${nodes}: trash vs edit, ${UPDATE_ROUNDS} rounds, ${acknowledged} acknowledged writes, ${undone} undone`,
    );
    expect(undone).toBe(0);
    expect(serverErrors).toEqual([]);
  });
});

test(`racing creates never answer 5xx on ${testDialect} (${CREATE_ROUNDS} rounds)`, async () => {
  const statuses: number[] = [];
  await inBatches(CREATE_ROUNDS, async (i) => {
    const title = `Same headline ${i}`;
    const slug = `same-slug-${i}`;
    const category = `Desk ${i}`;
    const tag = `Topic ${i}`;
    const [sameTitle1, sameTitle2, sameSlug1, sameSlug2, sameCategory1, sameCategory2, sameTag1, sameTag2] =
      await Promise.all([
        api(base.a, "POST", "/articles", { title, body: "One." }),
        api(base.b, "POST", "/articles", { title, body: "Two." }),
        api(base.a, "POST", "/articles", { title: `Slug ${i} one`, slug, body: "One." }),
        api(base.b, "POST", "/articles", { title: `Slug ${i} two`, slug, body: "Two." }),
        api(base.a, "POST", "/articles", { title: `Category ${i} one`, categories: [category] }),
        api(base.b, "POST", "/articles", { title: `Category ${i} two`, categories: [category] }),
        api(base.a, "POST", "/articles", { title: `Tag ${i} one`, tags: [tag] }),
        api(base.b, "POST", "/articles", { title: `Tag ${i} two`, tags: [tag] }),
      ]);
    statuses.push(
      ...[sameTitle1, sameTitle2, sameSlug1, sameSlug2, sameCategory1, sameCategory2, sameTag1, sameTag2].map(
        (r) => r.status,
      ),
    );
    expect([sameTitle1.status, sameTitle2.status]).toEqual([201, 201]);
    expect(sameTitle1.json.slug).not.toBe(sameTitle2.json.slug);
    expect([sameSlug1.status, sameSlug2.status].sort()).toEqual([201, 422]);
    const refused = sameSlug1.status === 422 ? sameSlug1 : sameSlug2;
    expect(refused.json).toMatchObject({ fields: { slug: "is already used by another article" } });
    expect([sameCategory1.status, sameCategory2.status]).toEqual([201, 201]);
    const categoryIds = [sameCategory1, sameCategory2].map(
      (r) => (r.json.categories as { slug: string }[])[0].slug,
    );
    expect(categoryIds[0]).toBe(categoryIds[1]);
    expect([sameTag1.status, sameTag2.status]).toEqual([201, 201]);
    const tagSlugs = [sameTag1, sameTag2].map((r) => (r.json.tags as { slug: string }[])[0].slug);
    expect(tagSlugs[0]).toBe(tagSlugs[1]);
  });
  const fiveHundreds = statuses.filter((s) => s >= 500).length;
  console.info(
    `${testDialect}: racing creates, ${CREATE_ROUNDS} rounds, ${statuses.length} requests, ${fiveHundreds} answered 5xx`,
  );
  expect(fiveHundreds).toBe(0);
  expect(serverErrors).toEqual([]);
});
