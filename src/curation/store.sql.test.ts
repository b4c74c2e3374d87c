import { describe, expect, test } from "vitest";
import { compileOnlyDb } from "../db/dummy.js";
import { type DeskFilter, deskStoriesQuery, dueSourcesQuery } from "./store.js";

// The desk's and the scheduler's SQL, reviewed in the diff: a lost LIMIT or a new unindexed WHERE shows here.
describe.each(["sqlite", "postgres"] as const)("curation SQL on %s", (dialect) => {
  const db = compileOnlyDb(dialect);
  test.each<[string, DeskFilter]>([
    ["desk new", { tab: "new" }],
    ["desk more coverage", { tab: "coverage" }],
    ["desk by source", { tab: "new", sourceId: 4 }],
    ["desk by category", { tab: "published", categoryId: 2 }],
  ])("%s", async (name, filter) => {
    const query = deskStoriesQuery(db, filter)
      .selectAll("stories")
      .orderBy("stories.last_item_at", "desc")
      .orderBy("stories.id", "desc")
      .limit(20)
      .offset(20)
      .compile();
    await expect(`${query.sql}\n-- ${JSON.stringify(query.parameters)}\n`).toMatchFileSnapshot(
      `./__snapshots__/${dialect}.${name.replace(/ /g, "-")}.sql`,
    );
  });

  test("due sources", async () => {
    const query = dueSourcesQuery(db, "2026-05-22T10:00:00.000Z", 100).compile();
    await expect(`${query.sql}\n-- ${JSON.stringify(query.parameters)}\n`).toMatchFileSnapshot(
      `./__snapshots__/${dialect}.due-sources.sql`,
    );
  });
});
