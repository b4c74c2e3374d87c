import fs from "node:fs";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { createApiToken, createUser, startSession } from "../../src/accounts/service.js";
import { type BuildOptions, buildApp } from "../../src/app.js";
import { type ArticleDetail, type ArticleInput, createArticle } from "../../src/articles/service.js";
import { type Config, loadConfig } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import type { Role } from "../../src/db/schema.js";
import { SESSION_COOKIE } from "../../src/infrastructure/requests.js";
import type { SiteSettings } from "../../src/site/settings.js";
import { createTestDatabase, type TestDatabase, testDialect } from "./database.js";

export { testDialect };

export const TEST_PASSWORD = "correct horse battery staple";

/** A controllable clock: tests move time instead of waiting for it. */
export class TestClock {
  constructor(public current: Date) {}
  now = (): Date => new Date(this.current.getTime());
  set(iso: string | Date): void {
    this.current = new Date(iso);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestUser {
  id: number;
  email: string;
  name: string;
  slug: string;
  role: Role;
  password: string;
}

export interface TestSite {
  app: FastifyInstance;
  ctx: AppContext;
  config: Config;
  clock: TestClock;
  close(): Promise<void>;
  newUser(options?: { role?: Role; name?: string; email?: string }): Promise<TestUser>;
  newAuthor(options?: { name?: string }): Promise<TestUser>;
  /** A session cookie header for the user, as after signing in. */
  sessionCookie(user: TestUser): Promise<string>;
  newArticle(input?: ArticleInput & { author?: TestUser }): Promise<ArticleDetail>;
  newApiToken(): Promise<string>;
  /**
   * `app.inject` that returns the response; `cookie` is sent as the Cookie header, and `form` as an
   * `application/x-www-form-urlencoded` body (how a browser posts a form).
   */
  request(
    options: InjectOptions & { cookie?: string; form?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /** Opens a page as the cookie's owner and returns the CSRF form token plus the cookies to post with. */
  formSession(path: string, cookie?: string): Promise<{ token: string; cookie: string }>;
}

let counter = 0;

/**
 * The logger of a test app: errors logged while serving a request (an unhandled failure, answered
 * with 500) go to the suite's request-error log, which test/support/request-errors.ts checks is
 * empty when each test file ends: no test may leave a 500 behind unnoticed, on either database.
 */
export function testLogger(
  options: { expectsServerErrors?: boolean | string[] } = {},
): BuildOptions["logger"] {
  const expected = options.expectsServerErrors;
  if (Array.isArray(expected))
    return { level: "error", stream: { write: (line: string) => void expected.push(line) } };
  const file = process.env.BROADSHEET_REQUEST_ERROR_LOG;
  if (!file || expected) return false;
  return {
    level: "error",
    stream: {
      write(line: string) {
        if (line.includes('"reqId"')) fs.appendFileSync(file, line);
      },
    },
  };
}

/** A running site on a fresh database, with factories for staff and articles. */
export async function createTestSite(
  options: {
    now?: string;
    settings?: Partial<SiteSettings>;
    config?: Partial<Config>;
    onRoute?: BuildOptions["onRoute"];
    /** A database of the caller's (dropped by it), instead of a fresh one. */
    database?: TestDatabase;
    /**
     * The test makes requests fail on purpose (a dropped table): their 500s are not reported to the
     * suite's request-error log; given a list, the app's error log lines are collected into it.
     */
    expectsServerErrors?: boolean | string[];
  } = {},
): Promise<TestSite> {
  const database = options.database ?? (await createTestDatabase());
  const clock = new TestClock(new Date(options.now ?? "2026-05-22T10:00:00.000Z"));
  const config: Config = {
    ...loadConfig({
      SITE_URL: "http://news.test",
      ALLOW_PRIVATE_FETCH: "true",
      RUN_SCHEDULERS: "false",
      EMBED_LOOKUPS: "false",
    }),
    database: database.database,
    dataDir: database.dataDir,
    now: clock.now,
    // Most tests look at what the cache does with a page, not when it admits one (page-cache.test.ts does).
    pageCacheMinUses: 1,
    ...options.config,
  };
  const app = await buildApp(config, {
    logger: testLogger({ expectsServerErrors: options.expectsServerErrors }),
    onRoute: options.onRoute,
  });
  await app.ready();
  const ctx = app.ctx;
  if (options.settings) {
    const errors = await ctx.settings.update(options.settings);
    if (Object.keys(errors).length) throw new Error(`test settings rejected: ${JSON.stringify(errors)}`);
  }

  const site: TestSite = {
    app,
    ctx,
    config,
    clock,
    async close() {
      await app.close();
      await database.drop();
    },
    async newUser({ role = "author", name, email } = {}) {
      counter += 1;
      const userName = name ?? `${role[0].toUpperCase()}${role.slice(1)} ${counter}`;
      const result = await createUser(ctx, {
        email: email ?? `${role}${counter}@news.test`,
        name: userName,
        role,
        password: TEST_PASSWORD,
      });
      if ("errors" in result) throw new Error(`newUser: ${JSON.stringify(result.errors)}`);
      return { ...result.user, password: TEST_PASSWORD };
    },
    async newAuthor({ name } = {}) {
      return site.newUser({ role: "author", name });
    },
    async sessionCookie(user) {
      const { token } = await startSession(ctx, user.id, "test");
      return `${SESSION_COOKIE}=${token}`;
    },
    async newArticle(input = {}) {
      const author = input.author ?? (await site.newUser({ role: "editor" }));
      counter += 1;
      const result = await createArticle(ctx, author, {
        title: `Story number ${counter}`,
        body: `The body of story ${counter}.`,
        status: "published",
        ...input,
      });
      if (!("article" in result)) throw new Error(`newArticle: ${JSON.stringify(result)}`);
      return result.article;
    },
    async newApiToken() {
      if (
        (await site.ctx.db
          .selectFrom("users")
          .select("id")
          .where("role", "=", "admin")
          .executeTakeFirst()) === undefined
      )
        await site.newUser({ role: "admin" });
      const result = await createApiToken(ctx, { name: "tests" });
      if ("errors" in result) throw new Error("newApiToken failed");
      return result.token;
    },
    async request({ cookie, form, ...options }) {
      const headers = { ...(options.headers ?? {}) } as Record<string, string>;
      if (cookie) headers.cookie = cookie;
      if (form) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        return app.inject({ ...options, headers, payload: new URLSearchParams(form).toString() });
      }
      return app.inject({ ...options, headers });
    },
    async formSession(path, cookie) {
      const response = await site.request({ method: "GET", url: path, cookie });
      const match = /name="_csrf" value="([^"]+)"/.exec(response.body);
      if (!match) throw new Error(`formSession: no CSRF token on ${path} (status ${response.statusCode})`);
      const csrfCookie = response.cookies.find((c) => c.name === "_csrf");
      const cookies = [cookie, csrfCookie ? `_csrf=${csrfCookie.value}` : undefined]
        .filter(Boolean)
        .join("; ");
      return { token: match[1], cookie: cookies };
    },
  };
  return site;
}

/** The Admin API's article endpoints as a token's holder calls them (`api.patch(id, {title})`). */
export function articleApi(site: TestSite, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  const url = (id?: number) => `/api/admin/articles${id === undefined ? "" : `/${id}`}`;
  return {
    create: (payload: object) => site.request({ method: "POST", url: url(), headers: auth, payload }),
    get: (id: number) => site.request({ method: "GET", url: url(id), headers: auth }),
    patch: (id: number, payload: object, headers: Record<string, string> = {}) =>
      site.request({ method: "PATCH", url: url(id), headers: { ...auth, ...headers }, payload }),
    delete: (id: number, headers: Record<string, string> = {}) =>
      site.request({ method: "DELETE", url: url(id), headers: { ...auth, ...headers } }),
  };
}
