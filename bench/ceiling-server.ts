import http from "node:http";

/**
 * The ceiling: a bare Node `http` server answering every request with one fixed buffer the size
 * of a real article page. Nothing a web application does (routing, hooks, headers, rendering)
 * happens here, so no Node server on this machine can answer faster; Broadsheet's scenarios are
 * reported as a fraction of it.
 *
 * Usage: `node --import tsx bench/ceiling-server.ts <port> <bytes>`; prints "ready" when listening.
 */
const port = Number(process.argv[2]);
const bytes = Number(process.argv[3]);
if (!Number.isInteger(port) || !Number.isInteger(bytes) || bytes < 1) {
  process.stderr.write("usage: ceiling-server.ts <port> <bytes>\n");
  process.exit(2);
}

const page = Buffer.alloc(bytes, "<p>Broadsheet ceiling page.</p>\n");
// The same headers a cached Broadsheet page carries, so both send comparable bytes on the wire.
const headers = {
  "content-type": "text/html; charset=utf-8",
  "content-length": page.length,
  "cache-control": "public, max-age=60, stale-while-revalidate=300",
  etag: '"ceiling-0123456789abcdef"',
};

const server = http.createServer((_request, response) => {
  response.writeHead(200, headers);
  response.end(page);
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));
process.once("SIGTERM", () => server.close(() => process.exit(0)));
