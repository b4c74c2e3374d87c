import { createHash } from "node:crypto";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import zlib from "node:zlib";
import { fastifyCookie } from "@fastify/cookie";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { LRUCache } from "lru-cache";
import Negotiator from "negotiator";
import type { AppContext } from "../context.js";
import { dateArchiveRange } from "../lib/permalinks.js";
import { formatSiteDate } from "../lib/site-date.js";
import { isTrackingParam } from "../lib/tracking-params.js";
import { type ContentChange, type ContentScope, touches } from "./content-changes.js";
import { SESSION_COOKIE } from "./requests.js";

/**
 * The rendered-page cache for anonymous readers.
 *
 * How a route uses it: add `config: { pageCache: true }` to a GET route. Its 200 responses to
 * anonymous readers are then stored (keyed by path + query) in the encoding the reader asked for
 * (brotli for a browser), other encodings made once on first demand, and served before Fastify
 * routes the request: an LRU lookup and one write of a stored Buffer with its stored headers
 * (security headers included). Eviction and byte accounting are `lru-cache`'s.
 *
 * What is never stored: responses to signed-in staff (a session cookie) or to requests carrying a
 * bypass cookie (`pageCache.bypassCookie(name)`, for per-reader notices), responses that set a
 * cookie, non-200 responses, streams, and responses a handler marked with `skipPageCache(reply)`.
 * Those go out with `Cache-Control: private, no-store` so no proxy keeps them either.
 *
 * Invalidation: a route tags its page with the scopes it drew on (`tagPage(request, scopes)`,
 * see `ContentScope`); a content change (`ctx.changes.onChange`, broadcast to every node on
 * PostgreSQL) drops the pages carrying one of its scopes, and untagged pages on every change.
 * Everything goes on `settings`, `theme` or `all` (also on every resubscribe to the broadcast) and
 * at midnight in the site's zone (the masthead shows the date). A page whose render began before a
 * change that touched it is not stored; nothing is stored while the node may miss a change (its
 * change feed is down).
 *
 * Stale-if-error: a dropped page is kept aside as the last good copy (within the same byte budget,
 * evicted before any live page) and served, with `Age`, only when the page cannot be rendered
 * because the database is unreachable (`serveStale`, called by the error handler).
 */

/** What shared caches (a CDN, nginx) may do with a cached page: keep it a minute, serve it stale briefly while refetching. */
export const PAGE_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300";
const PRIVATE_CACHE_CONTROL = "private, no-store";
/** How old a last good copy may be and still stand in for a page while the database is out. */
export const STALE_IF_ERROR_MS = 24 * 3_600_000;
/** Bodies smaller than this are not worth compressing. */
const MIN_COMPRESS_BYTES = 256;
/**
 * Heap a stored page costs besides its bodies (the entry, its key, hash, ETag and scope list; the
 * header objects are shared), and each further variant: measured with `process.memoryUsage()`
 * over 5,000 pages carrying the site's security headers and an article page's scopes.
 */
const PAGE_OVERHEAD_BYTES = 1_400;
const VARIANT_OVERHEAD_BYTES = 550;
const COMPRESSIBLE_TYPE =
  /^(text\/|application\/(json|xml|rss\+xml|atom\+xml|feed\+json|ld\+json|javascript)|image\/svg\+xml)/;

export type ContentEncoding = "br" | "gzip" | "identity";
/** What the site can send, best first: brotli wins a tie (`gzip, deflate, br`). */
const ENCODINGS: ContentEncoding[] = ["br", "gzip", "identity"];

declare module "fastify" {
  interface FastifyContextConfig {
    /** Store this route's anonymous 200 responses in the page cache. */
    pageCache?: boolean;
    /** The query parameters the route reads; with any other (not tracking) parameter it is not cached. */
    pageCacheQuery?: readonly string[];
  }
  interface FastifyRequest {
    /** `ctx.changes.version` when the request began, before it read anything it shows. */
    contentVersion: number;
    /** True when the request may neither read nor fill the cache (a personal cookie). */
    isPersonal: boolean;
    /** What the page drew on (`tagPage`); undefined: anything, so every change drops it. */
    pageScopes: Set<string> | undefined;
  }
  interface FastifyReply {
    /** Set by `skipPageCache(reply)`: this response is personal and must not be stored. */
    pageCacheSkip: boolean;
  }
  interface FastifyInstance {
    pageCache: PageCache;
  }
}

/**
 * The headers a variant carries besides its ETag and length, held once for every page that sends
 * the same (the security headers are the same on every page): a page's own header objects were
 * most of what it cost besides its body.
 */
interface VariantHeaders {
  /** A 200's: the route's headers, Cache-Control, Vary and Content-Encoding. */
  ok: OutgoingHttpHeaders;
  /** A 304's: Cache-Control and Vary. */
  notModified: OutgoingHttpHeaders;
}

interface PageVariant {
  body: Buffer;
  etag: string;
  headers: VariantHeaders;
}

/**
 * A stored page. Its variants only grow, each time as a new object, because `lru-cache` counts an
 * entry's size when it is set.
 */
interface CachedPage {
  key: string;
  hash: string;
  compressible: boolean;
  /** The route's headers, shared with other pages (`SharedPageParts`). */
  baseHeaders: OutgoingHttpHeaders;
  variants: Partial<Record<ContentEncoding, PageVariant>>;
  bytes: number;
  /** When it was rendered (ms since epoch), for `Age` when served stale. */
  storedAt: number;
  /** The scopes it drew on, each string shared with other pages; undefined: anything. */
  tags: readonly string[] | undefined;
}

/** Distinct header sets and scope names held for sharing, at most (a bound against surprises). */
const MAX_SHARED = 50_000;

/**
 * One copy of each header set and scope name the stored pages carry. Dropping the lot when it
 * overflows is safe: pages keep what they point to, later pages share anew.
 */
class SharedPageParts {
  private readonly bases = new Map<string, OutgoingHttpHeaders>();
  /** Per shared route header set, its variants' headers by `compressible:encoding`. */
  private readonly variantsOf = new WeakMap<OutgoingHttpHeaders, Map<string, VariantHeaders>>();
  private readonly scopes = new Map<string, string>();

  /** The held copy of a route's headers. */
  base(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
    const key = JSON.stringify(headers);
    const held = this.bases.get(key);
    if (held !== undefined) return held;
    if (this.bases.size >= MAX_SHARED) this.bases.clear();
    this.bases.set(key, headers);
    return headers;
  }

  /** What a variant of a page with these (held) route headers sends besides its ETag and length. */
  variant(base: OutgoingHttpHeaders, compressible: boolean, encoding: ContentEncoding): VariantHeaders {
    let variants = this.variantsOf.get(base);
    if (variants === undefined) {
      variants = new Map();
      this.variantsOf.set(base, variants);
    }
    const key = `${compressible}:${encoding}`;
    let held = variants.get(key);
    if (held === undefined) {
      const validators = {
        "cache-control": PAGE_CACHE_CONTROL,
        ...(compressible ? { vary: "Accept-Encoding" } : {}),
      };
      held = {
        ok: { ...base, ...validators, ...(encoding === "identity" ? {} : { "content-encoding": encoding }) },
        notModified: validators,
      };
      variants.set(key, held);
    }
    return held;
  }

  /** A page's scopes as a list of held strings. */
  tags(scopes: ReadonlySet<string> | undefined): readonly string[] | undefined {
    if (scopes === undefined) return undefined;
    if (this.scopes.size + scopes.size > MAX_SHARED) this.scopes.clear();
    const tags: string[] = [];
    for (const scope of scopes) {
      const held = this.scopes.get(scope);
      if (held === undefined) this.scopes.set(scope, scope);
      tags.push(held ?? scope);
    }
    return tags;
  }
}

/** Headers never replayed from a stored response. */
const DROPPED_HEADERS = new Set([
  "content-length",
  "content-encoding",
  "etag",
  "cache-control",
  "vary",
  "set-cookie",
  "date",
  "connection",
  "transfer-encoding",
  "keep-alive",
]);

/**
 * Which encoding to send for an Accept-Encoding header (negotiator, q-values honoured: `br;q=0`
 * refuses brotli): brotli, then gzip, else identity; `available` narrows the choice (an asset
 * stored without a compressed copy).
 */
export function negotiateEncoding(
  header: string | undefined,
  available: readonly ContentEncoding[] = ENCODINGS,
): ContentEncoding {
  const chosen = new Negotiator({ headers: { "accept-encoding": header } }).encoding([...available], {
    preferred: ENCODINGS,
  });
  return (chosen as ContentEncoding | undefined) ?? "identity";
}

/**
 * The buffer itself when it owns all of its memory, else an exact copy. zlib hands back a view
 * into a 16 KB output chunk and a small `Buffer.from` is a view into Node's shared 8 KB pool:
 * kept as they are, a 5 KB brotli page would hold 16 KB while the cache counted 5.
 */
function ownedBuffer(buffer: Buffer): Buffer {
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) return buffer;
  const copy = Buffer.allocUnsafeSlow(buffer.byteLength);
  buffer.copy(copy);
  return copy;
}

/** The encodings of a page's body: what a client asked for, made from what is stored. */
function encode(body: Buffer, encoding: Exclude<ContentEncoding, "identity">): Buffer {
  if (encoding === "br")
    return zlib.brotliCompressSync(body, {
      params: {
        // Quality 5 compresses a 30 KB page in well under a millisecond and within ~10% of 11.
        [zlib.constants.BROTLI_PARAM_QUALITY]: 5,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
  return zlib.gzipSync(body, { level: 6 });
}

function decode(body: Buffer, encoding: ContentEncoding): Buffer {
  if (encoding === "br") return zlib.brotliDecompressSync(body);
  if (encoding === "gzip") return zlib.gunzipSync(body);
  return body;
}

/** The strong validator of a page's bytes (its ETag, quoted). */
function contentHash(body: Buffer): string {
  return createHash("sha256").update(body).digest("base64url").slice(0, 22);
}

/** True when an If-None-Match header names this page (any of its encodings) or is `*`. */
function matchesEtag(ifNoneMatch: string, hash: string): boolean {
  return ifNoneMatch.includes(hash) || ifNoneMatch.trim() === "*";
}

/** Everything a stored variant's 200 carries, with `extra` (X-Cache, Age). */
function okHeaders(variant: PageVariant, extra: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return { ...variant.headers.ok, etag: variant.etag, "content-length": variant.body.length, ...extra };
}

export interface PageCacheOptions {
  maxBytes: number;
  now: () => Date;
  /** True when a change after `version` touched `tags` (`ContentChanges.changedSince`). */
  changedSince: (version: number, tags: ReadonlySet<string> | undefined) => boolean;
  /** Requests for a page, in a while, before it is stored (default 1: the first). */
  minUses?: number;
}

/** Distinct addresses whose recent requests are counted, per half of the count. */
const COUNTED_KEYS = 20_000;

/**
 * How often each address was asked for lately, in bounded memory: two generations of counts, the
 * older dropped whenever the newer fills up, so an address asked for once long ago is forgotten.
 */
class RecentRequests {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();

  /** Counts one more request for `key` and returns how many there have been lately. */
  count(key: string): number {
    const seen = (this.current.get(key) ?? this.previous.get(key) ?? 0) + 1;
    this.current.set(key, seen);
    if (this.current.size >= COUNTED_KEYS) {
      this.previous = this.current;
      this.current = new Map();
    }
    return seen;
  }
}

/**
 * The page-cache key of a request URL (see `PageCache.keyOf`): the path, and the parameters in
 * `kept` sorted by name and value; tracking parameters dropped; undefined for any other parameter.
 */
export function pageCacheKey(url: string, kept: ReadonlySet<string>): string | undefined {
  const queryStart = url.indexOf("?");
  if (queryStart === -1) return url;
  const path = url.slice(0, queryStart);
  const params: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(url.slice(queryStart + 1))) {
    if (isTrackingParam(name)) continue;
    if (!kept.has(name)) return undefined;
    params.push([name, value]);
  }
  if (params.length === 0) return path;
  params.sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  return `${path}?${new URLSearchParams(params).toString()}`;
}

/** Raw requests the cache already missed before Fastify routed them (see `PageCache.answer`). */
const looked = new WeakSet<IncomingMessage>();

/** A byte-bounded LRU store of rendered pages, each in the encodings readers asked for. */
export class PageCache {
  /** The pages served, least recently used evicted first. */
  private readonly entries: LRUCache<string, CachedPage>;
  /**
   * Last good copies of dropped pages, in what the live pages leave of the budget: a change that
   * drops many pages must not push out the live ones (`trimLastGood`).
   */
  private readonly lastGood: LRUCache<string, CachedPage>;
  private readonly encodingByHeader = new Map<string, ContentEncoding>();
  private readonly shared = new SharedPageParts();
  private readonly bypassCookieNames = [SESSION_COOKIE];
  /** Counted for /metrics: plain integers, so a hit costs no more than an increment. */
  readonly counts = { hits: 0, misses: 0, evictions: 0, staleServed: 0 };
  /** When the stored pages' masthead date runs out (ms since epoch). */
  private freshUntil = Number.POSITIVE_INFINITY;
  readonly maxBytes: number;
  private readonly now: () => Date;
  private readonly changedSince: PageCacheOptions["changedSince"];
  private readonly minUses: number;
  private readonly requests = new RecentRequests();
  /** Every query parameter some cached route reads (`pageCacheQuery`): what a key may keep. */
  private readonly queryParams = new Set<string>();

  constructor(options: PageCacheOptions) {
    this.maxBytes = options.maxBytes;
    this.now = options.now;
    this.changedSince = options.changedSince;
    this.minUses = options.minUses ?? 1;
    const budget = {
      maxSize: Math.max(1, this.maxBytes),
      // One page may take at most a quarter of the cache, so a huge page cannot flush everything.
      maxEntrySize: Math.max(1, Math.floor(this.maxBytes / 4)),
      sizeCalculation: (page: CachedPage) => page.bytes,
    };
    this.entries = new LRUCache<string, CachedPage>({
      ...budget,
      dispose: (_page, _key, reason) => {
        if (reason === "evict") this.counts.evictions += 1;
      },
    });
    this.lastGood = new LRUCache<string, CachedPage>(budget);
  }

  /** Requests carrying this cookie neither read nor fill the cache (a per-reader notice, a session). */
  bypassCookie(name: string): void {
    if (!this.bypassCookieNames.includes(name)) this.bypassCookieNames.push(name);
  }

  /**
   * True when the request must go past the cache (it carries a session or bypass cookie). Decided
   * with the parser that later reads the cookies, so no spelling of the header that the
   * application would read as a personal cookie can pass as anonymous.
   */
  isBypassed(cookieHeader: string | undefined): boolean {
    if (cookieHeader === undefined) return false;
    const cookies = fastifyCookie.parse(cookieHeader);
    return this.bypassCookieNames.some((name) => cookies[name] !== undefined);
  }

  /** Pages that can be served (last good copies of dropped pages not counted). */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes held, last good copies included. */
  get bytes(): number {
    return this.entries.calculatedSize + this.lastGood.calculatedSize;
  }

  /** Lets keys keep these query parameters (a cached route reads them). */
  allowQueryParams(names: readonly string[]): void {
    for (const name of names) this.queryParams.add(name);
  }

  /**
   * The key a request's page is stored under: the path and the query parameters cached routes
   * read, sorted; tracking parameters (`utm_*`, `fbclid`…) are dropped, so such links share the
   * page's entry. Undefined when the query holds any other parameter: such a request is rendered
   * and never stored, so no query string of a visitor's choosing fills the cache.
   */
  keyOf(url: string): string | undefined {
    return pageCacheKey(url, this.queryParams);
  }

  /**
   * Whether a rendered page may be stored, counting this request. Like nginx's
   * `proxy_cache_min_uses`: with 2, a page is stored when it is asked for again, so a crawler
   * walking every story once neither flushes the pages readers want nor churns memory, while a
   * page readers want is rendered once more. The counts outlive a content change, so a popular
   * page is stored again on its first request after one.
   */
  admits(key: string): boolean {
    return this.minUses <= 1 || this.requests.count(key) >= this.minUses;
  }

  /** Drops every stored page; each is kept as its last good copy. */
  clear(): void {
    this.drop([...this.entries.keys()]);
    this.freshUntil = Number.POSITIVE_INFINITY;
  }

  /** Drops the pages a change touched; each is kept as its last good copy. */
  invalidate(change: ContentChange): void {
    const touched: string[] = [];
    for (const [key, page] of this.entries.entries())
      if (touches(change.scopes, page.tags)) touched.push(key);
    this.drop(touched);
  }

  private drop(keys: string[]): void {
    for (const key of keys) {
      const page = this.entries.peek(key);
      if (page === undefined) continue;
      this.entries.delete(key);
      this.lastGood.set(key, page);
    }
    this.trimLastGood();
  }

  /** Evicts last good copies, least recently dropped first, until everything fits the budget. */
  private trimLastGood(): void {
    while (this.lastGood.size > 0 && this.bytes > this.maxBytes) this.lastGood.pop();
  }

  /**
   * Answers with the last good copy of a page that cannot be rendered now (the database is out),
   * carrying `Age`. False when there is none young enough, leaving the response untouched.
   */
  serveStale(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if (this.isBypassed(req.headers.cookie)) return false;
    const key = this.keyOf(req.url as string);
    const entry = key === undefined ? undefined : (this.entries.peek(key) ?? this.lastGood.peek(key));
    if (entry === undefined) return false;
    const ageMs = this.now().getTime() - entry.storedAt;
    if (ageMs > STALE_IF_ERROR_MS) return false;
    const variant = this.variantFor(entry, req.headers["accept-encoding"]);
    res.writeHead(
      200,
      okHeaders(variant, { age: String(Math.max(0, Math.floor(ageMs / 1000))), "x-cache": "STALE" }),
    );
    this.counts.staleServed += 1;
    if (req.method === "HEAD") res.end();
    else res.end(variant.body);
    return true;
  }

  /**
   * Answers an anonymous GET or HEAD from the cache when it can; false leaves the response
   * untouched for the application. Called on the raw request before Fastify sees it; the
   * `onRequest` hook looks again only for requests that did not come this way (`inject()`).
   */
  answer(req: IncomingMessage, res: ServerResponse): boolean {
    if ((req.method !== "GET" && req.method !== "HEAD") || this.maxBytes === 0) return false;
    if (this.isBypassed(req.headers.cookie)) return false;
    if (this.serve(req, res)) return true;
    // The hook that follows in Fastify need not look again.
    looked.add(req);
    return false;
  }

  /**
   * Answers a request from the cache. Returns true when it was answered (200 or 304); false on a
   * miss, leaving the response untouched. The hot path: one LRU lookup, one header write.
   */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url as string;
    const key = url.includes("?") ? this.keyOf(url) : url;
    const entry = key === undefined ? undefined : this.entries.get(key);
    if (entry === undefined) {
      this.counts.misses += 1;
      return false;
    }
    const now = this.now().getTime();
    if (now >= this.freshUntil) {
      this.clear();
      this.counts.misses += 1;
      return false;
    }
    this.counts.hits += 1;
    const variant = this.variantFor(entry, req.headers["accept-encoding"]);
    const age = String(Math.max(0, Math.floor((now - entry.storedAt) / 1000)));
    const ifNoneMatch = req.headers["if-none-match"];
    if (ifNoneMatch !== undefined && matchesEtag(ifNoneMatch, entry.hash)) {
      res.writeHead(304, { ...variant.headers.notModified, etag: variant.etag, "x-cache": "HIT", age });
      res.end();
      return true;
    }
    res.writeHead(200, okHeaders(variant, { "x-cache": "HIT", age }));
    if (req.method === "HEAD") res.end();
    else res.end(variant.body);
    return true;
  }

  /**
   * Stores a page rendered from data read at `version`, tagged with what it drew on, in the
   * encoding `acceptEncoding` asks for (only that one: a browser's page is held as brotli), and
   * returns it. Returns undefined (stores nothing) when the page is too big for the cache or a
   * change touching it came while it was being rendered.
   */
  store(
    key: string,
    headers: OutgoingHttpHeaders,
    body: Buffer,
    rendered: { version: number; tags: ReadonlySet<string> | undefined; freshUntil: number },
    acceptEncoding?: string,
  ): CachedPage | undefined {
    if (this.maxBytes === 0 || this.changedSince(rendered.version, rendered.tags)) return undefined;
    const page = this.buildPage(key, headers, body, rendered.tags, acceptEncoding);
    if (page.bytes > this.entries.maxEntrySize) return undefined;
    this.entries.set(key, page);
    this.lastGood.delete(key);
    this.trimLastGood();
    if (rendered.freshUntil < this.freshUntil) this.freshUntil = rendered.freshUntil;
    return page;
  }

  /** The variant of a stored page for an Accept-Encoding header, encoding it on first use. */
  variantFor(page: CachedPage, acceptEncoding: string | undefined): PageVariant {
    const encoding = page.compressible ? this.encodingFor(acceptEncoding) : "identity";
    return page.variants[encoding] ?? this.addVariant(page, encoding);
  }

  private buildPage(
    key: string,
    headers: OutgoingHttpHeaders,
    body: Buffer,
    tags: ReadonlySet<string> | undefined,
    acceptEncoding: string | undefined,
  ): CachedPage {
    const routeHeaders: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !DROPPED_HEADERS.has(name.toLowerCase()))
        routeHeaders[name.toLowerCase()] = value;
    }
    const baseHeaders = this.shared.base(routeHeaders);
    const contentType = String(baseHeaders["content-type"] ?? "");
    const compressible = COMPRESSIBLE_TYPE.test(contentType) && body.length >= MIN_COMPRESS_BYTES;
    const hash = contentHash(body);
    const encoding = compressible ? this.encodingFor(acceptEncoding) : "identity";
    const variant = this.buildVariant(hash, compressible, baseHeaders, encoding, body);
    return {
      key,
      hash,
      compressible,
      baseHeaders,
      variants: { [encoding]: variant },
      bytes: key.length * 2 + PAGE_OVERHEAD_BYTES + variant.body.length,
      storedAt: this.now().getTime(),
      tags: this.shared.tags(tags),
    };
  }

  private buildVariant(
    hash: string,
    compressible: boolean,
    baseHeaders: OutgoingHttpHeaders,
    encoding: ContentEncoding,
    identityBody: Buffer,
  ): PageVariant {
    return {
      body: ownedBuffer(encoding === "identity" ? identityBody : encode(identityBody, encoding)),
      etag: encoding === "identity" ? `"${hash}"` : `"${hash}-${encoding}"`,
      headers: this.shared.variant(baseHeaders, compressible, encoding),
    };
  }

  /**
   * Makes a page's variant for another encoding from one it holds, and stores the page again
   * with it (a new object: `lru-cache` sizes an entry when it is set) if it is still the one held.
   */
  private addVariant(page: CachedPage, encoding: ContentEncoding): PageVariant {
    const [heldEncoding, held] = Object.entries(page.variants)[0] as [ContentEncoding, PageVariant];
    const identity = decode(held.body, heldEncoding);
    const variant = this.buildVariant(page.hash, page.compressible, page.baseHeaders, encoding, identity);
    const holder = [this.entries, this.lastGood].find((cache) => cache.peek(page.key) === page);
    if (holder) {
      holder.set(page.key, {
        ...page,
        variants: { ...page.variants, [encoding]: variant },
        bytes: page.bytes + variant.body.length + VARIANT_OVERHEAD_BYTES,
      });
      this.trimLastGood();
    }
    return variant;
  }

  private encodingFor(header: string | undefined): ContentEncoding {
    if (header === undefined) return "identity";
    let encoding = this.encodingByHeader.get(header);
    if (encoding === undefined) {
      encoding = negotiateEncoding(header);
      // Browsers send a handful of distinct values; a bound keeps junk headers from growing it.
      if (this.encodingByHeader.size < 256) this.encodingByHeader.set(header, encoding);
    }
    return encoding;
  }
}

/**
 * Tags the page a request renders with what it draws on: a change to any of these scopes (or to
 * the settings or theme) drops it. A cached page never tagged is dropped on every change.
 */
export function tagPage(request: FastifyRequest, scopes: Iterable<ContentScope>): void {
  request.pageScopes ??= new Set();
  for (const scope of scopes) request.pageScopes.add(scope);
}

/** Marks a response as personal: it is sent with `Cache-Control: private, no-store` and never stored. */
export function skipPageCache(reply: FastifyReply): void {
  reply.pageCacheSkip = true;
}

/** Midnight after `now` in the site's zone: the masthead date on a stored page is right until then. */
function nextSiteMidnight(now: Date, timezone: string): number {
  const [y, m, d] = formatSiteDate(now, "yyyy-MM-dd", timezone).split("-").map(Number);
  const range = dateArchiveRange(timezone, y, m, d);
  return range ? Date.parse(range.until) : now.getTime() + 3_600_000;
}

/**
 * `nextSiteMidnight`, worked out once a day: no midnight lies between the moment it was worked
 * out and the one it found (time-zone arithmetic was a thirtieth of an uncached page's CPU).
 */
function siteMidnights(): (now: Date, timezone: string) => number {
  let held: { timezone: string; from: number; until: number } | undefined;
  return (now, timezone) => {
    const at = now.getTime();
    if (held === undefined || held.timezone !== timezone || at < held.from || at >= held.until)
      held = { timezone, from: at, until: nextSiteMidnight(now, timezone) };
    return held.until;
  };
}

/**
 * Registers the cache at the root: an `onRequest` hook answers hits before any other hook, and
 * each cached route gets a last `onSend` hook that stores its response and compresses what it
 * sends. Register it before every other plugin, so a hit does no other work.
 */
const pageCachePlugin: FastifyPluginAsync<{
  ctx: Pick<AppContext, "config" | "now" | "changes" | "settings">;
}> = async (app: FastifyInstance, { ctx }) => {
  const cache = new PageCache({
    maxBytes: ctx.config.pageCacheMaxBytes,
    now: ctx.now,
    changedSince: (version, tags) => ctx.changes.changedSince(version, tags),
    minUses: ctx.config.pageCacheMinUses,
  });
  ctx.changes.onChange((change) => cache.invalidate(change));
  const midnightAfter = siteMidnights();
  app.addHook("onRoute", (route) => {
    if (route.config?.pageCacheQuery) cache.allowQueryParams(route.config.pageCacheQuery);
    // A route's own hooks run after every instance's, so the store step comes last: a cookie
    // set by any plugin's onSend hook (the cookie plugin writes Set-Cookie in one) is seen first.
    if (route.config?.pageCache === true)
      route.onSend = [...(route.onSend === undefined ? [] : [route.onSend].flat()), storeInPageCache];
  });
  app.decorate("pageCache", cache);
  app.decorateRequest("contentVersion", 0);
  app.decorateRequest("isPersonal", false);
  app.decorateRequest("pageScopes", undefined);
  app.decorateReply("pageCacheSkip", false);

  app.addHook("onRequest", function answerFromPageCache(request, reply, done) {
    request.contentVersion = ctx.changes.version;
    const raw = request.raw;
    if (raw.method !== "GET" && raw.method !== "HEAD") return done();
    if (cache.isBypassed(raw.headers.cookie)) {
      request.isPersonal = true;
      return done();
    }
    if (cache.maxBytes !== 0 && !looked.has(raw) && cache.serve(raw, reply.raw)) {
      reply.hijack();
      return;
    }
    done();
  });

  /** The last `onSend` hook of a cached route: stores what may be stored, compresses what it sends. */
  async function storeInPageCache(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const personal = request.isPersonal || request.actor !== undefined || reply.pageCacheSkip;
    if (personal || reply.hasHeader("set-cookie")) {
      reply.header("cache-control", PRIVATE_CACHE_CONTROL);
      return payload;
    }
    if (reply.statusCode !== 200 || request.method !== "GET") return payload;
    if (typeof payload !== "string" && !Buffer.isBuffer(payload)) return payload;
    reply.header("x-cache", "MISS");
    const body = typeof payload === "string" ? Buffer.from(payload) : payload;
    const config = request.routeOptions.config;
    const key = pageCacheKey(request.url, new Set(config.pageCacheQuery ?? []));
    // While the change feed is down this node may miss a change: what it renders is not kept.
    const page =
      key !== undefined && ctx.changes.isLive && cache.admits(key)
        ? cache.store(
            key,
            reply.getHeaders() as OutgoingHttpHeaders,
            body,
            {
              version: request.contentVersion,
              tags: request.pageScopes,
              freshUntil: midnightAfter(ctx.now(), (await ctx.settings.get()).timezone),
            },
            request.headers["accept-encoding"],
          )
        : undefined;
    if (!page) {
      // Not kept (yet): a browser or a proxy may still revalidate what it was sent.
      const etag = `"${contentHash(body)}"`;
      reply.header("etag", etag);
      reply.header("cache-control", PAGE_CACHE_CONTROL);
      if (matchesEtag(request.headers["if-none-match"] ?? "", etag.slice(1, -1))) {
        reply.code(304);
        return null;
      }
      // The bytes already encoded for the ETag: Fastify would encode the string again.
      return body;
    }
    const variant = cache.variantFor(page, request.headers["accept-encoding"]);
    const ifNoneMatch = request.headers["if-none-match"];
    for (const [name, value] of Object.entries(variant.headers.notModified)) reply.header(name, value);
    reply.header("etag", variant.etag);
    if (ifNoneMatch !== undefined && matchesEtag(ifNoneMatch, page.hash)) {
      reply.code(304);
      return null;
    }
    const encoding = variant.headers.ok["content-encoding"];
    if (encoding !== undefined) reply.header("content-encoding", encoding);
    return variant.body;
  }
};

export default fp(pageCachePlugin, { name: "page-cache", fastify: "5.x" });
