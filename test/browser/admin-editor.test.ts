import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TestUser } from "../support/site.js";
import { launchChromium, type ServedSite, serveTestSite } from "./support.js";

describe("the story editor in a browser", () => {
  let served: ServedSite;
  let browser: Browser;
  let admin: TestUser;

  beforeAll(async () => {
    served = await serveTestSite({ settings: { title: "The Harbour Herald" } });
    admin = await served.site.newUser({ role: "admin", name: "Ada Admin" });
    browser = await launchChromium();
    fs.mkdirSync("test-results", { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  test("an editor signs in, writes a story, watches the live preview, publishes and opens it", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("response", (response) => {
      if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
    });

    await page.goto(`${served.baseUrl}/admin/articles/new`);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/admin/articles/new");

    await page.getByLabel("Title", { exact: true }).fill("Gales close the harbour");
    await expect
      .poll(() => page.locator("[data-permalink]").textContent())
      .toContain("/gales-close-the-harbour/");
    const body = page.getByLabel("Story (Markdown)");
    await body.fill("The **harbour** closed at dawn.");
    const preview = page.locator("[data-preview-target]");
    // The first preview may wait for the server's preview worker to finish starting.
    await expect.poll(() => preview.innerHTML(), { timeout: 15_000 }).toContain("<strong>harbour</strong>");
    await body.pressSequentially("\n\n## Ferries wait", { delay: 5 });
    await expect.poll(() => preview.innerHTML()).toContain("<h2>Ferries wait</h2>");

    await page.getByLabel("Categories (comma-separated; new names are created)").fill("Weather");
    await page.getByLabel("Tags (comma-separated)").fill("Storms, Ferries");
    await page.locator("#source_url_1").fill("https://coast.example/gales");
    await page.locator("#source_name_1").fill("Coast Gazette");
    await page.getByRole("button", { name: "Add another source" }).click();
    await expect.poll(() => page.locator(".source-row").count()).toBe(4);
    await page.screenshot({ path: "test-results/admin-editor-1280.png", fullPage: true });

    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: "test-results/admin-editor-375.png", fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(/\/admin\/articles\/\d+\/edit$/);
    await expect.poll(() => page.locator(".flash").textContent()).toContain("Published.");
    await page.getByRole("link", { name: "View on site" }).last().click();
    await page.waitForURL("**/2026/05/22/gales-close-the-harbour/");
    await expect.poll(() => page.locator("h1").first().textContent()).toContain("Gales close the harbour");
    expect(await page.content()).toContain("<strong>harbour</strong>");
    expect(await page.locator('a[href="https://coast.example/gales"]').count()).toBe(1);
    await page.screenshot({ path: "test-results/admin-editor-published-375.png" });
    expect(errors).toEqual([]);
  });
});
