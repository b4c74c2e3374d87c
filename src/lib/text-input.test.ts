import { describe, expect, test } from "vitest";
import { countCharacters, storableText, textProblem } from "./text-input.js";

describe("text input rules", () => {
  test.each([
    ["plain ASCII", "Budget vote", 11],
    ["a family emoji joined with ZWJ", "👩‍👩‍👧", 1],
    ["a flag", "🇺🇦", 1],
    ["a skin tone", "👍🏽", 1],
    ["a letter with a combining accent", "e\u0301", 1],
    ["CRLF", "a\r\nb", 3],
  ])("counts %s as a reader does", (_what, text, count) => {
    expect(countCharacters(text)).toBe(count);
  });

  test.each([
    ["NUL", "a\u0000b", {}, /control characters/],
    ["a C1 control", "a\u0085b", {}, /control characters/],
    ["DEL", "a\u007Fb", {}, /control characters/],
    ["a tab in one-line text", "a\tb", {}, /control characters/],
    ["a zero-width space in one-line text", "Ad\u200Ba", {}, /control characters/],
    ["a right-to-left override", "abc\u202Edef", {}, /text-direction/],
    ["a first-strong isolate", "abc\u2068def", { multiline: true }, /text-direction/],
    ["a lone high surrogate", "a\uD800", {}, /not valid UTF-8/],
    ["a lone low surrogate", "\uDC00a", {}, /not valid UTF-8/],
    ["the replacement character left by undecodable bytes", "caf\uFFFD", {}, /not valid UTF-8/],
    ["one character too many", "é".repeat(11), {}, /at most 10 characters/],
    ["emoji over the column's code points", "👩‍👩‍👧".repeat(3), {}, /too long to store/],
  ])("refuses %s", (_what, text, rule, message) => {
    expect(textProblem(text, { max: 10, ...rule })).toMatch(message);
  });

  test.each([
    ["emoji sequences in a name", "👩‍👩‍👧 🇬🇷 👍🏽", {}],
    ["a ZWNJ in Persian", "می\u200Cخواهم", {}],
    ["line breaks and tabs in a body", "one\n\ttwo\r\nthree", { multiline: true }],
    ["a long emoji body in a text column", "👩‍👩‍👧".repeat(10), { column: "text" as const }],
  ])("accepts %s", (_what, text, rule) => {
    expect(textProblem(text, { max: 20, ...rule })).toBeUndefined();
  });

  test("file names are made storable rather than refused", () => {
    expect(storableText("a\u0000b\uD800c.png", 255)).toBe("abc.png");
    expect(storableText("👍🏽👍🏽", 3)).toBe("👍🏽👍");
  });
});
