import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TestUser } from "../support/site.js";
import {
  launchChromium,
  signedInPage as openSignedInPage,
  type ServedSite,
  serveTestSite,
} from "./support.js";

describe("two editors saving the same story in a browser", () => {
  let served: ServedSite;
  let browser: Browser;

  beforeAll(async () => {
    served = await serveTestSite({ settings: { title: "The Harbour Herald" } });
    browser = await launchChromium();
    fs.mkdirSync("test-results", { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  const signedInPage = (user: TestUser) => openSignedInPage(browser, served, user);

  test("the later save shows a conflict page with both versions, keeps what was typed, and overwrites only when asked", async () => {
    const ada = await served.site.newUser({ role: "editor", name: "Ada Editor" });
    const ben = await served.site.newUser({ role: "editor", name: "Ben Editor" });
    const story = await served.site.newArticle({
      author: ada,
      title: "Gales close the harbour",
      body: "The harbour closed at dawn.",
    });
    const editUrl = `${served.baseUrl}/admin/articles/${story.id}/edit`;
    const adaPage = await signedInPage(ada);
    const benPage = await signedInPage(ben);
    // Both open the editor on the same version.
    await adaPage.goto(editUrl);
    await benPage.goto(editUrl);

    await adaPage.getByLabel("Story (Markdown)").fill("The harbour closed at dawn. Ferries are cancelled.");
    await adaPage.getByRole("button", { name: "Update" }).click();
    await adaPage.waitForURL(`**/admin/articles/${story.id}/edit`);
    await expect
      .poll(() => adaPage.getByRole("status").or(adaPage.locator(".flash")).first().textContent())
      .toContain("Changes published");

    // Ben, working from the older copy, writes his own version and saves.
    await benPage.getByLabel("Title", { exact: true }).fill("Gales shut the harbour for a second day");
    await benPage.getByLabel("Story (Markdown)").fill("Ben's rewrite: the harbour stays shut.");
    await benPage.getByRole("button", { name: "Update" }).click();
    const conflict = benPage.locator("[data-conflict]");
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain("Someone else saved this story while you were editing");
    expect(await benPage.locator("[data-conflict-body]").inputValue()).toBe(
      "The harbour closed at dawn. Ferries are cancelled.",
    );
    // Nothing Ben typed is lost.
    expect(await benPage.getByLabel("Title", { exact: true }).inputValue()).toBe(
      "Gales shut the harbour for a second day",
    );
    expect(await benPage.getByLabel("Story (Markdown)").inputValue()).toBe(
      "Ben's rewrite: the harbour stays shut.",
    );
    await benPage.screenshot({ path: "test-results/editor-conflict-1280.png", fullPage: true });
    // Ada's save stands until Ben decides.
    const stored = await served.site.request({
      method: "GET",
      url: `/admin/articles/${story.id}/edit`,
      cookie: await served.site.sessionCookie(ada),
    });
    expect(stored.body).toContain("Ferries are cancelled.");

    // Ben merges: keeps Ada's sentence about ferries, then saves knowingly over her version.
    await benPage
      .getByLabel("Story (Markdown)")
      .fill("Ben's rewrite: the harbour stays shut. Ferries are cancelled.");
    await benPage.getByRole("button", { name: "Update" }).click();
    await benPage.waitForURL(`**/admin/articles/${story.id}/edit`);
    expect(await benPage.locator("[data-conflict]").count()).toBe(0);
    expect(await benPage.getByLabel("Story (Markdown)").inputValue()).toBe(
      "Ben's rewrite: the harbour stays shut. Ferries are cancelled.",
    );
    expect(await benPage.getByLabel("Title", { exact: true }).inputValue()).toBe(
      "Gales shut the harbour for a second day",
    );
  });
});
