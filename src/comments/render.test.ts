import { describe, expect, test } from "vitest";
import { countLinks, initialsOf, renderCommentMarkdown } from "./render.js";

describe("renderCommentMarkdown", () => {
  test.each([
    ["emphasis", "*soft* and **loud**", "<p><em>soft</em> and <strong>loud</strong></p>"],
    [
      "a link gets ugc nofollow noopener",
      "[site](https://example.org)",
      '<p><a href="https://example.org" rel="ugc nofollow noopener">site</a></p>',
    ],
    [
      "a bare URL becomes a link",
      "see https://example.org",
      '<p>see <a href="https://example.org" rel="ugc nofollow noopener">https://example.org</a></p>',
    ],
    ["a quote", "> they said", "<blockquote>\n<p>they said</p>\n</blockquote>"],
    ["inline code", "use `npm start`", "<p>use <code>npm start</code></p>"],
    [
      "raw HTML shows as text",
      "<b>bold</b><script>alert(1)</script>",
      "<p>&lt;b&gt;bold&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    ],
    ["a javascript: link stays text", "[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"],
    ["headings and lists are not part of the subset", "# big\n- item", "<p># big<br />\n- item</p>"],
    ["a domain in a sentence is not a link", "I read it on bbc.co.uk", "<p>I read it on bbc.co.uk</p>"],
  ])("%s", (_what, markdown, html) => {
    expect(renderCommentMarkdown(markdown)).toBe(html);
  });

  test("counts the links a reader sees", () => {
    expect(countLinks(renderCommentMarkdown("[a](https://a.example) https://b.example bbc.co.uk"))).toBe(2);
  });
});

describe("initialsOf", () => {
  test.each([
    ["Ada Lovelace", "AL"],
    ["ada", "A"],
    ["Ada Byron Lovelace", "AL"],
    ["émile zola", "ÉZ"],
    ["<script>", "S"],
    ["!!!", "?"],
  ])("%s → %s", (name, initials) => {
    expect(initialsOf(name)).toBe(initials);
  });
});
