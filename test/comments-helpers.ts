import type { LightMyRequestResponse } from "fastify";
import { countCommentsByStatus } from "../src/comments/store.js";
import type { CommentStatus } from "../src/db/schema.js";
import type { TestSite } from "./support/site.js";

/** The test site's own origin (SITE_URL in createTestSite). */
export const SITE_ORIGIN = "http://news.test";

let readerCounter = 0;

/** A reader's form fields with a fresh name, email and comment each time. */
export function readerFields(
  articleId: number,
  overrides: Record<string, string> = {},
): Record<string, string> {
  readerCounter += 1;
  return {
    article_id: String(articleId),
    parent_id: "",
    name: `Reader ${readerCounter}`,
    email: `reader${readerCounter}@example.org`,
    url: "",
    body: `A thoughtful remark number ${readerCounter}.`,
    homepage: "",
    ...overrides,
  };
}

export interface PostOptions {
  ip?: string;
  cookie?: string;
  json?: boolean;
  /** The Origin header; null sends none. Defaults to the site's origin. */
  origin?: string | null;
  headers?: Record<string, string>;
  /** A raw urlencoded body instead of `fields`. */
  rawBody?: string | Buffer;
}

/** Posts the comment form as a browser on the site would. */
export function postComment(
  site: TestSite,
  fields: Record<string, string>,
  options: PostOptions = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: options.json ? "application/json" : "text/html,application/xhtml+xml",
    "user-agent": "Mozilla/5.0 (test browser)",
    ...options.headers,
  };
  const origin = options.origin === undefined ? SITE_ORIGIN : options.origin;
  if (origin !== null) headers.origin = origin;
  return site.request({
    method: "POST",
    url: "/comments",
    payload: options.rawBody ?? new URLSearchParams(fields).toString(),
    headers,
    cookie: options.cookie,
    remoteAddress: options.ip ?? nextIp(),
  });
}

let ipCounter = 0;
/** A fresh reader address, so tests do not trip each other's rate limit or flood rule. */
export function nextIp(): string {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

/** Comment counts per status on the site (or of one article). */
export function commentCounts(site: TestSite, articleId?: number): Promise<Record<CommentStatus, number>> {
  return countCommentsByStatus(site.ctx.db, articleId);
}

/** The `name=value` cookie pair a response set, for the next request. */
export function cookieFrom(response: LightMyRequestResponse, name: string): string {
  const found = response.cookies.find((c) => c.name === name);
  if (!found) throw new Error(`expected the response to set cookie ${name}`);
  return `${name}=${found.value}`;
}
