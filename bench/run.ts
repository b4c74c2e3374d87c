// `npm run bench -- [--articles 10000] [--comments 50000] [--seconds 10] …`: builds a throwaway
// news site, serves it with the real server in a child process, loads it with autocannon and
// compares every scenario with the ceiling (a bare Node http server). See docs/performance.md.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { CompiledQuery } from "kysely";
import pg from "pg";
import { createApiToken } from "../src/accounts/service.js";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { rebuildSearchIndex } from "../src/search/service.js";
import type { CeilingAnswer } from "./ceiling-server.js";
import { type GeneratedSite, generateSite, type SiteSize } from "./generate.js";
import { measureNewsroom, type NewsroomResult } from "./newsroom.js";
import { freePort, type ServerProcess, startNodeProcess, waitUntilListening } from "./processes.js";
import {
  buildScenarios,
  type Load,
  type Measurement,
  type MeasureOptions,
  measure,
  measureTogether,
  measureWithCeiling,
  type ProbeResult,
  type Scenario,
} from "./scenarios.js";

const root = path.resolve(import.meta.dirname, "..");
const resultsDir = path.join(root, "bench", "results");

const { values: flags } = parseArgs({
  options: {
    articles: { type: "string", default: "10000" },
    categories: { type: "string", default: "10" },
    authors: { type: "string", default: "20" },
    comments: { type: "string", default: "50000" },
    tags: { type: "string", default: "100" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "16" },
    nodes: { type: "string", default: "1" },
    only: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    tsx: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (flags.help) {
  process.stdout.write(`npm run bench -- [options]
  --articles N      generated articles (10000)      --comments N   generated comments (50000)
  --categories N    categories (10)                 --authors N    authors (20)
  --tags N          tags (100)                      --seconds N    measured seconds per scenario (10)
  --warmup N        warm-up seconds (2)             --connections N  concurrent connections (16)
  --only a,b        run only these scenarios (keys as in the table)
  --cpu-prof        write a V8 CPU profile of the server to bench/results/profiles/
  --keep            keep the generated site (prints where) instead of deleting it
  --tsx             run the server from src/ through tsx instead of the compiled dist/
  --nodes 2         PostgreSQL: two server processes on the database, the connections split
                    between them, measured together (req/s of both, CPU of both per request)
DATABASE_URL=postgres://… benchmarks on a fresh PostgreSQL database created (and dropped) on that server.
`);
  process.exit(0);
}

function wholeNumber(name: keyof typeof flags, min: number): number {
  const raw = String(flags[name]);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`bench: --${name} must be a whole number ≥ ${min}, got "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

const size: SiteSize = {
  articles: wholeNumber("articles", 2),
  categories: wholeNumber("categories", 1),
  authors: wholeNumber("authors", 1),
  comments: wholeNumber("comments", 0),
  tags: wholeNumber("tags", 0),
};
const seconds = wholeNumber("seconds", 1);
const warmupSeconds = wholeNumber("warmup", 0);
const connections = wholeNumber("connections", 1);
const nodes = wholeNumber("nodes", 1);
if (nodes > 1 && !process.env.DATABASE_URL) {
  process.stderr.write(
    "bench: --nodes above 1 needs DATABASE_URL=postgres://… (several nodes share one database)\n",
  );
  process.exit(2);
}
const only = flags.only ? new Set(flags.only.split(",").map((s) => s.trim())) : undefined;

const log = (line: string) => process.stdout.write(`${line}\n`);

interface BenchDatabase {
  dialect: "sqlite" | "postgres";
  /** What the server is given as DATABASE_URL (unset for SQLite). */
  url: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh DATA_DIR, and on PostgreSQL a fresh `broadsheet_bench_<random>` database on DATABASE_URL's server. */
async function createBenchDatabase(): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-bench-"));
  const removeDir = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  const adminUrl = process.env.DATABASE_URL?.trim();
  if (!adminUrl) return { dialect: "sqlite", url: undefined, dataDir, drop: removeDir };
  if (!/^postgres(ql)?:\/\//.test(adminUrl)) throw new Error("bench: DATABASE_URL must be a postgres:// URL");
  const name = `broadsheet_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    dialect: "postgres",
    url: url.toString(),
    dataDir,
    async drop() {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
        await removeDir();
      }
    },
  };
}

/** Migrates, fills and indexes the site in-process, through the same app the server runs. */
async function fillSite(database: BenchDatabase, now: Date): Promise<GeneratedSite & { token: string }> {
  const config = loadConfig({
    DATA_DIR: database.dataDir,
    DATABASE_URL: database.url,
    RUN_SCHEDULERS: "false",
    LOG_LEVEL: "warn",
  });
  const app = await buildApp({ ...config, now: () => now }, { logger: false });
  try {
    await app.ready();
    const settings = await app.ctx.settings.get();
    log(`Generating ${size.articles} articles, ${size.comments} comments on ${database.dialect}…`);
    const site = await generateSite(app.ctx.db, database.dialect, size, now, settings.timezone, log);
    const started = performance.now();
    const indexed = await rebuildSearchIndex(app.ctx.db);
    log(`  search index: ${indexed} articles in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // Fresh tables have no planner statistics until autovacuum gets to them (a minute or more
    // later, during the measurement): gather them now, as a live site has them.
    if (database.dialect === "postgres") await app.ctx.db.executeQuery(CompiledQuery.raw("analyze"));
    // The newsroom scenario's editor (the first generated user is an admin).
    const created = await createApiToken(app.ctx, { name: "bench newsroom", userId: 1 });
    if (!("token" in created)) throw new Error("bench: could not create an Admin API token");
    return { ...site, token: created.token };
  } finally {
    await app.close();
  }
}

/**
 * The server runs as operators run it (`npm start`: compiled JavaScript in dist/), so the tsx
 * loader's thread, memory and compile-on-load stay out of the measurement. Compiles dist/ when
 * it is older than src/; when that fails (type errors in work in progress), falls back to tsx.
 */
function serverEntry(): { nodeArgs: string[]; script: string } {
  const tsx = { nodeArgs: ["--import", "tsx"], script: "src/cli.ts" };
  if (flags.tsx) return tsx;
  try {
    execFileSync(process.execPath, [path.join(root, "scripts", "build-if-needed.mjs")], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    log(
      `  server: node ${startScriptNodeOptions().join(" ")} dist/src/cli.js serve (compiled, as npm start)`,
    );
    return { nodeArgs: [], script: "dist/src/cli.js" };
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString().trim().split("\n").slice(-3).join("\n");
    log(`  could not compile dist/ (${output || (error as Error).message}); running the server through tsx`);
    return tsx;
  }
}

/** The options `npm start` gives node (package.json's start script), so the bench runs the server alike. */
function startScriptNodeOptions(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  return manifest.scripts.start.split(/\s+/).filter((word) => word.startsWith("--"));
}

async function startSite(
  database: BenchDatabase,
  extraEnv: Record<string, string> = {},
  profile = flags["cpu-prof"],
): Promise<ServerProcess> {
  const port = await freePort();
  const profileDir = path.join(resultsDir, "profiles");
  const entry = serverEntry();
  const nodeArgs = [...startScriptNodeOptions(), ...entry.nodeArgs];
  if (profile) {
    fs.mkdirSync(profileDir, { recursive: true });
    nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${profileDir}`);
  }
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: "production",
    DATA_DIR: database.dataDir,
    DATABASE_URL: database.url,
    // One log line per request costs a measurable share of a cached hit; warnings and errors still show.
    LOG_LEVEL: "warn",
    RUN_SCHEDULERS: "false",
    ...extraEnv,
  };
  if (database.url === undefined) delete env.DATABASE_URL;
  const server = startNodeProcess(
    [...nodeArgs, entry.script, "serve", "--host", "127.0.0.1", "--port", String(port)],
    env,
    root,
    `http://127.0.0.1:${port}`,
  );
  await waitUntilListening(server, "/healthz", 60_000);
  return server;
}

async function startCeiling(answersFile: string): Promise<ServerProcess> {
  const port = await freePort();
  const server = startNodeProcess(
    ["--import", "tsx", "bench/ceiling-server.ts", String(port), answersFile],
    { ...process.env, NODE_ENV: "production" },
    root,
    `http://127.0.0.1:${port}`,
  );
  await waitUntilListening(server, "/", 30_000);
  return server;
}

/** Headers that belong to one response or connection, not to the page. */
const PER_RESPONSE_HEADERS = new Set([
  "date",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
]);

/** A page as autocannon receives it (it asks for no compression): body and headers. */
async function pageAnswer(origin: string, pagePath: string): Promise<CeilingAnswer> {
  const response = await fetch(origin + pagePath, { headers: { "accept-encoding": "identity" } });
  const body = Buffer.from(await response.arrayBuffer()).toString("base64");
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!PER_RESPONSE_HEADERS.has(name)) headers[name] = value;
  });
  return { body, headers };
}

/** The ceiling's request for the answer it holds at `path`. */
function ceilingLoad(path: string, options: MeasureOptions): Load {
  return { requests: [{ method: "GET", path }], expectedStatuses: [200], options };
}

async function probe(origin: string, scenario: Scenario): Promise<ProbeResult> {
  const response = await fetch(origin + scenario.probePath, {
    redirect: "manual",
    headers: { accept: "text/html" },
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

interface ScenarioReport {
  key: string;
  label: string;
  available: boolean;
  /** Why a scenario was not measured. */
  reason?: string;
  result?: Measurement;
  /**
   * What the ratio is to, when not the reference ceiling: for a cached page the ceiling sending a
   * copy of it, measured in slices alternating with it; for the newsroom the same reads with
   * every page cached and no writes.
   */
  ceiling?: { label: string; result: Measurement };
  newsroom?: NewsroomResult;
  ratioToCeiling?: number;
}

/** Sends one real comment to see whether POST /comments exists and what it answers. */
async function probeCommentPost(
  origin: string,
  scenario: Scenario,
  page: ProbeResult,
): Promise<string | undefined> {
  const [request] = scenario.requests(page, origin);
  if (!request) return "no comment form on the article page";
  const response = await fetch(origin + request.path, {
    method: "POST",
    redirect: "manual",
    headers: request.headers,
    body: String(request.body).replace(/\[<id>\]/g, "probe"),
    signal: AbortSignal.timeout(30_000),
  });
  await response.arrayBuffer();
  if (response.status === 404) return "POST /comments answers 404";
  if (!scenario.expectedStatuses.includes(response.status))
    return `POST /comments answered ${response.status} to a well-formed comment`;
  return undefined;
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const mb = (bytes: number) => (bytes / 1048576).toFixed(0);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function printTable(ceiling: Measurement, articleBytes: number, reports: ScenarioReport[]): void {
  const header = [
    "scenario",
    "req/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "non-2xx",
    "RSS MB",
    "CPU µs/req",
    "× ceiling",
  ];
  const row = (label: string, r: Measurement, ratio: number) => [
    label,
    r.requestsPerSecond.toFixed(0),
    ms(r.p50Ms),
    ms(r.p99Ms),
    String(r.errors + r.unexpected),
    String(r.non2xx),
    mb(r.rssPeakBytes),
    r.serverCpuMicrosPerRequest === undefined ? "–" : r.serverCpuMicrosPerRequest.toFixed(0),
    ratio.toFixed(2),
  ];
  const rows: string[][] = [row(`ceiling (bare node http, ${kb(articleBytes)} KB)`, ceiling, 1)];
  for (const report of reports) {
    const r = report.result;
    if (!r) {
      rows.push([report.label, `not available: ${report.reason}`]);
      continue;
    }
    rows.push(row(report.label, r, report.ratioToCeiling ?? 0));
    // A cached page's ratio is to the ceiling sending a copy of it, measured alongside it.
    if (report.ceiling) rows.push(row(`  ${report.ceiling.label}`, report.ceiling.result, 1));
  }
  const measured = rows.filter((row) => row.length === header.length);
  const widths = header.map((h, i) => Math.max(h.length, ...measured.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ")} |`;
  log("");
  log(line(header));
  log(`|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
  for (const row of rows)
    log(row.length === header.length ? line(row) : `| ${row[0].padEnd(widths[0])} | ${row[1]} |`);
}

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

function checkTargets(reports: ScenarioReport[]): TargetCheck[] {
  const byKey = new Map(reports.map((r) => [r.key, r]));
  const checks: TargetCheck[] = [];
  const ratio = (key: string, min: number, what: string) => {
    const report = byKey.get(key);
    if (!report?.result) return;
    checks.push({
      target: `${what} ≥ ${min} × ceiling`,
      measured: `${(report.ratioToCeiling ?? 0).toFixed(2)} ×`,
      met: (report.ratioToCeiling ?? 0) >= min,
    });
  };
  ratio("article-cached", 0.8, "cached article");
  ratio("front", 0.8, "front page");
  ratio("article-uncached", 0.15, "uncached article");
  const newsroom = byKey.get("newsroom")?.result;
  if (newsroom) {
    const allCached = (byKey.get("newsroom")?.ratioToCeiling ?? 0).toFixed(2);
    checks.push({
      target: "newsroom ≥ 0.5 × all cached",
      measured: `${allCached} ×`,
      met: Number(allCached) >= 0.5,
    });
    checks.push({
      target: "newsroom p99 ≤ 50 ms",
      measured: `${ms(newsroom.p99Ms)} ms`,
      met: newsroom.p99Ms <= 50,
    });
  }
  for (const key of ["article-cached", "front"]) {
    const r = byKey.get(key)?.result;
    if (!r) continue;
    checks.push({
      target: `${byKey.get(key)?.label} p99 ≤ 5 × p50`,
      measured: `${ms(r.p99Ms)} ms = ${(r.p99Ms / Math.max(r.p50Ms, 1e-6)).toFixed(1)} × p50`,
      met: r.p99Ms <= 5 * r.p50Ms,
    });
  }
  const peak = Math.max(0, ...reports.map((r) => r.result?.rssPeakBytes ?? 0));
  checks.push({
    target: "server RSS under load < 200 MB",
    measured: `${mb(peak)} MB peak`,
    met: peak < 200 * 1048576,
  });
  return checks;
}

async function main(): Promise<void> {
  const started = performance.now();
  const now = new Date();
  const database = await createBenchDatabase();
  let server: ServerProcess | undefined;
  const otherNodes: ServerProcess[] = [];
  let ceilingServer: ServerProcess | undefined;
  try {
    const site = await fillSite(database, now);
    log("Starting the server (LOG_LEVEL=warn, RUN_SCHEDULERS=false)…");
    server = await startSite(database);
    for (let n = 1; n < nodes; n++) otherNodes.push(await startSite(database));
    const measureOptions = {
      origin: server.origin,
      seconds,
      warmupSeconds,
      connections,
      serverPid: server.pid,
    };
    /** The same scenario on every node, each with its share of the connections. */
    const acrossNodes = (load: Load): Load[] =>
      [server as ServerProcess, ...otherNodes].map((node, index) => ({
        ...load,
        options: {
          ...load.options,
          origin: node.origin,
          serverPid: node.pid,
          connections: Math.max(1, Math.floor(connections / nodes) + (index < connections % nodes ? 1 : 0)),
        },
      }));

    // Probe every scenario once: a feature that is not there is reported, never silently skipped.
    const scenarios = buildScenarios(site).filter((s) => !only || only.has(s.key));
    const probes = new Map<string, ProbeResult>();
    const reports: ScenarioReport[] = [];
    for (const scenario of scenarios) {
      const result = await probe(server.origin, scenario);
      probes.set(scenario.key, result);
      let reason: string | undefined;
      if (scenario.method === "POST") {
        reason =
          result.status === 200
            ? await probeCommentPost(server.origin, scenario, result)
            : `article page answered ${result.status}`;
      } else if (!scenario.expectedStatuses.includes(result.status)) {
        reason = `${scenario.probePath} answers ${result.status}`;
      }
      reports.push({ key: scenario.key, label: scenario.label, available: reason === undefined, reason });
    }

    // The ceiling answers with a copy of the article page (the reference for scenarios that are
    // not cached pages) and of each cached page: the same bytes and headers.
    const answers: Record<string, CeilingAnswer> = {
      "/reference": await pageAnswer(server.origin, site.featuredArticle.path),
    };
    for (const scenario of scenarios)
      if (scenario.isCachedPage)
        answers[`/${scenario.key}`] = await pageAnswer(server.origin, scenario.probePath);
    const answersFile = path.join(database.dataDir, "ceiling-pages.json");
    fs.writeFileSync(answersFile, JSON.stringify(answers));
    const bytesOf = (answerPath: string) => Buffer.byteLength(answers[answerPath].body, "base64");
    const articleBytes = bytesOf("/reference");
    log(`Article page: ${articleBytes} bytes. Measuring the ceiling (bare node http, the same page)…`);
    ceilingServer = await startCeiling(answersFile);
    const ceilingOptions = { ...measureOptions, origin: ceilingServer.origin, serverPid: ceilingServer.pid };
    const ceilingBefore = await measure(ceilingLoad("/reference", ceilingOptions));

    for (const [index, scenario] of scenarios.entries()) {
      const report = reports[index];
      if (!report.available) {
        log(`  ${scenario.label}: not available (${report.reason})`);
        continue;
      }
      const load: Load = {
        requests: scenario.requests(probes.get(scenario.key) as ProbeResult, server.origin),
        expectedStatuses: scenario.expectedStatuses,
        options: measureOptions,
      };
      if (nodes > 1) {
        log(
          `  ${scenario.label}: ${nodes} nodes loaded together, ${warmupSeconds} s warm-up, ${seconds} s measured…`,
        );
        report.result = await measureTogether(acrossNodes(load));
        continue;
      }
      if (scenario.key === "newsroom") {
        log(
          `  ${scenario.label}: the same reads first on a second server holding every page (${site.articlePaths.length} stories), then with the writers; ${warmupSeconds} s warm-up, ${seconds} s measured each…`,
        );
        const allCachedServer = await startSite(
          database,
          { PAGE_CACHE_MAX_MB: "2048", PAGE_CACHE_MIN_USES: "1" },
          false,
        );
        try {
          const result = await measureNewsroom(
            site.articlePaths,
            measureOptions,
            { ...measureOptions, origin: allCachedServer.origin, serverPid: allCachedServer.pid },
            site,
          );
          report.result = result.newsroom;
          report.newsroom = result;
          report.ceiling = {
            label: "all cached: the same reads, every page held, no writes",
            result: result.allCached,
          };
          report.ratioToCeiling = result.newsroom.requestsPerSecond / result.allCached.requestsPerSecond;
          const { writes } = result;
          const sorted = [...writes.latenciesMs].sort((a, b) => a - b);
          log(
            `    writes: ${writes.edits} story saves, ${writes.approvals} approvals, ${writes.failed} failed${writes.lastError ? ` (last: ${writes.lastError})` : ""}; write p50 ${ms(sorted[Math.floor(sorted.length / 2)] ?? 0)} ms, p99 ${ms(sorted[Math.floor(sorted.length * 0.99)] ?? 0)} ms`,
          );
        } finally {
          await allCachedServer.stop();
        }
        continue;
      }
      if (scenario.isCachedPage) {
        const bytes = bytesOf(`/${scenario.key}`);
        log(
          `  ${scenario.label} (${bytes} bytes): ${warmupSeconds} s warm-up, ${seconds} s measured in one-second slices alternating with the ceiling sending a copy of it…`,
        );
        const paired = await measureWithCeiling(load, ceilingLoad(`/${scenario.key}`, ceilingOptions));
        report.result = paired.page;
        report.ceiling = { label: `ceiling, same page (${kb(bytes)} KB)`, result: paired.ceiling };
        report.ratioToCeiling = paired.page.requestsPerSecond / paired.ceiling.requestsPerSecond;
        continue;
      }
      log(`  ${scenario.label}: ${warmupSeconds} s warm-up, ${seconds} s measured…`);
      report.result = await measure(load);
      if (scenario.key === "article-uncached" && report.result.total > site.articlePaths.length - 1)
        log(
          `    note: ${report.result.total} requests over ${site.articlePaths.length - 1} articles: later passes may hit the cache`,
        );
      if (scenario.key === "post-comment") {
        const statuses = Object.entries(report.result.statuses)
          .map(([status, n]) => `${n}× ${status}`)
          .join(", ");
        log(`    answers: ${statuses}`);
      }
    }

    // The reference ceiling (the article page, for the scenarios that are not cached pages) is
    // measured before and after the scenarios and the mean is used, so a machine that gets busier
    // or quieter during the run skews those ratios less.
    log("  ceiling again (bare node http)…");
    const ceilingAfter = await measure(ceilingLoad("/reference", ceilingOptions));
    await ceilingServer.stop();
    ceilingServer = undefined;
    const ceiling: Measurement = {
      ...ceilingBefore,
      requestsPerSecond: (ceilingBefore.requestsPerSecond + ceilingAfter.requestsPerSecond) / 2,
      p50Ms: (ceilingBefore.p50Ms + ceilingAfter.p50Ms) / 2,
      p99Ms: (ceilingBefore.p99Ms + ceilingAfter.p99Ms) / 2,
      rssPeakBytes: Math.max(ceilingBefore.rssPeakBytes, ceilingAfter.rssPeakBytes),
      serverCpuMicrosPerRequest:
        ceilingBefore.serverCpuMicrosPerRequest === undefined ||
        ceilingAfter.serverCpuMicrosPerRequest === undefined
          ? undefined
          : (ceilingBefore.serverCpuMicrosPerRequest + ceilingAfter.serverCpuMicrosPerRequest) / 2,
    };
    for (const report of reports)
      if (report.result && !report.ceiling)
        report.ratioToCeiling = report.result.requestsPerSecond / ceiling.requestsPerSecond;
    log(
      `  ceiling: ${ceilingBefore.requestsPerSecond.toFixed(0)} req/s before, ${ceilingAfter.requestsPerSecond.toFixed(0)} after`,
    );
    printTable(ceiling, articleBytes, reports);
    const targets = checkTargets(reports);
    log("");
    for (const check of targets) log(`${check.met ? "✓" : "✗"} ${check.target}: ${check.measured}`);
    const elapsed = (performance.now() - started) / 1000;
    log(
      `\n${database.dialect}, ${nodes > 1 ? `${nodes} nodes, ` : ""}${size.articles} articles, ${size.comments} comments, ${connections} connections, ${seconds} s per scenario; whole run ${elapsed.toFixed(0)} s.`,
    );

    fs.mkdirSync(resultsDir, { recursive: true });
    const output = path.join(resultsDir, "latest.json");
    const cpus = os.cpus();
    fs.writeFileSync(
      output,
      `${JSON.stringify(
        {
          date: now.toISOString(),
          machine: {
            cpus: cpus.length,
            cpuModel: cpus[0]?.model ?? "",
            memoryBytes: os.totalmem(),
            node: process.version,
          },
          database: database.dialect,
          size,
          options: { seconds, warmupSeconds, connections, nodes, logLevel: "warn" },
          articlePageBytes: articleBytes,
          ceiling: { ...ceiling, before: ceilingBefore, after: ceilingAfter },
          scenarios: reports,
          targets,
          elapsedSeconds: Math.round(elapsed),
        },
        null,
        2,
      )}\n`,
    );
    log(`Results written to ${path.relative(process.cwd(), output)}`);
    if (flags["cpu-prof"])
      log(`CPU profile: ${path.join(resultsDir, "profiles")} (open in Chrome DevTools › Performance)`);
  } finally {
    await ceilingServer?.stop();
    await server?.stop();
    for (const node of otherNodes) await node.stop();
    if (flags.keep)
      log(
        `Kept the generated site: DATA_DIR=${database.dataDir}${database.url ? ` DATABASE_URL=${database.url}` : ""}`,
      );
    else await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
