import { createHmac, randomBytes } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type pg from "pg";
import type { Config } from "../config.js";
import type { Db } from "../db/database.js";
import type { DialectName } from "../db/dialect.js";
import type { ContentChanges } from "./content-changes.js";
import type { SettingsService } from "./settings.js";
import { getInstallSecret, insertInstallSecret } from "./store.js";
import type { ThemeRenderer } from "./theme.js";

/**
 * What every service needs, built once by `buildApp` (or a CLI command) and passed explicitly.
 * Features take the narrow part they use (`Pick<AppContext, "db" | "now">`).
 */
export interface AppContext {
  config: Config;
  db: Db;
  dialect: DialectName;
  pgPool: pg.Pool | undefined;
  log: FastifyBaseLogger;
  now: () => Date;
  settings: SettingsService;
  changes: ContentChanges;
  theme: ThemeRenderer;
  /** Key for keyed hashes (IPs) and signed cookies. */
  secret: string;
}

/** HMAC-SHA256 of a value under the install secret: IPs are stored only this way. */
export function keyedHash(secret: string, value: string): string {
  return createHmac("sha256", secret).update(value).digest("hex");
}

/**
 * The configured SECRET, or one generated at first start and kept in the database so every
 * node of a cluster shares it.
 */
export async function resolveInstallSecret(
  db: Db,
  configured: string | undefined,
  now: string,
): Promise<string> {
  if (configured) return configured;
  const existing = await getInstallSecret(db);
  if (existing) return existing;
  await insertInstallSecret(db, randomBytes(32).toString("hex"), now);
  const stored = await getInstallSecret(db);
  if (!stored) throw new Error("site: cannot store the install secret");
  return stored;
}
