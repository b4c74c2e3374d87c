import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import view from "@fastify/view";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import { Liquid } from "liquidjs";
import accountsRoutes from "./accounts/routes.js";
import { getSessionActor } from "./accounts/service.js";
import adminRoutes from "./admin/routes.js";
import contentApiRoutes from "./api/routes.js";
import articlesRoutes from "./articles/routes.js";
import commentsApiRoutes from "./comments/api-routes.js";
import commentsRoutes from "./comments/routes.js";
import type { Config } from "./config.js";
import curationApiRoutes from "./curation/api-routes.js";
import { openDatabase } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { isMediaKey, mediaDir, mediaStorage } from "./media/storage.js";
import { redirectLegacyQueryLinks } from "./migration/legacy-paths.js";
import { srcDir } from "./paths.js";
import searchRoutes, { redirectLegacySearch } from "./search/routes.js";
import { ContentChanges, isSiteWide } from "./site/content-changes.js";
import { type AppContext, resolveInstallSecret } from "./site/context.js";
import { installMetrics } from "./site/metrics.js";
import pageCache from "./site/page-cache.js";
import { rateLimitStorage } from "./site/rate-limits.js";
import { limitJsonNesting } from "./site/request-limits.js";
import { csrfBinding, SESSION_COOKIE } from "./site/requests.js";
import siteRoutes, { installErrorPages } from "./site/routes.js";
import { startSchedulers } from "./site/schedulers.js";
import { securityHeaders } from "./site/security-headers.js";
import { SettingsService } from "./site/settings.js";
import { refuseControlCharactersInPaths } from "./site/text-input.js";
import { ThemeRenderer } from "./site/theme.js";
import syndicationRoutes from "./syndication/routes.js";

declare module "fastify" {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export interface BuildOptions {
  /** Pino logger options, or false for none (tests). */
  logger?: boolean | object;
  /** Sees every route as it is added (the architecture test collects them this way). */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

/**
 * One log line per request the application answers, when it completes (with its status and time):
 * the "incoming request" line is kept for LOG_LEVEL=debug. Page-cache hits are counted in /metrics.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, "incoming request");
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request");
  }
}

/**
 * Fastify's `trustProxy` for the configured value; a hop count becomes the function proxy-addr
 * makes of one (the `hop` nearest hops are proxies), which Fastify's types do not take as a number.
 */
function trustProxyOption(trust: Config["trustProxy"]): FastifyServerOptions["trustProxy"] {
  if (typeof trust !== "number") return trust;
  return (_address: string, hop: number) => hop < trust;
}

/**
 * Builds the whole application: database (migrated), shared context, plugins, then each
 * feature's routes. Only `cli serve` calls `listen()`; tests use `inject()`.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  // Set once the app (and its logger) exists; a pool error before that has no one to tell.
  let logPoolError: (error: Error) => void = () => {};
  const handle = openDatabase(config.database, {
    poolSize: config.dbPoolSize,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    queryTimeoutMs: config.dbQueryTimeoutMs,
    onPoolError: (error) => logPoolError(error),
  });
  await migrateToLatest(handle.db);

  // Page-cache hits are answered on the raw request before Fastify routes it: the hit path is a
  // Map lookup and one write. Set once the cache plugin is registered.
  let answerFromPageCache: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  const app = Fastify({
    serverFactory: (handler, options) => {
      const server = http.createServer((req, res) => {
        if (answerFromPageCache?.(req, res)) return;
        handler(req, res);
      });
      // What Fastify sets on a server it creates itself (its defaults are filled in by now);
      // without it Node's 5 s keep-alive closes idle connections a proxy still means to reuse.
      const timeouts = options as Required<
        Pick<FastifyServerOptions, "keepAliveTimeout" | "requestTimeout" | "connectionTimeout">
      >;
      server.keepAliveTimeout = timeouts.keepAliveTimeout;
      server.requestTimeout = timeouts.requestTimeout;
      server.setTimeout(timeouts.connectionTimeout);
      return server;
    },
    logger: options.logger ?? { level: config.logLevel },
    logController: new OneLinePerRequest(),
    // Random, so a request id names one request across every node's log (x-request-id on a 500).
    genReqId: () => randomUUID(),
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 2 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 300 },
    // Unknown JSON fields are an error to report, not something to drop silently.
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
  });

  // Shutting down: a connection whose request is still in flight closes once it is answered,
  // instead of idling for the keep-alive timeout and holding the process open.
  app.addHook("preClose", (done) => {
    app.server.keepAliveTimeout = 1;
    done();
  });

  if (options.onRoute) {
    const onRoute = options.onRoute;
    app.addHook("onRoute", (route) => onRoute({ method: route.method, url: route.url }));
  }

  const settings = new SettingsService(handle.db, config.now);
  logPoolError = (error) => app.log.warn({ err: error }, "database: a pooled connection failed while idle");
  const changes = new ContentChanges(handle.pgPool, {
    error: (error, message) => app.log.error({ err: error }, message),
    warn: (message) => app.log.warn(message),
    info: (message) => app.log.info(message),
  });
  // The settings copy also holds the navigation's categories: both change only site-wide.
  changes.onChange((change) => {
    if (isSiteWide(change)) settings.invalidate();
  });
  const theme = new ThemeRenderer(config.theme);
  theme.fragments.followChanges(changes);
  const secret = await resolveInstallSecret(handle.db, config.secret, config.now().toISOString());
  const ctx: AppContext = {
    config,
    db: handle.db,
    dialect: handle.dialect,
    pgPool: handle.pgPool,
    log: app.log,
    now: config.now,
    settings,
    changes,
    theme,
    secret,
  };
  app.decorate("ctx", ctx);

  // The cookie plugin writes Set-Cookie in its onSend hook, which must run before the page cache
  // decides whether a response may be stored. Cache hits are answered on the raw request, before
  // any hook (see src/site/page-cache.ts).
  await app.register(cookie, { secret });
  await app.register(pageCache, { ctx });
  answerFromPageCache = (req, res) => app.pageCache.answer(req, res);
  const closeMetrics = await installMetrics(app, ctx);

  await app.register(formbody);
  limitJsonNesting(app);
  await app.register(multipart, { limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 50 } });
  const limits = rateLimitStorage(ctx);
  await limits.connect();
  await app.register(rateLimit, { global: false, ...limits.options });
  await app.register(csrf, {
    cookieOpts: { signed: true, httpOnly: true, sameSite: "lax", path: "/" },
    getUserInfo: csrfBinding,
    csrfOpts: { hmacKey: secret },
  });
  const headers = securityHeaders();
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  const adminLiquid = new Liquid({
    root: [srcDir],
    extname: ".liquid",
    outputEscape: "escape",
    cache: config.logLevel !== "debug",
    ownPropertyOnly: true,
  });
  adminLiquid.registerFilter("json", (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c"));
  await app.register(view, { engine: { liquid: adminLiquid }, root: srcDir });

  fs.mkdirSync(mediaDir(config.dataDir), { recursive: true });
  await app.register(async function serveMedia(media) {
    // On PostgreSQL an upload made through another node is copied from the database to this
    // node's disk on its first request; on SQLite the folder is the store itself.
    if (handle.dialect === "postgres") {
      const storage = mediaStorage(ctx);
      media.addHook("onRequest", async (request) => {
        // Keys are plain characters: an escaped URL is no key, and static answers it 404.
        const key = request.url.slice("/media/".length).split("?")[0];
        if (isMediaKey(key)) await storage.localFile(key);
      });
    }
    await media.register(fastifyStatic, {
      root: mediaDir(config.dataDir),
      prefix: "/media/",
      decorateReply: false,
      immutable: true,
      maxAge: "365d",
      index: false,
      // Uploaded files are images checked by their bytes; this stops a browser from sniffing them as anything else.
      setHeaders: (res) => res.setHeader("X-Content-Type-Options", "nosniff"),
    });
  });
  await app.register(fastifyStatic, {
    root: path.join(srcDir, "admin", "assets"),
    prefix: "/admin/assets/",
    decorateReply: false,
    maxAge: "1h",
    index: false,
  });

  app.decorateRequest("actor", undefined);
  app.addHook("onRequest", async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.actor = await getSessionActor(ctx, token);
  });

  refuseControlCharactersInPaths(app);
  installErrorPages(app, ctx);
  await app.register(siteRoutes, { ctx });
  await app.register(accountsRoutes, { ctx });
  await app.register(adminRoutes, { ctx, prefix: "/admin" });
  await app.register(contentApiRoutes, { ctx, prefix: "/api" });
  await app.register(articlesRoutes, { ctx });
  await app.register(commentsRoutes, { ctx });
  await app.register(commentsApiRoutes, { ctx, prefix: "/api/admin" });
  await app.register(curationApiRoutes, { ctx, prefix: "/api/admin" });
  app.addHook("onRequest", redirectLegacySearch);
  app.addHook("onRequest", redirectLegacyQueryLinks(ctx));
  await app.register(searchRoutes, { ctx });
  await app.register(syndicationRoutes, { ctx });

  let stopSchedulers: (() => Promise<void>) | undefined;
  app.addHook("onReady", async () => {
    await changes.start();
    if (config.runSchedulers) stopSchedulers = startSchedulers(ctx);
  });
  // Closing never throws: each part is closed even when another failed, and failures are logged.
  app.addHook("onClose", async () => {
    for (const [part, close] of [
      ["schedulers", () => stopSchedulers?.()],
      ["change feed", () => changes.stop()],
      ["rate-limit store", () => limits.close()],
      ["metrics server", () => closeMetrics()],
      ["database", () => handle.close()],
    ] as const) {
      try {
        await close();
      } catch (error) {
        app.log.error({ err: error }, `shutdown: closing the ${part} failed`);
      }
    }
  });
  return app;
}
