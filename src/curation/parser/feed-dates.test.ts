import { expect, test } from "vitest";
import { parseFeedDate } from "./feed-dates.js";

test.each([
  ["Wed, 06 Mar 2024 10:00:00 GMT", "2024-03-06T10:00:00.000Z"],
  ["Wed, 06 Mar 2024 10:00:00 +0100", "2024-03-06T09:00:00.000Z"],
  ["Wed, 06 Mar 2024 10:00:00 EST", "2024-03-06T15:00:00.000Z"],
  ["Wed, 06 Mar 2024 10:00:00 CEST", "2024-03-06T08:00:00.000Z"],
  ["Wed, 06 Mar 2024 10:00:00 AEDT", "2024-03-05T23:00:00.000Z"],
  ["Wed, 06 Mar 2024 10:00:00", "2024-03-06T10:00:00.000Z"],
  ["6 Mar 2024 10:00 GMT", "2024-03-06T10:00:00.000Z"],
  ["Thu, 06 Mar 2024 10:00:00 GMT", "2024-03-06T10:00:00.000Z"], // wrong weekday, common in the wild
  ["2024-03-06T10:00:00Z", "2024-03-06T10:00:00.000Z"],
  ["2024-03-06T10:00:00.123+05:30", "2024-03-06T04:30:00.123Z"],
  ["2024-03-06 10:00:00", "2024-03-06T10:00:00.000Z"],
  ["2024-03-06", "2024-03-06T00:00:00.000Z"],
  ["  Wed,  06 Mar 2024\n10:00:00 GMT ", "2024-03-06T10:00:00.000Z"],
  ["yesterday", undefined],
  ["", undefined],
  [undefined, undefined],
])("parseFeedDate(%s) is %s", (raw, expected) => {
  expect(parseFeedDate(raw)?.toISOString()).toBe(expected);
});
