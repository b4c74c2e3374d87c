import { describe, expect, test } from "vitest";
import { archivePath, decodeSlug, firstFreeSlug, isValidSlug, slugify, uniqueSlug } from "./slug.js";

describe("slugify, Unicode style", () => {
  test.each([
    ["Hello, World!", "hello-world"],
    ["Café déjà vu", "cafe-deja-vu"],
    ["  Storm hits -- the coast  ", "storm-hits-the-coast"],
    ["Straße über Łódź", "strasse-uber-lodz"],
    ["Mayor's plan: 3 new bridges", "mayors-plan-3-new-bridges"],
    ["ﬁnance", "finance"],
    ["Путин и Макрон поговорили по телефону", "путин-и-макрон-поговорили-по-телефону"],
    ["Київ і Львів", "київ-і-львів"],
    ["Ελλάδα: Νέα κυβέρνηση", "ελλάδα-νέα-κυβέρνηση"],
    ["日本の首相", "日本の首相"],
    ["مرحبا بالعالم", "مرحبا-بالعالم"],
    ["हिन्दी समाचार", "हिन्दी-समाचार"],
    ["Moscow и Paris 2026", "moscow-и-paris-2026"],
    // NFD input comes out NFC: "й" as и + combining breve is the one letter й.
    ["Бийск".normalize("NFD"), "бийск"],
    // A right-to-left override cannot reverse what the address shows.
    ["evil\u202Etxt.exe", "eviltxt-exe"],
    ["\u2067مرحبا\u2069 world", "مرحبا-world"],
    ["🔥🔥🔥", ""],
    ["?!… — !!", ""],
  ])("%s → %s", (input, expected) => {
    expect(slugify(input)).toBe(expected);
    if (expected !== "") expect(isValidSlug(expected)).toBe(true);
  });

  test("cuts long titles at a word boundary, counting characters", () => {
    const slug = slugify("слово ".repeat(40), "unicode", 30);
    expect([...slug].length).toBeLessThanOrEqual(30);
    expect(slug.endsWith("-")).toBe(false);
  });
});

describe("slugify, ASCII style", () => {
  test.each([
    ["Путин и Макрон поговорили по телефону", "putin-i-makron-pogovorili-po-telefonu"],
    ["Café déjà vu", "cafe-deja-vu"],
    ["Straße über Łódź", "strasse-uber-lodz"],
    ["Ελλάδα", "ellada"],
    ["🔥", ""],
  ])("%s → %s", (input, expected) => {
    expect(slugify(input, "ascii")).toBe(expected);
  });
});

test.each([
  ["good-slug-1", true],
  ["путин-и-макрон", true],
  ["日本", true],
  ["Bad", false],
  ["Путин", false],
  ["double--dash", false],
  ["-lead", false],
  ["with space", false],
  ["", false],
  ["й".normalize("NFD"), false],
])("isValidSlug(%s) is %s", (slug, valid) => {
  expect(isValidSlug(slug)).toBe(valid);
});

test("decodeSlug reads WordPress's percent-encoded slugs and leaves malformed ones", () => {
  expect(decodeSlug("%d0%bf%d1%83%d1%82%d0%b8%d0%bd")).toBe("путин");
  expect(decodeSlug("100%-sure")).toBe("100%-sure");
});

test("archive paths are percent-encoded", () => {
  expect(archivePath("tag", "россия")).toBe("/tag/%D1%80%D0%BE%D1%81%D1%81%D0%B8%D1%8F/");
  expect(archivePath("category", "world")).toBe("/category/world/");
});

test("uniqueSlug appends the first free number", async () => {
  const taken = new Set(["storm", "storm-2"]);
  expect(await uniqueSlug("storm", async (s) => taken.has(s))).toBe("storm-3");
  expect(await uniqueSlug("", async () => false)).toBe("untitled");
});

test("firstFreeSlug keeps room for a suffix without splitting a letter", () => {
  expect(firstFreeSlug("россия", ["россия"])).toBe("россия-2");
  expect([...firstFreeSlug("я".repeat(150), [], 100)].length).toBe(92);
});
