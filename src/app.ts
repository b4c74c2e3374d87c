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
import accountsRoutes from "./accounts/routes.js";
import { getSessionActor } from "./accounts/service.js";
import adminRoutes from "./admin/routes.js";
import settingsApiRoutes from "./admin/settings-api-routes.js";
import previewLinksApiRoutes from "./api/preview-links-routes.js";
import revisionsApiRoutes from "./api/revisions-routes.js";
import contentApiRoutes from "./api/routes.js";
import commentsApiRoutes from "./comments/api-routes.js";
import type { Config } from "./config.js";
import { type AppContext, createContext } from "./context.js";
import curationApiRoutes from "./curation/api-routes.js";
import { seedDemoContent } from "./demo/seed-demo.js";
import { adminViewEngine } from "./infrastructure/admin-views.js";
import { installMetrics } from "./infrastructure/metrics.js";
import pageCache from "./infrastructure/page-cache.js";
import { rateLimitStorage } from "./infrastructure/rate-limits.js";
import { limitJsonNesting } from "./infrastructure/request-limits.js";
import { csrfBinding, SESSION_COOKIE } from "./infrastructure/requests.js";
import { securityHeaders } from "./infrastructure/security-headers.js";
import { refuseControlCharactersInPaths } from "./lib/text-input.js";
import mediaApiRoutes from "./media/api-routes.js";
import mediaRoutes from "./media/routes.js";
import { mediaDir } from "./media/storage.js";
import { redirectLegacyQueryLinks } from "./migration/legacy-paths.js";
import articlesRoutes from "./pages/article-routes.js";
import commentsRoutes from "./pages/comment-routes.js";
import previewRoutes from "./pages/preview-routes.js";
import searchRoutes, { redirectLegacySearch } from "./pages/search-routes.js";
import siteIconRoutes from "./pages/site-icon-routes.js";
import siteRoutes, { installErrorPages } from "./pages/site-routes.js";
import { srcDir } from "./paths.js";
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
 * Builds the whole application: the context (database migrated, see `createContext`), plugins,
 * then each feature's routes. Only `cli serve` calls `listen()`; tests use `inject()`.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
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

  const runtime = await createContext(config, app.log);
  const { ctx } = runtime;
  app.decorate("ctx", ctx);

  // Cache hits are answered on the raw request, before any hook; the cache stores a response in a
  // hook that runs after every plugin's, the cookie plugin's Set-Cookie included (see
  // src/site/page-cache.ts).
  await app.register(cookie, { secret: ctx.secret });
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
    csrfOpts: { hmacKey: ctx.secret },
  });
  const headers = securityHeaders();
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(view, {
    engine: { liquid: adminViewEngine(ctx.adminMessages, { cache: config.logLevel !== "debug" }) },
    root: srcDir,
  });

  fs.mkdirSync(mediaDir(config.dataDir), { recursive: true });
  await app.register(mediaRoutes, { ctx });
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
  await app.register(siteIconRoutes, { ctx });
  await app.register(accountsRoutes, { ctx, seedDemo: (ctx) => seedDemoContent(ctx) });
  await app.register(adminRoutes, { ctx, prefix: "/admin" });
  await app.register(contentApiRoutes, { ctx, prefix: "/api" });
  await app.register(articlesRoutes, { ctx });
  await app.register(commentsRoutes, { ctx });
  await app.register(commentsApiRoutes, { ctx, prefix: "/api/admin" });
  await app.register(settingsApiRoutes, { ctx, prefix: "/api/admin" });
  await app.register(curationApiRoutes, { ctx, prefix: "/api/admin" });
  await app.register(revisionsApiRoutes, { ctx, prefix: "/api/admin" });
  await app.register(mediaApiRoutes, { ctx, prefix: "/api/admin" });
  await app.register(previewLinksApiRoutes, { ctx, prefix: "/api/admin" });
  await app.register(previewRoutes, { ctx });
  app.addHook("onRequest", redirectLegacySearch);
  app.addHook("onRequest", redirectLegacyQueryLinks(ctx));
  await app.register(searchRoutes, { ctx });
  await app.register(syndicationRoutes, { ctx });

  app.addHook("onReady", () => runtime.start());
  // Closing never throws: each part is closed even when another failed, and failures are logged.
  app.addHook("onClose", async () => {
    for (const [part, close] of [
      ["rate-limit store", () => limits.close()],
      ["metrics server", () => closeMetrics()],
    ] as const) {
      try {
        await close();
      } catch (error) {
        app.log.error({ err: error }, `shutdown: closing the ${part} failed`);
      }
    }
    await runtime.close();
  });
  return app;
}
