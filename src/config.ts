import path from "node:path";

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
  /** Secret for keyed hashes (comment IPs) and signed cookies; generated into DATA_DIR when unset. */
  secret: string | undefined;
  trustProxy: boolean;
  allowPrivateFetch: boolean;
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
    secret,
    trustProxy: boolean(merged, "TRUST_PROXY", false),
    allowPrivateFetch: boolean(merged, "ALLOW_PRIVATE_FETCH", false),
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
