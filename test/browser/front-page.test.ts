import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SESSION_COOKIE } from "../../src/infrastructure/requests.js";
import type { TestUser } from "../support/site.js";
import { launchChromium, type ServedSite, serveTestSite } from "./support.js";

describe("an editor arranging the front page in a browser", () => {
  let served: ServedSite;
  let browser: Browser;
  let editor: TestUser;
  const titles = ["Harbour reopens", "Council votes", "Ferry timetable", "Storm season ends"];

  beforeAll(async () => {
    served = await serveTestSite({ now: "2026-05-20T10:00:00.000Z" });
    browser = await launchChromium();
    editor = await served.site.newUser({ role: "editor", name: "Ada Editor" });
    for (const [i, title] of titles.entries())
      await served.site.newArticle({ title, published_at: `2026-05-1${i}T08:00:00.000Z` });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  async function signedIn(options: {
    javaScriptEnabled: boolean;
  }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const cookie = (await served.site.sessionCookie(editor)).slice(SESSION_COOKIE.length + 1);
    await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: served.baseUrl }]);
    return { context, page: await context.newPage() };
  }

  async function leadOnFrontPage(page: Page): Promise<string> {
    await page.goto(`${served.baseUrl}/`);
    return (await page.locator(".front-lead h2").first().textContent())?.trim() ?? "";
  }

  test("without JavaScript, choosing a story in slot 1 makes it the lead", async () => {
    const { context, page } = await signedIn({ javaScriptEnabled: false });
    expect(await leadOnFrontPage(page)).toBe("Storm season ends");
    await page.goto(`${served.baseUrl}/admin/front-page`);
    await page.getByLabel("Lead").selectOption({ label: "Council votes" });
    await page.getByLabel("Top story 1").selectOption({ label: "Harbour reopens" });
    await page.getByRole("button", { name: "Save front page" }).click();
    await page.waitForURL("**/admin/front-page");
    expect(await page.locator(".flash").first().textContent()).toContain("Front page saved");
    expect(await leadOnFrontPage(page)).toBe("Council votes");
    await context.close();
  });

  test("with scripts, dragging slot 2 above slot 1 swaps the lead and the first top story", async () => {
    const { context, page } = await signedIn({ javaScriptEnabled: true });
    await page.goto(`${served.baseUrl}/admin/front-page`);
    const slots = page.locator("[data-front-slot]");
    // Picked up by its label: a select inside the slot is not a drag handle.
    await slots
      .nth(1)
      .dragTo(slots.nth(0), { sourcePosition: { x: 8, y: 8 }, targetPosition: { x: 8, y: 2 } });
    await expect
      .poll(() => slots.nth(0).locator("select option:checked").textContent())
      .toBe("Harbour reopens");
    expect(await slots.nth(0).locator("[data-slot-label]").textContent()).toBe("Lead");
    expect(await slots.nth(0).locator("select option:checked").textContent()).toBe("Harbour reopens");
    await page.getByRole("button", { name: "Save front page" }).click();
    await page.waitForURL("**/admin/front-page");
    expect(await leadOnFrontPage(page)).toBe("Harbour reopens");
    await context.close();
  });
});
