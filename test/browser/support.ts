import path from "node:path";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { SESSION_COOKIE } from "../../src/infrastructure/requests.js";
import { createTestSite, type TestSite, type TestUser } from "../support/site.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Debian Chromium with nothing that phones home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface ServedSite {
  site: TestSite;
  /** e.g. `http://127.0.0.1:41234` */
  baseUrl: string;
}

/** A test site listening on a free local port (the browser needs a real server). */
export async function serveTestSite(options: Parameters<typeof createTestSite>[0] = {}): Promise<ServedSite> {
  const site = await createTestSite(options);
  const address = await site.app.listen({ port: 0, host: "127.0.0.1" });
  return { site, baseUrl: address };
}

/** A fresh browser window signed in as `user` (the session cookie a sign-in would set); 1280 × 900 unless told. */
export async function signedInPage(
  browser: Browser,
  served: ServedSite,
  user: TestUser,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const cookie = (await served.site.sessionCookie(user)).slice(SESSION_COOKIE.length + 1);
  await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: served.baseUrl }]);
  return context.newPage();
}

/** Collects what went wrong on a page: script errors and 4xx/5xx answers (expected to stay empty). */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  return problems;
}

const AXE_SCRIPT = path.resolve(import.meta.dirname, "../../node_modules/axe-core/axe.min.js");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * What axe-core finds on the page against WCAG 2.1 A/AA and best practice. axe is injected as a script:
 * the site's CSP (rightly) forbids that, so open the page in a context made with `bypassCSP: true`.
 * Every disclosure is opened first: axe skips what a closed `<details>` holds, yet wide screens show the
 * masthead's search box and the admin's menu from closed ones, and small screens open them on a tap.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(() => {
    for (const details of Array.from(document.querySelectorAll("details"))) details.open = true;
  });
  await page.addScriptTag({ path: AXE_SCRIPT });
  return (await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations;
  })) as AxeViolation[];
}

/** One line per violation: impact, rule, what it asks and where (the first three places). */
export function describeViolation(violation: AxeViolation): string {
  const where = violation.nodes
    .map((node) => node.target.join(" "))
    .slice(0, 3)
    .join(", ");
  return `${violation.impact} ${violation.id} (${violation.help}) at ${where}`;
}

/** Serious and critical problems are the ones a page must not have. */
export const isSevere = (violation: AxeViolation) =>
  violation.impact === "serious" || violation.impact === "critical";
