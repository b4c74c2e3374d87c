import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from "kysely";
import type { Db } from "./database.js";
import * as m0001 from "./migrations/0001-foundation.js";
import * as m0002 from "./migrations/0002-comments.js";
import * as m0003 from "./migrations/0003-search.js";
import * as m0004 from "./migrations/0004-curation.js";
import * as m0005 from "./migrations/0005-wordpress-import.js";
import * as m0006 from "./migrations/0006-performance-indexes.js";
import * as m0007 from "./migrations/0007-article-versions.js";
import * as m0010 from "./migrations/0010-rate-limits.js";
import * as m0011 from "./migrations/0011-media-files.js";
import * as m0013 from "./migrations/0013-login-attempts-device-key.js";
import * as m0014 from "./migrations/0014-audit-log.js";
import * as m0020 from "./migrations/0020-media-variants.js";
import * as m0025 from "./migrations/0025-search-language.js";
import * as m0030 from "./migrations/0030-pages.js";
import * as m0031 from "./migrations/0031-front-page.js";
import * as m0032 from "./migrations/0032-article-corrections.js";
import * as m0035 from "./migrations/0035-article-revisions.js";
import * as m0036 from "./migrations/0036-article-notes.js";
import * as m0037 from "./migrations/0037-preview-links.js";
import * as m0045 from "./migrations/0045-embed-lookups.js";
import * as m0046 from "./migrations/0046-menu-items.js";
import * as m0047 from "./migrations/0047-users-language.js";

/**
 * Every migration, in order. Append a new file and a line here; never edit a shipped one.
 * Static imports (not a folder scan) so the list is the same from `src/` under tsx and `dist/`.
 */
const migrations: Record<string, Migration> = {
  "0001-foundation": m0001,
  "0002-comments": m0002,
  "0003-search": m0003,
  "0004-curation": m0004,
  "0005-wordpress-import": m0005,
  "0006-performance-indexes": m0006,
  "0007-article-versions": m0007,
  "0010-rate-limits": m0010,
  "0011-media-files": m0011,
  "0013-login-attempts-device-key": m0013,
  "0014-audit-log": m0014,
  "0020-media-variants": m0020,
  "0025-search-language": m0025,
  "0030-pages": m0030,
  "0031-front-page": m0031,
  "0032-article-corrections": m0032,
  "0035-article-revisions": m0035,
  "0036-article-notes": m0036,
  "0037-preview-links": m0037,
  "0045-embed-lookups": m0045,
  "0046-menu-items": m0046,
  "0047-users-language": m0047,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Brings the schema up to date; throws naming the migration that failed. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  const failed = result.results?.find((r) => r.status === "Error");
  if (result.error || failed) {
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${reason}`);
  }
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Migrations this program knows that the database has not applied (the schema is behind when any). */
export async function listPendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
