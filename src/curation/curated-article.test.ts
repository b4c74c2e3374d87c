import { describe, expect, test } from "vitest";
import { renderArticleMarkdown } from "../articles/markdown.js";
import {
  attributionMarkdown,
  buildCuratedBody,
  escapeMarkdown,
  plainTextToMarkdown,
} from "./curated-article.js";

describe("curated article bodies", () => {
  test.each([
    ["plain words stay as they are", "Floods in Veltmoor", "Floods in Veltmoor"],
    ["emphasis markers are literal", "a *very* _big_ deal", "a \\*very\\* \\_big\\_ deal"],
    ["HTML is shown, not run", "<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"],
    ["a leading number is not a list", "2024. A year of floods", "2024\\. A year of floods"],
    ["a leading hash is not a heading", "# 1 story", "\\# 1 story"],
    ["entities stay literal", "AT&amp;T", "AT\\&amp;T"],
  ])("%s", (_name, text, expected) => {
    expect(escapeMarkdown(text)).toBe(expected);
  });

  test.each([
    "<img src=x onerror=alert(1)> *bold* [link](javascript:alert(2)) &copy; 1. item",
    "# Heading\n\n- list\n> quote",
  ])("the outlet's text renders exactly as written: %s", (text) => {
    const html = renderArticleMarkdown(plainTextToMarkdown(text));
    const shown = html
      .replace(/<\/?p>/g, "")
      .replace(/\n/g, " ")
      .trim();
    const decoded = shown
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&");
    expect(decoded.replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " "));
    expect(html).not.toMatch(/<(img|a|h1|ul|blockquote|strong)\b/);
  });

  test("the attribution links the first outlet and names the others", () => {
    expect(
      attributionMarkdown([
        { name: "The Harbour Gazette", url: "https://gazette.example/a" },
        { name: "Northern [Ledger]", url: "https://ledger.example/b (1)" },
        { name: "Valley Courier", url: "https://courier.example/c" },
      ]),
    ).toBe(
      "*Originally reported by [The Harbour Gazette](https://gazette.example/a). Also reported by [Northern \\[Ledger\\]](https://ledger.example/b%20%281%29) and [Valley Courier](https://courier.example/c).*",
    );
  });

  test("licensed full text stays one HTML block, however many blank lines it has", () => {
    const body = buildCuratedBody({
      summaryText: "unused",
      fullTextHtml: "<p>First *not emphasis*</p>\n\n\n<p>Second</p>",
      reports: [{ name: "Gazette", url: "https://gazette.example/a" }],
    });
    const html = renderArticleMarkdown(body);
    expect(html).toContain("<p>First *not emphasis*</p>");
    expect(html).toContain("<p>Second</p>");
    expect(html).toContain('<a href="https://gazette.example/a"');
  });
});
