import autocannon, { type AutocannonRequest } from "autocannon";
import type { GeneratedSite } from "./generate.js";
import { zipfReads } from "./newsroom.js";
import { cpuSeconds, sampleResidentMemory } from "./processes.js";

/** One thing a reader (or a crowd of them) does to the site, measured on its own. */
export interface Scenario {
  key: string;
  label: string;
  method: "GET" | "POST";
  /** The first request: it is sent once before measuring to see whether the feature exists. */
  probePath: string;
  /** Statuses that mean "the site did what it should" for this scenario. */
  expectedStatuses: number[];
  /** Builds autocannon's request list once the probe has answered (the comment form is read from the page). */
  requests(probe: ProbeResult, origin: string): AutocannonRequest[];
  /** Reported against the targets of issue 8 (ratio to the ceiling, p99 vs p50). */
  isCachedPage?: boolean;
}

export interface ProbeResult {
  status: number;
  body: string;
  headers: Headers;
}

/** What one measured run produced. */
export interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  total: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses with a status outside the scenario's expected ones. */
  unexpected: number;
  non2xx: number;
  statuses: Record<string, number>;
  bytesPerResponse: number;
  rssPeakBytes: number;
  /**
   * The server's CPU time (user + system, all threads) per response, in µs; undefined off Linux.
   * Requests per second on a shared two-core machine also move with the client's own cost
   * (autocannon decodes every body); this is what a change to the server itself moves.
   */
  serverCpuMicrosPerRequest: number | undefined;
  durationSeconds: number;
}

export interface MeasureOptions {
  origin: string;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** Process whose RSS is sampled during the run. */
  serverPid: number;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index];
}

/** One side of a measurement: what autocannon sends, what counts as a right answer, and where. */
export interface Load {
  requests: AutocannonRequest[];
  expectedStatuses: number[];
  options: MeasureOptions;
}

/** Every response of one autocannon run, before it is summarised. */
interface Slice {
  latencies: Float64Array;
  bytes: number;
  unexpected: number;
  errors: number;
  statuses: Record<string, number>;
  durationSeconds: number;
  rssPeakBytes: number;
  serverCpuSeconds: number | undefined;
}

function autocannonOptions(load: Load, seconds: number) {
  return {
    url: load.options.origin,
    connections: load.options.connections,
    timeout: 10,
    // `[<id>]` in a POST body becomes a fresh random id per request (unique comment text). Only
    // such a request is rebuilt per request: for the others that would spend the client's share
    // of the CPU, which the server needs, on every request of every scenario and the ceiling.
    idReplacement: load.requests.some((request) => String(request.body ?? "").includes("[<id>]")),
    requests: load.requests,
    duration: seconds,
  };
}

async function warmUp(load: Load): Promise<void> {
  if (load.options.warmupSeconds > 0) await autocannon(autocannonOptions(load, load.options.warmupSeconds));
}

/** One autocannon run of `seconds`, recording every response and the server's peak RSS. */
async function runSlice(load: Load, seconds: number): Promise<Slice> {
  // autocannon's own histogram keeps whole milliseconds; cached pages answer in less, so every
  // latency is kept here at full resolution.
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let bytes = 0;
  let unexpected = 0;
  const statuses: Record<string, number> = {};
  const memory = sampleResidentMemory(load.options.serverPid);
  const cpuBefore = cpuSeconds(load.options.serverPid);
  const instance = autocannon(autocannonOptions(load, seconds));
  instance.on("response", (_client: unknown, status: number, responseBytes: number, milliseconds: number) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = milliseconds;
    bytes += responseBytes;
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (!load.expectedStatuses.includes(status)) unexpected += 1;
  });
  const result = await instance;
  const cpuAfter = cpuSeconds(load.options.serverPid);
  return {
    latencies: latencies.subarray(0, count),
    bytes,
    unexpected,
    errors: result.errors,
    statuses,
    durationSeconds: result.duration,
    rssPeakBytes: memory.stop().peakBytes,
    serverCpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
  };
}

function summarise(slices: Slice[]): Measurement {
  const sorted = new Float64Array(slices.reduce((sum, slice) => sum + slice.latencies.length, 0));
  let offset = 0;
  const statuses: Record<string, number> = {};
  for (const slice of slices) {
    sorted.set(slice.latencies, offset);
    offset += slice.latencies.length;
    for (const [status, n] of Object.entries(slice.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  }
  sorted.sort();
  const count = sorted.length;
  const sum = (pick: (slice: Slice) => number) => slices.reduce((total, slice) => total + pick(slice), 0);
  const durationSeconds = sum((slice) => slice.durationSeconds);
  const non2xx = Object.entries(statuses)
    .filter(([status]) => !status.startsWith("2"))
    .reduce((total, [, n]) => total + n, 0);
  return {
    requestsPerSecond: count / durationSeconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: count ? sorted[count - 1] : 0,
    total: count,
    errors: sum((slice) => slice.errors),
    unexpected: sum((slice) => slice.unexpected),
    non2xx,
    statuses,
    bytesPerResponse: count ? Math.round(sum((slice) => slice.bytes) / count) : 0,
    rssPeakBytes: Math.max(0, ...slices.map((slice) => slice.rssPeakBytes)),
    serverCpuMicrosPerRequest:
      count && slices.every((slice) => slice.serverCpuSeconds !== undefined)
        ? (sum((slice) => slice.serverCpuSeconds ?? 0) / count) * 1e6
        : undefined,
    durationSeconds,
  };
}

/** Runs autocannon for the warm-up, then for the measured seconds, recording every response. */
export async function measure(load: Load): Promise<Measurement> {
  await warmUp(load);
  return summarise([await runSlice(load, load.options.seconds)]);
}

/**
 * Measures several servers (the nodes of one site) loaded at the same time, one load each: the
 * requests of all, over the same seconds, and the CPU time of all the servers per request.
 */
export async function measureTogether(loads: Load[]): Promise<Measurement> {
  await Promise.all(loads.map(warmUp));
  const slices = await Promise.all(loads.map((load) => runSlice(load, load.options.seconds)));
  const cpu = slices.map((slice) => slice.serverCpuSeconds);
  const together: Slice = {
    latencies: Float64Array.from(slices.flatMap((slice) => Array.from(slice.latencies))),
    bytes: slices.reduce((sum, slice) => sum + slice.bytes, 0),
    unexpected: slices.reduce((sum, slice) => sum + slice.unexpected, 0),
    errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    statuses: {},
    durationSeconds: Math.max(...slices.map((slice) => slice.durationSeconds)),
    rssPeakBytes: Math.max(...slices.map((slice) => slice.rssPeakBytes)),
    serverCpuSeconds: cpu.some((seconds) => seconds === undefined)
      ? undefined
      : cpu.reduce((sum: number, seconds) => sum + (seconds ?? 0), 0),
  };
  for (const slice of slices)
    for (const [status, n] of Object.entries(slice.statuses))
      together.statuses[status] = (together.statuses[status] ?? 0) + n;
  return summarise([together]);
}

/**
 * Measures a page and the ceiling sending a copy of it in alternating one-second slices (the
 * ceiling first in even rounds, the page first in odd ones), so both see the same machine.
 * Measured ten seconds apart on a shared machine, the ceiling alone moves by a third or more,
 * and the ratio with it.
 */
export async function measureWithCeiling(
  page: Load,
  ceiling: Load,
): Promise<{ page: Measurement; ceiling: Measurement }> {
  await warmUp(ceiling);
  await warmUp(page);
  const pageSlices: Slice[] = [];
  const ceilingSlices: Slice[] = [];
  for (let round = 0; round < page.options.seconds; round++) {
    if (round % 2 === 0) ceilingSlices.push(await runSlice(ceiling, 1));
    pageSlices.push(await runSlice(page, 1));
    if (round % 2 === 1) ceilingSlices.push(await runSlice(ceiling, 1));
  }
  return { page: summarise(pageSlices), ceiling: summarise(ceilingSlices) };
}

/** A cycling cursor over many paths, shared by all connections so each one asks for the next page. */
function rotating(paths: string[], start: number): AutocannonRequest {
  let next = start;
  return {
    method: "GET",
    setupRequest(request) {
      request.path = paths[next % paths.length];
      next += 1;
      return request;
    },
  };
}

interface FormField {
  name: string;
  value: string;
  kind: "text" | "hidden" | "textarea" | "other";
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
  return match ? decodeEntities(match[2] ?? match[3] ?? match[4] ?? "") : undefined;
}

/**
 * Reads the comment form off an article page — whatever its field names — so the bench posts
 * exactly what a reader's browser would: hidden fields as given, honeypots left empty, the
 * visible fields filled in.
 */
export function readCommentForm(html: string): { action: string; fields: FormField[] } | undefined {
  const forms = html.match(/<form\b[^>]*>[\s\S]*?<\/form>/gi) ?? [];
  for (const form of forms) {
    const open = /<form\b[^>]*>/i.exec(form)?.[0] ?? "";
    const action = attribute(open, "action") ?? "";
    if (!/\/comments\/?$/.test(action) || (attribute(open, "method") ?? "get").toLowerCase() !== "post")
      continue;
    const fields: FormField[] = [];
    for (const tag of form.match(/<input\b[^>]*>/gi) ?? []) {
      const name = attribute(tag, "name");
      if (!name) continue;
      const type = (attribute(tag, "type") ?? "text").toLowerCase();
      if (type === "submit" || type === "button") continue;
      if (type === "checkbox" && !/\schecked\b/i.test(tag)) continue;
      fields.push({
        name,
        value: attribute(tag, "value") ?? "",
        kind: type === "hidden" ? "hidden" : ["text", "email", "url"].includes(type) ? "text" : "other",
      });
    }
    for (const match of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
      const name = attribute(match[0], "name");
      if (name) fields.push({ name, value: decodeEntities(match[2]), kind: "textarea" });
    }
    return { action, fields };
  }
  return undefined;
}

/** The body a reader's browser would post, with a unique comment text per request. */
export function commentFormBody(fields: FormField[]): string {
  const params = new URLSearchParams();
  for (const field of fields) {
    let value = field.value;
    if (field.kind === "textarea")
      value = "Thanks for this report; the council meeting is next Tuesday. Reader note [<id>]";
    else if (field.kind === "text" && /mail/i.test(field.name)) value = "bench.reader@example.com";
    else if (field.kind === "text" && /name|author/i.test(field.name)) value = "Bench Reader";
    // Anything else keeps the value the page gave it (empty honeypots stay empty).
    params.append(field.name, value);
  }
  // The placeholder stays readable: the runner swaps it for each request's id.
  return params.toString().replace(/%5B%3Cid%3E%5D/g, "[<id>]");
}

/** The scenarios of issue 8, in the order they run (the comment writes last: they may change pages). */
export function buildScenarios(site: GeneratedSite): Scenario[] {
  const category = site.categorySlugs[0] ?? "local";
  // Every article but the cached one, oldest first: under rotation almost every hit is a miss.
  const uncachedPaths = site.articlePaths.slice(1).reverse();
  return [
    {
      key: "front",
      label: "front page",
      method: "GET",
      probePath: "/",
      expectedStatuses: [200],
      isCachedPage: true,
      requests: () => [{ method: "GET", path: "/" }],
    },
    {
      key: "article-cached",
      label: "article (cached)",
      method: "GET",
      probePath: site.featuredArticle.path,
      expectedStatuses: [200],
      isCachedPage: true,
      requests: () => [{ method: "GET", path: site.featuredArticle.path }],
    },
    {
      key: "article-uncached",
      label: "article (uncached)",
      method: "GET",
      probePath: uncachedPaths[uncachedPaths.length - 1] ?? site.featuredArticle.path,
      expectedStatuses: [200],
      requests: () => [rotating(uncachedPaths, 0)],
    },
    {
      key: "category-page-50",
      label: "category page 50",
      method: "GET",
      probePath: `/category/${category}/page/50/`,
      expectedStatuses: [200],
      requests: () => [{ method: "GET", path: `/category/${category}/page/50/` }],
    },
    {
      key: "rss",
      label: "RSS feed",
      method: "GET",
      probePath: "/feed/",
      expectedStatuses: [200],
      requests: () => [{ method: "GET", path: "/feed/" }],
    },
    {
      key: "search",
      label: "search",
      method: "GET",
      probePath: `/search?q=${encodeURIComponent(site.searchWord)}`,
      expectedStatuses: [200],
      requests: () => [{ method: "GET", path: `/search?q=${encodeURIComponent(site.searchWord)}` }],
    },
    {
      key: "not-found",
      label: "404 page",
      method: "GET",
      probePath: "/no-such-page/",
      expectedStatuses: [404],
      requests: () => [{ method: "GET", path: "/no-such-page/" }],
    },
    {
      key: "post-comment",
      label: "POST /comments",
      method: "POST",
      // The probe reads the form from an article page; the POST itself is tried by `probeCommentPost`.
      probePath: site.articlePaths[1] ?? site.featuredArticle.path,
      // A comment form answers with a redirect (303) back to the article, or 200/201; 429 is the rate limit.
      expectedStatuses: [200, 201, 302, 303, 429],
      requests: (probe, origin) => {
        const form = readCommentForm(probe.body);
        if (!form) return [];
        return [
          {
            method: "POST",
            path: new URL(form.action, "http://bench.invalid").pathname,
            // A browser names the page's origin on a form post; the comment route checks it.
            headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", origin },
            body: commentFormBody(form.fields),
          },
        ];
      },
    },
    {
      // Last: its editor and moderator change the site (see bench/newsroom.ts; run by run.ts).
      key: "newsroom",
      label: "newsroom",
      method: "GET",
      probePath: site.featuredArticle.path,
      expectedStatuses: [200],
      requests: () => [zipfReads(site.articlePaths)],
    },
  ];
}
