import { createRequire } from "node:module";
import type { RateLimitPluginOptions } from "@fastify/rate-limit";
import type { Redis as RedisClient } from "ioredis";
import type { AppContext } from "../context.js";
import type { Db } from "../db/database.js";
import { getRateLimit, hitRateLimit } from "./store.js";

type StoreCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Keeps the counters of a key prefix (one route's) in the database, shared by every node. */
function databaseStore(db: Db, prefix = "") {
  return {
    incr(key: string, callback: StoreCallback, timeWindow: number) {
      const now = Date.now();
      hitRateLimit(db, `${prefix}${key}`.slice(0, 300), now, timeWindow).then(
        (row) => callback(null, { current: row.hits, ttl: Math.max(0, row.expires_at - now) }),
        (error: Error) => callback(error),
      );
    },
    read(key: string, callback: StoreCallback) {
      const now = Date.now();
      getRateLimit(db, `${prefix}${key}`.slice(0, 300), now).then(
        (row) =>
          callback(null, row ? { current: row.hits, ttl: row.expires_at - now } : { current: 0, ttl: 0 }),
        (error: Error) => callback(error),
      );
    },
    child(routeOptions: { routeInfo: { method: string; url: string } }) {
      return databaseStore(db, `${prefix}${routeOptions.routeInfo.method}${routeOptions.routeInfo.url}-`);
    },
  };
}

export interface RateLimitStorage {
  /** Where the counters live, for the log line at start. */
  kind: "redis" | "database" | "memory";
  options: Pick<RateLimitPluginOptions, "redis" | "store" | "nameSpace" | "skipOnError">;
  /** Connects (Redis); resolves even when that fails, since ioredis keeps trying on its own. */
  connect(): Promise<void>;
  close(): Promise<void>;
}

const nothingToOpen = { connect: async () => {}, close: async () => {} };

/**
 * Where `@fastify/rate-limit` keeps its counters, set once for the app: Redis when `REDIS_URL` is
 * set, else the database on PostgreSQL (several nodes share one limit), else each process's
 * memory (SQLite: one node). When the counters cannot be reached the limit lets requests through
 * (`skipOnError`): what those requests write fails on its own during a database outage.
 */
export function rateLimitStorage(ctx: Pick<AppContext, "config" | "db" | "dialect">): RateLimitStorage {
  if (ctx.config.redisUrl) {
    // Loaded only here: a node without REDIS_URL never needs the client (about 10 MB of memory).
    const { Redis } = createRequire(import.meta.url)("ioredis") as { Redis: typeof RedisClient };
    const redis = new Redis(ctx.config.redisUrl, {
      connectTimeout: 1000,
      maxRetriesPerRequest: 1,
      // A command sent while Redis is away fails at once instead of queueing behind a request.
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    // Connection errors are retried by ioredis; each failed command is let through by skipOnError.
    redis.on("error", () => {});
    return {
      kind: "redis",
      options: { redis, nameSpace: "broadsheet-rate-limit-", skipOnError: true },
      connect: () => redis.connect().catch(() => {}),
      close: async () => {
        redis.disconnect();
      },
    };
  }
  if (ctx.dialect === "postgres") {
    const db = ctx.db;
    // @fastify/rate-limit constructs the store itself (`new Store(options)`).
    const DatabaseStore = function DatabaseStore() {
      return databaseStore(db);
    } as unknown as NonNullable<RateLimitPluginOptions["store"]>;
    return { kind: "database", options: { store: DatabaseStore, skipOnError: true }, ...nothingToOpen };
  }
  return { kind: "memory", options: { skipOnError: true }, ...nothingToOpen };
}

/**
 * Counts one use of `key` in a window of `windowMs` from its first use, in the database whatever
 * the storage of the request limits (a limit on an account, not a client, must hold across nodes
 * and restarts); returns the uses counted in the window, this one included.
 */
export async function countAgainstLimit(
  ctx: Pick<AppContext, "db" | "now">,
  key: string,
  windowMs: number,
): Promise<number> {
  const row = await hitRateLimit(ctx.db, key.slice(0, 300), ctx.now().getTime(), windowMs);
  return row.hits;
}
