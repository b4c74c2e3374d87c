import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FetchError, type FetchErrorKind } from "./fetch-error.js";
import { buildUserAgent, type GuardedFetchOptions, guardedFetch } from "./guarded-fetch.js";

const FEED_XML = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>';
const MB = 1024 * 1024;

let server: http.Server;
let origin: string;
let port: number;
const sockets = new Set<Socket>();
const seenHeaders: http.IncomingHttpHeaders[] = [];
let bomb: Buffer;

/** Redirect fixtures: path → [status, Location]. */
const REDIRECTS: Record<string, [number, string]> = {
  "/loop-a": [302, "/loop-b"],
  "/loop-b": [302, "/loop-a"],
  "/moved": [301, "/feed"],
  "/moved-relative": [308, "feed"],
  "/perm-then-temp": [301, "/temp-to-feed"],
  "/temp-to-feed": [302, "/feed"],
  "/temp-then-perm": [307, "/moved"],
  "/to-ftp": [302, "ftp://example.com/feed"],
};

function redirect(response: http.ServerResponse, status: number, location: string): void {
  response.writeHead(status, { location }).end();
}

/** Every fixture the fetcher is exercised against, one path each. */
function handle(request: http.IncomingMessage, response: http.ServerResponse): void {
  seenHeaders.push(request.headers);
  const path = request.url ?? "/";
  const hop = /^\/hop\/(\d+)$/.exec(path);
  if (hop) {
    const left = Number(hop[1]);
    if (left === 0) response.writeHead(200, { "content-type": "application/rss+xml" }).end(FEED_XML);
    else redirect(response, 302, `/hop/${left - 1}`);
    return;
  }
  const redirectTo = REDIRECTS[path];
  if (redirectTo) {
    redirect(response, redirectTo[0], redirectTo[1]);
    return;
  }
  switch (path) {
    case "/feed":
      if (request.headers["if-none-match"] === '"v1"') {
        response.writeHead(304, { etag: '"v1"' }).end();
        return;
      }
      response
        .writeHead(200, {
          "content-type": "application/rss+xml; charset=utf-8",
          etag: '"v1"',
          "last-modified": "Mon, 01 Jan 2024 10:00:00 GMT",
        })
        .end(FEED_XML);
      return;
    case "/gzip":
      response.writeHead(200, { "content-encoding": "gzip" }).end(zlib.gzipSync(FEED_XML));
      return;
    case "/br":
      response.writeHead(200, { "content-encoding": "br" }).end(zlib.brotliCompressSync(FEED_XML));
      return;
    case "/bad-gzip":
      response.writeHead(200, { "content-encoding": "gzip" }).end("this is not gzip");
      return;
    case "/bomb":
      response.writeHead(200, { "content-encoding": "gzip", "content-length": bomb.length }).end(bomb);
      return;
    case "/big":
      response.writeHead(200, { "content-length": 11 * MB }).end(Buffer.alloc(11 * MB, 0x20));
      return;
    case "/big-chunked": {
      response.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const writeMore = (): void => {
        while (sent < 11 * MB) {
          sent += chunk.length;
          if (!response.write(chunk)) {
            response.once("drain", writeMore);
            return;
          }
        }
        response.end();
      };
      writeMore();
      return;
    }
    case "/unavailable":
      response.writeHead(503, { "retry-after": "120" }).end("busy");
      return;
    case "/trickle": {
      // Slowloris: headers arrive at once, then one byte at a time, forever.
      response.writeHead(200, { "content-type": "text/xml" });
      const interval = setInterval(() => response.write(" "), 10);
      response.once("close", () => clearInterval(interval));
      return;
    }
    case "/silent":
      // Accepts the request and never answers.
      return;
    default:
      response.writeHead(404).end();
  }
}

beforeAll(async () => {
  bomb = zlib.gzipSync(Buffer.alloc(64 * MB));
  server = http.createServer(handle);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const local: GuardedFetchOptions = { userAgent: buildUserAgent("https://news.example"), allowPrivate: true };

async function fetchError(url: string, options: GuardedFetchOptions = local): Promise<FetchError> {
  try {
    await guardedFetch(url, options);
  } catch (error) {
    if (error instanceof FetchError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to fail`);
}

describe("guardedFetch against a local server", () => {
  test("a 200 returns the body, headers and the final URL, and announces itself", async () => {
    const response = await guardedFetch(`${origin}/feed`, local);
    expect(response.status).toBe(200);
    expect(response.notModified).toBe(false);
    expect(response.body.toString()).toBe(FEED_XML);
    expect(response.headers.etag).toBe('"v1"');
    expect(response.url).toBe(`${origin}/feed`);
    expect(response.permanentRedirectTo).toBeUndefined();
    const sent = seenHeaders.at(-1);
    expect(sent?.["user-agent"]).toBe("Broadsheet/0.1 (+https://news.example)");
    expect(sent?.accept).toContain("application/rss+xml");
  });

  test("a conditional GET with the stored ETag gets 304 and an empty body", async () => {
    const response = await guardedFetch(`${origin}/feed`, {
      ...local,
      etag: '"v1"',
      lastModified: "Mon, 01 Jan 2024 10:00:00 GMT",
    });
    expect(response).toMatchObject({ status: 304, notModified: true });
    expect(response.body.length).toBe(0);
    expect(seenHeaders.at(-1)?.["if-modified-since"]).toBe("Mon, 01 Jan 2024 10:00:00 GMT");
  });

  test.each(["/gzip", "/br"])("a compressed body (%s) is decompressed", async (path) => {
    const response = await guardedFetch(`${origin}${path}`, local);
    expect(response.body.toString()).toBe(FEED_XML);
  });

  test.each<[string, FetchErrorKind, RegExp]>([
    ["/bomb", "too-large", /after decompression/],
    ["/big", "too-large", /exceeds/],
    ["/big-chunked", "too-large", /exceeds/],
    ["/bad-gzip", "network", /decompress/],
    ["/loop-a", "too-many-redirects", /loop/],
    ["/hop/6", "too-many-redirects", /more than 5/],
    ["/to-ftp", "bad-url", /ftp:/],
    ["/unavailable", "http", /503/],
    ["/missing", "http", /404/],
  ])("%s fails with kind %s", async (path, kind, message) => {
    const error = await fetchError(`${origin}${path}`);
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
  });

  test("an HTTP error keeps its status and headers for the scheduler", async () => {
    const error = await fetchError(`${origin}/unavailable`);
    expect(error.status).toBe(503);
    expect(error.headers?.["retry-after"]).toBe("120");
  });

  test("five redirects are followed", async () => {
    const response = await guardedFetch(`${origin}/hop/5`, local);
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${origin}/hop/0`);
    expect(response.permanentRedirectTo).toBeUndefined();
  });

  test.each([
    ["/moved", "/feed"],
    ["/moved-relative", "/feed"],
    ["/perm-then-temp", "/temp-to-feed"],
    ["/temp-then-perm", undefined],
  ])("%s reports its permanent new home as %s", async (path, permanent) => {
    const response = await guardedFetch(`${origin}${path}`, local);
    expect(response.url).toBe(`${origin}/feed`);
    expect(response.permanentRedirectTo).toBe(permanent === undefined ? undefined : `${origin}${permanent}`);
  });

  test.each(["/trickle", "/silent"])("a response that never completes (%s) times out", async (path) => {
    const error = await fetchError(`${origin}${path}`, { ...local, totalTimeoutMs: 300 });
    expect(error.kind).toBe("timeout");
  });

  test("a caller's abort signal stops the fetch", async () => {
    const controller = new AbortController();
    const pending = guardedFetch(`${origin}/silent`, { ...local, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: "network" });
  });

  test.each(["not a url", "file:///etc/passwd", "javascript:alert(1)"])("%s is a bad URL", async (url) => {
    expect((await fetchError(url)).kind).toBe("bad-url");
  });
});

describe("SSRF guard", () => {
  const guarded: GuardedFetchOptions = { userAgent: "test", allowPrivate: false };

  test.each([
    "http://127.0.0.1:{port}/feed",
    "http://localhost:{port}/feed",
    "http://[::1]:{port}/feed",
    "http://[::ffff:127.0.0.1]:{port}/feed",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/feed",
    "http://2130706433/feed", // 127.0.0.1 written as one number
  ])("%s is refused without allowPrivate, before any request is sent", async (url) => {
    const before = seenHeaders.length;
    const error = await fetchError(url.replace("{port}", String(port)), guarded);
    expect(error.kind).toBe("blocked-address");
    expect(seenHeaders.length).toBe(before);
  });

  test("a public name that resolves to a metadata address is refused before connecting", async () => {
    const error = await fetchError("http://feeds.example/rss", {
      ...guarded,
      resolveHost: async () => [{ address: "169.254.169.254", family: 4 }],
    });
    expect(error.kind).toBe("blocked-address");
    expect(error.message).toContain("169.254.169.254");
  });

  test("a name with one public and one private answer is refused (rebinding)", async () => {
    const error = await fetchError("http://feeds.example/rss", {
      ...guarded,
      resolveHost: async () => [
        { address: "93.184.216.34", family: 4 },
        { address: "10.0.0.7", family: 4 },
      ],
    });
    expect(error.kind).toBe("blocked-address");
  });

  test("a name that does not resolve fails with kind dns", async () => {
    const error = await fetchError("http://no-such-host.example/feed", {
      ...guarded,
      resolveHost: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    expect(error.kind).toBe("dns");
  });

  test.each(["http://127.0.0.1:{port}/feed", "http://localhost:{port}/feed"])(
    "%s is fetched when allowPrivate is true",
    async (url) => {
      const response = await guardedFetch(url.replace("{port}", String(port)), {
        userAgent: "test",
        allowPrivate: true,
      });
      expect(response.status).toBe(200);
    },
  );
});
