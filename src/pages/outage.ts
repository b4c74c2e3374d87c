import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { OUTAGE_RETRY_AFTER_SECONDS, type Outage } from "../db/failures.js";
import { sendErrorPage } from "./site-routes.js";

/** What a reader or an API client is told during an outage: the cause, never the internals. */
export const OUTAGE_MESSAGES: Record<Outage, string> = {
  "database-unavailable": "The site's database is not answering just now. Please try again in a moment.",
  "storage-full": "The site's storage is full, so nothing can be saved just now. Please try again later.",
};

/** 503 while the database is out; 507 (Insufficient Storage) when the disk is full. */
export function outageStatus(outage: Outage): 503 | 507 {
  return outage === "storage-full" ? 507 : 503;
}

/**
 * Answers a request that met an outage: an anonymous page from its last good copy (with `Age`)
 * when there is one, else a 503/507 with `Retry-After` naming the cause (the theme's error page
 * for readers, JSON for the API).
 */
export async function sendOutage(
  app: FastifyInstance,
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  outage: Outage,
) {
  request.log.warn({ outage, url: request.url }, "request met an outage");
  if (outage === "database-unavailable" && app.pageCache.serveStale(request.raw, reply.raw))
    return reply.hijack();
  const status = outageStatus(outage);
  reply.header("retry-after", String(OUTAGE_RETRY_AFTER_SECONDS));
  if (request.url.startsWith("/api/") || !(request.headers.accept ?? "").includes("text/html"))
    return reply.code(status).header("cache-control", "no-store").send({ error: OUTAGE_MESSAGES[outage] });
  return sendErrorPage(ctx, request, reply, status, OUTAGE_MESSAGES[outage]);
}
