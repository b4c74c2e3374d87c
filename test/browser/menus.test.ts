import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
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

const PHONE = { width: 375, height: 812 };

describe("an admin building the header menu in a browser without scripts", () => {
  let served: ServedSite;
  let browser: Browser;
  let admin: TestUser;

  beforeAll(async () => {
    served = await serveTestSite();
    browser = await launchChromium();
    admin = await served.site.newUser({ role: "admin", name: "Ada Admin" });
    await served.site.newArticle({ title: "Harbour reopens", categories: ["City", "Port", "Weather"] });
    await served.site.newArticle({
      title: "About the paper",
      slug: "about",
      is_page: true,
      body: "Who we are.",
    });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  async function addToHeaderMenu(page: Page, fill: (editor: ReturnType<Page["locator"]>) => Promise<void>) {
    const editor = page.locator("#menu-header");
    await fill(editor);
    await editor.getByRole("button", { name: "Save header menu" }).click();
    await page.waitForURL("**/admin/settings#menu-header");
  }

  test("a custom link and a page go into the header menu; a reader on a phone sees them on one line", async () => {
    const page = await signedInPage(browser, served, admin, { javaScriptEnabled: false });
    await page.goto(`${served.baseUrl}/admin/settings`);

    // A javascript: address comes back refused, with what was typed still there.
    const editor = page.locator("#menu-header");
    await editor.locator("#menu-header-add-kind").selectOption({ label: "Custom link" });
    await editor.locator("#menu-header-add-label").fill("Weather desk");
    await editor.locator("#menu-header-add-url").fill("javascript:alert(1)");
    await editor.getByRole("button", { name: "Save header menu" }).click();
    await expect
      .poll(() => page.locator("#menu-header-add-url-error").textContent())
      .toContain("must start with");
    expect(await page.locator("#menu-header-add-label").inputValue()).toBe("Weather desk");

    await addToHeaderMenu(page, async (menu) => {
      await menu.locator("#menu-header-add-url").fill("https://weather.example/");
    });
    expect(await page.locator(".flash").first().textContent()).toContain("Header menu saved.");
    await addToHeaderMenu(page, async (menu) => {
      await menu.locator("#menu-header-add-kind").selectOption({ label: "Page" });
      await menu.locator("#menu-header-add-page").selectOption({ label: "About the paper (/about/)" });
    });
    const rows = page.locator("#menu-header .menu-item-target");
    expect((await rows.allTextContents()).map((text) => text.replace(/\s+/g, " ").trim())).toEqual([
      "Custom link",
      "Page: About the paper",
    ]);
    await page.context().close();

    const phone = await browser.newPage({ viewport: PHONE });
    await phone.goto(`${served.baseUrl}/about/`);
    const sections = phone.locator(".sections ul");
    expect(await sections.locator("a").allTextContents()).toEqual([
      "Home",
      "Weather desk",
      "About the paper",
    ]);
    expect(await sections.locator('a[aria-current="page"]').textContent()).toBe("About the paper");
    const geometry = await sections.evaluate((ul) => ({
      rows: new Set(Array.from(ul.children, (li) => Math.round(li.getBoundingClientRect().top))).size,
      height: ul.getBoundingClientRect().height,
    }));
    expect(geometry.rows).toBe(1);
    expect(geometry.height).toBeLessThan(50);
    expect(await phone.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    await phone.context().close();
  });

  test("the menus editor fits a phone without sideways scrolling and has no serious accessibility problem", async () => {
    const page = await signedInPage(browser, served, admin, { viewport: PHONE, bypassCSP: true });
    await page.goto(`${served.baseUrl}/admin/settings#menu-header`);
    expect(await page.locator("#menu-header .menu-item").count()).toBe(2);
    expect((await axeViolations(page)).filter(isSevere).map(describeViolation)).toEqual([]);
    expect(await page.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.context().close();
  });
});
