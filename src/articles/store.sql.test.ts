import { describe, expect, test } from "vitest";
import { compileOnlyDb } from "../db/dummy.js";
import {
  articlePagePostgresQuery,
  articlePageSqliteQuery,
  frontPagePostgresQuery,
  publishedListQuery,
} from "./store.js";

// The hot lists' SQL, reviewed in the diff: a changed filter, a lost LIMIT or a new unindexed WHERE shows here.
describe.each(["sqlite", "postgres"] as const)("article list SQL on %s", (dialect) => {
  const db = compileOnlyDb(dialect);
  test.each([
    ["front page", {}],
    ["category archive", { categoryId: 7 }],
    ["tag archive", { tagId: 3 }],
    ["author archive", { authorId: 2 }],
    ["date archive", { from: "2022-05-01T00:00:00.000Z", until: "2022-06-01T00:00:00.000Z" }],
  ])("%s", async (name, filter) => {
    const query = publishedListQuery(db, filter)
      .select(["articles.id", "articles.title"])
      .orderBy("articles.published_at", "desc")
      .orderBy("articles.id", "desc")
      .limit(10)
      .offset(20)
      .compile();
    await expect(`${query.sql}\n-- ${JSON.stringify(query.parameters)}\n`).toMatchFileSnapshot(
      `./__snapshots__/${dialect}.${name.replace(/ /g, "-")}.sql`,
    );
  });
});

// The reader pages' one-statement reads on PostgreSQL (SQLite runs the separate queries above but
// for the article page).
describe("reader page statements on postgres", () => {
  const db = compileOnlyDb("postgres");
  test.each([
    ["article page", articlePagePostgresQuery({ slug: "storm", relatedLimit: 4 })],
    [
      "front page",
      frontPagePostgresQuery({ limit: 10, sectionSize: 4, pinnedIds: "7,5", sectionCategoryIds: "1,2,3" }),
    ],
  ])("%s", async (name, query) => {
    const compiled = query.compile(db);
    await expect(`${compiled.sql}\n-- ${JSON.stringify(compiled.parameters)}\n`).toMatchFileSnapshot(
      `./__snapshots__/postgres.${name.replace(/ /g, "-")}-statement.sql`,
    );
  });
});

describe("reader page statements on sqlite", () => {
  test("article page", async () => {
    const compiled = articlePageSqliteQuery({ slug: "storm" }).compile(compileOnlyDb("sqlite"));
    await expect(`${compiled.sql}\n-- ${JSON.stringify(compiled.parameters)}\n`).toMatchFileSnapshot(
      "./__snapshots__/sqlite.article-page-statement.sql",
    );
  });
});
