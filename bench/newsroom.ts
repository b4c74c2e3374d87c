import autocannon, { type AutocannonRequest } from "autocannon";
import { createSeededRandom } from "../src/lib/seeded-random.js";
import { type Load, type Measurement, type MeasureOptions, measure } from "./scenarios.js";

/**
 * The "newsroom" scenario: readers spread over every story with a Zipf distribution (the newest
 * story the most read, the story of rank k read 1/k as often) while an editor saves a story every
 * 0.25 s and a moderator approves a comment every 0.5 s, through the Admin API. Its throughput is
 * reported against "all cached": the same reads from a second server whose cache holds every
 * page and that sees no writes.
 */

/** What a browser sends: the cache stores each page in the encoding its readers ask for. */
export const BROWSER_HEADERS = { accept: "text/html", "accept-encoding": "gzip, deflate, br" };
const EDIT_EVERY_MS = 250;
const APPROVAL_EVERY_MS = 500;
/** Requests drawn in advance; the readers cycle through them. */
const DRAWN_READS = 200_000;

/** `count` ranks in 0…n-1 drawn with probability ∝ 1/(rank+1)^exponent, seeded. */
export function zipfRanks(n: number, count: number, seed: number, exponent = 1): number[] {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** exponent;
    cumulative[k] = total;
  }
  const random = createSeededRandom(seed);
  const ranks: number[] = [];
  for (let i = 0; i < count; i++) {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    ranks.push(low);
  }
  return ranks;
}

/** The readers' requests: a cursor over Zipf-drawn story paths shared by every connection. */
export function zipfReads(paths: string[], seed = 20260522): AutocannonRequest {
  const drawn = zipfRanks(paths.length, DRAWN_READS, seed).map((rank) => paths[rank]);
  let next = 0;
  return {
    method: "GET",
    headers: BROWSER_HEADERS,
    setupRequest(request) {
      request.path = drawn[next % drawn.length];
      next += 1;
      return request;
    },
  };
}

export interface NewsroomSite {
  /** Story ids, newest first (the order of the readers' ranks). */
  storyIds: number[];
  /** Held comments to approve, on the newest stories first. */
  pendingCommentIds: number[];
  /** An Admin API token acting as an editor. */
  token: string;
}

interface WriteStats {
  edits: number;
  approvals: number;
  failed: number;
  latenciesMs: number[];
  lastError?: string;
}

/**
 * The editor and the moderator: every 0.25 s an editor opens a story (Zipf-drawn, as readers
 * draw them: the newest are the most edited) and saves it whole, as the edit form does (title,
 * body, categories, tags), with one sentence changed; every 0.5 s a held comment is approved.
 * Runs until `stop` is called.
 */
export function startNewsroomWrites(origin: string, site: NewsroomSite) {
  const stats: WriteStats = { edits: 0, approvals: 0, failed: 0, latenciesMs: [] };
  const headers = { authorization: `Bearer ${site.token}`, "content-type": "application/json" };
  const edited = zipfRanks(site.storyIds.length, 10_000, 7).map((rank) => site.storyIds[rank]);
  let edit = 0;
  let approval = 0;
  const timed = async (what: () => Promise<Response>) => {
    const started = performance.now();
    try {
      const response = await what();
      await response.arrayBuffer();
      if (!response.ok) {
        stats.failed += 1;
        stats.lastError = `${response.status} ${response.url}`;
        return false;
      }
      stats.latenciesMs.push(performance.now() - started);
      return true;
    } catch (error) {
      stats.failed += 1;
      stats.lastError = (error as Error).message;
      return false;
    }
  };
  const saveStory = async () => {
    const id = edited[edit++ % edited.length];
    const url = `${origin}/api/admin/articles/${id}`;
    const opened = await fetch(url, { headers });
    if (!opened.ok) {
      stats.failed += 1;
      stats.lastError = `${opened.status} GET ${url}`;
      return;
    }
    const story = (await opened.json()) as {
      title: string;
      body: string;
      categories: { name: string }[];
      tags: { name: string }[];
    };
    const body = story.body.replace(/( Update \d+\.)?$/, ` Update ${edit}.`);
    const saved = await timed(() =>
      fetch(url, {
        method: "PATCH",
        headers,
        body: JSON.stringify({
          title: story.title,
          body,
          categories: story.categories.map((c) => c.name),
          tags: story.tags.map((t) => t.name),
        }),
      }),
    );
    if (saved) stats.edits += 1;
  };
  const approveComment = async () => {
    const id = site.pendingCommentIds[approval++];
    if (id === undefined) return;
    const approved = await timed(() =>
      fetch(`${origin}/api/admin/comments/${id}`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ status: "approved" }),
      }),
    );
    if (approved) stats.approvals += 1;
  };
  const timers = [setInterval(saveStory, EDIT_EVERY_MS), setInterval(approveComment, APPROVAL_EVERY_MS)];
  return {
    stats,
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}

export interface NewsroomResult {
  newsroom: Measurement;
  allCached: Measurement;
  writes: WriteStats;
}

/** Sends `amount` requests as fast as `connections` allow: a warm-up of a known size. */
async function send(origin: string, connections: number, request: AutocannonRequest, amount: number) {
  await autocannon({ url: origin, connections, amount, timeout: 30, requests: [request] });
}

/**
 * Loads the all-cached server with the readers alone, after one pass over every story, then the
 * newsroom server with readers and writers together, after three reads per story (the cache
 * fills as a live site's has) and the warm-up seconds with the writers at work.
 */
export async function measureNewsroom(
  paths: string[],
  newsroom: MeasureOptions,
  allCached: MeasureOptions,
  site: NewsroomSite,
): Promise<NewsroomResult> {
  const reads = (options: MeasureOptions): Load => ({
    requests: [zipfReads(paths)],
    expectedStatuses: [200],
    options,
  });
  let next = 0;
  const inOrder: AutocannonRequest = {
    method: "GET",
    headers: BROWSER_HEADERS,
    setupRequest(request) {
      request.path = paths[next++ % paths.length];
      return request;
    },
  };
  await send(allCached.origin, allCached.connections, inOrder, paths.length);
  const allCachedResult = await measure(reads(allCached));
  // A live site's cache has seen hours of readers; three reads per story come close to that.
  await send(newsroom.origin, newsroom.connections, zipfReads(paths, 1), 3 * paths.length);
  const writes = startNewsroomWrites(newsroom.origin, site);
  try {
    const newsroomResult = await measure(reads(newsroom));
    return { newsroom: newsroomResult, allCached: allCachedResult, writes: writes.stats };
  } finally {
    writes.stop();
  }
}
