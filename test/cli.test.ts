import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { authenticateApiToken } from "../src/accounts/service.js";
import { createTestDatabase, type TestDatabase, testDialect } from "./support/database.js";
import { createTestSite } from "./support/site.js";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");

describe(`the command line on ${testDialect}`, () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    database = await createTestDatabase();
    env = {
      ...process.env,
      DATA_DIR: database.dataDir,
      DATABASE_URL: database.database.dialect === "postgres" ? database.database.url : "",
    };
    if (database.database.dialect === "sqlite") env.DATABASE_URL = `sqlite:${database.database.file}`;
  });
  afterAll(async () => database?.drop());

  const cli = (args: string[], input?: string) => {
    const child = run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: root, env });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return child;
  };

  test("migrate, user add with a password from stdin, and token create printing the token on the last line", async () => {
    const migrated = await cli(["migrate"]);
    expect(migrated.stdout).toMatch(/applied: 0001-foundation|schema is up to date/);

    const added = await cli(
      [
        "user",
        "add",
        "--email",
        "Chief@News.test",
        "--name",
        "Chief Editor",
        "--role",
        "admin",
        "--password-stdin",
      ],
      "a long enough password\n",
    );
    expect(added.stdout).toContain("created admin Chief Editor <chief@news.test>");

    const refused = await cli(["user", "add", "--email", "bad", "--name", "X", "--role", "editor"]).catch(
      (e) => e,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--email must be a valid email address");

    const created = await cli(["token", "create", "--name", "newsroom bot"]);
    const token = created.stdout.trim().split("\n").pop() ?? "";
    expect(token).toMatch(/^bst_[A-Za-z0-9_-]{40,}$/);
    await cli(
      [
        "user",
        "add",
        "--email",
        "writer@news.test",
        "--name",
        "Staff Writer",
        "--role",
        "author",
        "--password-stdin",
      ],
      "another long password\n",
    );
    const forWriter = await cli([
      "token",
      "create",
      "--name",
      "writer's script",
      "--user",
      "Writer@News.test",
    ]);
    expect(forWriter.stdout).toContain("acts as Staff Writer (author)");
    const writerToken = forWriter.stdout.trim().split("\n").pop() ?? "";
    const unknown = await cli(["token", "create", "--name", "x", "--user", "nobody@news.test"]).catch(
      (e) => e,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no staff account with the email nobody@news.test");

    const site = await createTestSite({ config: { database: database.database, dataDir: database.dataDir } });
    try {
      const result = await authenticateApiToken(site.ctx, token);
      expect(result).toMatchObject({ actor: { role: "admin" } });
      const writer = await authenticateApiToken(site.ctx, writerToken);
      expect(writer).toMatchObject({ actor: { role: "author", name: "Staff Writer" } });
    } finally {
      await site.app.close();
    }
  }, 120_000);

  // On PostgreSQL, backup is pg_dump, whose version must match the server's: not something to assume here.
  test.skipIf(testDialect === "postgres")(
    "backup writes a copy of the SQLite database",
    async () => {
      const file = path.join(database.dataDir, "backup.db");
      const result = await cli(["backup", file]);
      expect(result.stdout).toContain("backup written to");
      expect(fs.statSync(file).size).toBeGreaterThan(0);
      const again = await cli(["backup", file]).catch((e) => e);
      expect(again.stderr).toContain("already exists");
    },
    60_000,
  );
});
