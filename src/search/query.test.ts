import { describe, expect, test } from "vitest";
import { foldText, plainTextOfHtml } from "../db/search-text.js";
import { highlightToHtml } from "./highlight.js";
import { parseQuery, toFts5Match, toTsquery } from "./query.js";

describe("the reader's query language", () => {
  test.each([
    ["flood warning", '"flood" AND "warning"', "'flood' & 'warning'"],
    ['"city council" vote', '"city council" AND "vote"', "('city' <-> 'council') & 'vote'"],
    ["election -local", '"election" NOT "local"', "'election' & !'local'"],
    ['storm -"high tide"', '"storm" NOT "high tide"', "'storm' & !('high' <-> 'tide')"],
    ["elect*", '"elect"*', "'elect':*"],
    ["Café CRÈME", '"café" AND "crème"', "'cafe' & 'creme'"],
    ["e-mail scam", '"e mail" AND "scam"', "('e' <-> 'mail') & 'scam'"],
    ["NEAR(a b)", '"near" AND "a" AND "b"', "'near' & 'a' & 'b'"],
    ["title:tea", '"title tea"', "('title' <-> 'tea')"],
    ["'; DROP TABLE x; --", '"drop" AND "table" AND "x"', "'drop' & 'table' & 'x'"],
    ['"unclosed phrase', '"unclosed phrase"', "('unclosed' <-> 'phrase')"],
    ["a*", '"a"', "'a'"],
  ])("%s compiles to FTS5 %s and tsquery %s", (input, fts5, tsquery) => {
    const query = parseQuery(input);
    expect(toFts5Match(query)).toBe(fts5);
    expect(toTsquery(query)).toBe(tsquery);
  });

  test("as-you-type makes only the last bare word a prefix", () => {
    const query = parseQuery("volcanic as", { prefixLastWord: true });
    expect(toFts5Match(query)).toBe('"volcanic" AND "as"*');
    expect(toTsquery(query, { titleOnly: true })).toBe("'volcanic':A & 'as':*A");
    expect(toFts5Match(query, { titleOnly: true })).toBe('{title} : ("volcanic" AND "as"*)');
    expect(toFts5Match(parseQuery('"high tide"', { prefixLastWord: true }))).toBe('"high tide"');
  });

  test.each(["", "   ", "-", "-only -exclusions", '""', "***", "(((", "\u0301"])(
    "%j has nothing to search for",
    (input) => {
      expect(parseQuery(input).required).toEqual([]);
    },
  );

  test("a huge query is cut to a bounded number of terms", () => {
    const query = parseQuery("word ".repeat(5000));
    expect(query.required.length).toBeLessThanOrEqual(12);
  });
});

describe("index text", () => {
  test("folding drops accents and case", () => {
    expect(foldText("Ça Crée Ñandú ZELENSKYY")).toBe("ca cree nandu zelenskyy");
  });

  test("plain text keeps words apart across block tags and decodes entities", () => {
    expect(plainTextOfHtml("<p>One</p><p>two&nbsp;&amp; <em>three</em>&#233;</p><!-- x -->")).toBe(
      "One two & threeé",
    );
  });

  test("highlights become <mark> around escaped text", () => {
    expect(highlightToHtml("a <b> \uE000match\uE001 & \uE000open")).toBe(
      "a &lt;b&gt; <mark>match</mark> &amp; <mark>open</mark>",
    );
  });
});
