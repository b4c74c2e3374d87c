import { describe, expect, test } from "vitest";
import { extractTermFeatures, foldDiacritics, normalizeWord, stemWord } from "./text-features.js";

test.each([
  ["strikes", "strik"],
  ["striking", "strik"],
  ["strike", "strik"],
  ["cities", "city"],
  ["stopped", "stop"],
  ["running", "run"],
  ["announced", "announc"],
  ["announces", "announc"],
  ["status", "status"],
  ["analysis", "analysis"],
  ["bus", "bus"],
])("stemWord(%s) is %s", (word, stem) => {
  expect(stemWord(word)).toBe(stem);
});

test.each([
  ["Łódź", "lodz"],
  ["Café", "cafe"],
  ["Straße", "strasse"],
  ["Ærø", "aero"],
])("foldDiacritics(%s) lower-cased is %s", (text, folded) => {
  expect(foldDiacritics(text.toLowerCase())).toBe(folded);
});

test.each([
  ["The", ""],
  ["said", ""],
  ["Tuesday", ""],
  ["Halden's", "halden"],
  ["Münster", "munster"],
  ["x", ""],
])("normalizeWord(%s) is %j", (word, term) => {
  expect(normalizeWord(word)).toBe(term);
});

describe("extractTermFeatures", () => {
  const entities = (title: string, summary: string): string[] =>
    [...extractTermFeatures(title, summary)].filter(([, feature]) => feature.isEntity).map(([term]) => term);

  test("names mid-sentence and multi-word names are entities; sentence-initial capitals are not", () => {
    const found = entities(
      "Quake hits the coast",
      "Rescuers reached Port Halden on foot. Officials said Governor Ilse Marenko flew in.",
    );
    expect(found).toEqual(expect.arrayContaining(["port_halden", "ilse_marenko", "marenko"]));
    expect(found).not.toContain("rescuer");
    expect(found).not.toContain("official");
  });

  test("a Title Case headline does not turn every word into a name", () => {
    const found = entities(
      "Deadly Quake Rattles Coastal Town As Rescuers Dig",
      "Rescue teams worked overnight.",
    );
    expect(found).toEqual([]);
  });

  test("a dropped word breaks a name: no pair across 'of'", () => {
    const found = entities("Talks", "Officials from the Bank of England met Norrvik Bank.");
    expect(found).toContain("norrvik_bank");
    expect(found).not.toContain("bank_england");
  });

  test.each([
    ["3,000 people", "3000", true],
    ["a 6.1 quake", "6.1", true],
    ["at 3:42", "3:42", true],
    ["in 2024", "2024", false],
    ["3 people", "3", false],
  ])("in %j the number %s is distinctive: %s", (summary, term, isEntity) => {
    expect(extractTermFeatures("", `Reported ${summary}.`).get(term)?.isEntity).toBe(isEntity);
  });

  test("title words weigh more than summary words, and repetition is sub-linear", () => {
    const features = extractTermFeatures(
      "Ferry strike",
      "The ferry strike continues; ferry crews stay ashore.",
    );
    const ferry = features.get("ferry")?.weight ?? 0;
    const crew = features.get("crew")?.weight ?? 0;
    expect(ferry).toBeGreaterThan(crew);
    expect(ferry).toBeLessThan(3 * 1.5 * crew);
  });
});
