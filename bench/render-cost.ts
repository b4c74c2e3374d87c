// `npx tsx bench/render-cost.ts [--articles 2000] [--comments 5000] [--renders 400]`: the CPU time
// of one uncached render of each kind of reader page, measured in-process with
// `process.cpuUsage()`. Unlike requests per second under load, CPU per render barely moves when
// the machine is busy, so it is the number to watch while changing the render path. The page
// cache is off (PAGE_CACHE_MAX_MB=0), so every request is a full render.
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { CompiledQuery } from "kysely";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { generateSite } from "./generate.js";

const { values: flags } = parseArgs({
  options: {
    articles: { type: "string", default: "2000" },
    comments: { type: "string", default: "5000" },
    renders: { type: "string", default: "400" },
    rounds: { type: "string", default: "3" },
    only: { type: "string" },
    /** Empties the `{% cache %}` fragments before every render: the whole template runs each time. */
    "clear-fragments": { type: "boolean", default: false },
    /** Writes a V8 CPU profile of the measured renders (not the site generation) to this file. */
    profile: { type: "string" },
  },
});

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-render-cost-"));
  const now = new Date();
  const config = loadConfig({
    DATA_DIR: dataDir,
    // An empty PostgreSQL database to fill, or SQLite in the temporary directory.
    DATABASE_URL: process.env.DATABASE_URL,
    RUN_SCHEDULERS: "false",
    LOG_LEVEL: "warn",
    PAGE_CACHE_MAX_MB: "0",
    // `THEME_RENDERER=liquidjs npx tsx bench/render-cost.ts` measures liquidjs's own renderer.
    THEME_RENDERER: process.env.THEME_RENDERER,
  });
  const app = await buildApp({ ...config, now: () => now }, { logger: false });
  try {
    await app.ready();
    const settings = await app.ctx.settings.get();
    const site = await generateSite(
      app.ctx.db,
      app.ctx.dialect,
      {
        articles: Number(flags.articles),
        comments: Number(flags.comments),
        categories: 10,
        authors: 20,
        tags: 100,
      },
      now,
      settings.timezone,
    );
    // Fresh tables have no planner statistics until autovacuum gets to them; gather them now, as
    // a live site would have them.
    if (app.ctx.dialect === "postgres") await app.ctx.db.executeQuery(CompiledQuery.raw("analyze"));
    // The generator writes rows directly: tell the app its content changed, as a publish would.
    await app.ctx.changes.changed(["all"]);
    const renders = Number(flags.renders);
    const deepPage = Math.max(
      1,
      Math.min(50, Math.floor(site.articlePaths.length / 10 / settings.postsPerPage)),
    );
    const kinds: Record<string, (i: number) => string> = {
      article: (i) => site.articlePaths[1 + (i % (site.articlePaths.length - 1))],
      front: () => "/",
      category: (i) => `/category/${site.categorySlugs[i % site.categorySlugs.length]}/`,
      // A deep archive page, as the load bench's "category page 50" (page 50 needs 10,000 stories).
      "category-deep": () => `/category/${site.categorySlugs[0]}/page/${deepPage}/`,
    };
    const only = flags.only ? new Set(flags.only.split(",")) : undefined;
    const inspector = flags.profile ? new Session() : undefined;
    if (inspector) {
      inspector.connect();
      await inspector.post("Profiler.enable");
      await inspector.post("Profiler.start");
    }
    for (const [kind, urlOf] of Object.entries(kinds)) {
      if (only && !only.has(kind)) continue;
      // Warm-up: JIT, statement caches, memoised side lists.
      for (let i = 0; i < 50; i++) await app.inject({ url: urlOf(i) });
      const results: number[] = [];
      const wallMs: number[] = [];
      let bytes = 0;
      for (let round = 0; round < Number(flags.rounds); round++) {
        const before = process.cpuUsage();
        const started = performance.now();
        for (let i = 0; i < renders; i++) {
          if (flags["clear-fragments"]) app.ctx.theme.fragments.clear();
          const response = await app.inject({ url: urlOf(i + round * renders) });
          if (response.statusCode !== 200) throw new Error(`${urlOf(i)} answered ${response.statusCode}`);
          bytes = response.body.length;
          // Let the event loop turn, as between a server's requests: with SQLite every await above
          // settles as a microtask, and the injected sockets' setImmediate clean-ups would pile up
          // (the heap grew 100 KB a render, each round slower than the last).
          await new Promise(setImmediate);
        }
        const used = process.cpuUsage(before);
        results.push((used.user + used.system) / 1000 / renders);
        wallMs.push((performance.now() - started) / renders);
      }
      results.sort((a, b) => a - b);
      log(
        `${kind.padEnd(18)} ${results[0].toFixed(3)} ms/render (best of ${results.length}; all: ${results
          .map((r) => r.toFixed(3))
          .join(
            ", ",
          )}) · ${Math.min(...wallMs).toFixed(3)} ms wall (best) · ${Math.round(bytes / 1024)} KB · ${app.ctx.theme.fragments.size} fragments held`,
      );
    }
    if (inspector && flags.profile) {
      const { profile } = await inspector.post("Profiler.stop");
      fs.writeFileSync(flags.profile, JSON.stringify(profile));
      log(`CPU profile of the renders: ${flags.profile}`);
    }
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `render-cost failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`,
  );
  process.exit(1);
});
