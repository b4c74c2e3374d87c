import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, type SqliteDatabase as KyselySqliteDatabase, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Config } from "../config.js";
import type { DialectName } from "./dialect.js";
import { withPreparedStatements } from "./prepared-statements.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: DialectName;
  /** PostgreSQL pool, for LISTEN/NOTIFY and advisory locks; undefined on SQLite. */
  pgPool: pg.Pool | undefined;
  close(): Promise<void>;
}

const TIMESTAMPTZ_OID = 1184;
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;

// Times come back as ISO strings on both dialects, so rows compare and serialise alike.
pg.types.setTypeParser(TIMESTAMPTZ_OID, (value) => new Date(value).toISOString());
pg.types.setTypeParser(TIMESTAMP_OID, (value) => new Date(`${value}Z`).toISOString());
// COUNT(*) and bigserial values fit comfortably in a double for this application.
pg.types.setTypeParser(INT8_OID, (value) => Number(value));

/** Distinct SQL texts whose prepared statements are kept (the hot queries are a few dozen). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew, and compiling SQL is a measurable part of a
 * page render; this keeps prepared statements by SQL text (least recently used dropped first).
 * A statement still being iterated (a streamed query) is never handed out twice: a fresh one is
 * prepared instead. SQLite re-prepares a kept statement itself after a schema change.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sqlText: string) {
      const held = statements.get(sqlText);
      if (held !== undefined && !held.busy) {
        statements.delete(sqlText);
        statements.set(sqlText, held);
        return held;
      }
      const statement = sqlite.prepare(sqlText);
      if (held === undefined) {
        statements.set(sqlText, statement);
        if (statements.size > STATEMENT_CACHE_SIZE)
          statements.delete(statements.keys().next().value as string);
      }
      return statement;
    },
    close() {
      statements.clear();
      sqlite.close();
    },
  };
}

/**
 * PostgreSQL connections per node: a reader page runs its two or three statements one after the
 * other, so a few connections per core keep the node's cores busy; more only add idle backends
 * (each a process with its own memory) that compete with the database for the same cores.
 */
const PG_POOL_SIZE = Math.max(4, 2 * os.availableParallelism());

/** Opens the configured database with durable-write settings. */
export function openDatabase(
  database: Config["database"],
  options: { poolSize?: number } = {},
): DatabaseHandle {
  if (database.dialect === "postgres") {
    const pool = new pg.Pool({ connectionString: database.url, max: options.poolSize ?? PG_POOL_SIZE });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on("error", () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
    return { db, dialect: "postgres", pgPool: pool, close: () => db.destroy() };
  }
  fs.mkdirSync(path.dirname(database.file), { recursive: true });
  const sqlite = new SqliteDatabase(database.file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // 8 MB of pages (four times SQLite's default): reads past it come from the OS's file cache at no
  // measurable cost per page render, while 32 MB cost 50-60 MB of RSS once full.
  sqlite.pragma("cache_size = -8000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: "sqlite", pgPool: undefined, close: () => db.destroy() };
}
