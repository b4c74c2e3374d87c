/**
 * Which failures are outages rather than bugs: the database cannot be reached or does not answer
 * in time, or the disk is full. Requests that meet one answer 503 (507 for a full disk) with
 * `Retry-After` instead of a 500, and pages fall back to their last good copy.
 */
export type Outage = "database-unavailable" | "storage-full";

/** Node's network error codes that mean the server is not there (or went away mid-query). */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * PostgreSQL SQLSTATEs: connection exceptions (08…), too many connections, the server shutting
 * down or starting (57P01-57P03), a cancelled statement (statement_timeout), and out of resources.
 */
function isPostgresOutage(code: string): Outage | undefined {
  if (code === "53100") return "storage-full";
  if (code.startsWith("08") || ["53300", "57P01", "57P02", "57P03", "57014", "53200"].includes(code))
    return "database-unavailable";
  return undefined;
}

/** pg reports its own timeouts and lost connections with messages, not codes. */
const PG_CLIENT_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error|Connection ended unexpectedly/i;

/** The outage an error is, or undefined for any other failure (a bug, bad input). */
export function outageOf(error: unknown): Outage | undefined {
  for (let depth = 0, current = error; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      if (code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL") return "storage-full";
      if (code === "SQLITE_BUSY" || code === "SQLITE_IOERR" || code.startsWith("SQLITE_IOERR_"))
        return "database-unavailable";
      if (NETWORK_CODES.has(code)) return "database-unavailable";
      if (/^[0-9A-Z]{5}$/.test(code)) {
        const outage = isPostgresOutage(code);
        if (outage) return outage;
      }
    }
    if (PG_CLIENT_MESSAGES.test(current.message)) return "database-unavailable";
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Seconds a client is told to wait before trying again during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 30;
