import { FetchError, type FetchErrorKind } from "../../lib/fetch/fetch-error.js";
import type { GuardedResponse } from "../../lib/fetch/guarded-fetch.js";

export { HostConcurrencyLimiter, MAX_CONCURRENT_FETCHES_PER_HOST } from "./host-limiter.js";

/** Interval between fetches of a healthy source when none is configured. */
export const DEFAULT_FETCH_INTERVAL_MINUTES = 15;
/** Shortest interval a source may be configured with: politeness towards publishers. */
export const MIN_FETCH_INTERVAL_MINUTES = 5;
/** Longest wait ever scheduled: caps backoff, ttl, max-age and Retry-After so no source is lost. */
export const MAX_FETCH_DELAY_MINUTES = 24 * 60;
/** Delays are stretched by up to this fraction at random so sources added together spread out. */
export const FETCH_JITTER_RATIO = 0.1;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/** What a feed says about how often to read it (RSS `ttl`, `skipHours`, `skipDays`). */
export interface FeedScheduleHints {
  ttlMinutes?: number;
  /** Hours 0–23 in UTC (24 is read as 0) when the feed asks not to be read. */
  skipHours?: readonly number[];
  /** Day names ("Saturday") in UTC when the feed asks not to be read. */
  skipDays?: readonly string[];
}

/** The result of one fetch attempt, as the scheduler sees it. */
export type FetchOutcome =
  | {
      kind: "fetched";
      status: number;
      headers: Readonly<Record<string, string>>;
      permanentRedirectTo?: string;
    }
  | { kind: "not-modified"; headers: Readonly<Record<string, string>>; permanentRedirectTo?: string }
  | { kind: "http-error"; status: number; headers: Readonly<Record<string, string>> }
  | { kind: "failed"; errorKind: Exclude<FetchErrorKind, "http">; message: string }
  /** The body arrived but is not a feed (an HTML page, garbage). */
  | { kind: "unparseable"; message: string };

/** How a source is doing after a fetch; shown to editors next to `errorMessage`. */
export type SourceFetchStatus = "ok" | "error" | "throttled" | "gone";

/** What to store on the source after a fetch. */
export interface FetchDecision {
  status: SourceFetchStatus;
  /** When to fetch next; `null` only when `disable` is true. */
  nextFetchAt: Date | null;
  /** True when the source must stop being fetched (410 Gone). */
  disable: boolean;
  /** The source's new URL after a permanent redirect. */
  newUrl?: string;
  /** `null` after a success. */
  errorMessage: string | null;
  /** Failures in a row including this one; 0 after a success. */
  consecutiveFailures: number;
}

/** Everything `decideAfterFetch` reads; the clock and randomness are injected. */
export interface ScheduleInput {
  outcome: FetchOutcome;
  now: Date;
  /** The source's configured interval; clamped to at least MIN_FETCH_INTERVAL_MINUTES. */
  intervalMinutes?: number;
  /** Failures in a row before this outcome. */
  consecutiveFailures: number;
  hints?: FeedScheduleHints;
  /** Returns [0, 1); defaults to Math.random. */
  random?: () => number;
}

/** Maps a guarded fetch's result (or its FetchError) to the outcome the scheduler decides on. */
export function fetchOutcomeOf(result: GuardedResponse | FetchError): FetchOutcome {
  if (result instanceof FetchError) {
    if (result.kind === "http") {
      return { kind: "http-error", status: result.status ?? 0, headers: result.headers ?? {} };
    }
    return { kind: "failed", errorKind: result.kind, message: result.message };
  }
  const redirect = result.permanentRedirectTo ? { permanentRedirectTo: result.permanentRedirectTo } : {};
  if (result.notModified) return { kind: "not-modified", headers: result.headers, ...redirect };
  return { kind: "fetched", status: result.status, headers: result.headers, ...redirect };
}

/**
 * Decides status and next fetch time after one attempt. Successes wait the interval, raised by
 * the feed's ttl and the server's Cache-Control max-age; failures back off exponentially (never
 * giving up); 429/503 also honour Retry-After; 410 disables the source. skipHours/skipDays push
 * any time out of the hours the feed asked to be left alone.
 */
export function decideAfterFetch(input: ScheduleInput): FetchDecision {
  const { outcome, now } = input;
  const random = input.random ?? Math.random;
  const intervalMinutes = clampIntervalMinutes(input.intervalMinutes);
  const at = (delayMinutes: number): Date =>
    skipToAllowedTime(new Date(now.getTime() + applyJitter(delayMinutes, random) * MINUTE_MS), input.hints);

  if (outcome.kind === "fetched" || outcome.kind === "not-modified") {
    const maxAgeMinutes = (parseMaxAgeSeconds(outcome.headers["cache-control"]) ?? 0) / 60;
    const delay = Math.min(
      Math.max(intervalMinutes, input.hints?.ttlMinutes ?? 0, maxAgeMinutes),
      MAX_FETCH_DELAY_MINUTES,
    );
    return {
      status: "ok",
      nextFetchAt: at(delay),
      disable: false,
      ...(outcome.permanentRedirectTo ? { newUrl: outcome.permanentRedirectTo } : {}),
      errorMessage: null,
      consecutiveFailures: 0,
    };
  }

  const consecutiveFailures = input.consecutiveFailures + 1;
  const errorMessage = describeFailure(outcome);
  if (outcome.kind === "http-error" && outcome.status === 410) {
    return { status: "gone", nextFetchAt: null, disable: true, errorMessage, consecutiveFailures };
  }
  const backoff = backoffDelayMinutes(consecutiveFailures, intervalMinutes);
  if (outcome.kind === "http-error" && (outcome.status === 429 || outcome.status === 503)) {
    const retryAfterMs = parseRetryAfter(outcome.headers["retry-after"], now) ?? 0;
    const delay = Math.min(Math.max(backoff, retryAfterMs / MINUTE_MS), MAX_FETCH_DELAY_MINUTES);
    return { status: "throttled", nextFetchAt: at(delay), disable: false, errorMessage, consecutiveFailures };
  }
  return { status: "error", nextFetchAt: at(backoff), disable: false, errorMessage, consecutiveFailures };
}

/** The configured interval, or the default, never below MIN_FETCH_INTERVAL_MINUTES. */
export function clampIntervalMinutes(configured: number | undefined): number {
  if (configured === undefined || !Number.isFinite(configured)) return DEFAULT_FETCH_INTERVAL_MINUTES;
  return Math.min(Math.max(configured, MIN_FETCH_INTERVAL_MINUTES), MAX_FETCH_DELAY_MINUTES);
}

/** interval × 2^failures, capped at MAX_FETCH_DELAY_MINUTES: 30, 60, 120 … minutes for 15. */
export function backoffDelayMinutes(consecutiveFailures: number, intervalMinutes: number): number {
  // Past 2^20 the cap has long been reached; the bound keeps the power finite.
  const exponent = Math.min(Math.max(consecutiveFailures, 0), 20);
  return Math.min(intervalMinutes * 2 ** exponent, MAX_FETCH_DELAY_MINUTES);
}

/** Stretches a delay by up to FETCH_JITTER_RATIO; never shortens it, so lower bounds hold. */
export function applyJitter(delayMinutes: number, random: () => number): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return delayMinutes * (1 + FETCH_JITTER_RATIO * r);
}

/** Milliseconds to wait from a Retry-After header (delta-seconds or HTTP date); undefined if absent or bad. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(date - now.getTime(), 0);
}

/** `max-age` in seconds from a Cache-Control header; undefined when absent, malformed or no-store. */
export function parseMaxAgeSeconds(cacheControl: string | undefined): number | undefined {
  if (!cacheControl) return undefined;
  const directives = cacheControl.toLowerCase().split(",");
  if (directives.some((directive) => directive.trim() === "no-store")) return undefined;
  for (const directive of directives) {
    const match = /^\s*max-age\s*=\s*"?(\d+)"?\s*$/.exec(directive);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * Moves `at` forward to the start of the first hour not excluded by skipHours/skipDays (UTC, as
 * RSS specifies). Hints that exclude every hour or every day are ignored as broken.
 */
export function skipToAllowedTime(at: Date, hints: FeedScheduleHints | undefined): Date {
  const skipHours = new Set((hints?.skipHours ?? []).map((hour) => hour % 24));
  const skipDays = new Set((hints?.skipDays ?? []).map((day) => day.trim().toLowerCase()));
  if (skipHours.size >= 24 || DAY_NAMES.every((day) => skipDays.has(day))) return at;
  const isSkipped = (time: Date): boolean =>
    skipHours.has(time.getUTCHours()) || skipDays.has(DAY_NAMES[time.getUTCDay()]);
  if (!isSkipped(at)) return at;
  let candidate = new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
  // A week of hours covers every combination of day and hour.
  for (let step = 0; step < 24 * 7 && isSkipped(candidate); step++) {
    candidate = new Date(candidate.getTime() + HOUR_MS);
  }
  return candidate;
}

/** A sentence for editors saying why the last fetch failed. */
function describeFailure(outcome: Exclude<FetchOutcome, { kind: "fetched" | "not-modified" }>): string {
  switch (outcome.kind) {
    case "http-error":
      switch (outcome.status) {
        case 404:
          return "HTTP 404: the feed was not found at this address";
        case 410:
          return "HTTP 410: the publisher removed this feed; fetching has stopped";
        case 401:
        case 403:
          return `HTTP ${outcome.status}: the publisher refuses access to this feed`;
        case 429:
          return "HTTP 429: the publisher asks us to fetch less often";
        case 503:
          return "HTTP 503: the publisher's server is unavailable";
        default:
          return outcome.status >= 500
            ? `HTTP ${outcome.status}: the publisher's server failed`
            : `HTTP ${outcome.status}: unexpected response`;
      }
    case "failed":
      return `${FAILURE_LABELS[outcome.errorKind]}: ${outcome.message}`;
    case "unparseable":
      return `Not a feed: ${outcome.message}`;
  }
}

const FAILURE_LABELS: Record<Exclude<FetchErrorKind, "http">, string> = {
  "blocked-address": "Refused (private address)",
  dns: "Host not found",
  timeout: "Timed out",
  "too-large": "Too large",
  "too-many-redirects": "Too many redirects",
  network: "Network error",
  "bad-url": "Bad URL",
};
