import { expect, test } from "vitest";
import { articlePath, dateArchiveRange } from "./permalinks.js";

test.each([
  ["2022-05-22T10:00:00.000Z", "UTC", "/2022/05/22/storm/"],
  ["2022-05-22T23:30:00.000Z", "Asia/Tokyo", "/2022/05/23/storm/"],
  ["2022-05-22T02:00:00.000Z", "America/New_York", "/2022/05/21/storm/"],
])("an article published %s in %s lives at %s", (publishedAt, zone, path) => {
  expect(articlePath({ slug: "storm", published_at: publishedAt }, zone)).toBe(path);
});

test.each([
  [[2022], "UTC", "2022-01-01T00:00:00.000Z", "2023-01-01T00:00:00.000Z"],
  [[2022, 12], "UTC", "2022-12-01T00:00:00.000Z", "2023-01-01T00:00:00.000Z"],
  [[2022, 5, 22], "Asia/Tokyo", "2022-05-21T15:00:00.000Z", "2022-05-22T15:00:00.000Z"],
  [[2022, 3, 27], "Europe/London", "2022-03-27T00:00:00.000Z", "2022-03-27T23:00:00.000Z"],
] as const)("archive %j in %s spans %s to %s", (parts, zone, from, until) => {
  const [y, m, d] = parts as readonly number[];
  expect(dateArchiveRange(zone, y, m, d)).toEqual({ from, until });
});

test.each([
  [2022, 13, undefined],
  [2022, 2, 30],
  [1900, undefined, undefined],
])("no archive for %s-%s-%s", (y, m, d) => {
  expect(dateArchiveRange("UTC", y, m, d)).toBeUndefined();
});
