import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedDemoContent } from "../../src/demo/seed-demo.js";
import {
  axeViolations,
  describeViolation,
  launchChromium,
  type ServedSite,
  serveTestSite,
} from "./support.js";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../test-results/public-site");
const WIDTHS = [375, 1280] as const;

describe("the public site in Chromium", () => {
  let browser: Browser;
  let served: ServedSite;
  let articlePath: string;
  let curatedPath: string;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    served = await serveTestSite({ now: "2026-05-22T10:00:00.000Z" });
    await seedDemoContent(served.site.ctx);
    const front = await served.site.request({ method: "GET", url: "/" });
    articlePath = /class="card-title"><a href="([^"]+)"/.exec(front.body)?.[1] ?? "";
    curatedPath = "/2026/05/19/ferry-fares-freeze-winter/";
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  /** Opens a page and records CSP violations and script errors while it loads. */
  async function open(url: string, width: number, options: { colorScheme?: "light" | "dark" } = {}) {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      colorScheme: options.colorScheme ?? "light",
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text()))
        problems.push(message.text());
    });
    const response = await page.goto(served.baseUrl + url);
    return { page, context, problems, status: response?.status() };
  }

  /** Loads lazy images so a full-page screenshot shows them, then saves it. */
  async function screenshot(page: Page, name: string) {
    await page.evaluate(async () => {
      const images = Array.from(document.querySelectorAll("img"));
      for (const img of images) img.loading = "eager";
      await Promise.all(images.map((img) => (img.complete ? null : img.decode().catch(() => null))));
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  async function hasHorizontalScroll(page: Page): Promise<boolean> {
    return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  }

  const pages = () => [
    { name: "front", url: "/", status: 200, heading: "Council approves harbour tram extension" },
    { name: "article", url: curatedPath, status: 200, heading: "Island ferry fares frozen for the winter" },
    { name: "archive", url: "/category/city/", status: 200, heading: "City" },
    { name: "not-found", url: "/2026/05/22/no-such-story/", status: 404, heading: "We can’t find that page" },
  ];

  for (const width of WIDTHS) {
    test(`front page, article, archive and 404 render cleanly at ${width} px`, async () => {
      for (const target of pages()) {
        const { page, context, problems, status } = await open(target.url, width);
        expect(status, target.name).toBe(target.status);
        await expect
          .poll(() => page.locator("body").textContent(), { timeout: 5_000 })
          .toContain(target.heading);
        expect(await page.locator(".masthead-date").textContent()).toBe("Fri. May 22nd, 2026");
        expect(await hasHorizontalScroll(page), `${target.name} scrolls sideways at ${width}px`).toBe(false);
        expect(problems, target.name).toEqual([]);
        await screenshot(page, `${target.name}-${width}`);
        await context.close();
      }
    });
  }

  test("the front page and an article fit a 320 px screen without sideways scrolling", async () => {
    for (const url of ["/", articlePath]) {
      const { page, context } = await open(url, 320);
      expect(await hasHorizontalScroll(page), url).toBe(false);
      await screenshot(page, `${url === "/" ? "front" : "article"}-320`);
      await context.close();
    }
  });

  test("the article page shows its curated source link and featured image with alt text", async () => {
    const { page, context } = await open(articlePath, 1280);
    const image = page.locator(".story-figure img");
    expect(await image.getAttribute("alt")).toMatch(/Illustration/);
    expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await context.close();

    const curated = await open(curatedPath, 1280);
    const source = curated.page.locator("a.source-link");
    expect(await source.getAttribute("rel")).toBe("noopener");
    expect(await source.textContent()).toContain("Source link");
    expect(await curated.page.locator(".source-name").textContent()).toBe("The Coastal Ledger");
    await curated.context.close();
  });

  test("a keyboard user skips to the content, opens a story and comes back to the front page", async () => {
    const { page, context } = await open("/", 1280);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).not.toBe("none");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("content");

    // Tab forward until a story headline has focus, then follow it.
    let href = "";
    for (let i = 0; i < 20 && !/^\/\d{4}\/\d{2}\/\d{2}\//.test(href); i++) {
      await page.keyboard.press("Tab");
      href = await page.evaluate(() => document.activeElement?.getAttribute("href") ?? "");
    }
    expect(href).toMatch(/^\/\d{4}\/\d{2}\/\d{2}\//);
    const focusRing = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(focusRing).not.toBe("none");
    await Promise.all([page.waitForURL(`**${href}`), page.keyboard.press("Enter")]);
    expect(await page.locator("h1").textContent()).not.toBe("");
    await screenshot(page, "keyboard-article");

    // Back to the front page by the masthead's title link, again by keyboard only.
    let onTitle = false;
    for (let i = 0; i < 10 && !onTitle; i++) {
      await page.keyboard.press("Tab");
      onTitle = await page.evaluate(() => document.activeElement?.closest(".site-title") !== null);
    }
    expect(onTitle).toBe(true);
    await Promise.all([page.waitForURL(`${served.baseUrl}/`), page.keyboard.press("Enter")]);
    expect(await page.locator(".front-lead").count()).toBe(1);
    await context.close();
  });

  test("an embedded video asks nothing of its provider until the reader loads the player", async () => {
    const story = await served.site.newArticle({
      title: "Footage from the harbour",
      body: "The wall held.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nMore soon.",
    });
    const { page, context, problems } = await open(story.path, 375);
    const outside: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(served.baseUrl)) outside.push(request.url());
    });
    // Requests made while loading, before the listener was added, are in the performance timeline.
    const loaded = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    expect([...loaded, ...outside].filter((url) => !url.startsWith(served.baseUrl))).toEqual([]);
    const card = page.locator("figure.embed-youtube");
    expect(await card.locator("a.embed-link").getAttribute("href")).toBe(
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    );
    await card.getByRole("button", { name: "Load the YouTube player" }).click();
    const frame = card.locator("iframe.embed-frame");
    expect(await frame.getAttribute("src")).toBe("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ");
    expect(await frame.getAttribute("title")).toBe("YouTube player");
    expect(problems).toEqual([]);
    await context.close();
  });

  test("reduced motion turns smooth scrolling off", async () => {
    const context = await browser.newContext({ reducedMotion: "reduce" });
    const page = await context.newPage();
    await page.goto(`${served.baseUrl}/`);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior)).toBe("auto");
    await context.close();
  });

  for (const colorScheme of ["light", "dark"] as const) {
    test(`axe finds no serious or critical accessibility problems (${colorScheme} mode)`, {
      timeout: 180_000,
    }, async () => {
      const report: string[] = [];
      for (const target of pages()) {
        // axe is injected as a script; the site's CSP (rightly) forbids that, so only this context bypasses it.
        const context = await browser.newContext({
          bypassCSP: true,
          colorScheme,
          viewport: { width: 1280, height: 900 },
        });
        const page = await context.newPage();
        await page.goto(served.baseUrl + target.url);
        for (const v of await axeViolations(page)) report.push(`${target.name}: ${describeViolation(v)}`);
        await context.close();
      }
      fs.writeFileSync(
        path.join(SCREENSHOTS, `axe-${colorScheme}.txt`),
        report.length ? `${report.join("\n")}\n` : "no violations\n",
      );
      const severe = report.filter((line) => / (serious|critical) /.test(line));
      expect(severe).toEqual([]);
    });
  }
});
