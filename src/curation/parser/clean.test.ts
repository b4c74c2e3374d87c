import { describe, expect, test } from "vitest";
import { htmlToText } from "../../lib/html-text.js";
import { canonicalizeUrl, itemDedupKey, sanitizeItemHtml, urlDedupKey } from "./clean.js";

const BASE = "https://site.example/news/story.html";

describe("sanitizeItemHtml", () => {
  test.each([
    ["<p>Hello <b>world</b></p>", "<p>Hello <b>world</b></p>"],
    ["<script>alert(1)</script><p>after</p>", "<p>after</p>"],
    ["<style>p{}</style><p>x</p>", "<p>x</p>"],
    ['<p onclick="x()" style="color:red" class="c" id="i">x</p>', "<p>x</p>"],
    ['<a href="javascript:alert(1)">x</a>', '<a rel="nofollow noopener">x</a>'],
    ['<a href="JAVASCRIPT:alert(1)">x</a>', '<a rel="nofollow noopener">x</a>'],
    [
      '<a href="/about" target="_blank" rel="opener">x</a>',
      '<a href="https://site.example/about" rel="nofollow noopener">x</a>',
    ],
    [
      '<a href="mailto:desk@site.example">mail</a>',
      '<a href="mailto:desk@site.example" rel="nofollow noopener">mail</a>',
    ],
    ['<a href="#top">top</a>', '<a href="#top" rel="nofollow noopener">top</a>'],
    ['<img src="data:image/png;base64,AAAA">', ""],
    ['<img src="pic.jpg" onerror="x()">', '<img src="https://site.example/news/pic.jpg" />'],
    ['<img src="//cdn.example/pic.jpg">', '<img src="https://cdn.example/pic.jpg" />'],
    ['<img src="https://t.example/p.gif" width="1" height="1">', ""],
    ['<iframe src="https://video.example/"></iframe><p>x</p>', "<p>x</p>"],
    ['<object data="x.swf"></object><embed src="x.swf">', ""],
    ['<form action="/x"><input name="q"><button>Go</button></form>', "Go"],
    ['<svg onload="x()"><circle/></svg>ok', "ok"],
    ['<blockquote cite="/src">q</blockquote>', '<blockquote cite="https://site.example/src">q</blockquote>'],
    [
      '<img src="a.jpg" srcset="a.jpg 1x, /b.jpg 2x">',
      '<img src="https://site.example/news/a.jpg" srcset="https://site.example/news/a.jpg 1x, https://site.example/b.jpg 2x" />',
    ],
    [
      '<table><tr><td colspan="2">cell</td></tr></table>',
      '<table><tr><td colspan="2">cell</td></tr></table>',
    ],
  ])("%s → %s", (input, expected) => {
    expect(sanitizeItemHtml(input, BASE)).toBe(expected);
  });
});

test.each([
  ["<p>One</p><p>Two</p>", "One Two"],
  ["Tom &amp; Jerry &lt;3 &hellip; &#8217;s", "Tom & Jerry <3 … ’s"],
  ["<b>bold</b><script>alert(1)</script> text", "bold text"],
  ["line<br>break", "line break"],
  ["  lots   of\n\n space ", "lots of space"],
  ["a &lt;b&gt; c", "a <b> c"],
  ["AT&T", "AT&T"],
])("htmlToText(%s) is %s", (html, text) => {
  expect(htmlToText(html)).toBe(text);
});

describe("canonicalizeUrl", () => {
  test.each([
    [
      "https://News.Example.COM:443/a?utm_source=rss&utm_medium=feed&id=7#comments",
      "https://news.example.com/a?id=7",
    ],
    ["http://example.com:80/a/?fbclid=abc", "http://example.com/a/"],
    ["https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&_hsenc=x&page=2", "https://example.com/a?page=2"],
    ["https://example.com:8443/a", "https://example.com:8443/a"],
    ["/relative/path?UTM_CAMPAIGN=x", "https://site.example/relative/path"],
    ["ftp://example.com/file", undefined],
    ["javascript:alert(1)", undefined],
  ])("%s → %s", (url, expected) => {
    expect(canonicalizeUrl(url, BASE)).toBe(expected);
  });

  test.each([
    ["http://www.example.com/story/?b=2&a=1&utm_source=x", "https://example.com/story?a=1&b=2"],
    ["https://EXAMPLE.com/story#top", "http://example.com/story/"],
  ])("%s and %s share a dedup key", (left, right) => {
    expect(urlDedupKey(left)).toBe(urlDedupKey(right));
  });

  test("different pages keep different dedup keys", () => {
    expect(urlDedupKey("https://example.com/story?id=1")).not.toBe(
      urlDedupKey("https://example.com/story?id=2"),
    );
    expect(urlDedupKey("https://example.com/a")).toBe("//example.com/a");
  });
});

test.each([
  [{ guid: "abc-123", url: "https://example.com/a" }, "guid:abc-123"],
  [{ guid: "http://example.com/?p=12" }, "guid://example.com?p=12"],
  [{ guid: "https://example.com/?p=12" }, "guid://example.com?p=12"],
  [{ guid: "  ", url: "https://www.example.com/a/?utm_source=x" }, "url://example.com/a"],
  [{ title: "Same", summaryText: "text" }, itemDedupKey({ title: " same ", summaryText: "TEXT" })],
])("itemDedupKey(%j) is %s", (item, key) => {
  expect(itemDedupKey(item)).toBe(key);
});

test("content hashes differ for different content", () => {
  expect(itemDedupKey({ title: "A" })).toMatch(/^hash:[0-9a-f]{32}$/);
  expect(itemDedupKey({ title: "A" })).not.toBe(itemDedupKey({ title: "B" }));
});
