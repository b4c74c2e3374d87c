import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import zlib from "node:zlib";
import {
  createGuardedLookup,
  isBlockedAddress,
  type ResolveHost,
  resolveWithSystemDns,
} from "./address-guard.js";
import { FetchError } from "./fetch-error.js";

/** Give up when no connection (DNS + TCP + TLS) is made within this time. */
export const FETCH_CONNECT_TIMEOUT_MS = 10_000;
/** Give up when the whole exchange, redirects and body included, takes longer: defeats slowloris. */
export const FETCH_TOTAL_TIMEOUT_MS = 30_000;
/** Largest body accepted, counted after decompression so a gzip bomb is cut off. */
export const FETCH_MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Redirects followed before giving up. */
export const FETCH_MAX_REDIRECTS = 5;
/** What a feed fetch asks for: feed types first, generic XML/JSON next, anything as a last resort. */
export const FEED_ACCEPT_HEADER =
  "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, " +
  "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_REDIRECT_STATUSES = new Set([301, 308]);

/** How a guarded fetch behaves; every limit has a safe default. */
export interface GuardedFetchOptions {
  /** Sent as User-Agent; build it with `buildUserAgent(siteUrl)`. */
  userAgent: string;
  /** Accept header; defaults to `FEED_ACCEPT_HEADER`. */
  accept?: string;
  /** ETag from the previous fetch, sent as If-None-Match. */
  etag?: string;
  /** Last-Modified from the previous fetch, sent as If-Modified-Since. */
  lastModified?: string;
  /** Allow loopback and private addresses (tests, intranet feeds). Default false. */
  allowPrivate?: boolean;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  maxBodyBytes?: number;
  maxRedirects?: number;
  /** Cancels the fetch; it then fails with kind `network`. */
  signal?: AbortSignal;
  /** Host name resolver; defaults to the system resolver. Tests inject one to avoid real DNS. */
  resolveHost?: ResolveHost;
}

/** A completed fetch: a 2xx with its body, or a 304 with an empty body. */
export interface GuardedResponse {
  status: number;
  /** The URL finally fetched, after redirects. */
  url: string;
  /**
   * Where the source now lives: the target of the leading run of 301/308 hops. A temporary hop
   * ends the run, because the URL before it is still the one to ask.
   */
  permanentRedirectTo?: string;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string>>;
  /** The decompressed body. */
  body: Buffer;
  notModified: boolean;
}

/** The User-Agent Broadsheet announces itself with, pointing at the site that fetches. */
export function buildUserAgent(siteUrl: string): string {
  return `Broadsheet/0.1 (+${siteUrl})`;
}

/**
 * GET `url` over http(s) with SSRF protection, timeouts, a decompressed size cap and bounded
 * redirects. Resolves for 2xx and 304; throws `FetchError` for everything else, including other
 * HTTP statuses (kind `http`, with status and headers).
 */
export async function guardedFetch(url: string, options: GuardedFetchOptions): Promise<GuardedResponse> {
  const totalTimeoutMs = options.totalTimeoutMs ?? FETCH_TOTAL_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? FETCH_MAX_REDIRECTS;
  const deadline = new AbortController();
  const timer = setTimeout(
    () =>
      deadline.abort(new FetchError("timeout", `no complete response within ${totalTimeoutMs} ms`, { url })),
    totalTimeoutMs,
  );
  const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal;
  const lookup = createGuardedLookup({
    allowPrivate: options.allowPrivate ?? false,
    resolveHost: options.resolveHost ?? resolveWithSystemDns,
  });
  try {
    let current = parseFetchUrl(url);
    const visited = new Set([current.href]);
    let isPermanentRun = true;
    let permanentRedirectTo: string | undefined;
    for (let redirects = 0; ; redirects++) {
      const response = await requestOnce(current, options, lookup, signal);
      const status = response.statusCode ?? 0;
      const headers = flattenHeaders(response.headers);
      if (REDIRECT_STATUSES.has(status) && headers.location) {
        response.destroy();
        if (redirects >= maxRedirects) {
          throw new FetchError("too-many-redirects", `more than ${maxRedirects} redirects`, {
            url: current.href,
          });
        }
        const next = parseFetchUrl(headers.location, current);
        if (visited.has(next.href)) {
          throw new FetchError("too-many-redirects", `redirect loop back to ${next.href}`, {
            url: current.href,
          });
        }
        visited.add(next.href);
        if (isPermanentRun && PERMANENT_REDIRECT_STATUSES.has(status)) permanentRedirectTo = next.href;
        else isPermanentRun = false;
        current = next;
        continue;
      }
      const base = {
        status,
        url: current.href,
        headers,
        ...(permanentRedirectTo ? { permanentRedirectTo } : {}),
      };
      if (status === 304) {
        response.destroy();
        return { ...base, body: Buffer.alloc(0), notModified: true };
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw new FetchError("http", `HTTP ${status}`, { url: current.href, status, headers });
      }
      const body = await readBody(response, headers, options.maxBodyBytes ?? FETCH_MAX_BODY_BYTES, signal);
      return { ...base, body, notModified: false };
    }
  } catch (error) {
    throw toFetchError(error, signal, url);
  } finally {
    clearTimeout(timer);
  }
}

/** Parses `raw` (relative to `base` when given) and accepts only http: and https:. */
function parseFetchUrl(raw: string, base?: URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(raw, base);
  } catch {
    throw new FetchError("bad-url", `not a valid URL: ${raw}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new FetchError("bad-url", `only http and https URLs can be fetched, not ${parsed.protocol}`, {
      url: parsed.href,
    });
  }
  parsed.hash = "";
  return parsed;
}

/** Sends one GET and resolves with the response head; the body is left unread. */
function requestOnce(
  url: URL,
  options: GuardedFetchOptions,
  lookup: ReturnType<typeof createGuardedLookup>,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  // Node skips `lookup` for IP literals, so those are checked here, before any packet is sent.
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !options.allowPrivate && isBlockedAddress(host)) {
    return Promise.reject(
      new FetchError("blocked-address", `${host} is a private or reserved address`, { url: url.href }),
    );
  }
  const headers: http.OutgoingHttpHeaders = {
    "user-agent": options.userAgent,
    accept: options.accept ?? FEED_ACCEPT_HEADER,
    "accept-encoding": "gzip, deflate, br",
    ...(options.etag ? { "if-none-match": options.etag } : {}),
    ...(options.lastModified ? { "if-modified-since": options.lastModified } : {}),
  };
  const connectTimeoutMs = options.connectTimeoutMs ?? FETCH_CONNECT_TIMEOUT_MS;
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    // agent: false gives every request its own socket, so a connection opened for one policy
    // (allowPrivate) is never reused by a request made under another.
    const request = transport.request(url, { method: "GET", headers, lookup, agent: false, signal });
    const connectTimer = setTimeout(() => {
      request.destroy(
        new FetchError("timeout", `no connection within ${connectTimeoutMs} ms`, { url: url.href }),
      );
    }, connectTimeoutMs);
    request.once("socket", (socket) => {
      const connectedEvent = url.protocol === "https:" ? "secureConnect" : "connect";
      socket.once(connectedEvent, () => clearTimeout(connectTimer));
    });
    request.once("response", (response) => {
      clearTimeout(connectTimer);
      resolve(response);
    });
    request.once("error", (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    request.end();
  });
}

/** Reads the body through the matching decompressor, failing as soon as it passes `maxBytes`. */
async function readBody(
  response: http.IncomingMessage,
  headers: Readonly<Record<string, string>>,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const encoding = (headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const declaredLength = Number(headers["content-length"]);
  if (encoding === "identity" && Number.isFinite(declaredLength) && declaredLength > maxBytes) {
    response.destroy();
    throw new FetchError("too-large", `body of ${declaredLength} bytes exceeds the ${maxBytes}-byte limit`);
  }
  const decoded = decodedStream(response, encoding);
  const abort = () => decoded.destroy(signal.reason);
  signal.addEventListener("abort", abort, { once: true });
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of decoded) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        throw new FetchError("too-large", `body exceeds the ${maxBytes}-byte limit (after decompression)`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof FetchError || signal.aborted) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code.startsWith("Z_") || code.startsWith("ERR_BROTLI") || code.startsWith("ERR__")) {
      throw new FetchError("network", `cannot decompress ${encoding} body (${code})`, { cause: error });
    }
    throw error;
  } finally {
    signal.removeEventListener("abort", abort);
    decoded.destroy();
    response.destroy();
  }
  return Buffer.concat(chunks, total);
}

function decodedStream(response: http.IncomingMessage, encoding: string): Readable {
  let decompressor: zlib.Gunzip | zlib.Unzip | zlib.BrotliDecompress;
  switch (encoding) {
    case "identity":
    case "":
      return response;
    case "gzip":
    case "x-gzip":
    case "deflate":
      // Unzip detects gzip and zlib-wrapped deflate by their headers; raw deflate (a rare
      // misconfiguration) fails and is reported as a decompression error.
      decompressor = zlib.createUnzip();
      break;
    case "br":
      decompressor = zlib.createBrotliDecompress();
      break;
    default:
      response.destroy();
      throw new FetchError("network", `unsupported content-encoding: ${encoding}`);
  }
  // pipeline() forwards an error of either side to the other, so the reader sees it.
  return pipeline(response, decompressor, () => {});
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Maps whatever failed (socket, DNS, abort, zlib) to a FetchError with a kind the scheduler knows. */
function toFetchError(error: unknown, signal: AbortSignal, url: string): FetchError {
  if (error instanceof FetchError) return error;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof FetchError) return reason;
    return new FetchError("network", "fetch aborted", { url, cause: error });
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof FetchError) return cause;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ENODATA") {
    return new FetchError("dns", `cannot resolve host: ${message}`, { url, cause: error });
  }
  if (code === "ETIMEDOUT") return new FetchError("timeout", message, { url, cause: error });
  return new FetchError("network", code ? `${code}: ${message}` : message, { url, cause: error });
}
