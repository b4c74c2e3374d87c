/**
 * Search latency on a big site: generates N articles (default 100,000) through the articles
 * store in batched transactions, builds the full-text index, then runs a few hundred
 * representative queries through the same service the /search page uses and prints the
 * median and p99 latency and the index build time. Not run in CI.
 *
 *   npx tsx bench/search-latency.ts                          # SQLite, in a temporary folder
 *   npx tsx bench/search-latency.ts --postgres postgres://postgres@127.0.0.1:5432/postgres
 *   npx tsx bench/search-latency.ts --articles 20000 --queries 500 --keep
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createUser } from "../src/accounts/service.js";
import { buildApp } from "../src/app.js";
import * as articleStore from "../src/articles/store.js";
import { loadConfig } from "../src/config.js";
import { createSeededRandom } from "../src/lib/seeded-random.js";
import { searchSite, suggestArticles } from "../src/pages/search.js";
import { rebuildSearchIndex } from "../src/search/service.js";

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
};
const ARTICLES = Number(option("articles") ?? 100_000);
const PG_ADMIN_URL = option("postgres");
const BATCH = 1000;
const QUERIES = Number(option("queries") ?? 300);
/** Keep the generated database (its URL or folder is printed) to study query plans afterwards. */
const KEEP = args.includes("--keep");

// Deterministic text: a seeded generator, a Zipf-distributed vocabulary of real news words
const random = createSeededRandom(42);
// biome-ignore format: a word list reads better packed
const NEWS_WORDS = ["government", "council", "election", "minister", "storm", "flood", "market", "police", "court",
  "school", "hospital", "budget", "energy", "climate", "football", "match", "strike", "union", "prices", "housing",
  "river", "harbour", "bridge", "railway", "festival", "museum", "café", "résumé", "São", "Zürich", "report", "vote",
  "tariff", "drought", "wildfire", "vaccine", "inflation", "senate", "parliament", "protest", "airport", "trial"];
const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ren",
  "ta",
  "vo",
  "sel",
  "dri",
  "pa",
  "nu",
  "gor",
  "ex",
  "li",
  "fan",
  "to",
  "bra",
];
const VOCABULARY = [...NEWS_WORDS];
while (VOCABULARY.length < 20_000) {
  const length = 2 + Math.floor(random() * 3);
  let word = "";
  for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
  VOCABULARY.push(word);
}
const cumulative: number[] = [];
VOCABULARY.reduce((sum, _w, rank) => {
  cumulative.push(sum + 1 / (rank + 1) ** 1.07);
  return cumulative[cumulative.length - 1];
}, 0);
function word(): string {
  const target = random() * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo];
}
const words = (n: number) => Array.from({ length: n }, word).join(" ");
const capitalised = (text: string) => text[0].toUpperCase() + text.slice(1);

async function createDatabaseUrl(): Promise<{
  url: string | undefined;
  dataDir: string;
  drop: () => Promise<void>;
}> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-search-bench-"));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (!PG_ADMIN_URL) return { url: undefined, dataDir, drop: async () => removeDir() };
  const name = `broadsheet_search_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      const dropper = new pg.Client({ connectionString: PG_ADMIN_URL });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
      removeDir();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const database = await createDatabaseUrl();
  const config = {
    ...loadConfig({
      DATA_DIR: database.dataDir,
      DATABASE_URL: database.url,
      RUN_SCHEDULERS: "false",
      PAGE_CACHE_MAX_MB: "0",
      SITE_URL: "http://bench.test",
    }),
  };
  const app = await buildApp(config, { logger: false });
  await app.ready();
  const ctx = app.ctx;
  try {
    const author = await createUser(
      ctx,
      { email: "bench@bench.test", name: "Bench Writer", role: "editor" },
      { requirePassword: false },
    );
    if ("errors" in author) throw new Error(JSON.stringify(author.errors));
    const authorId = author.user.id;

    const titles: string[] = [];
    let started = performance.now();
    const start = Date.UTC(2016, 0, 1);
    for (let done = 0; done < ARTICLES; done += BATCH) {
      await ctx.db.transaction().execute(async (trx) => {
        for (let i = done; i < Math.min(ARTICLES, done + BATCH); i++) {
          const title = capitalised(words(5 + Math.floor(random() * 6)));
          if (i % 50 === 0) titles.push(title);
          const paragraphs = Array.from(
            { length: 4 },
            () => `<p>${capitalised(words(40 + Math.floor(random() * 30)))}.</p>`,
          );
          const when = new Date(start + i * 50 * 60_000).toISOString();
          await articleStore.insertArticle(trx, {
            title,
            slug: `story-${i}`,
            excerpt: `${capitalised(words(25))}.`,
            body: "",
            body_html: paragraphs.join("\n"),
            status: i % 20 === 0 ? "draft" : "published",
            published_at: when,
            created_at: when,
            updated_at: when,
            author_id: authorId,
            featured_media_id: null,
            comments_open: 1,
            is_page: 0,
            is_sticky: 0,
          });
        }
      });
      if ((done / BATCH) % 10 === 0) process.stdout.write(`\rgenerated ${done + BATCH} articles`);
    }
    process.stdout.write(
      `\rgenerated ${ARTICLES} articles in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );

    started = performance.now();
    await rebuildSearchIndex(ctx.db, { batchSize: 1000 });
    const buildSeconds = (performance.now() - started) / 1000;
    console.log(
      `index build: ${buildSeconds.toFixed(1)} s (${Math.round(ARTICLES / buildSeconds)} articles/s)`,
    );

    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
    const queryKinds: Array<[string, () => string, "page" | "suggest"]> = [
      ["common word", () => pick(VOCABULARY.slice(0, 30)), "page"],
      ["mid-frequency word", () => pick(VOCABULARY.slice(300, 3000)), "page"],
      ["rare word", () => pick(VOCABULARY.slice(12_000)), "page"],
      ["two words", () => `${pick(VOCABULARY.slice(0, 500))} ${pick(VOCABULARY.slice(0, 3000))}`, "page"],
      ["phrase", () => `"${pick(titles).split(" ").slice(1, 3).join(" ")}"`, "page"],
      ["exclusion", () => `${pick(VOCABULARY.slice(0, 200))} -${pick(VOCABULARY.slice(0, 200))}`, "page"],
      ["accent-free café", () => "cafe", "page"],
      ["newest first", () => pick(VOCABULARY.slice(0, 300)), "page"],
      ["as-you-type prefix", () => pick(VOCABULARY.slice(0, 5000)).slice(0, 3), "suggest"],
    ];
    // Warm the caches once, as a running site would be.
    await searchSite(ctx, { q: "council", page: 1 });
    const all: number[] = [];
    const byKind = new Map<string, number[]>();
    for (let i = 0; i < QUERIES; i++) {
      const [kind, make, mode] = queryKinds[i % queryKinds.length];
      const q = make();
      const t0 = performance.now();
      if (mode === "suggest") await suggestArticles(ctx, q);
      else await searchSite(ctx, { q, page: 1, sort: kind === "newest first" ? "newest" : undefined });
      const ms = performance.now() - t0;
      all.push(ms);
      byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
    }
    const report = (label: string, samples: number[]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      console.log(
        `${label.padEnd(22)} n=${String(sorted.length).padStart(3)}  median ${percentile(sorted, 50).toFixed(1).padStart(7)} ms  p99 ${percentile(sorted, 99).toFixed(1).padStart(7)} ms`,
      );
    };
    console.log(`\n${ctx.dialect}, ${ARTICLES} articles, results page = ranked ids + snippets + hydration`);
    for (const [kind, samples] of byKind) report(kind, samples);
    report("all queries", all);
  } finally {
    await app.close();
    if (KEEP) console.log(`kept the database: ${database.url ?? database.dataDir}`);
    else await database.drop();
  }
}

await main();
