import { describe, expect, test } from "vitest";
import { outageOf } from "./failures.js";

function failure(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe("which failures are outages", () => {
  test.each([
    [
      "a refused connection",
      failure("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
      "database-unavailable",
    ],
    ["pg's connect timeout", failure("timeout exceeded when trying to connect"), "database-unavailable"],
    ["pg's query timeout", failure("Query read timeout"), "database-unavailable"],
    ["a connection cut mid-query", failure("Connection terminated unexpectedly"), "database-unavailable"],
    [
      "statement_timeout",
      failure("canceling statement due to statement timeout", "57014"),
      "database-unavailable",
    ],
    [
      "the server shutting down",
      failure("terminating connection due to administrator command", "57P01"),
      "database-unavailable",
    ],
    ["too many connections", failure("sorry, too many clients already", "53300"), "database-unavailable"],
    ["a locked SQLite file", failure("database is locked", "SQLITE_BUSY"), "database-unavailable"],
    ["a full disk", failure("ENOSPC: no space left on device", "ENOSPC"), "storage-full"],
    ["a full SQLite file system", failure("database or disk is full", "SQLITE_FULL"), "storage-full"],
    ["a full PostgreSQL disk", failure("could not extend file", "53100"), "storage-full"],
    [
      "one wrapped in another",
      Object.assign(new Error("store: cannot insert"), { cause: failure("x", "ENOSPC") }),
      "storage-full",
    ],
  ])("%s is an outage", (_name, error, outage) => {
    expect(outageOf(error)).toBe(outage);
  });

  test.each([
    ["a unique violation", failure("duplicate key value violates unique constraint", "23505")],
    ["a syntax error", failure('syntax error at or near "selec"', "42601")],
    ["a bug", new TypeError("cannot read properties of undefined")],
    ["a missing file", failure("ENOENT: no such file or directory", "ENOENT")],
    ["not an error at all", "a string"],
  ])("%s is not", (_name, error) => {
    expect(outageOf(error)).toBeUndefined();
  });
});
