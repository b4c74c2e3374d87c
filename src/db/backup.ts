import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import type { Config } from "../config.js";
import type { Db } from "./database.js";

/**
 * Writes a consistent copy of the live database to `file` without stopping the site.
 * SQLite: `VACUUM INTO` (a compact, transactionally consistent copy). PostgreSQL: `pg_dump -Fc`.
 */
export async function backupDatabase(db: Db, database: Config["database"], file: string): Promise<void> {
  const target = path.resolve(file);
  if (fs.existsSync(target)) throw new Error(`backup: ${target} already exists; choose a new file name`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (database.dialect === "sqlite") {
    await sql`vacuum into ${target}`.execute(db);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn("pg_dump", ["--format=custom", "--no-owner", `--file=${target}`, database.url], {
      stdio: ["ignore", "inherit", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "ENOENT"
            ? "backup: pg_dump is not installed (apt-get install postgresql-client)"
            : `backup: ${error.message}`,
        ),
      ),
    );
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`backup: pg_dump exited with ${code}: ${stderr.trim()}`)),
    );
  });
}
