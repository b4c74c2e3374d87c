import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/** What a route answers; a function route may also write the response itself (slow, endless, raw). */
export interface FixtureAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => FixtureAnswer | undefined;

/** A request the server saw, for asserting conditional GET headers and the User-Agent. */
export interface SeenRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
}

/** A local HTTP server (127.0.0.1, port 0) that serves fixture feeds and fault cases to the fetcher. */
export interface FeedServer {
  origin: string;
  url(pathname: string): string;
  /** Serves `pathname` with a fixed answer or a handler. */
  route(pathname: string, answer: FixtureAnswer | Handler): void;
  /** Serves a file with a content type, an ETag and Last-Modified, answering 304 to a matching conditional GET. */
  serveFile(pathname: string, file: string, contentType: string): void;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const testdataDirs = [
  path.resolve(import.meta.dirname, "../curation-testdata"),
  path.resolve(import.meta.dirname, "../../src/curation/parser/testdata"),
];

/** Reads a fixture by name from test/curation-testdata or the parser's testdata. */
export function fixture(name: string): Buffer {
  for (const dir of testdataDirs) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return fs.readFileSync(file);
  }
  throw new Error(`fixture ${name} not found in ${testdataDirs.join(" or ")}`);
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Handler>();
  const requests: SeenRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? "/", "http://fixture").pathname;
    requests.push({ path: pathname, headers: request.headers });
    const handler = routes.get(pathname);
    if (!handler) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const answer = handler(request, response);
    if (!answer) return;
    response.writeHead(answer.status ?? 200, answer.headers ?? {});
    response.end(answer.body ?? "");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (pathname) => `${origin}${pathname}`,
    route(pathname, answer) {
      routes.set(pathname, typeof answer === "function" ? answer : () => answer);
    },
    serveFile(pathname, file, contentType) {
      const body = fixture(file);
      const etag = `"${body.length}-${file}"`;
      const lastModified = "Thu, 21 May 2026 10:00:00 GMT";
      routes.set(pathname, (request): FixtureAnswer => {
        if (request.headers["if-none-match"] === etag) return { status: 304, headers: { etag } };
        return { headers: { "content-type": contentType, etag, "last-modified": lastModified }, body };
      });
    },
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
