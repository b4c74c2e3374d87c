import { describe, expect, test } from "vitest";
import { isValidSlug, slugify, uniqueSlug } from "./slug.js";

describe("slugify", () => {
  test.each([
    ["Hello, World!", "hello-world"],
    ["Café déjà vu", "cafe-deja-vu"],
    ["  Storm hits -- the coast  ", "storm-hits-the-coast"],
    ["Straße über Łódź", "strasse-uber-lodz"],
    ["Mayor's plan: 3 new bridges", "mayors-plan-3-new-bridges"],
    ["日本", ""],
  ])("%s → %s", (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });

  test("cuts long titles at a word boundary", () => {
    const slug = slugify("word ".repeat(40), 30);
    expect(slug.length).toBeLessThanOrEqual(30);
    expect(slug.endsWith("-")).toBe(false);
  });
});

test.each([
  ["good-slug-1", true],
  ["Bad", false],
  ["double--dash", false],
  ["-lead", false],
  ["", false],
])("isValidSlug(%s) is %s", (slug, valid) => {
  expect(isValidSlug(slug)).toBe(valid);
});

test("uniqueSlug appends the first free number", async () => {
  const taken = new Set(["storm", "storm-2"]);
  expect(await uniqueSlug("storm", async (s) => taken.has(s))).toBe("storm-3");
  expect(await uniqueSlug("", async () => false)).toBe("untitled");
});
