import { describe, expect, test } from "vitest";
import { escapeXml } from "../lib/html-escape.js";
import { monthRange, newsLanguage, parseSitemapName, planSitemaps } from "./sitemaps.js";

describe("sitemap planning", () => {
  test("a month over the limit is split into numbered parts, an empty group gets no file", () => {
    const files = planSitemaps(
      [
        { kind: "articles", month: "2026-05", count: 5, lastmod: "2026-05-31T00:00:00Z" },
        { kind: "articles", month: "2026-04", count: 2, lastmod: "2026-04-30T00:00:00Z" },
        { kind: "tags", count: 0, lastmod: null },
      ],
      2,
    );
    expect(files.map((f) => [f.name, f.offset, f.limit])).toEqual([
      ["articles-2026-05", 0, 2],
      ["articles-2026-05-2", 2, 2],
      ["articles-2026-05-3", 4, 1],
      ["articles-2026-04", 0, 2],
    ]);
  });

  test.each([
    ["articles-2026-05", { kind: "articles", month: "2026-05", part: 1 }],
    ["articles-2026-05-2", { kind: "articles", month: "2026-05", part: 2 }],
    ["tags-12", { kind: "tags", month: undefined, part: 12 }],
    ["authors", { kind: "authors", month: undefined, part: 1 }],
    ["articles-2026-13", undefined],
    ["articles-2026-05-1", undefined],
    ["articles-2026-05-0", undefined],
    ["posts", undefined],
    ["../etc/passwd", undefined],
  ])("file name %s reads back as %o", (name, expected) => {
    expect(parseSitemapName(name)).toEqual(expected);
  });

  test("a month range covers the UTC month, December into January", () => {
    expect(monthRange("2025-12")).toEqual({
      from: "2025-12-01T00:00:00.000Z",
      until: "2026-01-01T00:00:00.000Z",
    });
  });

  test.each([
    ["en", "en"],
    ["en-GB", "en"],
    ["zh-CN", "zh-cn"],
    ["zh-TW", "zh-tw"],
    ["pt-BR", "pt"],
  ])("Google News language of %s is %s", (language, expected) => {
    expect(newsLanguage(language)).toBe(expected);
  });

  test("XML escaping covers markup, quotes and characters XML cannot hold", () => {
    expect(escapeXml(`a & <b> "c" 'd' \u0001\uFFFF`)).toBe("a &amp; &lt;b&gt; &quot;c&quot; 'd' ");
  });
});
