import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type DatabaseHandle, openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { syntheticSiteCounts, syntheticWxrRecords } from "../src/migration/wxr/synthetic.js";
import { writeWxr } from "../src/migration/wxr/writer.js";
import { createTestDatabase, type TestDatabase, testDialect } from "./support/database.js";

const root = path.resolve(import.meta.dirname, "..");
const SITE = { posts: 2_000, comments: 4_000 };

describe(`an import killed mid-batch on ${testDialect}`, () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let exportFile: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await createTestDatabase();
    handle = openDatabase(database.database);
    await migrateToLatest(handle.db);
    exportFile = path.join(database.dataDir, "export.xml");
    await writeWxr(createWriteStream(exportFile), syntheticWxrRecords(SITE));
    env = {
      ...process.env,
      DATA_DIR: database.dataDir,
      DATABASE_URL:
        database.database.dialect === "postgres" ? database.database.url : `sqlite:${database.database.file}`,
    };
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  function importCommand(): ChildProcess {
    return spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "import", "wordpress", exportFile], {
      cwd: root,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
  }

  async function count(table: "articles" | "comments" | "wp_import_map"): Promise<number> {
    const row = await handle.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  test("SIGKILL after some batches are committed: running it again completes it without a duplicate", async () => {
    const killed = importCommand();
    const exited = new Promise<number | null>((resolve) => killed.on("exit", (code) => resolve(code)));
    // Some batches are in: kill the process in the middle of the next one.
    await vi.waitFor(
      async () => {
        if (killed.exitCode !== null) throw new Error("the import finished before it could be killed");
        expect(await count("articles")).toBeGreaterThan(0);
      },
      { timeout: 60_000, interval: 20 },
    );
    killed.kill("SIGKILL");
    expect(await exited).toBeNull();
    const articlesAtKill = await count("articles");
    expect(articlesAtKill).toBeLessThan(SITE.posts);

    const completed = importCommand();
    let stderr = "";
    completed.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => completed.on("exit", resolve));
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });

    const expected = syntheticSiteCounts(SITE);
    expect(await count("articles")).toBe(expected.posts);
    expect(await count("comments")).toBe(expected.comments);
    const duplicates = await handle.db
      .selectFrom("wp_import_map")
      .select(["kind", "wp_key"])
      .groupBy(["source", "kind", "wp_key"])
      .having((eb) => eb.fn.countAll(), ">", 1)
      .execute();
    expect(duplicates).toEqual([]);
  }, 180_000);
});
