import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

/**
 * Scans the errors the test apps of each test file logged while serving a request (see testLogger
 * in site.ts): an unhandled failure — a database error, a bug — answered 500 fails the file, even
 * when the test that caused it passed. A test that breaks the database on purpose says so with
 * `createTestSite({ expectsServerErrors })`.
 */
const file = path.join(
  os.tmpdir(),
  `broadsheet-request-errors-${process.pid}-${randomBytes(6).toString("hex")}.log`,
);
fs.writeFileSync(file, "");
process.env.BROADSHEET_REQUEST_ERROR_LOG = file;

afterAll(() => {
  const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
  fs.rmSync(file, { force: true });
  if (lines.length === 0) return;
  const summaries = lines.slice(0, 10).map((line) => {
    const entry = JSON.parse(line) as {
      reqId?: string;
      method?: string;
      url?: string;
      err?: { message?: string };
    };
    return `  ${entry.method ?? "?"} ${entry.url ?? "?"} (request ${entry.reqId}): ${entry.err?.message ?? line}`;
  });
  throw new Error(
    `${lines.length} request(s) of this file failed with an unhandled error (answered 500):\n${summaries.join("\n")}`,
  );
});
