import type { PostgresPool, PostgresPoolClient } from "kysely";

/**
 * Named prepared statements on PostgreSQL: a statement whose SQL text was named here is sent
 * with its name, so each pooled connection parses and plans it once and later runs only bind and
 * execute it (an unnamed statement is parsed and planned anew on every run). Only the hot,
 * fixed-shape reader queries are named (`reusableQuery` names what it compiles): every name
 * stays prepared on every connection for the connection's life.
 */

/** Names given at most; past it, statements run unnamed (reusable shapes are bounded anyway). */
const MAX_NAMED_STATEMENTS = 2000;

const names = new Map<string, string>();

/** Marks a SQL text as a hot statement worth preparing once per connection. */
export function namePreparedStatement(sqlText: string): void {
  if (names.has(sqlText) || names.size >= MAX_NAMED_STATEMENTS) return;
  names.set(sqlText, `bs_${names.size + 1}`);
}

type Query = (textOrConfig: unknown, ...rest: unknown[]) => unknown;
const named = new WeakSet<object>();

/**
 * The pool Kysely draws connections from, with named statements: a statement named above goes to
 * `pg` as `{ name, text, values }` (pg keeps, per connection, which names it has prepared).
 */
export function withPreparedStatements(pool: PostgresPool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      if (!named.has(client)) {
        named.add(client);
        const target = client as unknown as { query: Query };
        const query = target.query.bind(client) as Query;
        // The pool's own users (LISTEN/NOTIFY) share these clients and pass callbacks: kept as they are.
        target.query = (textOrConfig, ...rest) => {
          const name = typeof textOrConfig === "string" ? names.get(textOrConfig) : undefined;
          return name === undefined
            ? query(textOrConfig, ...rest)
            : query({ name, text: textOrConfig, values: rest[0] }, ...rest.slice(1));
        };
      }
      return client;
    },
    end: () => pool.end(),
  };
}
