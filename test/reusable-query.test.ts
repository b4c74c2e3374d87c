import { sql } from "kysely";
import { beforeAll, describe, expect, test } from "vitest";
import { reusableQuery } from "../src/db/reusable-query.js";
import { testDialect, useMigratedDatabase } from "./support/database.js";

/** Tags among some slugs, optionally after one, in slug order: a list, an optional filter and a limit. */
const tagsAmong = reusableQuery(
  (db, params: { slugs: string[]; after?: string; limit: number }) =>
    db
      .selectFrom("tags")
      .select("slug")
      .where("slug", "in", params.slugs)
      .$if(params.after !== undefined, (qb) => qb.where("slug", ">", params.after!))
      .orderBy("slug")
      .limit(sql.lit(params.limit)),
  { literals: ["limit"] },
);

describe(`reusable queries on ${testDialect}`, () => {
  const handle = useMigratedDatabase();

  beforeAll(async () => {
    await handle.db
      .insertInto("tags")
      .values(
        ["alpha", "beta", "gamma", "delta"].map((slug) => ({
          name: slug,
          slug,
          created_at: "2026-05-22T10:00:00.000Z",
        })),
      )
      .execute();
  });

  const slugs = (rows: { slug: string }[]) => rows.map((r) => r.slug);

  test("every call reads with its own values, whichever shapes ran before it", async () => {
    const db = handle.db;
    expect(slugs(await tagsAmong(db, { slugs: ["alpha", "gamma"], limit: 10 }))).toEqual(["alpha", "gamma"]);
    expect(slugs(await tagsAmong(db, { slugs: ["beta", "delta"], limit: 10 }))).toEqual(["beta", "delta"]);
    expect(slugs(await tagsAmong(db, { slugs: ["alpha", "beta", "gamma"], limit: 10 }))).toEqual([
      "alpha",
      "beta",
      "gamma",
    ]);
    expect(
      slugs(await tagsAmong(db, { slugs: ["alpha", "beta", "gamma"], after: "alpha", limit: 10 })),
    ).toEqual(["beta", "gamma"]);
    expect(slugs(await tagsAmong(db, { slugs: ["alpha", "beta", "gamma"], limit: 1 }))).toEqual(["alpha"]);
    expect(slugs(await tagsAmong(db, { slugs: ["gamma", "delta"], limit: 10 }))).toEqual(["delta", "gamma"]);
  });

  test("a limit written into the SQL must be a whole number", async () => {
    await expect(tagsAmong(handle.db, { slugs: ["alpha"], limit: 1.5 })).rejects.toThrow(/integer/);
  });
});
