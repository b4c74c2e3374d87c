import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedDemoContent } from "../../src/demo/seed-demo.js";
import { mediaJobsSettled } from "../../src/media/service.js";
import { launchChromium, type ServedSite, serveTestSite } from "./support.js";

/** Bytes a page costs a phone on load: every response's headers and (compressed) body. */
describe("what the demo site costs a phone", () => {
  let browser: Browser;
  let served: ServedSite;
  let articlePath: string;

  beforeAll(async () => {
    served = await serveTestSite({ now: "2026-05-22T10:00:00.000Z" });
    await seedDemoContent(served.site.ctx);
    await mediaJobsSettled();
    const front = await served.site.request({ method: "GET", url: "/" });
    articlePath = /class="card-title"><a href="([^"]+)"/.exec(front.body)?.[1] ?? "";
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  async function transferredBytes(url: string): Promise<{ total: number; images: number }> {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const responses: Promise<{ bytes: number; isImage: boolean }>[] = [];
    page.on("requestfinished", (request) =>
      responses.push(
        request.sizes().then((sizes) => ({
          bytes: sizes.responseBodySize + sizes.responseHeadersSize,
          isImage: request.resourceType() === "image",
        })),
      ),
    );
    await page.goto(served.baseUrl + url, { waitUntil: "networkidle" });
    const all = await Promise.all(responses);
    await context.close();
    return {
      total: all.reduce((sum, r) => sum + r.bytes, 0),
      images: all.filter((r) => r.isImage).reduce((sum, r) => sum + r.bytes, 0),
    };
  }

  test("the front page at 375 px transfers at most 250 KB", async () => {
    const { total, images } = await transferredBytes("/");
    console.log(
      `front page at 375 px: ${Math.round(total / 1024)} KB (images ${Math.round(images / 1024)} KB)`,
    );
    expect(total).toBeLessThanOrEqual(250 * 1024);
  });

  test("an article at 375 px transfers at most 200 KB", async () => {
    const { total, images } = await transferredBytes(articlePath);
    console.log(`article at 375 px: ${Math.round(total / 1024)} KB (images ${Math.round(images / 1024)} KB)`);
    expect(total).toBeLessThanOrEqual(200 * 1024);
  });
});
