import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";
import type { DialectName } from "./dialect.js";
import type { Database } from "./schema.js";

/** A Kysely that compiles SQL for a dialect but never connects: for reviewing queries in snapshot tests. */
export function compileOnlyDb(dialect: DialectName): Kysely<Database> {
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => (dialect === "postgres" ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) =>
        dialect === "postgres" ? new PostgresIntrospector(db) : new SqliteIntrospector(db),
      createQueryCompiler: () =>
        dialect === "postgres" ? new PostgresQueryCompiler() : new SqliteQueryCompiler(),
    },
  });
}
