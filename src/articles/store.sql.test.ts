import { describe, expect, test } from "vitest";
import { compileOnlyDb } from "../db/dummy.js";
import { publishedListQuery } from "./store.js";

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
