import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { discoverFeedUrls, looksLikeHtmlPage } from "./discover-feeds.js";

test("finds RSS, Atom and JSON feeds in page order, resolved against <base>, without duplicates", () => {
  const html = readFileSync(new URL("./testdata/html-page.html", import.meta.url), "utf8");
  expect(discoverFeedUrls(html, "https://elsewhere.example/page")).toEqual([
    { url: "https://meridianpost.example/feed/", type: "application/rss+xml", title: "Meridian Post » Feed" },
    { url: "https://meridianpost.example/feed/atom/", type: "application/atom+xml", title: "Atom" },
    { url: "https://meridianpost.example/feed/json/", type: "application/feed+json", title: "JSON Feed" },
  ]);
});

test.each([
  [
    '<link rel="alternate" type="application/rss+xml" href="/rss?a=1&amp;b=2">',
    ["https://site.example/rss?a=1&b=2"],
  ],
  [
    '<LINK REL="Alternate" TYPE="application/atom+xml" HREF=feed.atom>',
    ["https://site.example/blog/feed.atom"],
  ],
  ['<link rel="alternate stylesheet" type="text/css" href="/x.css">', []],
  ['<link rel="alternate" type="application/json" href="/api/data.json">', []],
  [
    '<link rel="alternate" type="application/json" title="JSON Feed" href="/feed.json">',
    ["https://site.example/feed.json"],
  ],
  ['<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">', []],
  ["<p>no feeds here</p>", []],
])("%s → %j", (html, urls) => {
  expect(discoverFeedUrls(html, "https://site.example/blog/").map((feed) => feed.url)).toEqual(urls);
});

test.each([
  ["<!DOCTYPE html><html><body></body></html>", true],
  ["\n  <html lang=en>", true],
  ['<?xml version="1.0"?>\n<!-- generated --><!DOCTYPE html><html>', true],
  ['<?xml version="1.0"?><rss version="2.0"></rss>', false],
  ['{"version": "https://jsonfeed.org/version/1.1"}', false],
])("looksLikeHtmlPage(%s) is %s", (text, expected) => {
  expect(looksLikeHtmlPage(text)).toBe(expected);
});
