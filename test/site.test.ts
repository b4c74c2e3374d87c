import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

describe(`site plumbing on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test("/healthz reports the database in use", async () => {
    const response = await site.request({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok", database: testDialect });
  });

  test("theme assets are served under a content hash, compressed when asked, and cached forever", async () => {
    const url = site.ctx.theme.assetUrl("site.css");
    expect(url).toMatch(/^\/assets\/[0-9a-f]{12}\/site\.css$/);
    const plain = await site.request({ method: "GET", url });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers["content-type"]).toContain("text/css");
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const brotli = await site.request({ method: "GET", url, headers: { "accept-encoding": "gzip, br" } });
    expect(brotli.headers["content-encoding"]).toBe("br");
    expect(zlib.brotliDecompressSync(brotli.rawPayload).toString()).toBe(plain.body);
    const gzip = await site.request({ method: "GET", url, headers: { "accept-encoding": "gzip" } });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    // q-values count, as for pages: brotli refused, gzip preferred to nothing.
    const refusing = await site.request({
      method: "GET",
      url,
      headers: { "accept-encoding": "br;q=0, gzip;q=0.5" },
    });
    expect(refusing.headers["content-encoding"]).toBe("gzip");
    const identity = await site.request({
      method: "GET",
      url,
      headers: { "accept-encoding": "br;q=0, gzip;q=0" },
    });
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(zlib.gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
    const stale = await site.request({ method: "GET", url: "/assets/000000000000/site.css" });
    expect(stale.statusCode).toBe(404);
  });

  test("/favicon.ico answers with an icon instead of a 404 (test/site-identity.test.ts has the rest)", async () => {
    const icon = await site.request({ method: "GET", url: "/favicon.ico" });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["content-type"]).toBe("image/x-icon");
  });

  test("pages carry a strict Content-Security-Policy and the other security headers", async () => {
    const response = await site.request({ method: "GET", url: "/" });
    const csp = String(response.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  });

  test("an unknown page gets the designed 404 page", async () => {
    const response = await site.request({
      method: "GET",
      url: "/no/such/page",
      headers: { accept: "text/html" },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toContain("text/html");
    expect(response.body).toContain("Page not found");
  });

  test("over a real connection, a cached page is answered before the application runs, until content changes", async () => {
    const article = await site.newArticle({ title: "Tide tables printed wrong" });
    const address = await site.app.listen({ port: 0, host: "127.0.0.1" });
    const first = await fetch(`${address}${article.path}`);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("Tide tables printed wrong");
    // Rename behind the application's back: only a cached copy can still show the old headline.
    await site.ctx.db
      .updateTable("articles")
      .set({ title: "Tide tables corrected" })
      .where("id", "=", article.id)
      .execute();
    const cached = await fetch(`${address}${article.path}`);
    expect(cached.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(cached.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await cached.text()).toContain("Tide tables printed wrong");
    const revalidated = await fetch(`${address}${article.path}`, {
      headers: { "if-none-match": String(first.headers.get("etag")) },
    });
    expect(revalidated.status).toBe(304);
    await site.ctx.changes.changed(["all"]);
    const fresh = await fetch(`${address}${article.path}`);
    expect(await fresh.text()).toContain("Tide tables corrected");
  });
});
