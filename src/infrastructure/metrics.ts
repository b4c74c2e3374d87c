import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AppContext } from "../context.js";

/**
 * Outcomes counted by the features (feed fetches, comment posts) for `/metrics`. Process-wide
 * plain counts: a node is one process, and a feature counts with one call and no registry.
 */
const outcomes = {
  feed_fetch: new Map<string, number>(),
  feed_tick: new Map<string, number>(),
  comment: new Map<string, number>(),
};

/** Counts one outcome: `countOutcome("comment", "held")`. */
export function countOutcome(kind: keyof typeof outcomes, outcome: string): void {
  const counts = outcomes[kind];
  counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
}

/** The metrics of one app, in a registry of its own (tests run several apps in one process). */
function buildRegistry(app: FastifyInstance, ctx: Pick<AppContext, "changes" | "pgPool">): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "broadsheet_http_requests_total",
    help: "Requests answered by the application (page-cache hits are counted by broadsheet_page_cache_hits_total)",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "broadsheet_http_request_duration_seconds",
    help: "Time to answer a request routed by the application",
    labelNames: ["method", "route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "(unmatched)";
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  const cacheCount = (name: string, help: string, key: keyof FastifyInstance["pageCache"]["counts"]) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(app.pageCache.counts[key]);
      },
    });
  cacheCount("broadsheet_page_cache_hits_total", "Anonymous requests answered from the page cache", "hits");
  cacheCount(
    "broadsheet_page_cache_misses_total",
    "Anonymous requests the page cache could not answer",
    "misses",
  );
  cacheCount(
    "broadsheet_page_cache_evictions_total",
    "Pages evicted to stay within PAGE_CACHE_MAX_MB",
    "evictions",
  );
  cacheCount(
    "broadsheet_page_cache_stale_served_total",
    "Last good copies served while the database was out",
    "staleServed",
  );
  new Gauge({
    name: "broadsheet_page_cache_bytes",
    help: "Memory held by the page cache",
    registers: [registry],
    collect() {
      this.set(app.pageCache.bytes);
    },
  });
  new Gauge({
    name: "broadsheet_page_cache_pages",
    help: "Pages in the page cache",
    registers: [registry],
    collect() {
      this.set(app.pageCache.size);
    },
  });
  new Gauge({
    name: "broadsheet_change_feed_connected",
    help: "1 while this node hears every other node's changes (always 1 on SQLite)",
    registers: [registry],
    collect() {
      this.set(ctx.changes.isLive ? 1 : 0);
    },
  });
  for (const [kind, help] of [
    ["feed_fetch", "Source fetches by outcome (ok, error, throttled, gone, busy, not-due, failed)"],
    ["feed_tick", "Feed scheduler rounds by outcome (done, failed)"],
    [
      "comment",
      "Comment posts by outcome (approved, held, spam, rejected, no-article, rate-limited, outage)",
    ],
  ] as const)
    new Counter({
      name: `broadsheet_${kind}_outcomes_total`,
      help,
      labelNames: ["outcome"],
      registers: [registry],
      collect() {
        this.reset();
        for (const [outcome, count] of outcomes[kind]) this.inc({ outcome }, count);
      },
    });
  const pool = ctx.pgPool;
  if (pool)
    new Gauge({
      name: "broadsheet_db_pool_connections",
      help: "PostgreSQL connections of this node's pool, by state",
      labelNames: ["state"],
      registers: [registry],
      collect() {
        this.set({ state: "total" }, pool.totalCount);
        this.set({ state: "idle" }, pool.idleCount);
        this.set({ state: "waiting" }, pool.waitingCount);
      },
    });
  return registry;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, "") ?? "");
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * Prometheus metrics at `/metrics`: on the site's own port behind `METRICS_TOKEN` (a bearer
 * token), or without one on `METRICS_PORT` (a port the proxy does not expose). Neither set: off.
 * Returns a function that closes the separate server, if any.
 */
export async function installMetrics(app: FastifyInstance, ctx: AppContext): Promise<() => Promise<void>> {
  const { metricsToken, metricsPort, host } = ctx.config;
  if (!metricsToken && metricsPort === undefined) return async () => {};
  const registry = buildRegistry(app, ctx);
  if (metricsPort === undefined) {
    const token = metricsToken as string;
    app.get("/metrics", async function showMetrics(request, reply) {
      if (!tokenMatches(request.headers.authorization, token))
        return reply
          .code(401)
          .header("www-authenticate", "Bearer")
          .send({ error: "a metrics token is needed" });
      return reply
        .header("cache-control", "no-store")
        .type(registry.contentType)
        .send(await registry.metrics());
    });
    return async () => {};
  }
  const server = http.createServer((req, res) => {
    if (req.url !== "/metrics" || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    registry.metrics().then(
      (body) =>
        res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(body),
      () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics failed"),
    );
  });
  app.addHook("onListen", async () => {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(metricsPort, host, () => resolve());
    });
    app.log.info(`metrics served on http://${host}:${(server.address() as { port: number }).port}/metrics`);
  });
  return () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
}
