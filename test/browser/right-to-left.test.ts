import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  axeViolations,
  describeViolation,
  launchChromium,
  type ServedSite,
  serveTestSite,
} from "./support.js";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../test-results/right-to-left");
const WIDTHS = [375, 1280] as const;

describe("an Arabic site in Chromium, right to left", () => {
  let browser: Browser;
  let served: ServedSite;
  let storyPath: string;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    served = await serveTestSite({
      now: "2026-12-04T12:00:00.000Z",
      settings: { title: "أخبار المساء", tagline: "أخبار اليوم", language: "ar", timezone: "Asia/Riyadh" },
    });
    const editor = await served.site.newUser({ role: "editor", name: "سارة أحمد" });
    for (let i = 1; i <= 12; i++) {
      const story = await served.site.newArticle({
        author: editor,
        title: `الرئيسان تحدثا عبر الهاتف عن الاقتصاد والطاقة ${i}`,
        excerpt: "بحث الرئيسان العلاقات الثنائية وأسعار الطاقة في اتصال هاتفي طويل.",
        body: "بحث الرئيسان العلاقات الثنائية وأسعار الطاقة في اتصال هاتفي طويل.\n\n> قال المتحدث إن الاتصال كان بنّاءً.",
        categories: [i % 2 ? "سياسة" : "اقتصاد"],
        tags: ["الطاقة"],
        sources: [{ url: "https://wire.example/1", name: "وكالة الأنباء" }],
        published_at: `2026-12-0${1 + (i % 3)}T0${i % 9}:00:00Z`,
      });
      storyPath = new URL(story.url).pathname;
    }
    const categories = await served.site.ctx.db.selectFrom("categories").select("slug").execute();
    await served.site.ctx.settings.update({ navCategorySlugs: categories.map((c) => c.slug) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  const pages = () => [
    { name: "front", url: "/" },
    { name: "story", url: storyPath },
    { name: "search", url: `/search?q=${encodeURIComponent("الطاقة")}` },
  ];

  async function open(url: string, width: number, bypassCSP = false) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP });
    const page = await context.newPage();
    const response = await page.goto(served.baseUrl + url);
    return { page, context, status: response?.status() };
  }

  /** Where an element sits: its left and right edges, in CSS pixels from the viewport's left. */
  const edges = (page: Page, selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((element) => {
        const box = element.getBoundingClientRect();
        return { left: box.left, right: box.right };
      });

  for (const width of WIDTHS) {
    test(`pages mirror at ${width} px: the masthead date and navigation start on the right, nothing scrolls sideways`, async () => {
      for (const target of pages()) {
        const { page, context, status } = await open(target.url, width);
        expect(status, target.name).toBe(200);
        expect(await page.getAttribute("html", "dir")).toBe("rtl");
        expect(await page.locator(".masthead-date").textContent()).toBe("الجمعة، 4 ديسمبر 2026");
        const date = await edges(page, ".masthead-date time");
        const home = await edges(page, ".sections li:first-child a");
        // Right to left: what comes first sits nearest the right edge.
        expect(width - date.right, `${target.name}: date hugs the right`).toBeLessThan(width / 4);
        expect(home.left, `${target.name}: "home" is right of the middle`).toBeGreaterThan(width / 2 - 60);
        const scrolls = await page.evaluate(
          () => document.documentElement.scrollWidth > window.innerWidth + 1,
        );
        expect(scrolls, `${target.name} scrolls sideways at ${width}px`).toBe(false);
        await page.screenshot({
          path: path.join(SCREENSHOTS, `${target.name}-${width}.png`),
          fullPage: true,
        });
        await context.close();
      }
    });
  }

  test("axe finds no accessibility violations on the right-to-left pages", { timeout: 180_000 }, async () => {
    const report: string[] = [];
    for (const width of WIDTHS) {
      for (const target of pages()) {
        // axe is injected as a script; the site's CSP (rightly) forbids that, so only this context bypasses it.
        const { page, context } = await open(target.url, width, true);
        for (const v of await axeViolations(page))
          report.push(`${target.name} ${width}px: ${describeViolation(v)}`);
        await context.close();
      }
    }
    expect(report).toEqual([]);
  });
});
