import { type Compilable, CompiledQuery, type RawBuilder } from "kysely";
import type { Db } from "./database.js";
import { namePreparedStatement } from "./prepared-statements.js";

/**
 * Shapes kept per query and database handle: a list's length and a limit are part of the shape,
 * so bound them. Past the bound a new shape is compiled for each call, as any Kysely query is.
 */
const MAX_SHAPES = 256;

/** What a reusable query's parameters may be. */
export type QueryParameter = string | number | boolean | null | undefined | readonly (string | number)[];

/** Stands in for a string or number parameter while Kysely compiles; the call's value replaces it. */
class Slot {
  constructor(
    readonly key: string,
    /** Position in a list parameter, or -1 for a single value. */
    readonly index: number,
  ) {}
}

/**
 * A hot store query built and compiled by Kysely once per database handle and shape, then run with
 * each call's values: building and compiling a query costs a reader page more than running its
 * small indexed SQL.
 *
 * The shape is what `build` may branch on: which parameters are `undefined` or `null`, every
 * boolean (both reach `build` as they are), the length of each list, and the integers named in
 * `literals`. Other strings and numbers, alone or in a list, reach `build` as stand-ins: it may
 * only hand them to Kysely as values, never look at them or compute with them.
 *
 * Pass row limits as `literals` and write them into the SQL (`.limit(sql.lit(params.limit))`):
 * SQLite plans a statement with the value of a bound LIMIT and so plans it again every time the
 * limit is bound, which costs more than running a small indexed query.
 *
 * `build` may return a Kysely query or a raw `sql` template (for SQL the builder cannot say, such
 * as one dialect's JSON aggregates). On PostgreSQL each kept shape is a named prepared statement
 * (`prepared-statements.ts`): parsed and planned once per pooled connection.
 */
export function reusableQuery<P extends { [K in keyof P]: QueryParameter }, R>(
  build: (db: Db, params: P) => Compilable<R> | RawBuilder<R>,
  options: { literals?: readonly (keyof P & string)[] } = {},
): (db: Db, params: P) => Promise<R[]> {
  const literals = new Set<string>(options.literals);
  const compiledByDb = new WeakMap<Db, Map<string, CompiledQuery<R>>>();
  return async (db, params) => {
    const shape = shapeOf(params, literals);
    let compiled = compiledByDb.get(db);
    if (!compiled) {
      compiled = new Map();
      compiledByDb.set(db, compiled);
    }
    let query = compiled.get(shape);
    if (!query) {
      const built = build(db, standIns(params, literals));
      query = "isRawBuilder" in built ? built.compile(db) : built.compile();
      if (compiled.size < MAX_SHAPES) {
        compiled.set(shape, query);
        namePreparedStatement(query.sql);
      }
    }
    const values = params as Record<string, unknown>;
    const parameters = query.parameters.map((p) =>
      p instanceof Slot ? (p.index < 0 ? values[p.key] : (values[p.key] as unknown[])[p.index]) : p,
    );
    const result = await db.executeQuery<R>(CompiledQuery.raw(query.sql, parameters));
    return result.rows;
  };
}

function shapeOf(params: object, literals: Set<string>): string {
  let shape = "";
  for (const [key, value] of Object.entries(params)) {
    if (literals.has(key)) {
      if (!Number.isSafeInteger(value)) throw new Error(`reusable query: ${key} must be an integer`);
      shape += `${key}=${value};`;
    } else if (Array.isArray(value)) shape += `${key}:${value.length};`;
    else if (typeof value === "string" || typeof value === "number") shape += `${key};`;
    else if (value === undefined || value === null || typeof value === "boolean") shape += `${key}=${value};`;
    // Anything else would be compiled into the SQL once and then reused for every call.
    else throw new Error(`reusable query: parameter ${key} is neither a value nor a list of values`);
  }
  return shape;
}

function standIns<P extends object>(params: P, literals: Set<string>): P {
  const stand: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (literals.has(key)) stand[key] = value;
    else if (Array.isArray(value)) stand[key] = value.map((_, index) => new Slot(key, index));
    else if (typeof value === "string" || typeof value === "number") stand[key] = new Slot(key, -1);
    else stand[key] = value;
  }
  return stand as P;
}
