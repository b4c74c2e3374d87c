import {
  type ColumnDataType,
  type Expression,
  type Kysely,
  PostgresAdapter,
  type RawBuilder,
  type SelectQueryBuilder,
  sql,
} from "kysely";

/**
 * The few things that differ between SQLite and PostgreSQL. Features never branch on the
 * dialect themselves: they call these.
 */
export type DialectName = "sqlite" | "postgres";

// biome-ignore lint/suspicious/noExplicitAny: works on any schema, including migrations' untyped one
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/** Column type for an auto-incrementing integer primary key (use with `.primaryKey()`). */
// biome-ignore lint/suspicious/noExplicitAny: see dialectOf
export function idColumnType(db: Kysely<any>): ColumnDataType {
  return dialectOf(db) === "postgres" ? "serial" : "integer";
}

/** Column type for a point in time; both dialects read it back as an ISO 8601 string. */
// biome-ignore lint/suspicious/noExplicitAny: see dialectOf
export function timestampColumnType(db: Kysely<any>): ColumnDataType {
  return dialectOf(db) === "postgres" ? "timestamptz" : "text";
}

/** Column type for raw bytes (uploaded files kept in the database). */
// biome-ignore lint/suspicious/noExplicitAny: see dialectOf
export function bytesColumnType(db: Kysely<any>): ColumnDataType {
  return dialectOf(db) === "postgres" ? "bytea" : "blob";
}

/** Converts a COUNT result (bigint string on PostgreSQL, number on SQLite) to a number. */
export function toCount(value: string | number | bigint | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** The UTC calendar month of a timestamp column as `YYYY-MM` (sitemaps group articles by it). */
// biome-ignore lint/suspicious/noExplicitAny: see dialectOf
export function utcYearMonth(db: Kysely<any>, column: Expression<string | null>): RawBuilder<string> {
  return dialectOf(db) === "postgres"
    ? sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM')`
    : sql<string>`substr(${column}, 1, 7)`;
}

/**
 * Locks the selected rows until the transaction ends (`FOR UPDATE` on PostgreSQL). SQLite has no
 * row locks: its transactions begin `IMMEDIATE` (see database.ts), which holds the write lock for
 * the whole read-modify-write instead.
 */
// biome-ignore lint/suspicious/noExplicitAny: works on any schema
export function lockedForUpdate<QB extends SelectQueryBuilder<any, any, any>>(db: Kysely<any>, qb: QB): QB {
  return dialectOf(db) === "postgres" ? (qb.forUpdate() as QB) : qb;
}

/**
 * True for a unique-index violation on either database (PostgreSQL 23505, SQLite
 * SQLITE_CONSTRAINT_UNIQUE): a write that lost a race for a unique name, to answer as taken.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

/**
 * True for a foreign-key violation on either database (PostgreSQL 23503, SQLite
 * SQLITE_CONSTRAINT_FOREIGNKEY): a write naming a row another writer deleted meanwhile.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23503" || code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}

/**
 * Serialises transactions that name the same key until they end. PostgreSQL takes a
 * transaction-scoped advisory lock; SQLite needs none, as a write transaction there already
 * excludes every other writer (call it after the transaction's first write).
 */
// biome-ignore lint/suspicious/noExplicitAny: see dialectOf
export async function lockForTransaction(trx: Kysely<any>, key: string): Promise<void> {
  if (dialectOf(trx) === "postgres")
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}
