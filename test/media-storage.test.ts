import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../src/app.js";
import { saveImage } from "../src/media/service.js";
import { mediaStorage } from "../src/media/storage.js";
import { TINY_PNG } from "./support/multipart-form.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

describe(`media storage on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test("a stored file is read back, never served unless it is an image's variant, and gone once deleted", async () => {
    const storage = mediaStorage(site.ctx);
    await storage.put("2026/05/_kept-1.png", TINY_PNG, "image/png");
    expect(await storage.get("2026/05/_kept-1.png")).toEqual(TINY_PNG);
    const served = await site.request({ method: "GET", url: "/media/2026/05/_kept-1.png" });
    expect(served.statusCode).toBe(404);
    await storage.delete("2026/05/_kept-1.png");
    expect(await storage.get("2026/05/_kept-1.png")).toBeUndefined();
    expect(await storage.localFile("2026/05/_kept-1.png")).toBeUndefined();
  });

  test("keys that would leave the media folder are refused", async () => {
    const storage = mediaStorage(site.ctx);
    await expect(storage.put("../escape.png", TINY_PNG, "image/png")).rejects.toThrow(/not a media key/);
    await expect(storage.put("2026/.hidden.png", TINY_PNG, "image/png")).rejects.toThrow(/not a media key/);
    expect((await site.request({ method: "GET", url: "/media/%2e%2e/broadsheet.db" })).statusCode).toBe(404);
  });
});

describe.skipIf(testDialect !== "postgres")("media on two nodes with their own disks", () => {
  let site: TestSite;
  let other: FastifyInstance;
  let otherDataDir: string;
  beforeAll(async () => {
    site = await createTestSite();
    otherDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-node-b-"));
    other = await buildApp({ ...site.config, dataDir: otherDataDir }, { logger: false });
    await other.ready();
  });
  afterAll(async () => {
    await other?.close();
    await site?.close();
    fs.rmSync(otherDataDir, { recursive: true, force: true });
  });

  test("an image uploaded through one node is served by the other, which keeps a copy on its disk", async () => {
    const saved = await saveImage(site.ctx, { data: TINY_PNG, originalName: "quay.png" }, null);
    if ("error" in saved) throw new Error(saved.error);
    const address = await other.inject({ method: "GET", url: saved.media.url });
    expect(address.statusCode).toBe(302);
    const variantUrl = String(address.headers.location);
    const served = await other.inject({ method: "GET", url: variantUrl });
    expect(served.statusCode).toBe(200);
    expect(served.headers["content-type"]).toBe("image/png");
    const variant = fs.readFileSync(path.join(otherDataDir, variantUrl));
    expect(served.rawPayload).toEqual(variant);
    expect((await other.inject({ method: "GET", url: "/media/2026/05/never-uploaded.png" })).statusCode).toBe(
      404,
    );
  });
});
