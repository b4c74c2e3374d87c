import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { multipartForm } from "../support/multipart-form.js";
import { type NewsroomContent, type OpenNewsroom, openNewsroom } from "./newsroom-content.js";
import { type ServedSite, signedInPage } from "./support.js";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../test-results/mobile");
const PHONE = { width: 375, height: 812 };

describe("Broadsheet on a 375 px phone", () => {
  let newsroom: OpenNewsroom;
  let browser: Browser;
  let served: ServedSite;
  let content: NewsroomContent;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    newsroom = await openNewsroom();
    ({ browser, served, content } = newsroom);
  }, 120_000);
  afterAll(async () => newsroom?.close());

  /** A reader's window (no session) at `url`. */
  async function readerPage(url: string, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, ...options });
    const page = await context.newPage();
    await page.goto(served.baseUrl + url);
    return page;
  }

  const top = (page: Page, selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((element) => element.getBoundingClientRect().top);

  test("a reader sees the lead's headline within the first 300 px of the front page", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const page = await readerPage("/", { colorScheme });
      const headline = await top(page, ".front-lead .card-title");
      console.log(`first headline's top at 375 px (${colorScheme}): ${Math.round(headline)} px`);
      expect(await page.locator(".front-lead .card-title").textContent()).toContain("harbour tram");
      expect(headline).toBeLessThanOrEqual(300);
      // It is the first headline on the page, picture and all.
      expect(await top(page, ".front-lead .card-media")).toBeGreaterThan(headline);
      await page.screenshot({ path: path.join(SCREENSHOTS, `front-${colorScheme}.png`) });
      await page.context().close();
    }
  });

  test("with a breaking banner, and an editor's dashboard link in the masthead, the lead's headline still starts within 300 px", async () => {
    const token = await served.site.newApiToken();
    const arrange = (breaking: object | null) =>
      served.site.request({
        method: "PUT",
        url: "/api/admin/front-page",
        headers: { authorization: `Bearer ${token}` },
        payload: { breaking },
      });
    const banner = await arrange({
      text: "Storm warning: every ferry to the islands is cancelled this afternoon",
      url: "/category/city/",
      expires_at: "2026-05-22T18:00:00.000Z",
    });
    expect(banner.statusCode).toBe(200);
    const page = await signedInPage(browser, served, content.admin, { viewport: PHONE });
    await page.goto(`${served.baseUrl}/`);
    expect(await page.locator(".breaking").textContent()).toContain("Storm warning");
    expect(await page.locator(".staff-link").textContent()).toContain("Alexandra Administrator");
    const headline = await top(page, ".front-lead .card-title");
    console.log(`first headline's top at 375 px with a banner, signed in: ${Math.round(headline)} px`);
    expect(headline).toBeLessThanOrEqual(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, "front-breaking-signed-in.png") });
    await page.context().close();
    expect((await arrange(null)).statusCode).toBe(200);
  });

  test("with a wide logo in the masthead, the lead's headline still starts within 300 px and the logo fits", async () => {
    const token = await served.site.newApiToken();
    const logo = await sharp({ create: { width: 1600, height: 200, channels: 3, background: "#1d3557" } })
      .png()
      .toBuffer();
    const form = await multipartForm({ alt: "" }, [
      { field: "file", fileName: "logo.png", data: logo, type: "image/png" },
    ]);
    const uploaded = await served.site.request({
      method: "POST",
      url: "/api/admin/media",
      headers: { ...form.headers, authorization: `Bearer ${token}` },
      payload: form.payload,
    });
    const setLogo = (id: number | null) =>
      served.site.request({
        method: "PATCH",
        url: "/api/admin/settings",
        headers: { authorization: `Bearer ${token}` },
        payload: { logo_media_id: id },
      });
    expect((await setLogo(uploaded.json().id)).statusCode).toBe(200);
    const page = await readerPage("/");
    const image = page.locator(".site-logo img");
    expect(await image.getAttribute("alt")).toBe("Broadsheet");
    const box = await image.evaluate((img: HTMLImageElement) => ({
      ...img.getBoundingClientRect().toJSON(),
      loaded: img.complete && img.naturalWidth > 0,
    }));
    expect(box.loaded).toBe(true);
    expect(box.right).toBeLessThanOrEqual(PHONE.width);
    expect(box.height).toBeGreaterThan(20);
    const headline = await top(page, ".front-lead .card-title");
    console.log(`first headline's top at 375 px with a logo: ${Math.round(headline)} px`);
    expect(headline).toBeLessThanOrEqual(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, "front-logo.png") });
    await page.context().close();
    expect((await setLogo(null)).statusCode).toBe(200);
  });

  test("headline sizes follow each story's rank: lead, top stories, more news, sections, side lists", async () => {
    const sizeOf = (page: Page, card: string) =>
      page
        .locator(`.card-${card} .card-title`)
        .first()
        .evaluate((title) => Number.parseFloat(getComputedStyle(title).fontSize));
    for (const width of [375, 1280]) {
      const front = await readerPage("/", { viewport: { width, height: 900 } });
      const sizes: number[] = [];
      for (const card of ["lead", "top", "river", "grid"]) sizes.push(await sizeOf(front, card));
      await front.context().close();
      // Side lists ("Latest") are on archive pages; the front page shows each story once.
      const archive = await readerPage("/category/city/", { viewport: { width, height: 900 } });
      expect(await sizeOf(archive, "river")).toBe(sizes[2]);
      sizes.push(await sizeOf(archive, "headline"));
      await archive.context().close();
      console.log(
        `headline px at ${width} px (lead, top, more news, sections, side lists): ${sizes.join(", ")}`,
      );
      for (let rank = 1; rank < sizes.length; rank++)
        expect(sizes[rank], `rank ${rank} at ${width} px`).toBeLessThan(sizes[rank - 1]);
    }
  });

  test("the sections stay on one line that scrolls sideways, faded at the end that has more", async () => {
    const page = await readerPage("/");
    const list = page.locator(".sections ul");
    const geometry = await list.evaluate((ul) => ({
      scrolls: ul.scrollWidth > ul.clientWidth,
      rows: new Set(Array.from(ul.children, (li) => Math.round(li.getBoundingClientRect().top))).size,
      height: ul.getBoundingClientRect().height,
    }));
    expect(geometry).toMatchObject({ scrolls: true, rows: 1 });
    expect(geometry.height).toBeLessThan(50);
    expect(await list.evaluate((ul) => getComputedStyle(ul).maskImage)).toContain("linear-gradient");
    // The last section can be scrolled to, clear of the fade.
    await page.locator(".sections li:last-child a").scrollIntoViewIfNeeded();
    expect(await page.locator(".sections li:last-child a").isVisible()).toBe(true);
    expect(await page.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.context().close();
  });

  test("the search box opens from a button, without scripts too, and stands open on a desktop", async () => {
    for (const javaScriptEnabled of [false, true]) {
      const page = await readerPage("/", { javaScriptEnabled });
      const box = page.locator("#masthead-search");
      expect(await box.isVisible()).toBe(false);
      const button = page.locator(".search-toggle > summary");
      expect(await button.getAttribute("aria-label")).toBeNull();
      expect(await button.textContent()).toBe("Site search");
      await button.click();
      await expect.poll(() => box.isVisible()).toBe(true);
      if (javaScriptEnabled)
        expect(await box.evaluate((input) => input === document.activeElement)).toBe(true);
      else await box.focus();
      await page.keyboard.type("tram");
      await Promise.all([page.waitForURL("**/search?q=tram"), page.keyboard.press("Enter")]);
      expect(await page.locator("h1").textContent()).toContain("tram");
      await page.context().close();
    }
    const desktop = await readerPage("/", { viewport: { width: 1280, height: 900 } });
    expect(await desktop.locator("#masthead-search").isVisible()).toBe(true);
    expect(await desktop.locator(".search-toggle > summary").isVisible()).toBe(false);
    await desktop.context().close();
  });

  /** The admin screens an editor opens on a phone, each with something on it. */
  const adminPages = () => [
    "/admin/",
    "/admin/comments",
    "/admin/articles",
    "/admin/articles?status=pending",
    `/admin/articles/${content.story.id}/edit`,
    `/admin/articles/${content.pendingId}/edit`,
    `/admin/articles/${content.story.id}/revisions`,
    "/admin/front-page",
    "/admin/desk",
    "/admin/sources",
    "/admin/media",
    `/admin/media/${content.mediaId}`,
    "/admin/pages",
    `/admin/pages/${content.page.id}/edit`,
    "/admin/categories",
    "/admin/users",
    `/admin/users/${content.contributor.id}`,
    "/admin/tokens",
    "/admin/settings",
    "/admin/import/wordpress",
    "/admin/audit",
    "/admin/profile",
  ];

  test("no admin page scrolls sideways at 375 px", { timeout: 120_000 }, async () => {
    const page = await signedInPage(browser, served, content.admin, { viewport: PHONE });
    const report: string[] = [];
    for (const url of adminPages()) {
      const response = await page.goto(served.baseUrl + url);
      expect(response?.status(), url).toBe(200);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.scrollingElement?.scrollWidth ?? 0,
        innerWidth: window.innerWidth,
      }));
      report.push(`${url}: ${scrollWidth}`);
      expect(scrollWidth, `${url} scrolls sideways`).toBeLessThanOrEqual(innerWidth);
      await page.screenshot({
        path: path.join(SCREENSHOTS, `admin${url.replace(/[^a-z0-9]+/gi, "-")}.png`),
        fullPage: true,
      });
    }
    console.log(`admin scrollWidth at 375 px:\n  ${report.join("\n  ")}`);
    await page.context().close();
  });

  test("the admin nav folds into a menu button that opens it, without scripts too", async () => {
    for (const javaScriptEnabled of [false, true]) {
      const page = await signedInPage(browser, served, content.admin, { viewport: PHONE, javaScriptEnabled });
      await page.goto(`${served.baseUrl}/admin/`);
      const nav = page.getByRole("navigation", { name: "Admin" });
      const comments = nav.getByRole("link", { name: /^Comments/ });
      expect(await comments.isVisible()).toBe(false);
      const menu = page.locator(".admin-menu > summary");
      // The button says there is work waiting: a story for review and three comments.
      expect(await menu.textContent()).toBe("Menu 4 waiting");
      await menu.click();
      await expect.poll(() => comments.isVisible()).toBe(true);
      await Promise.all([page.waitForURL("**/admin/comments"), comments.click()]);
      expect(await page.locator("h1").textContent()).toBe("Comments");
      await page.context().close();
    }
    const desktop = await signedInPage(browser, served, content.admin);
    await desktop.goto(`${served.baseUrl}/admin/`);
    expect(await desktop.locator(".admin-menu > summary").isVisible()).toBe(false);
    expect(
      await desktop
        .getByRole("navigation", { name: "Admin" })
        .getByRole("link", { name: "Articles" })
        .isVisible(),
    ).toBe(true);
    await desktop.context().close();
  });
});
