// `npm test`: lint, type-check, the whole suite on SQLite, the same suite on PostgreSQL, then the
// browser tests in headless Chromium. A part that cannot run here is reported as SKIPPED, loudly.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-results-"));
const totals = { passed: 0, failed: 0, skipped: 0 };
const skippedParts = [];
let failedSteps = 0;

function run(label, command, args, env = {}) {
  process.stdout.write(`\n▶ ${label}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) {
    failedSteps += 1;
    process.stdout.write(`✖ ${label} failed (exit ${result.status})\n`);
  }
  return result.status === 0;
}

function vitest(label, env) {
  const output = path.join(resultsDir, `${label.replace(/\W+/g, "-")}.json`);
  run(
    label,
    bin("vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${output}`],
    env,
  );
  if (!fs.existsSync(output)) return;
  const report = JSON.parse(fs.readFileSync(output, "utf8"));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  if (report.numTotalTests === 0) {
    failedSteps += 1;
    process.stdout.write(`✖ ${label} ran no test\n`);
  }
}

function canConnect(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    const settle = (answered) => {
      socket.destroy();
      resolve(answered);
    };
    socket.once("connect", () => settle(true));
    socket.once("error", () => settle(false));
    socket.once("timeout", () => settle(false));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

function findPgBin(name) {
  const base = "/usr/lib/postgresql";
  if (!fs.existsSync(base)) return undefined;
  const versions = fs.readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const candidate = path.join(base, version, "bin", name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** A PostgreSQL for the suite: TEST_PG_URL, the one on 127.0.0.1:5432, or a throwaway cluster. */
async function findOrStartPostgres() {
  if (process.env.TEST_PG_URL) return { url: process.env.TEST_PG_URL, stop: () => {} };
  if (await canConnect(5432)) return { url: "postgres://postgres@127.0.0.1:5432/postgres", stop: () => {} };
  const initdb = findPgBin("initdb");
  const pgCtl = findPgBin("pg_ctl");
  if (!initdb || !pgCtl) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-pg-"));
  const port = await freePort();
  // PostgreSQL refuses to run as root: run the throwaway cluster as the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) spawnSync("chown", ["-R", "postgres", dir]);
  const runAs = (args) =>
    asRoot
      ? spawnSync("runuser", ["-u", "postgres", "--", ...args], { stdio: "inherit" })
      : spawnSync(args[0], args.slice(1), { stdio: "inherit" });
  const data = path.join(dir, "data");
  if (runAs([initdb, "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]).status !== 0)
    return undefined;
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  if (runAs([pgCtl, "-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "start"]).status !== 0)
    return undefined;
  process.stdout.write(`Started a throwaway PostgreSQL on 127.0.0.1:${port}\n`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      runAs([pgCtl, "-D", data, "-m", "fast", "-w", "stop"]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

run("lint (biome)", bin("biome"), ["check", "."]);
run("type-check (tsc)", bin("tsc"), ["--noEmit"]);
vitest("tests on SQLite", { TEST_DATABASE: "sqlite" });

const postgres = await findOrStartPostgres();
if (postgres) {
  try {
    vitest("tests on PostgreSQL", { TEST_DATABASE: "postgres", TEST_PG_URL: postgres.url });
  } finally {
    postgres.stop();
  }
} else {
  skippedParts.push(
    "the PostgreSQL suite (no server on 127.0.0.1:5432, TEST_PG_URL unset, and no initdb: install postgresql)",
  );
}

if (fs.existsSync("/usr/bin/chromium")) {
  vitest("browser tests in headless Chromium", { BROWSER_TESTS: "1" });
} else {
  skippedParts.push("the browser tests (no /usr/bin/chromium: apt-get install chromium)");
}

process.stdout.write("\n");
for (const part of skippedParts) process.stdout.write(`SKIPPED: ${part}\n`);
if (failedSteps) process.stdout.write(`${failedSteps} step(s) failed\n`);
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failedSteps > 0 || totals.failed > 0 ? 1 : 0);
