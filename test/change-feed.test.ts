import fs from "node:fs";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { buildApp } from "../src/app.js";
import { LISTENER_NAME } from "../src/db/change-feed.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

describe(`health and readiness on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test("/readyz says ready, naming each check, and is never cached", async () => {
    const response = await site.request({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.json()).toEqual({
      status: "ready",
      database: testDialect,
      checks: { database: "ok", change_feed: "ok", schema: "ok", data_dir: "ok" },
    });
  });

  test("/readyz answers 503 when the data directory cannot be written, while /healthz stays ok", async () => {
    const moved = `${site.config.dataDir}-moved`;
    fs.renameSync(site.config.dataDir, moved);
    try {
      const response = await site.request({ method: "GET", url: "/readyz" });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ status: "unavailable", checks: { data_dir: "not writable" } });
      expect((await site.request({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    } finally {
      fs.renameSync(moved, site.config.dataDir);
    }
  });
});

describe.skipIf(testDialect !== "postgres")("two nodes on one PostgreSQL database", () => {
  let site: TestSite;
  let other: FastifyInstance;
  let token: string;
  beforeAll(async () => {
    site = await createTestSite();
    other = await buildApp(site.config, { logger: false });
    await other.ready();
    token = await site.newApiToken();
  });
  afterAll(async () => {
    await other?.close();
    await site?.close();
  });

  async function cutListeners(): Promise<number> {
    const url = site.config.database.dialect === "postgres" ? site.config.database.url : "";
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const result = await client.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()",
        [`${LISTENER_NAME} ${process.pid}`],
      );
      return result.rowCount ?? 0;
    } finally {
      await client.end();
    }
  }

  test("a node whose LISTEN connection was cut listens again and drops the pages it cached", async () => {
    const article = await site.newArticle({ title: "Harbour plan approved" });
    const page = () => other.inject({ method: "GET", url: article.url.replace("http://news.test", "") });
    expect((await page()).body).toContain("Harbour plan approved");
    expect(await cutListeners()).toBe(2);
    const edit = await site.request({
      method: "PATCH",
      url: `/api/admin/articles/${article.id}`,
      headers: { authorization: `Bearer ${token}` },
      payload: { title: "Harbour plan rejected" },
    });
    expect(edit.statusCode).toBe(200);
    await vi.waitFor(
      async () => {
        expect((await page()).body).toContain("Harbour plan rejected");
      },
      { timeout: 2000, interval: 50 },
    );
    await vi.waitFor(async () => expect((await other.inject({ url: "/readyz" })).statusCode).toBe(200), {
      timeout: 2000,
      interval: 50,
    });
  });

  test("a node whose feed just dropped shuts down without an error", async () => {
    const third = await buildApp(site.config, { logger: false });
    await third.ready();
    await cutListeners();
    await expect(third.close()).resolves.toBeUndefined();
  });
});
