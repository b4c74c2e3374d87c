import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPasswordResetLink } from "../../src/accounts/service.js";
import { type NewsroomContent, type OpenNewsroom, openNewsroom } from "./newsroom-content.js";
import { axeViolations, describeViolation, isSevere, type ServedSite, signedInPage } from "./support.js";

const REPORTS = path.resolve(import.meta.dirname, "../../test-results/newsroom-accessibility");

interface Screen {
  name: string;
  url: string;
  /** Opened by the admin (else by a reader without a session). */
  staff?: boolean;
  /** What the editor does on the page before it is checked. */
  action?: (page: Page) => Promise<unknown>;
}

describe("the newsroom's newer screens, checked with axe", () => {
  let newsroom: OpenNewsroom;
  let browser: Browser;
  let served: ServedSite;
  let content: NewsroomContent;
  let setPasswordPath: string;
  let previewPath: string;

  beforeAll(async () => {
    fs.mkdirSync(REPORTS, { recursive: true });
    newsroom = await openNewsroom();
    ({ browser, served, content } = newsroom);
    // Not the contributor's: "Copy reset link" on their page below makes a new link, which ends this one.
    const reporter = await served.site.newUser({ role: "author", name: "Rita Reporter" });
    const link = await createPasswordResetLink(served.site.ctx, reporter.email);
    setPasswordPath = new URL(link?.url ?? "").pathname + new URL(link?.url ?? "").search;
    const token = await served.site.newApiToken();
    const preview = await served.site.request({
      method: "POST",
      url: `/api/admin/articles/${content.pendingId}/preview-link`,
      headers: { authorization: `Bearer ${token}` },
    });
    previewPath = new URL(preview.json<{ url: string }>().url).pathname;
  }, 120_000);
  afterAll(async () => newsroom?.close());

  const screens = (): Screen[] => [
    { name: "front-page control", url: "/admin/front-page", staff: true },
    { name: "revisions", url: `/admin/articles/${content.story.id}/revisions`, staff: true },
    {
      name: "a revision compared",
      url: `/admin/articles/${content.story.id}/revisions`,
      staff: true,
      action: (page) => page.locator(".revision-list li:last-child a").click(),
    },
    { name: "review queue", url: "/admin/articles?status=pending", staff: true },
    { name: "a story awaiting review", url: `/admin/articles/${content.pendingId}/edit`, staff: true },
    {
      name: "preview link made",
      url: `/admin/articles/${content.pendingId}/edit`,
      staff: true,
      action: (page) => page.getByRole("button", { name: "Make a preview link" }).click(),
    },
    { name: "comment moderation", url: "/admin/comments", staff: true },
    { name: "media library", url: "/admin/media", staff: true },
    { name: "image page", url: `/admin/media/${content.mediaId}`, staff: true },
    { name: "pages list", url: "/admin/pages", staff: true },
    { name: "page editor", url: `/admin/pages/${content.page.id}/edit`, staff: true },
    { name: "new page", url: "/admin/pages/new", staff: true },
    {
      name: "reset link made",
      url: `/admin/users/${content.contributor.id}`,
      staff: true,
      action: (page) => page.getByRole("button", { name: "Copy reset link" }).click(),
    },
    { name: "forgot password", url: "/admin/forgot-password" },
    { name: "set password", url: setPasswordPath },
    { name: "sign in", url: "/admin/login" },
    { name: "page.liquid", url: content.page.path },
    { name: "corrections", url: "/corrections/" },
    { name: "corrected story", url: content.story.path },
    { name: "shared preview", url: previewPath },
    { name: "search results", url: "/search?q=harbour" },
  ];

  for (const colorScheme of ["light", "dark"] as const) {
    test(`no serious or critical problems on a phone and a desktop (${colorScheme} mode)`, {
      timeout: 400_000,
    }, async () => {
      const report: string[] = [];
      const severe: string[] = [];
      for (const width of [375, 1280]) {
        for (const screen of screens()) {
          const options = { viewport: { width, height: 900 }, colorScheme, bypassCSP: true };
          const page = screen.staff
            ? await signedInPage(browser, served, content.admin, options)
            : await browser.newContext(options).then((context) => context.newPage());
          const response = await page.goto(served.baseUrl + screen.url);
          expect(response?.status(), screen.name).toBe(200);
          if (screen.action) {
            await screen.action(page);
            await page.waitForLoadState();
          }
          for (const violation of await axeViolations(page)) {
            const line = `${screen.name} ${width}px: ${describeViolation(violation)}`;
            report.push(line);
            if (isSevere(violation)) severe.push(line);
          }
          await page.context().close();
        }
      }
      fs.writeFileSync(
        path.join(REPORTS, `axe-${colorScheme}.txt`),
        report.length ? `${report.join("\n")}\n` : "no violations\n",
      );
      expect(severe).toEqual([]);
    });
  }
});
