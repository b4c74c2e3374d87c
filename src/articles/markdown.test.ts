import { describe, expect, test } from "vitest";
import { htmlToText } from "../lib/html-text.js";
import { renderArticleMarkdown, truncateText } from "./markdown.js";

describe("hostile Markdown renders without anything that runs", () => {
  test.each([
    ["<script>alert(1)</script>", /<script/i],
    ['<img src="x" onerror="alert(1)">', /onerror/i],
    ["[click](javascript:alert(1))", /href=["']?javascript:/i],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', /javascript:/i],
    ['<svg onload="alert(1)"><circle/></svg>', /<svg|onload/i],
    ['<iframe src="https://evil.example"></iframe>', /<iframe/i],
    ['<p style="background:url(javascript:alert(1))">x</p>', /style=/i],
    ['<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', /data:/i],
    ['<form action="/x"><input name="a"></form>', /<form|<input/i],
    ["<object data=x></object><embed src=x>", /<object|<embed/i],
    ['<img src="data:image/svg+xml;base64,PHN2Zz4=">', /data:/i],
  ])("%s", (markdown, forbidden) => {
    expect(renderArticleMarkdown(markdown)).not.toMatch(forbidden);
  });
});

test("ordinary Markdown keeps its formatting and marks outside links noopener", () => {
  const html = renderArticleMarkdown("## Heading\n\nSome *emphasis* and [a link](https://example.com).");
  expect(html).toContain("<h2>Heading</h2>");
  expect(html).toContain("<em>emphasis</em>");
  expect(html).toContain('<a href="https://example.com" rel="noopener">a link</a>');
});

test("htmlToText folds markup and entities", () => {
  expect(htmlToText("<p>Fish &amp; chips</p>\n<p>  today</p>")).toBe("Fish & chips today");
});

test("truncateText cuts at a word", () => {
  expect(truncateText("The quick brown fox jumps", 12)).toBe("The quick…");
});
