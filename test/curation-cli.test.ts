import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase, testDialect } from "./support/database.js";
import { type FeedServer, startFeedServer } from "./support/feed-server.js";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");

describe(`the sources commands on ${testDialect}`, () => {
  let database: TestDatabase;
  let server: FeedServer;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startFeedServer();
    server.serveFile("/gazette/feed.xml", "outlet-a-rss.xml", "application/rss+xml");
    server.serveFile("/ledger/atom.xml", "outlet-b-atom.xml", "application/atom+xml");
    server.route("/broken/feed.xml", { status: 500 });
    env = {
      ...process.env,
      DATA_DIR: database.dataDir,
      ALLOW_PRIVATE_FETCH: "true",
      DATABASE_URL:
        database.database.dialect === "postgres" ? database.database.url : `sqlite:${database.database.file}`,
    };
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  const cli = (args: string[]) =>
    run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: root, env });

  test("sources add, list and fetch (one or all, with progress) work from the command line", async () => {
    const added = await cli(["sources", "add", server.url("/gazette/feed.xml"), "--mode", "publish"]);
    expect(added.stdout).toMatch(
      /^added source 1: The Harbour Gazette <http:\/\/127\.0\.0\.1:\d+\/gazette\/feed\.xml> \(publish\)$/m,
    );
    await cli([
      "sources",
      "add",
      server.url("/ledger/atom.xml"),
      "--name",
      "The Ledger",
      "--category",
      "World",
    ]);
    await cli(["sources", "add", server.url("/broken/feed.xml"), "--name", "Broken"]);
    const refused = await cli(["sources", "add", "ftp://example.test/feed"]).catch((error) => error);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("url must be an http(s) address");

    const listed = await cli(["sources", "list"]);
    expect(listed.stdout).toContain("The Harbour Gazette");
    expect(listed.stdout).toMatch(/The Ledger\t\S+\treview\tpending\t0 items/);

    const one = await cli(["sources", "fetch", "2"]);
    expect(one.stdout).toContain("2\tThe Ledger\tok\t3 new");
    expect(one.stdout).toContain("fetched 1 source: 3 new items, 0 failing");

    const all = await cli(["sources", "fetch", "--all"]);
    expect(all.stdout).toContain("1\tThe Harbour Gazette\tok\t3 new");
    expect(all.stdout).toContain("2\tThe Ledger\tok\tnot modified");
    expect(all.stdout).toContain("3\tBroken\terror\tHTTP 500: the publisher's server failed");
    expect(all.stdout).toContain("fetched 3 sources: 3 new items, 1 failing");
    expect(all.stderr).toContain("fetching [");

    const after = await cli(["sources", "list"]);
    expect(after.stdout).toMatch(/Broken\t\S+\treview\terror\t0 items — HTTP 500/);
    const missing = await cli(["sources", "fetch", "99"]).catch((error) => error);
    expect(missing.stderr).toContain("no source with id 99");
  }, 120_000);
});
