import type { AppContext } from "../context.js";
import type { SourceStatus } from "../db/schema.js";
import { countOutcome } from "../infrastructure/metrics.js";
import { FetchError } from "../lib/fetch/fetch-error.js";
import { buildUserAgent, type GuardedResponse, guardedFetch } from "../lib/fetch/guarded-fetch.js";
import { applyFollowUps } from "./desk-service.js";
import {
  decideAfterFetch,
  type FeedScheduleHints,
  type FetchOutcome,
  fetchOutcomeOf,
} from "./fetcher/schedule.js";
import { ingestFeedItems } from "./ingest-service.js";
import { FeedParseError, type ParsedFeed, parseFeed } from "./parser/parse-feed.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "now" | "config" | "log" | "settings" | "changes" | "curation">;

/**
 * How long a claim on a source lasts: longer than a fetch can take (its total timeout, a wait
 * for a per-host slot, parsing and storing), so a claim only lapses when its node died.
 */
export const SOURCE_CLAIM_MINUTES = 10;
/** Fetches running at once in one process, across all hosts (each host also has its own cap of 2). */
export const MAX_PARALLEL_FETCHES = 8;
/** Sources read per scheduler cycle; the rest are due next cycle. */
export const DUE_SOURCES_PER_CYCLE = 100;

/** What one fetch did, as the admin, the API (`{added, status}`) and the CLI report it. */
export interface FetchReport {
  sourceId: number;
  /**
   * `busy`: another fetch (on this or another node) holds the source right now; `not-due`: a
   * scheduled fetch found the source already fetched (by another node) since it was listed.
   */
  status: SourceStatus | "busy" | "not-due";
  added: number;
  notModified: boolean;
  error: string | null;
  nextFetchAt: string | null;
}

function parseJsonList<T>(raw: string): T[] {
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

function storedHints(source: store.SourceRow): FeedScheduleHints {
  return {
    ttlMinutes: source.ttl_minutes ?? undefined,
    skipHours: parseJsonList<number>(source.skip_hours),
    skipDays: parseJsonList<string>(source.skip_days),
  };
}

/**
 * Fetches one source now: conditional GET, parse, store new items and group them into stories,
 * then record the outcome and schedule the next fetch. Every failure (network, HTTP, a body that
 * is not a feed) is recorded on the source and logged once; nothing is thrown for it. On several
 * nodes the row claim makes sure only one of them fetches a source at a time.
 */
export async function fetchSource(
  ctx: Ctx,
  sourceId: number,
  options: { signal?: AbortSignal; totalTimeoutMs?: number; onlyIfDue?: boolean } = {},
): Promise<FetchReport | undefined> {
  const claimedAt = ctx.now();
  const nowIso = claimedAt.toISOString();
  const lockedUntil = new Date(claimedAt.getTime() + SOURCE_CLAIM_MINUTES * 60_000).toISOString();
  const source = await store.claimSource(
    ctx.db,
    sourceId,
    nowIso,
    lockedUntil,
    options.onlyIfDue ? nowIso : undefined,
  );
  if (!source) {
    const exists = await store.getSourceById(ctx.db, sourceId);
    if (!exists) return undefined;
    const held = exists.locked_until !== null && exists.locked_until >= nowIso;
    return {
      sourceId,
      status: options.onlyIfDue && !held ? "not-due" : "busy",
      added: 0,
      notModified: false,
      error: null,
      nextFetchAt: exists.next_fetch_at,
    };
  }
  try {
    return await fetchClaimedSource(ctx, source, options);
  } finally {
    await store.updateSource(ctx.db, sourceId, { locked_until: null });
  }
}

async function fetchClaimedSource(
  ctx: Ctx,
  source: store.SourceRow,
  options: { signal?: AbortSignal; totalTimeoutMs?: number },
): Promise<FetchReport> {
  const { signal } = options;
  let response: GuardedResponse | FetchError;
  try {
    response = await ctx.curation.hostLimiter.run(source.url, () =>
      guardedFetch(source.url, {
        userAgent: buildUserAgent(ctx.config.siteUrl),
        etag: source.etag ?? undefined,
        lastModified: source.last_modified ?? undefined,
        allowPrivate: ctx.config.allowPrivateFetch,
        signal,
        ...(options.totalTimeoutMs ? { totalTimeoutMs: options.totalTimeoutMs } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof FetchError)) throw error;
    response = error;
  }
  if (signal?.aborted) {
    // Shutting down: the fetch did not fail, it was cut short. Leave the source as it was.
    return report(source, source.status, 0, false, source.last_error, source.next_fetch_at);
  }
  const fetchedAt = ctx.now();
  let outcome: FetchOutcome = fetchOutcomeOf(response);
  let feed: ParsedFeed | undefined;
  let added = 0;
  if (!(response instanceof FetchError) && !response.notModified) {
    try {
      feed = parseFeed({
        body: response.body,
        url: response.url,
        contentType: response.headers["content-type"],
        fetchedAt,
      });
    } catch (error) {
      if (!(error instanceof FeedParseError)) throw error;
      outcome = { kind: "unparseable", message: error.message };
    }
  }
  if (feed) {
    const result = await ingestFeedItems(ctx, source, feed.items, fetchedAt);
    added = result.added;
    if (feed.warnings.length)
      ctx.log.debug({ sourceId: source.id, warnings: feed.warnings }, "feed repaired while parsing");
    await applyFollowUps(ctx, result.followUps);
  }

  const hints: FeedScheduleHints = feed
    ? { ttlMinutes: feed.ttlMinutes, skipHours: feed.skipHours, skipDays: feed.skipDays }
    : storedHints(source);
  const decision = decideAfterFetch({
    outcome,
    now: fetchedAt,
    intervalMinutes: source.fetch_interval_minutes,
    consecutiveFailures: source.consecutive_failures,
    hints,
  });
  const nowIso = fetchedAt.toISOString();
  const changes: store.SourceChanges = {
    status: decision.status,
    last_error: decision.errorMessage,
    consecutive_failures: decision.consecutiveFailures,
    next_fetch_at: decision.nextFetchAt?.toISOString() ?? null,
    last_fetched_at: nowIso,
    fetch_count: source.fetch_count + 1,
    updated_at: nowIso,
  };
  if (decision.disable) changes.is_enabled = 0;
  if (outcome.kind === "fetched" || outcome.kind === "not-modified") {
    changes.last_success_at = nowIso;
    changes.items_added_count = source.items_added_count + added;
    changes.last_items_added = added;
  }
  if (outcome.kind === "not-modified") changes.not_modified_count = source.not_modified_count + 1;
  if (outcome.kind === "fetched" && !(response instanceof FetchError)) {
    // Validators are kept only from a response that was read in full and parsed.
    changes.etag = response.headers.etag?.slice(0, 500) ?? null;
    changes.last_modified = response.headers["last-modified"]?.slice(0, 100) ?? null;
  }
  if (feed) {
    changes.ttl_minutes = feed.ttlMinutes ?? null;
    changes.skip_hours = JSON.stringify(feed.skipHours);
    changes.skip_days = JSON.stringify(feed.skipDays);
    if (!source.site_url && feed.siteUrl) changes.site_url = feed.siteUrl.slice(0, 2000);
  }
  if (decision.newUrl && decision.newUrl !== source.url) {
    const taken = await store.getSourceByUrl(ctx.db, decision.newUrl);
    if (!taken) changes.url = decision.newUrl;
    else
      ctx.log.warn(
        { sourceId: source.id, from: source.url, to: decision.newUrl },
        "feed moved permanently to an address another source already follows; keeping the old address",
      );
  }
  await store.updateSource(ctx.db, source.id, changes);
  logOutcome(ctx, source, decision.errorMessage, added, decision.disable);
  return report(
    source,
    decision.status,
    added,
    outcome.kind === "not-modified",
    decision.errorMessage,
    changes.next_fetch_at ?? null,
  );
}

function report(
  source: store.SourceRow,
  status: FetchReport["status"],
  added: number,
  notModified: boolean,
  error: string | null,
  nextFetchAt: string | null,
): FetchReport {
  return { sourceId: source.id, status, added, notModified, error, nextFetchAt };
}

/**
 * One log line per change of health: a source failing the same way on every backoff retry is
 * logged when it starts failing, not at each retry; recovery is logged too.
 */
function logOutcome(
  ctx: Ctx,
  source: store.SourceRow,
  errorMessage: string | null,
  added: number,
  disabled: boolean,
): void {
  const fields = { sourceId: source.id, source: source.name, url: source.url };
  if (disabled) ctx.log.warn({ ...fields, error: errorMessage }, "feed gone (HTTP 410): source disabled");
  else if (errorMessage && errorMessage !== source.last_error)
    ctx.log.warn({ ...fields, error: errorMessage }, "feed fetch failed; backing off");
  else if (!errorMessage && source.last_error) ctx.log.info({ ...fields, added }, "feed fetch recovered");
  else if (added > 0) ctx.log.info({ ...fields, added }, "feed items added");
}

/** Fetches the given sources, at most MAX_PARALLEL_FETCHES at once; reports each as it finishes. */
export async function fetchSources(
  ctx: Ctx,
  sourceIds: number[],
  options: { signal?: AbortSignal; onlyIfDue?: boolean; onFetched?: (report: FetchReport) => void } = {},
): Promise<FetchReport[]> {
  const reports: FetchReport[] = [];
  let next = 0;
  const worker = async () => {
    while (next < sourceIds.length && !options.signal?.aborted) {
      const id = sourceIds[next++];
      try {
        const result = await fetchSource(ctx, id, { signal: options.signal, onlyIfDue: options.onlyIfDue });
        if (result) {
          countOutcome("feed_fetch", result.status);
          reports.push(result);
          options.onFetched?.(result);
        }
      } catch (error) {
        // A database failure while recording one source must not stop the others.
        countOutcome("feed_fetch", "failed");
        ctx.log.error({ err: error, sourceId: id }, "feed fetch could not be recorded");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL_FETCHES, sourceIds.length) }, worker));
  return reports;
}

/** One scheduler cycle: fetches every enabled source that is due. */
export async function fetchDueSources(
  ctx: Ctx,
  options: { signal?: AbortSignal } = {},
): Promise<FetchReport[]> {
  const due = await store.listDueSourceIds(ctx.db, ctx.now().toISOString(), DUE_SOURCES_PER_CYCLE);
  // Each claim checks again that its source is still due: another node may have fetched it since.
  return fetchSources(ctx, due, { ...options, onlyIfDue: true });
}

/** Every enabled source, due or not (CLI `sources fetch --all`). */
export async function listEnabledSourceIds(ctx: Pick<Ctx, "db">): Promise<number[]> {
  return (await store.listSources(ctx.db)).filter((s) => s.is_enabled === 1).map((s) => s.id);
}
