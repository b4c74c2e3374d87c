import path from "node:path";
import ipaddr from "ipaddr.js";

/** Everything the program can be told, validated once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `sqlite:<file>` is never used; SQLite is chosen by the absence of a postgres URL. */
  database: { dialect: "sqlite"; file: string } | { dialect: "postgres"; url: string };
  /** Public origin used in absolute links (feeds, sitemaps, API `url`). */
  siteUrl: string;
  theme: string;
  /**
   * `compiled` (default): templates run as closures (src/site/liquid/compiler.ts); `liquidjs`:
   * liquidjs's own renderer, for comparing the two (docs/decisions/0015-theme-renderer.md).
   */
  themeRenderer: "compiled" | "liquidjs";
  /** Secret for keyed hashes (comment IPs) and signed cookies; generated into DATA_DIR when unset. */
  secret: string | undefined;
  /**
   * Which peers may set `X-Forwarded-For`/`-Proto`/`-Host` (Fastify's `trustProxy`): none, every
   * peer (the client then writes its own address), a hop count, or proxy addresses and CIDRs. With
   * a count or a list, the client is the right-most address no trusted proxy added.
   */
  trustProxy: boolean | number | string[];
  /** `redis://…`: rate-limit counters kept in Redis instead of the database. */
  redisUrl: string | undefined;
  /** PostgreSQL: connections in each node's pool. */
  dbPoolSize: number;
  /** PostgreSQL: how long opening a connection may take before the request fails. */
  dbConnectTimeoutMs: number;
  /** PostgreSQL `statement_timeout` (and, a second later, the client's own query timeout); SQLite's busy timeout is this too. */
  dbQueryTimeoutMs: number;
  /** Bearer token that `/metrics` asks for; without it (and without `metricsPort`) `/metrics` is off. */
  metricsToken: string | undefined;
  /** Serves `/metrics` on this port (same HOST) instead of the site's, without a token. */
  metricsPort: number | undefined;
  allowPrivateFetch: boolean;
  /** Asks providers (oEmbed, a page's own description) about a story's bare links when it is saved. */
  embedLookups: boolean;
  pageCacheMaxBytes: number;
  /** A page is stored on its Nth anonymous request in a while (1: on the first). */
  pageCacheMinUses: number;
  uploadMaxBytes: number;
  importMaxBytes: number;
  logLevel: string;
  /** Runs the in-process schedulers (scheduled publishing, feed fetching). Tests turn them off. */
  runSchedulers: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The clock every rule reads; tests inject their own. */
  now: () => Date;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    why: string,
  ) {
    super(`${variable}: ${why}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

/** Names proxy-addr accepts besides addresses and CIDRs. */
const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isAddressOrRange(value: string): boolean {
  if (PROXY_NAMES.has(value)) return true;
  if (value.includes("/")) {
    try {
      ipaddr.parseCIDR(value);
      return true;
    } catch {
      return false;
    }
  }
  return ipaddr.isValid(value);
}

/** `false`, `true`, a hop count, or a comma-separated list of proxy addresses/CIDRs. */
function trustProxyOf(env: Env): Config["trustProxy"] {
  const raw = env.TRUST_PROXY?.trim() ?? "";
  const lower = raw.toLowerCase();
  if (["", "false", "no", "off"].includes(lower)) return false;
  if (["true", "yes", "on"].includes(lower)) return true;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 32) throw new ConfigError("TRUST_PROXY", `a hop count is at most 32, got ${hops}`);
    return hops === 0 ? false : hops;
  }
  const list = raw
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const bad = list.find((part) => !isAddressOrRange(part));
  if (bad !== undefined)
    throw new ConfigError(
      "TRUST_PROXY",
      `expected false, true, a hop count or proxy addresses/CIDRs separated by commas; "${bad}" is none of these`,
    );
  return list;
}

function redisUrlOf(env: Env): string | undefined {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return undefined;
  if (!/^rediss?:\/\//.test(raw))
    throw new ConfigError("REDIS_URL", "expected redis://host:port or rediss://…");
  return raw;
}

function metricsTokenOf(env: Env): string | undefined {
  const raw = env.METRICS_TOKEN?.trim();
  if (!raw) return undefined;
  if (raw.length < 16) throw new ConfigError("METRICS_TOKEN", "must be at least 16 characters");
  return raw;
}

/** Flags given on the command line win over the environment. */
export interface ConfigFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
}

/** Builds the config from the environment and CLI flags; throws ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env, flags: ConfigFlags = {}): Config {
  const merged: Env = {
    ...env,
    ...(flags.port ? { PORT: flags.port } : {}),
    ...(flags.host ? { HOST: flags.host } : {}),
    ...(flags.dataDir ? { DATA_DIR: flags.dataDir } : {}),
    ...(flags.databaseUrl ? { DATABASE_URL: flags.databaseUrl } : {}),
  };
  const port = integer(merged, "PORT", 3000, 0, 65535);
  const host = merged.HOST?.trim() || "127.0.0.1";
  const dataDir = path.resolve(merged.DATA_DIR?.trim() || "data");
  const databaseUrl = merged.DATABASE_URL?.trim();
  let database: Config["database"];
  if (!databaseUrl) {
    database = { dialect: "sqlite", file: path.join(dataDir, "broadsheet.db") };
  } else if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    database = { dialect: "postgres", url: databaseUrl };
  } else if (databaseUrl.startsWith("sqlite:")) {
    database = { dialect: "sqlite", file: path.resolve(databaseUrl.slice("sqlite:".length)) };
  } else {
    throw new ConfigError("DATABASE_URL", "expected postgres://user@host/db or sqlite:path/to/file.db");
  }
  const rawSiteUrl = merged.SITE_URL?.trim() || `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  let siteUrl: string;
  try {
    const parsed = new URL(rawSiteUrl);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("protocol");
    siteUrl = parsed.origin + parsed.pathname.replace(/\/+$/, "");
  } catch {
    throw new ConfigError("SITE_URL", `expected an absolute http(s) URL, got "${rawSiteUrl}"`);
  }
  const theme = merged.THEME?.trim() || "default";
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(theme))
    throw new ConfigError("THEME", "a theme is a folder name of letters, digits, - and _");
  const themeRenderer = merged.THEME_RENDERER?.trim() || "compiled";
  if (themeRenderer !== "compiled" && themeRenderer !== "liquidjs")
    throw new ConfigError("THEME_RENDERER", "is compiled or liquidjs");
  const secret = merged.SECRET?.trim() || undefined;
  if (secret !== undefined && secret.length < 32)
    throw new ConfigError("SECRET", "must be at least 32 characters");
  return {
    port,
    host,
    dataDir,
    database,
    siteUrl,
    theme,
    themeRenderer,
    secret,
    trustProxy: trustProxyOf(merged),
    redisUrl: redisUrlOf(merged),
    dbPoolSize: integer(merged, "DB_POOL_SIZE", 10, 1, 1000),
    dbConnectTimeoutMs: integer(merged, "DB_CONNECT_TIMEOUT_MS", 3000, 100, 600_000),
    dbQueryTimeoutMs: integer(merged, "DB_QUERY_TIMEOUT_MS", 15_000, 100, 3_600_000),
    metricsToken: metricsTokenOf(merged),
    metricsPort: merged.METRICS_PORT?.trim() ? integer(merged, "METRICS_PORT", 0, 1, 65535) : undefined,
    allowPrivateFetch: boolean(merged, "ALLOW_PRIVATE_FETCH", false),
    embedLookups: boolean(merged, "EMBED_LOOKUPS", true),
    pageCacheMaxBytes: integer(merged, "PAGE_CACHE_MAX_MB", 32, 0, 4096) * 1024 * 1024,
    pageCacheMinUses: integer(merged, "PAGE_CACHE_MIN_USES", 2, 1, 10),
    uploadMaxBytes: integer(merged, "UPLOAD_MAX_MB", 10, 1, 1024) * 1024 * 1024,
    importMaxBytes: integer(merged, "IMPORT_MAX_MB", 256, 1, 65536) * 1024 * 1024,
    logLevel: merged.LOG_LEVEL?.trim() || "info",
    runSchedulers: boolean(merged, "RUN_SCHEDULERS", true),
    smtpUrl: merged.SMTP_URL?.trim() || undefined,
    mailFrom: merged.MAIL_FROM?.trim() || "Broadsheet <no-reply@localhost>",
    now: () => new Date(),
  };
}
