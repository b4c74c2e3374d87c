import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { updateUser } from "../../src/accounts/service.js";
import type { TestUser } from "../support/site.js";
import {
  axeViolations,
  describeViolation,
  isSevere,
  launchChromium,
  type ServedSite,
  serveTestSite,
  signedInPage,
} from "./support.js";

const WIDTHS = [375, 1280] as const;
const PAGES = ["/admin/profile", "/admin/users", "/admin/tokens", "/admin/users/new"];

describe("an Arabic admin in Chromium, right to left", () => {
  let browser: Browser;
  let served: ServedSite;
  let admin: TestUser;

  beforeAll(async () => {
    // The site is in English: the admin is Arabic because this staff member chose it.
    served = await serveTestSite();
    admin = await served.site.newUser({ role: "admin", name: "سارة أحمد" });
    await updateUser(served.site.ctx, admin.id, { language: "ar" });
    await served.site.newUser({ role: "editor", name: "ليلى حسن" });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  async function open(url: string, width: number, bypassCSP = false): Promise<Page> {
    const page = await signedInPage(browser, served, admin, { viewport: { width, height: 900 }, bypassCSP });
    const response = await page.goto(served.baseUrl + url);
    expect(response?.status(), url).toBe(200);
    return page;
  }

  /**
   * Where an element's text sits: its left and right edges, in CSS pixels from the viewport's left
   * (the text's, not the box's: a phone's menu links are as wide as the screen).
   */
  const edges = (page: Page, selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((element) => {
        const range = document.createRange();
        range.selectNodeContents(element);
        const box = range.getBoundingClientRect();
        return { left: box.left, right: box.right };
      });

  for (const width of WIDTHS) {
    test(`at ${width} px the nav starts on the right and nothing scrolls sideways`, async () => {
      for (const url of PAGES) {
        const page = await open(url, width);
        expect(await page.getAttribute("html", "dir")).toBe("rtl");
        expect(await page.getAttribute("html", "lang")).toBe("ar");
        // On a phone the nav sits behind the menu button: open it as a tap would.
        if (!(await page.locator(".admin-nav").isVisible()))
          await page.locator(".admin-menu > summary").click();
        const first = await edges(page, ".admin-nav a:first-child");
        expect(await page.locator(".admin-nav a").first().textContent()).toBe("لوحة التحكم");
        // Right to left: what comes first sits nearest the right edge.
        expect(first.left, `${url}: the first link is right of the middle`).toBeGreaterThan(width / 2);
        const heading = await edges(page, "main h1");
        expect(width - heading.right, `${url}: the heading starts at the right`).toBeLessThan(width / 4);
        const scrolls = await page.evaluate(
          () => document.documentElement.scrollWidth > window.innerWidth + 1,
        );
        expect(scrolls, `${url} scrolls sideways at ${width}px`).toBe(false);
        await page.context().close();
      }
    });
  }

  test("axe finds no serious or critical violations on the Arabic admin", { timeout: 180_000 }, async () => {
    const severe: string[] = [];
    for (const width of WIDTHS) {
      for (const url of PAGES) {
        // axe is injected as a script; the admin's CSP (rightly) forbids that, so only this context bypasses it.
        const page = await open(url, width, true);
        for (const violation of await axeViolations(page))
          if (isSevere(violation)) severe.push(`${url} ${width}px: ${describeViolation(violation)}`);
        await page.context().close();
      }
    }
    expect(severe).toEqual([]);
  });
});
