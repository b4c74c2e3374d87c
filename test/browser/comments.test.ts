import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { submitComment } from "../../src/comments/service.js";
import type { TestUser } from "../support/site.js";
import { launchChromium, type ServedSite, serveTestSite } from "./support.js";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../test-results/comments");

describe("reader comments in Chromium", () => {
  let browser: Browser;
  let served: ServedSite;
  let editor: TestUser;
  let articlePath: string;
  let parentId: number;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    served = await serveTestSite();
    const { site } = served;
    // An admin exists, so the admin shows sign-in rather than first-run setup.
    await site.newUser({ role: "admin" });
    editor = await site.newUser({ role: "editor", name: "Edna Editor" });
    const article = await site.newArticle({ author: editor, title: "Harbour bridge reopens" });
    articlePath = article.path;
    const parent = await submitComment(
      site.ctx,
      {
        articleId: String(article.id),
        parentId: "",
        name: "",
        email: "",
        url: "",
        body: "Ask us anything about the reopening.",
        honeypot: "",
        remember: false,
        notifyReplies: false,
      },
      { ip: "127.0.0.1", userAgent: "setup", actor: { ...editor, email: editor.email, slug: editor.slug } },
    );
    if (parent.outcome !== "accepted") throw new Error("could not seed the parent comment");
    parentId = parent.commentId;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  test("a reader replies, sees the moderation notice; the editor approves it; the reply shows under its parent", async () => {
    const readerContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const reader = await readerContext.newPage();
    reader.setDefaultTimeout(5000);
    const scriptErrors: string[] = [];
    reader.on("pageerror", (error) => scriptErrors.push(error.message));
    reader.on("console", (message) => {
      if (message.type() === "error") scriptErrors.push(message.text());
    });
    await reader.goto(`${served.baseUrl}${articlePath}`);
    await reader.getByRole("link", { name: "Reply to Edna Editor" }).click();
    // The form moved under the comment it answers.
    await expect.poll(() => reader.locator(`#comment-${parentId} #respond`).count()).toBe(1);
    await expect
      .poll(() => reader.locator("[data-reply-heading]").textContent())
      .toBe("Reply to Edna Editor");
    await reader.locator("#comment-field-body").fill("Will the cycle lane stay open at night?");
    await reader.locator("#comment-field-name").fill("Rosa Reader");
    await reader.locator("#comment-field-email").fill("rosa@example.org");
    await reader.getByRole("button", { name: "Post Comment" }).click();
    await expect
      .poll(() => reader.locator("[data-comment-status]").textContent())
      .toContain("Your comment is awaiting moderation.");
    await reader.screenshot({ path: path.join(SCREENSHOTS, "held-notice.png"), fullPage: true });

    // After a reload the notice and the reader's own held reply are still there, for them only.
    await reader.reload();
    await expect.poll(() => reader.locator("#comment-held").textContent()).toContain("awaiting moderation");
    const ownHeld = reader.locator(`#comment-${parentId} ol.children li.comment-held`);
    await expect.poll(() => ownHeld.textContent()).toContain("Will the cycle lane stay open at night?");
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(`${served.baseUrl}${articlePath}`);
    expect(await stranger.content()).not.toContain("cycle lane");

    const editorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const desk = await editorContext.newPage();
    desk.setDefaultTimeout(5000);
    await desk.goto(`${served.baseUrl}/admin/login`);
    await desk.locator("#email").fill(editor.email);
    await desk.locator("#password").fill(editor.password);
    await desk.getByRole("button", { name: /sign in/i }).click();
    await desk.waitForURL(/\/admin\/$/);
    await desk.goto(`${served.baseUrl}/admin/comments`);
    const row = desk.locator("tr", { hasText: "Will the cycle lane stay open at night?" });
    await expect.poll(() => row.textContent()).toContain("first-time commenter");
    await desk.screenshot({ path: path.join(SCREENSHOTS, "moderation-queue.png"), fullPage: true });
    await row.getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => desk.locator(".flash").textContent()).toContain("1 comment approved.");

    await reader.reload();
    const reply = reader.locator(`#comment-${parentId} > ol.children > li.comment`);
    await expect.poll(() => reply.textContent()).toContain("Will the cycle lane stay open at night?");
    expect(await reply.getAttribute("class")).not.toContain("comment-held");
    expect(await reader.locator("#comment-held").count()).toBe(0);
    expect(await reader.locator("#comments-title").textContent()).toBe("2 comments");
    await reader.screenshot({ path: path.join(SCREENSHOTS, "approved-thread.png"), fullPage: true });
    expect(scriptErrors).toEqual([]);
    await Promise.all([readerContext.close(), editorContext.close()]);
  });

  test('a reader who ticks "Save my name" finds the form filled in on their next visit, from a cached page, and can forget it', async () => {
    const nextStory = await served.site.newArticle({ author: editor, title: "Ferry timetable changes" });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    const scriptErrors: string[] = [];
    page.on("pageerror", (error) => scriptErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") scriptErrors.push(message.text());
    });
    const forget = page.getByRole("button", { name: "Forget my saved name, email and website" });

    await page.goto(`${served.baseUrl}${articlePath}`);
    expect(await forget.isVisible()).toBe(false);
    await page.locator("#comment-field-body").fill("Please keep the night bus too.");
    await page.locator("#comment-field-name").fill("Sam Saved");
    await page.locator("#comment-field-email").fill("sam@example.org");
    await page.locator("#comment-field-url").fill("https://sam.example");
    await page.locator("#comment-field-remember").check();
    await page.getByRole("button", { name: "Post Comment" }).click();
    await expect
      .poll(() => page.locator("[data-comment-status]").textContent())
      .toContain("Your comment is awaiting moderation.");
    // The in-place post set the cookie, so the way to clear it shows at once.
    await expect.poll(() => forget.isVisible()).toBe(true);

    // Ten minutes on, the moderation notice cookie has expired; the remembered details have not.
    await context.clearCookies({ name: "bs_comment_held" });
    const visit = await page.goto(`${served.baseUrl}${nextStory.path}`);
    // The page came from the shared cache and carries nothing of the reader's.
    expect(visit?.headers()["cache-control"]).toBe("public, max-age=60, stale-while-revalidate=300");
    const html = (await visit?.text()) ?? "";
    expect(html).not.toContain("sam@example.org");
    expect(html).not.toContain("Sam Saved");
    await expect.poll(() => page.locator("#comment-field-name").inputValue()).toBe("Sam Saved");
    expect(await page.locator("#comment-field-email").inputValue()).toBe("sam@example.org");
    expect(await page.locator("#comment-field-url").inputValue()).toBe("https://sam.example");
    expect(await page.locator("#comment-field-remember").isChecked()).toBe(true);
    expect(await page.locator("#comment-field-body").inputValue()).toBe("");
    expect(await forget.isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "remembered-form.png"), fullPage: true });

    await forget.click();
    await page.waitForURL(/#respond$/);
    await expect
      .poll(async () => (await context.cookies()).some((c) => c.name === "bs_commenter"))
      .toBe(false);
    await page.reload();
    expect(await page.locator("#comment-field-name").inputValue()).toBe("");
    expect(await page.locator("#comment-field-remember").isChecked()).toBe(false);
    expect(await forget.isVisible()).toBe(false);
    expect(scriptErrors).toEqual([]);
    await context.close();
  });

  test("without JavaScript the form posts, redirects to the notice, and a bad email comes back with the text kept", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await page.goto(`${served.baseUrl}${articlePath}`);
    await page.locator("#comment-field-body").fill("Plain HTML forms still work.");
    await page.locator("#comment-field-name").fill("Nora NoScript");
    await page.locator("#comment-field-email").fill("nora@example");
    // The browser's own check would stop a bad email; the server must say it too.
    await page.locator("form.comment-form").evaluate((form) => form.setAttribute("novalidate", ""));
    await page.getByRole("button", { name: "Post Comment" }).click();
    await expect
      .poll(() => page.locator(".comment-form-errors").textContent())
      .toContain("Email must be a valid email address");
    expect(await page.locator("#comment-field-body").inputValue()).toBe("Plain HTML forms still work.");
    await page.locator("#comment-field-email").fill("nora@example.org");
    await page.getByRole("button", { name: "Post Comment" }).click();
    await page.waitForURL(/#comment-held$/);
    expect(await page.locator("#comment-held").textContent()).toContain(
      "Your comment is awaiting moderation.",
    );
    await context.close();
  });
});
