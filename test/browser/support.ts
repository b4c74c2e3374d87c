import { type Browser, chromium } from "playwright-core";
import { createTestSite, type TestSite } from "../support/site.js";

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
