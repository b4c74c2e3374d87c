import type { DialectName } from "./dialect.js";

/**
 * Each database's JSON functions, for statements that read a page's nested data as JSON columns:
 * the same JSON from either (node-postgres hands it over parsed, SQLite as text: `parsedJson`).
 */
export interface JsonFunctions {
  /** `[v1, v2, …]` from SQL values. */
  array(values: string): string;
  /** `{"k": v, …}` from `'k', v` pairs. */
  object(pairs: string): string;
  /** An aggregate: each row's `value`, in `order`, as an array (`[]` for no rows). */
  list(value: string, order: string): string;
}

export const JSON_FUNCTIONS: Record<DialectName, JsonFunctions> = {
  postgres: {
    array: (values) => `json_build_array(${values})`,
    object: (pairs) => `json_build_object(${pairs})`,
    list: (value, order) => `coalesce(json_agg(${value} order by ${order}), '[]'::json)`,
  },
  sqlite: {
    array: (values) => `json_array(${values})`,
    object: (pairs) => `json_object(${pairs})`,
    list: (value, order) => `json_group_array(${value} order by ${order})`,
  },
};

/** A JSON column as read: parsed by node-postgres, text from SQLite. */
export function parsedJson(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}
