import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import type { Config } from "../../src/config.js";
import { type DatabaseHandle, openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";

/** Which database this run targets: `npm test` runs the suite once per dialect. */
export const testDialect: "sqlite" | "postgres" =
  process.env.TEST_DATABASE === "postgres" ? "postgres" : "sqlite";

/** Admin connection used to create and drop one database per test site. */
function adminUrl(): string {
  const url = process.env.TEST_PG_URL;
  if (!url) throw new Error("TEST_DATABASE=postgres needs TEST_PG_URL (postgres://user@host:port/postgres)");
  return url;
}

export interface TestDatabase {
  database: Config["database"];
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh, empty database (and data folder) for one test site. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-test-"));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (testDialect === "sqlite") {
    return {
      database: { dialect: "sqlite", file: path.join(dataDir, "test.db") },
      dataDir,
      drop: async () => removeDir(),
    };
  }
  const name = `broadsheet_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    database: { dialect: "postgres", url: url.toString() },
    dataDir,
    drop: async () => {
      const dropper = new pg.Client({ connectionString: adminUrl() });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
        removeDir();
      }
    },
  };
}

/**
 * A fresh database migrated to the latest schema, opened before the calling file's (or
 * describe block's) tests and dropped after them: `const database = useMigratedDatabase();`,
 * then `database.db` inside the tests.
 */
export function useMigratedDatabase(): { readonly db: DatabaseHandle["db"] } {
  let database: TestDatabase | undefined;
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    handle = openDatabase(database.database);
    await migrateToLatest(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });
  return {
    get db() {
      if (!handle) throw new Error("the test database is opened in beforeAll");
      return handle.db;
    },
  };
}
