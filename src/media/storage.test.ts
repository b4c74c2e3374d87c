import { describe, expect, test } from "vitest";
import { isMediaKey } from "./storage.js";

describe("media keys", () => {
  test.each([
    ["2026/05/abc123.png", true],
    ["2026/05/_YeBK5Ict2rC.png", true],
    ["2026/05/-YeBK5Ict2rC.jpg", true],
    ["imported/ab12cd34/7-photo.jpeg", true],
    ["../etc/passwd", false],
    ["2026/../secret", false],
    ["2026/./x.png", false],
    [".hidden", false],
    ["/absolute.png", false],
    ["2026//x.png", false],
    ["2026/x y.png", false],
    ["", false],
    [`${"a".repeat(301)}`, false],
  ])("%s is a media key: %s", (key, expected) => {
    expect(isMediaKey(key)).toBe(expected);
  });
});
