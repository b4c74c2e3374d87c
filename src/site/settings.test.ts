import { expect, test } from "vitest";
import { formatSiteDate } from "../lib/site-date.js";
import { validateSettings } from "./settings.js";

test.each([
  ["2022-05-22T10:00:00Z", "UTC", "Sun. May 22nd, 2022"],
  ["2022-05-22T23:30:00Z", "Asia/Tokyo", "Mon. May 23rd, 2022"],
  ["2022-05-22T02:00:00Z", "America/New_York", "Sat. May 21st, 2022"],
])("masthead date of %s in %s is %s", (iso, zone, expected) => {
  expect(formatSiteDate(iso, "EEE. MMM do, yyyy", zone)).toBe(expected);
});

test.each([
  [{ timezone: "Mars/Olympus" }, "timezone"],
  [{ dateFormat: "yyyy-MM-dd Q j" }, "dateFormat"],
  [{ postsPerPage: 0 }, "postsPerPage"],
  [{ title: " " }, "title"],
  [{ language: "english" }, "language"],
])("rejects %o naming %s", (update, field) => {
  expect(Object.keys(validateSettings(update))).toEqual([field]);
});
