import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type SqliteDatabase as KyselySqliteDatabase,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
} from "kysely";
import type pg from "pg";
import type { Config } from "../config.js";
import type { DialectName } from "./dialect.js";
import { withPreparedStatements } from "./prepared-statements.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

/**
 * Runs `work` in a transaction of its own, or inside the caller's when `db` already is one (the
 * WordPress importer's batch): Kysely cannot open a transaction inside a transaction.
 */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

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

/**
 * node-postgres, loaded when a PostgreSQL database is first opened: a SQLite node never needs it
 * (about 10 MB of memory).
 */
let postgresDriver: typeof pg | undefined;
function loadPostgresDriver(): typeof pg {
  if (postgresDriver) return postgresDriver;
  const driver = createRequire(import.meta.url)("pg") as typeof pg;
  // Times come back as ISO strings on both dialects, so rows compare and serialise alike.
  driver.types.setTypeParser(TIMESTAMPTZ_OID, (value) => new Date(value).toISOString());
  driver.types.setTypeParser(TIMESTAMP_OID, (value) => new Date(`${value}Z`).toISOString());
  // COUNT(*) and bigserial values fit comfortably in a double for this application.
  driver.types.setTypeParser(INT8_OID, (value) => Number(value));
  postgresDriver = driver;
  return driver;
}

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

export interface OpenOptions {
  poolSize?: number;
  /** PostgreSQL: how long opening a connection may take (default 3 s). */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL `statement_timeout`, and a second later the client gives up on the answer itself
   * (a hung server never answers). Default 15 s; 0 for none
   * (migrations, imports and backups from the command line).
   */
  queryTimeoutMs?: number;
  /** Told of a pooled connection that failed while idle (the pool replaces it). */
  onPoolError?: (error: Error) => void;
}

const DEFAULT_QUERY_TIMEOUT_MS = 15_000;

/**
 * SQLite transactions start with `BEGIN IMMEDIATE`: a transaction takes the write lock before its
 * first read, so a read-modify-write never works from a copy another connection (a second node on
 * the same file, the CLI) changes underneath it. A plain `BEGIN` would read first and then fail with
 * SQLITE_BUSY when it tries to write, without waiting for `busy_timeout`.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly database: KyselySqliteDatabase) {
    super({ database });
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

/**
 * PostgreSQL connections per node: a reader page runs its two or three statements one after the
 * other, so a few connections per core keep the node's cores busy; more only add idle backends
 * (each a process with its own memory) that compete with the database for the same cores.
 */
const PG_POOL_SIZE = Math.max(4, 2 * os.availableParallelism());

/** Opens the configured database with durable-write settings. */
export function openDatabase(database: Config["database"], options: OpenOptions = {}): DatabaseHandle {
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  if (database.dialect === "postgres") {
    const pool = new (loadPostgresDriver().Pool)({
      connectionString: database.url,
      max: options.poolSize ?? PG_POOL_SIZE,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
      // A connection dropped without a word (a NAT or firewall forgetting it) is noticed.
      keepAlive: true,
      ...(queryTimeoutMs > 0
        ? { statement_timeout: queryTimeoutMs, query_timeout: queryTimeoutMs + 1000 }
        : {}),
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on("error", (error) => options.onPoolError?.(error));
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
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(withStatementCache(sqlite)) });
  return { db, dialect: "sqlite", pgPool: undefined, close: () => db.destroy() };
}
