import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { outageOf } from "../db/failures.js";
import { negotiateEncoding } from "../infrastructure/page-cache.js";
import { ReadinessCheck } from "../infrastructure/readiness.js";
import { findMovedPath } from "../site/redirects.js";
import { sendOutage } from "./outage.js";
import { renderThemePage } from "./page-context.js";

const ASSET_TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  webp: "image/webp",
  woff2: "font/woff2",
  ico: "image/x-icon",
};

/** How far ahead security.txt's Expires lies (RFC 9116 asks for less than a year). */
const SECURITY_TXT_DAYS = 180;

/** The body of /.well-known/security.txt. */
export function securityTxt(contacts: string[], language: string, siteUrl: string, now: Date): string {
  const expires = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + SECURITY_TXT_DAYS),
  );
  return [
    ...contacts.map((contact) => `Contact: ${contact}`),
    `Expires: ${expires.toISOString()}`,
    `Preferred-Languages: ${language.split("-")[0]}`,
    `Canonical: ${siteUrl}/.well-known/security.txt`,
    "",
  ].join("\n");
}

/** Site-wide routes: health, security.txt and theme assets. */
const siteRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Liveness: the process answers. Touches nothing that can hang (see /readyz for the rest).
  app.get("/healthz", async function showHealth(_request, reply) {
    return reply.header("cache-control", "no-store").send({ status: "ok", database: ctx.dialect });
  });

  // Readiness, for a proxy's or orchestrator's health check: 503 within a second when this node
  // should get no traffic (database out or hung, schema behind, change feed down, disk not writable).
  const readiness = new ReadinessCheck(ctx);
  app.get("/readyz", async function showReadiness(_request, reply) {
    const { ready, checks } = await readiness.check();
    return reply
      .code(ready ? 200 : 503)
      .header("cache-control", "no-store")
      .send({ status: ready ? "ready" : "unavailable", database: ctx.dialect, checks });
  });

  // RFC 9116: where to report a vulnerability. Not served until an admin sets a contact.
  app.get("/.well-known/security.txt", async function showSecurityTxt(_request, reply) {
    const settings = await ctx.settings.get();
    if (settings.securityContacts.length === 0) return reply.callNotFound();
    return reply
      .type("text/plain; charset=utf-8")
      .header("cache-control", "public, max-age=86400")
      .send(securityTxt(settings.securityContacts, settings.language, ctx.config.siteUrl, ctx.now()));
  });

  // Asset URLs carry a content hash, so a stored copy never goes stale: cache forever.
  app.get<{ Params: { hash: string; "*": string } }>(
    "/assets/:hash/*",
    async function sendAsset(request, reply) {
      const asset = ctx.theme.assets.get(request.params["*"]);
      if (!asset || asset.hash !== request.params.hash) return reply.callNotFound();
      const ext = asset.file.split(".").pop() ?? "";
      // The same negotiation as pages: brotli, then gzip, with the client's q-values.
      const encoding = asset.brotli
        ? negotiateEncoding(request.headers["accept-encoding"])
        : ("identity" as const);
      const body =
        (encoding === "br" ? asset.brotli : encoding === "gzip" ? asset.gzip : undefined) ?? asset.body;
      if (encoding !== "identity") reply.header("content-encoding", encoding);
      if (asset.brotli) reply.header("vary", "Accept-Encoding");
      return reply
        .header("content-type", ASSET_TYPES[ext] ?? "application/octet-stream")
        .header("cache-control", "public, max-age=31536000, immutable")
        .send(body);
    },
  );
};

/**
 * The site-wide 404 and error pages, installed on the root instance so every feature's routes
 * get them: readers see the theme's page, API clients a JSON error; a 500 never says what broke.
 */
export function installErrorPages(app: FastifyInstance, ctx: AppContext): void {
  app.setNotFoundHandler(async function showNotFoundPage(request, reply) {
    return sendErrorPage(ctx, request, reply, 404);
  });

  app.setErrorHandler(async function showErrorPage(
    error: Error & { statusCode?: number; validation?: unknown },
    request,
    reply,
  ) {
    const outage = outageOf(error);
    if (outage) return sendOutage(app, ctx, request, reply, outage);
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) logUnhandledError(request, reply, error);
    if (request.url.startsWith("/api/") || !(request.headers.accept ?? "").includes("text/html")) {
      // Client errors say what was wrong; server errors say nothing about internals, only the id to look them up by.
      return reply.code(status).send(status >= 500 ? internalErrorBody(request) : { error: error.message });
    }
    return sendErrorPage(ctx, request, reply, status, status >= 500 ? undefined : error.message);
  });
}

/**
 * Logs a request that failed with an error nothing handled (a database failure, a bug) at level
 * error, with the request id the answer carries (`x-request-id`): the log line an operator finds
 * from what a user reports. The test suite fails when any such line is logged unexpectedly.
 */
export function logUnhandledError(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  request.log.error(
    { err: error, url: request.url, method: request.method },
    "request failed with an unhandled error",
  );
  reply.header("x-request-id", request.id);
}

/** The JSON body of a 500: nothing about the failure, and the request id to find it in the log. */
export function internalErrorBody(request: FastifyRequest): { error: string; request_id: string } {
  return { error: "internal error", request_id: String(request.id) };
}

/** Renders the theme's 404 or 500 page (503 and 507 too); never leaks internals. */
export async function sendErrorPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message?: string,
) {
  if (status === 404 && (request.method === "GET" || request.method === "HEAD")) {
    // A moved page (changed slug, imported WordPress link) answers with its redirect, not a 404.
    const redirect = await findMovedPath(ctx.db, request.url.split("?")[0]);
    if (redirect) return reply.redirect(redirect.to_path, redirect.status_code as 301 | 302);
  }
  const template = status === 404 ? "404" : "500";
  try {
    const html = await renderThemePage(ctx, request, template, { status, message: message ?? "" });
    return reply.code(status).header("cache-control", "no-store").type("text/html; charset=utf-8").send(html);
  } catch (error) {
    request.log.error({ err: error }, "error page failed to render");
    return reply
      .code(status)
      .type("text/plain; charset=utf-8")
      .send(status === 404 ? "Not found" : "Something went wrong");
  }
}

export default siteRoutes;
