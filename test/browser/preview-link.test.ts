import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, pageProblems, type ServedSite, serveTestSite, signedInPage } from "./support.js";

describe("sharing a preview in a browser", () => {
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

  test("an editor makes a preview link and someone signed out opens the draft in the site's design", async () => {
    const editor = await served.site.newUser({ role: "editor", name: "Maya Editor" });
    const draft = await served.site.newArticle({
      author: editor,
      title: "Ferry fares rise",
      body: "From **June**.",
      status: "draft",
    });
    const page = await signedInPage(browser, served, editor);
    const problems = pageProblems(page);
    await page.goto(`${served.baseUrl}/admin/articles/${draft.id}/edit`);
    await page.getByRole("button", { name: "Make a preview link" }).click();
    await expect.poll(() => page.locator(".flash").textContent()).toContain("/preview/");
    const url = /http:\/\/\S+\/preview\/\S+\//.exec((await page.locator(".flash").textContent()) ?? "")?.[0];
    expect(url).toBeTruthy();

    const stranger = await browser.newContext();
    const reader = await stranger.newPage();
    const response = await reader.goto(new URL(new URL(url!).pathname, served.baseUrl).href);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["cache-control"]).toBe("private, no-store");
    expect(await reader.locator("h1").first().textContent()).toContain("Ferry fares rise");
    expect(await reader.locator("article strong").first().textContent()).toBe("June");
    expect(await reader.locator('meta[name="robots"]').getAttribute("content")).toBe("noindex");
    await stranger.close();
    expect(problems, problems.join("; ")).toEqual([]);
  });
});
