import { describe, expect, test } from "vitest";
import { FetchError } from "../../lib/fetch/fetch-error.js";
import {
  backoffDelayMinutes,
  decideAfterFetch,
  type FeedScheduleHints,
  type FetchOutcome,
  fetchOutcomeOf,
  parseMaxAgeSeconds,
  parseRetryAfter,
  skipToAllowedTime,
} from "./schedule.js";

// Wednesday 6 March 2024, 10:00 UTC.
const NOW = new Date("2024-03-06T10:00:00Z");
const minutesLater = (minutes: number): string => new Date(NOW.getTime() + minutes * 60_000).toISOString();
const noJitter = (): number => 0;

const fetched: FetchOutcome = { kind: "fetched", status: 200, headers: {} };
const httpError = (status: number, headers: Record<string, string> = {}): FetchOutcome => ({
  kind: "http-error",
  status,
  headers,
});

describe("decideAfterFetch", () => {
  test.each<[string, Partial<Parameters<typeof decideAfterFetch>[0]>, Record<string, unknown>]>([
    ["a 200 waits the default 15 minutes", { outcome: fetched }, { status: "ok", next: 15, failures: 0 }],
    ["a 304 is a success", { outcome: { kind: "not-modified", headers: {} } }, { status: "ok", next: 15 }],
    ["a configured interval is used", { outcome: fetched, intervalMinutes: 60 }, { next: 60 }],
    ["an interval below 5 minutes is raised to 5", { outcome: fetched, intervalMinutes: 1 }, { next: 5 }],
    ["the feed's ttl raises the interval", { outcome: fetched, hints: { ttlMinutes: 90 } }, { next: 90 }],
    [
      "a ttl below the interval changes nothing",
      { outcome: fetched, hints: { ttlMinutes: 2 } },
      { next: 15 },
    ],
    [
      "Cache-Control max-age raises the interval",
      { outcome: { kind: "fetched", status: 200, headers: { "cache-control": "public, max-age=3600" } } },
      { next: 60 },
    ],
    [
      "a huge ttl is capped at a day",
      { outcome: fetched, hints: { ttlMinutes: 100_000 } },
      { next: 24 * 60 },
    ],
    ["jitter stretches by at most 10%", { outcome: fetched, random: () => 0.5 }, { next: 15 * 1.05 }],
    [
      "success resets the failure count",
      { outcome: fetched, consecutiveFailures: 6 },
      { failures: 0, error: null },
    ],
    [
      "a permanent redirect moves the source",
      {
        outcome: {
          kind: "fetched",
          status: 200,
          headers: {},
          permanentRedirectTo: "https://new.example/feed",
        },
      },
      { newUrl: "https://new.example/feed" },
    ],
    ["a 404 backs off", { outcome: httpError(404) }, { status: "error", next: 30, failures: 1 }],
    [
      "a third 5xx in a row backs off further",
      { outcome: httpError(500), consecutiveFailures: 2 },
      { next: 120 },
    ],
    ["backoff is capped at a day", { outcome: httpError(502), consecutiveFailures: 40 }, { next: 24 * 60 }],
    ["a 410 disables the source", { outcome: httpError(410) }, { status: "gone", disable: true, next: null }],
    [
      "a 429 honours Retry-After seconds above the backoff",
      { outcome: httpError(429, { "retry-after": "7200" }) },
      { status: "throttled", next: 120 },
    ],
    [
      "a 503 honours Retry-After as an HTTP date",
      { outcome: httpError(503, { "retry-after": "Wed, 06 Mar 2024 13:00:00 GMT" }) },
      { status: "throttled", next: 180 },
    ],
    [
      "a short Retry-After never undercuts the backoff",
      { outcome: httpError(429, { "retry-after": "5" }) },
      { status: "throttled", next: 30 },
    ],
    [
      "a network error backs off with a readable message",
      { outcome: { kind: "failed", errorKind: "timeout", message: "no response within 30000 ms" } },
      { status: "error", next: 30, error: "Timed out: no response within 30000 ms" },
    ],
    [
      "a body that is not a feed backs off",
      { outcome: { kind: "unparseable", message: "an HTML page" }, consecutiveFailures: 1 },
      { status: "error", next: 60, failures: 2 },
    ],
  ])("%s", (_name, overrides, expected) => {
    const decision = decideAfterFetch({
      outcome: fetched,
      now: NOW,
      consecutiveFailures: 0,
      random: noJitter,
      ...overrides,
    });
    if ("status" in expected) expect(decision.status).toBe(expected.status);
    if ("next" in expected) {
      const next = expected.next as number | null;
      expect(decision.nextFetchAt?.toISOString() ?? null).toBe(next === null ? null : minutesLater(next));
    }
    if ("failures" in expected) expect(decision.consecutiveFailures).toBe(expected.failures);
    if ("disable" in expected) expect(decision.disable).toBe(expected.disable);
    if ("newUrl" in expected) expect(decision.newUrl).toBe(expected.newUrl);
    if ("error" in expected) expect(decision.errorMessage).toBe(expected.error);
  });

  test("failures never give up: every decision schedules another attempt", () => {
    for (let failures = 0; failures < 200; failures++) {
      const decision = decideAfterFetch({ outcome: httpError(500), now: NOW, consecutiveFailures: failures });
      expect(decision.nextFetchAt).not.toBeNull();
      expect(decision.disable).toBe(false);
    }
  });

  test("skipHours pushes the next fetch past the skipped hours", () => {
    const decision = decideAfterFetch({
      outcome: fetched,
      now: NOW,
      consecutiveFailures: 0,
      random: noJitter,
      hints: { skipHours: [10, 11, 12] },
    });
    expect(decision.nextFetchAt?.toISOString()).toBe("2024-03-06T13:00:00.000Z");
  });
});

test.each<[string, FeedScheduleHints, string]>([
  ["no hints", {}, "2024-03-06T10:15:00.000Z"],
  ["an unrelated skipped hour", { skipHours: [3] }, "2024-03-06T10:15:00.000Z"],
  ["the current hour skipped", { skipHours: [10] }, "2024-03-06T11:00:00.000Z"],
  ["24 read as midnight", { skipHours: [24, 11] }, "2024-03-06T10:15:00.000Z"],
  ["the day skipped", { skipDays: ["Wednesday"] }, "2024-03-07T00:00:00.000Z"],
  ["day and hours skipped", { skipDays: ["wednesday"], skipHours: [0, 1] }, "2024-03-07T02:00:00.000Z"],
  [
    "every hour skipped is ignored",
    { skipHours: Array.from({ length: 24 }, (_, h) => h) },
    "2024-03-06T10:15:00.000Z",
  ],
])("skipToAllowedTime with %s", (_name, hints, expected) => {
  expect(skipToAllowedTime(new Date("2024-03-06T10:15:00Z"), hints).toISOString()).toBe(expected);
});

test.each<[string | undefined, number | undefined]>([
  ["120", 120_000],
  ["Wed, 06 Mar 2024 10:05:00 GMT", 300_000],
  ["Wed, 06 Mar 2024 09:00:00 GMT", 0],
  ["soon", undefined],
  [undefined, undefined],
])("parseRetryAfter(%s) is %s ms", (header, expected) => {
  expect(parseRetryAfter(header, NOW)).toBe(expected);
});

test.each<[string | undefined, number | undefined]>([
  ["max-age=600", 600],
  ["public, max-age=60, must-revalidate", 60],
  ['max-age="30"', 30],
  ["no-store, max-age=600", undefined],
  ["no-cache", undefined],
  [undefined, undefined],
])("parseMaxAgeSeconds(%s) is %s", (header, expected) => {
  expect(parseMaxAgeSeconds(header)).toBe(expected);
});

test.each([
  [0, 15],
  [1, 30],
  [4, 240],
  [7, 1440],
  [1000, 1440],
])("backoff after %i failures is %i minutes", (failures, minutes) => {
  expect(backoffDelayMinutes(failures, 15)).toBe(minutes);
});

test("fetchOutcomeOf maps a FetchError and a response", () => {
  expect(
    fetchOutcomeOf(new FetchError("http", "HTTP 503", { status: 503, headers: { "retry-after": "5" } })),
  ).toEqual({
    kind: "http-error",
    status: 503,
    headers: { "retry-after": "5" },
  });
  expect(fetchOutcomeOf(new FetchError("dns", "cannot resolve"))).toEqual({
    kind: "failed",
    errorKind: "dns",
    message: "cannot resolve",
  });
  expect(
    fetchOutcomeOf({
      status: 304,
      url: "https://a.example/",
      headers: {},
      body: Buffer.alloc(0),
      notModified: true,
    }),
  ).toEqual({ kind: "not-modified", headers: {} });
});
