import { CompiledQuery, type QueryResult } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type GeneratedSite, generateSite, type SiteSize } from "../bench/generate.js";
import { rebuildSearchIndex } from "../src/search/service.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

/**
 * The reader pages stay fast as the site grows: every query they run can use an index, and the
 * number of SQL statements per page does not depend on how many articles or comments there are.
 * Pages are rendered with the page cache switched off, so every request runs its queries.
 */

/** Tables that grow with the site: a full scan of one of them gets slower with every story. */
const GROWING_TABLES = ["articles", "comments", "article_categories", "article_tags", "article_sources"];
/**
 * Statements one uncached reader page may run at most, even rendered afresh after a content change
 * (settings, navigation, side lists and listing counts are then read again too).
 */
const MAX_STATEMENTS_PER_PAGE = 30;
/**
 * Statements an uncached reader page runs on PostgreSQL once what pages share until content
 * changes is kept (settings, navigation, side lists, listing counts): each statement is a round
 * trip to the database server, so a page's rows and what its stories show come in one or two.
 */
const MAX_POSTGRES_STATEMENTS_PER_PAGE = 3;
/**
 * The same, rendered afresh after a site-wide change: settings, navigation, the header and footer
 * menus and the side lists are read again, each list and what its stories show in one statement apiece.
 */
const MAX_POSTGRES_STATEMENTS_AFRESH = 12;

interface RecordedQuery {
  sql: string;
  parameters: readonly unknown[];
}

interface MeasuredSite {
  site: TestSite;
  generated: GeneratedSite;
  /**
   * Renders a page and returns its status and the SQL statements it ran; `afresh` renders it as
   * after a publish, when nothing kept from earlier pages (counts, side lists, stories) is left.
   */
  render(
    path: string,
    options?: { afresh?: boolean },
  ): Promise<{ status: number; body: string; queries: RecordedQuery[] }>;
}

async function measuredSite(size: SiteSize): Promise<MeasuredSite> {
  const site = await createTestSite({ config: { pageCacheMaxBytes: 0 } });
  const generated = await generateSite(site.ctx.db, testDialect, size, site.clock.now());
  await rebuildSearchIndex(site.ctx.db);
  // Every statement a page runs goes through this one executor: count them there.
  const executor = site.ctx.db.getExecutor();
  // Kysely passes a query id after the query; it is forwarded untouched.
  const execute = executor.executeQuery.bind(executor) as (
    query: CompiledQuery,
    ...rest: unknown[]
  ) => Promise<QueryResult<unknown>>;
  let recording: RecordedQuery[] | undefined;
  executor.executeQuery = (<R>(query: CompiledQuery<R>, ...rest: unknown[]) => {
    recording?.push({ sql: query.sql, parameters: query.parameters });
    return execute(query, ...rest) as Promise<QueryResult<R>>;
  }) as typeof executor.executeQuery;
  return {
    site,
    generated,
    async render(path, options = {}) {
      if (options.afresh) await site.ctx.changes.changed(["all"]);
      recording = [];
      const response = await site.request({ method: "GET", url: path, headers: { accept: "text/html" } });
      const queries = recording;
      recording = undefined;
      return { status: response.statusCode, body: response.body, queries };
    },
  };
}

/** The reader pages whose queries are checked, by name. */
function readerPages(generated: GeneratedSite): Record<string, string> {
  const article = generated.articlePaths[3];
  return {
    "front page": "/",
    "front page 2": "/page/2/",
    "article page": article,
    "category archive": `/category/${generated.categorySlugs[0]}/`,
    "category archive page 2": `/category/${generated.categorySlugs[0]}/page/2/`,
    "tag archive": `/tag/${generated.tagSlugs[0]}/`,
    "author archive": `/author/${generated.authorSlugs[1]}/`,
    "month archive": article.split("/").slice(0, 3).join("/") + "/",
    "day archive": article.split("/").slice(0, 4).join("/") + "/",
    // A word in about one generated title in 70.
    "search results": "/search?q=monsoon",
  };
}

/** Full scans of growing tables in a query's plan (SQLite `SCAN t` without an index, PostgreSQL `Seq Scan on t`). */
async function fullScansIn(site: TestSite, query: RecordedQuery): Promise<string[]> {
  if (testDialect === "sqlite") {
    const plan = await site.ctx.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
    );
    return plan.rows
      .map((row) => row.detail)
      .filter((detail) =>
        GROWING_TABLES.some((table) => new RegExp(`^SCAN ${table}(?! USING)`).test(detail)),
      );
  }
  // With sequential scans priced out, the planner still chooses one only when no index can serve.
  return site.ctx.db.transaction().execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw("set local enable_seqscan = off"));
    const plan = await trx.executeQuery<{ "QUERY PLAN": string }>(
      CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]),
    );
    return plan.rows
      .map((row) => row["QUERY PLAN"].trim())
      .filter((line) => GROWING_TABLES.some((table) => new RegExp(`Seq Scan on ${table}\\b`).test(line)));
  });
}

describe(`reader pages on ${testDialect}`, () => {
  let small: MeasuredSite;
  let large: MeasuredSite;

  beforeAll(async () => {
    // Same sections, authors and tags; fifteen times the stories and twenty times the comments.
    small = await measuredSite({ articles: 120, categories: 10, authors: 20, comments: 250, tags: 60 });
    large = await measuredSite({ articles: 1800, categories: 10, authors: 20, comments: 5000, tags: 60 });
    if (testDialect === "postgres") await large.site.ctx.db.executeQuery(CompiledQuery.raw("analyze"));
    // Warm the per-process memos (settings, navigation, most-commented list) on both sites.
    for (const measured of [small, large])
      for (const path of Object.values(readerPages(measured.generated))) await measured.render(path);
  });

  afterAll(async () => {
    await small?.site.close();
    await large?.site.close();
  });

  test("the front page and every archive read stories through an index, never a full table scan", async () => {
    const scans: string[] = [];
    for (const [page, path] of Object.entries(readerPages(large.generated))) {
      // Every query the page can run is checked, also those whose results later pages share.
      const { status, queries } = await large.render(path, { afresh: true });
      expect(status, `${page} (${path})`).toBe(200);
      for (const query of queries) {
        if (!/^\s*select/i.test(query.sql)) continue;
        for (const scan of await fullScansIn(large.site, query))
          scans.push(`${page}: ${scan}\n    ${query.sql}`);
      }
    }
    expect(scans, "queries that read a whole growing table (add an index or bound the query)").toEqual([]);
  });

  test("a reader page runs the same small number of SQL statements with 120 or 1,800 stories", async () => {
    const counts: Record<string, { small: number; large: number }> = {};
    for (const [name, smallPath] of Object.entries(readerPages(small.generated))) {
      const largePath = readerPages(large.generated)[name];
      // Rendered afresh (as after a publish), then again with what it shares with later pages kept.
      for (const afresh of [true, false]) {
        const page = afresh ? `${name} (afresh)` : name;
        const smallPage = await small.render(smallPath, { afresh });
        const largePage = await large.render(largePath, { afresh });
        expect(smallPage.status, page).toBe(200);
        expect(largePage.status, page).toBe(200);
        counts[page] = { small: smallPage.queries.length, large: largePage.queries.length };
        if (process.env.SHOW_STATEMENTS) console.log(page, counts[page]);
      }
    }
    for (const [page, count] of Object.entries(counts)) {
      expect(count.large, `${page}: statements per page`).toBeLessThanOrEqual(MAX_STATEMENTS_PER_PAGE);
      if (testDialect === "postgres")
        expect(count.large, `${page}: statements per page on PostgreSQL`).toBeLessThanOrEqual(
          page.endsWith("(afresh)") ? MAX_POSTGRES_STATEMENTS_AFRESH : MAX_POSTGRES_STATEMENTS_PER_PAGE,
        );
      // More stories may change which optional lists appear (a second "related" query when few
      // stories share a tag), never add a query per story or per comment.
      expect(Math.abs(count.large - count.small), `${page}: ${JSON.stringify(count)}`).toBeLessThanOrEqual(2);
    }
    // A story's page: the story, its neighbours, what they show, its corrections and comment
    // thread in one statement once the side lists it shares with other pages are held (on SQLite
    // its related stories too, picked from each term's newest stories, held between pages).
    expect(counts["article page"]?.large).toBe(1);
  });

  test("an article page with dozens of comments runs no query per comment", async () => {
    // Comments lean towards the newest stories: the newest has the most.
    const busiest = await large.render(large.generated.articlePaths[0], { afresh: true });
    const quiet = await large.render(large.generated.articlePaths[large.generated.articlePaths.length - 1], {
      afresh: true,
    });
    expect(busiest.status).toBe(200);
    expect(busiest.body.split('class="comment').length).toBeGreaterThan(10);
    expect(busiest.queries.length).toBeLessThanOrEqual(quiet.queries.length + 2);
  });
});
