import { describe, expect, test } from "vitest";
import { compileOnlyDb } from "../db/dummy.js";
import { parseQuery } from "./query.js";
import { type SearchFilter, searchPostgresQuery, searchSqliteQuery } from "./store.js";

// The search queries' SQL, reviewed in the diff: a lost LIMIT, a dropped status filter or a
// changed ranking shows here. Values are bound parameters, never spliced into the text.
const filters: Array<[string, SearchFilter]> = [
  ["relevance", { visibility: "published", sort: "relevance", limit: 10, offset: 0 }],
  [
    "filtered newest",
    {
      visibility: "published",
      sort: "newest",
      categoryId: 4,
      from: "2026-01-01T00:00:00.000Z",
      until: "2026-02-01T00:00:00.000Z",
      limit: 10,
      offset: 20,
    },
  ],
  ["newsroom suggestions", { visibility: "any", titleOnly: true, sort: "relevance", limit: 6, offset: 0 }],
];

describe.each(["sqlite", "postgres"] as const)("search SQL on %s", (dialect) => {
  const db = compileOnlyDb(dialect);
  const query = parseQuery('flood "city council" -storm elect', { prefixLastWord: true });
  test.each(filters)("%s", async (name, filter) => {
    const compiled = (dialect === "sqlite" ? searchSqliteQuery : searchPostgresQuery)(query, filter).compile(
      db,
    );
    await expect(`${compiled.sql.trim()}\n-- ${JSON.stringify(compiled.parameters)}\n`).toMatchFileSnapshot(
      `./__snapshots__/${dialect}.${name.replace(/ /g, "-")}.sql`,
    );
  });
});
