import { tz } from "@date-fns/tz";
import { format } from "date-fns";
import { describe, expect, test } from "vitest";
import { formatInZone } from "./site-date.js";

const ZONES = [
  "UTC",
  "Europe/London",
  "America/New_York",
  "America/St_Johns",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "Pacific/Kiritimati",
  "America/Sao_Paulo",
  "Etc/GMT+12",
];

const PATTERNS = [
  "EEE. MMM do, yyyy",
  "MMM d, h:mm a",
  "MMMM d, yyyy 'at' h:mm a",
  "yyyy/MM/dd",
  "yyyy-MM-dd",
  "MMMM yyyy",
  "yyyy",
  "EEEE d MMMM yy, HH:mm:ss",
  "E, dd.MM.y H:m:s aa",
  "hh 'o''clock' a, 'it''s' EE",
  // Tokens handled by date-fns itself (the fallback):
  "QQQ yyy LLL wo",
];

/** Moments around DST changes, month and year ends, and a seeded spread over 1995–2045. */
function moments(): Date[] {
  const fixed = [
    "2022-05-22T10:00:00Z",
    "2022-05-22T23:30:00Z",
    "2024-03-10T06:59:59Z",
    "2024-03-10T07:00:00Z",
    "2024-11-03T05:59:59Z",
    "2024-11-03T06:00:00Z",
    "2024-03-31T00:59:59Z",
    "2024-03-31T01:00:00Z",
    "2024-10-26T23:00:00Z",
    "2023-12-31T23:59:59Z",
    "2024-02-29T12:00:00Z",
    "2000-01-01T00:00:00Z",
    "2021-01-11T00:00:00Z",
    "2021-01-12T00:00:00Z",
    "2021-01-13T00:00:00Z",
    "2021-01-21T12:00:00Z",
    "2021-01-22T12:00:00Z",
    "2021-01-23T12:00:00Z",
  ].map((iso) => new Date(iso));
  let state = 7;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const start = Date.UTC(1995, 0, 1);
  const span = Date.UTC(2045, 0, 1) - start;
  for (let i = 0; i < 150; i++) fixed.push(new Date(start + Math.floor(random() * span)));
  return fixed;
}

describe("formatInZone writes what date-fns writes", () => {
  const all = moments();
  test.each(ZONES)("in %s", (zone) => {
    const cases = PATTERNS.flatMap((pattern) => all.map((date) => ({ date, pattern })));
    const ours = cases.map(
      ({ date, pattern }) => `${date.toISOString()} ${formatInZone(date, pattern, zone)}`,
    );
    const theirs = cases.map(
      ({ date, pattern }) => `${date.toISOString()} ${format(date, pattern, { in: tz(zone) })}`,
    );
    expect(ours).toEqual(theirs);
  });
});

test.each([
  ["an unknown pattern letter", new Date(0), "yyyy j"],
  ["an invalid date", new Date(Number.NaN), "yyyy"],
])("%s fails as date-fns does", (_label, date, pattern) => {
  expect(() => format(date, pattern, { in: tz("UTC") })).toThrow(RangeError);
  expect(() => formatInZone(date, pattern, "UTC")).toThrow(RangeError);
});
