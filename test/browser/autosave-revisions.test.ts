import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TestUser } from "../support/site.js";
import { launchChromium, pageProblems, type ServedSite, serveTestSite, signedInPage } from "./support.js";

// Autosave runs every ten seconds: the waits below are for that condition, not timing assertions.
const AUTOSAVE_WAIT = { timeout: 30_000, interval: 250 };

describe("never losing a word in the story editor", () => {
  let served: ServedSite;
  let browser: Browser;
  let editor: TestUser;

  beforeAll(async () => {
    served = await serveTestSite({ settings: { title: "The Harbour Herald" } });
    editor = await served.site.newUser({ role: "editor", name: "Maya Editor" });
    browser = await launchChromium();
    fs.mkdirSync("test-results", { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  test("text typed into a published story is autosaved, comes back after a reload, and never reaches readers", async () => {
    const story = await served.site.newArticle({
      author: editor,
      title: "Gales",
      body: "The harbour closed.",
    });
    const page = await signedInPage(browser, served, editor);
    const problems = pageProblems(page);
    await page.goto(`${served.baseUrl}/admin/articles/${story.id}/edit`);
    const body = page.getByLabel("Story (Markdown)");
    await body.fill("The harbour closed. Ferries wait for the wind to drop.");
    const status = page.locator("[data-autosave-status]");
    expect(await status.textContent()).toBe("Unsaved changes");
    await expect.poll(() => status.textContent(), AUTOSAVE_WAIT).toMatch(/^Saved \d\d:\d\d$/);
    await page.screenshot({ path: "test-results/editor-autosaved.png" });

    await page.reload();
    expect(await body.inputValue()).toBe("The harbour closed. Ferries wait for the wind to drop.");
    expect(await page.locator("[data-autosave-notice]").textContent()).toContain(
      "not saved to the story yet",
    );
    const live = await page.context().request.get(`${served.baseUrl}${story.path}`);
    expect(await live.text()).not.toContain("Ferries wait");
    expect(problems).toEqual([]);
  });

  test("leaving with text not yet autosaved asks first, and staying keeps the text", async () => {
    const story = await served.site.newArticle({ author: editor, title: "Tides", status: "draft" });
    const page = await signedInPage(browser, served, editor);
    await page.goto(`${served.baseUrl}/admin/articles/${story.id}/edit`);
    await page.getByLabel("Story (Markdown)").fill("A sentence typed a moment ago.");
    const dialogs: string[] = [];
    page.on("dialog", async (dialog) => {
      dialogs.push(dialog.type());
      await dialog.dismiss();
    });
    await page.getByRole("link", { name: "Articles", exact: true }).click();
    await expect.poll(() => dialogs).toEqual(["beforeunload"]);
    expect(page.url()).toContain(`/admin/articles/${story.id}/edit`);
    expect(await page.getByLabel("Story (Markdown)").inputValue()).toBe("A sentence typed a moment ago.");

    // Saving is not leaving: no question.
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.waitForURL(`**/admin/articles/${story.id}/edit`);
    await expect.poll(() => page.locator(".flash").textContent()).toContain("Draft saved.");
    expect(dialogs).toEqual(["beforeunload"]);
  });

  test("an earlier revision is compared with the story and restored", async () => {
    const story = await served.site.newArticle({
      author: editor,
      title: "Storm",
      body: "The harbour closed at dawn.",
    });
    const page = await signedInPage(browser, served, editor);
    const problems = pageProblems(page);
    await page.goto(`${served.baseUrl}/admin/articles/${story.id}/edit`);
    await page.getByLabel("Story (Markdown)").fill("The harbour reopened at noon.");
    await page.getByRole("button", { name: "Update" }).click();
    await expect.poll(() => page.locator(".flash").textContent()).toContain("Changes published.");

    await page.getByRole("link", { name: "Revisions" }).click();
    await page.locator(".revision-list a").last().click();
    await expect.poll(() => page.locator("[data-diff-body] del").first().textContent()).toBe("closed");
    expect(await page.locator("[data-diff-body] ins").first().textContent()).toBe("reopened");
    await page.screenshot({ path: "test-results/revisions-diff.png", fullPage: true });
    await page.getByRole("button", { name: "Restore this revision" }).click();
    await page.waitForURL(`**/admin/articles/${story.id}/edit`);
    await expect.poll(() => page.locator(".flash").textContent()).toContain("Revision restored.");
    expect(await page.getByLabel("Story (Markdown)").inputValue()).toBe("The harbour closed at dawn.");
    const live = await page.context().request.get(`${served.baseUrl}${story.path}`);
    expect(await live.text()).toContain("The harbour closed at dawn.");
    expect(problems).toEqual([]);
  });

  test("a second editor sees who is editing since when, and takes over", async () => {
    const ben = await served.site.newUser({ role: "editor", name: "Ben Editor" });
    const story = await served.site.newArticle({ author: editor, title: "Shared" });
    const editUrl = `${served.baseUrl}/admin/articles/${story.id}/edit`;
    const maya = await signedInPage(browser, served, editor);
    await maya.goto(editUrl);
    const benPage = await signedInPage(browser, served, ben);
    await benPage.goto(editUrl);
    const notice = benPage.locator("[data-editing-notice]");
    expect(await notice.textContent()).toMatch(/Maya Editor is editing since \d\d:\d\d\./);
    await benPage.getByRole("button", { name: "Take over" }).click();
    await expect.poll(() => notice.isHidden()).toBe(true);
    await maya.reload();
    expect(await maya.locator("[data-editing-notice]").textContent()).toMatch(/Ben Editor is editing since/);
  });
});
