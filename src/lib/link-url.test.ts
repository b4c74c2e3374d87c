import { describe, expect, test } from "vitest";
import { isLinkUrl } from "./link-url.js";

describe("link targets an editor may type", () => {
  test.each([
    "https://example.org/",
    "https://example.org/news?page=2#top",
    "http://example.org",
    "HTTPS://Example.org/Path",
    "https://пример.рф/",
    "/",
    "/about/",
    "/category/local/",
    "/search?q=harbour",
    "/%D0%BE-%D0%BD%D0%B0%D1%81/",
    "mailto:desk@example.org",
    "mailto:desk@example.org?subject=Tip",
  ])("%s is accepted", (url) => {
    expect(isLinkUrl(url)).toBe(true);
  });

  test.each([
    ["javascript:alert(1)"],
    ["JavaScript:alert(1)"],
    [" javascript:alert(1)"],
    ["java\tscript:alert(1)"],
    ["data:text/html,<script>alert(1)</script>"],
    ["vbscript:msgbox(1)"],
    ["file:///etc/passwd"],
    ["ftp://example.org/"],
    ["tel:+441234567"],
    ["//evil.example/"],
    ["/\\evil.example/"],
    ["https:evil.example"],
    ["https://"],
    ["mailto:"],
    ["about/"],
    ["#top"],
    ["?q=1"],
    ["example.org"],
    ["/about us/"],
    ["/news\n"],
    [""],
  ])("%j is refused", (url) => {
    expect(isLinkUrl(url)).toBe(false);
  });
});
