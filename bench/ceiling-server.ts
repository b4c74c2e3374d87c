import fs from "node:fs";
import http from "node:http";

/**
 * The ceiling: a bare Node `http` server answering each of a few paths with a copy of a real
 * page, its body and its response headers, held in one Buffer. Nothing a web application does
 * (routing, hooks, rendering) happens here, so no Node server on this machine can send that
 * response faster; Broadsheet's scenarios are reported as a fraction of it.
 *
 * The copy must be exact, not merely the same size: autocannon decodes every response body to a
 * string and parses headers in JavaScript, on cores it shares with the server. A filler of ASCII
 * takes V8's fast path and the same size of real HTML (a few "…" and "–") does not: the ceiling
 * then ran 1.7 times faster for reasons that are all in the client. Likewise a dozen more header
 * lines cost about a sixth of the requests per second.
 *
 * Usage: `node --import tsx bench/ceiling-server.ts <port> <answers.json>`, where the file holds
 * `{"/path": {"body": "<base64>", "headers": {"name": "value", …}}, …}`; prints "ready" when
 * listening.
 */
export interface CeilingAnswer {
  /** The page's body, base64. */
  body: string;
  headers: Record<string, string>;
}

const port = Number(process.argv[2]);
let answers: Record<string, CeilingAnswer> = {};
try {
  answers = JSON.parse(fs.readFileSync(process.argv[3] ?? "", "utf8"));
} catch {
  // Reported just below.
}
if (!Number.isInteger(port) || Object.keys(answers).length === 0) {
  process.stderr.write("usage: ceiling-server.ts <port> <answers.json>\n");
  process.exit(2);
}

const responses = new Map(
  Object.entries(answers).map(([path, answer]) => {
    const page = Buffer.from(answer.body, "base64");
    return [path, { page, headers: { ...answer.headers, "content-length": page.length } }];
  }),
);

const server = http.createServer((request, response) => {
  const answer = responses.get(request.url ?? "");
  if (answer === undefined) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, answer.headers);
  response.end(answer.page);
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));
process.once("SIGTERM", () => server.close(() => process.exit(0)));
