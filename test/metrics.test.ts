import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

const TOKEN = "metrics-token-for-tests-0123456789";

describe(`/metrics on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite({ config: { metricsToken: TOKEN } });
  });
  afterAll(async () => site?.close());

  test("is refused without the token", async () => {
    expect((await site.request({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    const wrong = await site.request({
      method: "GET",
      url: "/metrics",
      headers: { authorization: "Bearer not-the-token-at-all-000000" },
    });
    expect(wrong.statusCode).toBe(401);
  });

  test("counts requests by route and status, page-cache hits and the change feed", async () => {
    const article = await site.newArticle();
    const path = new URL(article.url).pathname;
    for (let n = 0; n < 3; n++)
      expect((await site.request({ method: "GET", url: path })).statusCode).toBe(200);
    await site.request({ method: "GET", url: "/no-such-page/" });
    const response = await site.request({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/plain");
    const text = response.body;
    expect(text).toMatch(
      /broadsheet_http_requests_total\{method="GET",route="\/:year\/:month\/:day\/:slug\/",status="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /broadsheet_http_requests_total\{method="GET",route="\(unmatched\)",status="404"\} 1/,
    );
    expect(text).toMatch(/broadsheet_page_cache_hits_total [2-9]/);
    expect(text).toMatch(/broadsheet_change_feed_connected 1/);
    expect(text).toContain("broadsheet_http_request_duration_seconds_bucket");
    expect(text).toContain("process_cpu_seconds_total");
  });
});

describe(`/metrics without METRICS_TOKEN or METRICS_PORT on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => site?.close());

  test("is not served", async () => {
    expect((await site.request({ method: "GET", url: "/metrics" })).statusCode).toBe(404);
  });
});
