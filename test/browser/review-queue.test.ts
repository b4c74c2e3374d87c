import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, pageProblems, type ServedSite, serveTestSite, signedInPage } from "./support.js";

describe("the review queue in a browser", () => {
  let served: ServedSite;
  let browser: Browser;
  beforeAll(async () => {
    served = await serveTestSite({ settings: { title: "The Harbour Herald" } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  test("a contributor submits for review, an editor finds it by the nav's count, leaves a note and publishes", async () => {
    const contributor = await served.site.newUser({ role: "contributor", name: "Cal Contributor" });
    const editor = await served.site.newUser({ role: "editor", name: "Maya Editor" });
    const writer = await signedInPage(browser, served, contributor);
    const problems = pageProblems(writer);
    await writer.goto(`${served.baseUrl}/admin/articles/new`);
    await writer.getByLabel("Title", { exact: true }).fill("Lighthouse keeper retires");
    await writer.getByLabel("Story (Markdown)").fill("After forty years on the rock.");
    await writer.getByRole("button", { name: "Submit for review" }).click();
    await expect.poll(() => writer.locator(".flash").textContent()).toContain("Submitted for review.");

    const desk = await signedInPage(browser, served, editor);
    await desk.goto(`${served.baseUrl}/admin/`);
    const review = desk.locator("[data-nav-review]");
    expect(await review.textContent()).toContain("1");
    await review.click();
    await desk.getByRole("link", { name: "Lighthouse keeper retires" }).click();
    await desk.getByLabel("Add a note").fill("Lovely. Add his name in the first line.");
    await desk.getByRole("button", { name: "Add note" }).click();
    await expect.poll(() => desk.locator(".flash").textContent()).toContain("Note added.");
    // The contributor reads the note in their editor.
    await writer.reload();
    expect(await writer.locator(".note-body").textContent()).toBe("Lovely. Add his name in the first line.");
    await desk.getByRole("button", { name: "Publish" }).click();
    await expect.poll(() => desk.locator(".flash").textContent()).toContain("Published.");
    expect(await desk.locator("[data-nav-review]").count()).toBe(0);
    expect(problems).toEqual([]);
  }, 90_000);
});
