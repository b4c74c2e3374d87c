import { describe, expect, test } from "vitest";
import { diffText } from "./text-diff.js";

describe("the revisions screen's diff", () => {
  test.each([
    [
      "identical texts are one shared run",
      "The harbour closed.",
      "The harbour closed.",
      [["same", "The harbour closed."]],
    ],
    ["two empty texts have nothing to show", "", "", []],
    [
      "a changed word is shown removed, then added",
      "The harbour closed at dawn.",
      "The harbour reopened at dawn.",
      [
        ["same", "The harbour "],
        ["removed", "closed"],
        ["added", "reopened"],
        ["same", " at dawn."],
      ],
    ],
    ["a new text is all added", "", "Ferries wait.", [["added", "Ferries wait."]]],
  ])("%s", (_name, older, newer, expected) => {
    expect(diffText(older, newer).map((s) => [s.change, s.text])).toEqual(expected);
  });
});
