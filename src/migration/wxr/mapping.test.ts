import { createReadStream } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseWpDate } from "./dates.js";
import {
  classifyWxrItem,
  mapCommentStatus,
  mapPostStatus,
  mapWxrArticle,
  mapWxrAttachment,
  mapWxrAuthor,
  mapWxrCategory,
  mapWxrComment,
  mapWxrTag,
} from "./mapping.js";
import { articlePath, legacyPaths, normalizeRedirectPath, pagePath, redirectRules } from "./permalinks.js";
import { readWxr } from "./reader.js";
import { normalizeSlug, normalizeSlugWithHashFallback } from "./slug.js";
import type { WxrItem, WxrRecord } from "./types.js";

const TESTDATA = join(import.meta.dirname, "..", "testdata");
const SITE_URL = "https://ledger.example.com";

async function classicRecords(): Promise<WxrRecord[]> {
  const records: WxrRecord[] = [];
  for await (const record of readWxr(createReadStream(join(TESTDATA, "classic.xml")))) records.push(record);
  return records;
}

const records = await classicRecords();

function item(wpId: number): WxrItem {
  const found = records.find((record): record is WxrItem => record.kind === "item" && record.wpId === wpId);
  if (!found) throw new Error(`no item ${wpId} in classic.xml`);
  return found;
}

describe("statuses", () => {
  test.each([
    ["publish", false, "published"],
    ["publish", true, "draft"],
    ["future", false, "scheduled"],
    ["future", true, "draft"],
    ["draft", false, "draft"],
    ["pending", false, "draft"],
    ["private", false, "draft"],
    ["auto-draft", false, "draft"],
    ["trash", false, "trashed"],
    ["something-a-plugin-invented", false, "draft"],
  ] as const)("WordPress %s (password-protected: %s) → %s", (wpStatus, isProtected, expected) => {
    expect(mapPostStatus(wpStatus, isProtected)).toBe(expected);
  });

  test.each([
    ["1", "approved"],
    ["0", "pending"],
    ["spam", "spam"],
    ["trash", "trash"],
    ["post-trashed", "trash"],
    ["", "pending"],
  ])("comment_approved %j → %s", (approved, expected) => {
    expect(mapCommentStatus(approved)).toBe(expected);
  });

  test.each([
    [{ postType: "post", status: "publish" }, undefined, "article"],
    [{ postType: "page", status: "draft" }, undefined, "page"],
    [{ postType: "attachment", status: "inherit" }, undefined, "attachment"],
    [{ postType: "story", status: "publish" }, ["post", "story"], "article"],
    [{ postType: "story", status: "publish" }, undefined, "skip"],
    [{ postType: "nav_menu_item", status: "publish" }, undefined, "skip"],
    [{ postType: "revision", status: "inherit" }, undefined, "skip"],
    [{ postType: "post", status: "auto-draft" }, undefined, "skip"],
  ])("%j with article types %j is imported as %s", (fields, articleTypes, expected) => {
    expect(classifyWxrItem(fields, articleTypes).kind).toBe(expected);
  });
});

describe("slugs", () => {
  test.each([
    ["Hello World", "hello-world"],
    ["café-déjà-vu", "cafe-deja-vu"],
    ["caf%c3%a9-d%c3%a9j%c3%a0-vu", "cafe-deja-vu"],
    ["Straße in Łódź", "strasse-in-lodz"],
    ["Øresund Æblegrød", "oresund-aeblegrod"],
    ["It’s a “test”", "its-a-test"],
    ["--a--b--", "a-b"],
    ["UPPER_case 2024!", "upper-case-2024"],
    ["ﬁnance", "finance"],
    ["🔥 hot take", "hot-take"],
    ["%zz broken escape", "zz-broken-escape"],
    ["%e6%97%a5%e6%9c%ac", "日本"],
    ["Ελλάδα", "ελλάδα"],
    ["%d0%bf%d1%83%d1%82%d0%b8%d0%bd-%d0%b8-%d0%bc%d0%b0%d0%ba%d1%80%d0%be%d0%bd", "путин-и-макрон"],
    ["🔥🔥", "post-7"],
    ["", "post-7"],
  ])("%j → %s", (raw, expected) => {
    expect(normalizeSlug(raw, "post-7")).toBe(expected);
  });

  test("long slugs are cut at a hyphen to 200 characters", () => {
    const slug = normalizeSlug(Array(60).fill("word").join(" "), "x");
    expect(slug.length).toBeLessThanOrEqual(200);
    expect(slug).toMatch(/^word(-word)+$/);
  });

  test("a term keeps its non-Latin slug however it is written", () => {
    expect(normalizeSlugWithHashFallback("%d1%80%d0%be%d1%81%d1%81%d0%b8%d1%8f", "tag")).toBe("россия");
    expect(normalizeSlugWithHashFallback("Россия", "tag")).toBe("россия");
  });

  test("a term slug of emoji alone gets the same readable fallback however it is written", () => {
    const fromNicename = normalizeSlugWithHashFallback("%f0%9f%94%a5", "tag");
    expect(fromNicename).toMatch(/^tag-[0-9a-f]{8}$/);
    expect(normalizeSlugWithHashFallback("🔥", "tag")).toBe(fromNicename);
    expect(normalizeSlugWithHashFallback("🌊", "tag")).not.toBe(fromNicename);
  });
});

describe("dates", () => {
  test.each([
    ["2023-05-22 08:30:00", { kind: "valid", iso: "2023-05-22T08:30:00Z" }],
    ["2024-02-29 23:59:59", { kind: "valid", iso: "2024-02-29T23:59:59Z" }],
    ["2023-05-22", { kind: "valid", iso: "2023-05-22T00:00:00Z" }],
    ["0000-00-00 00:00:00", { kind: "zero" }],
    ["", { kind: "zero" }],
    ["2023-02-29 10:00:00", { kind: "invalid" }],
    ["2023-05-22 24:00:00", { kind: "invalid" }],
    ["22/05/2023", { kind: "invalid" }],
  ])("%j", (value, expected) => {
    expect(parseWpDate(value)).toEqual(expected);
  });
});

describe("permalinks and redirects", () => {
  test.each([
    ["/news/caf%C3%A9/", "/news/café"],
    ["/news/caf%c3%a9", "/news/café"],
    ["/?p=123&utm_source=x", "/?p=123"],
    ["/?page_id=0110", "/?page_id=110"],
    ["/search?q=x", "/search"],
    ["//double//slash/", "/double/slash"],
    ["/", "/"],
    ["", "/"],
    ["/x/#comments", "/x"],
    ["/%zz/", "/%zz"],
    ["/a%2Fb/", "/a%2Fb"],
  ])("%j is stored as %j", (path, expected) => {
    expect(normalizeRedirectPath(path)).toBe(expected);
  });

  test("an article's path uses its date in the site's time zone", () => {
    expect(articlePath("storm", "2023-11-02T23:30:00Z")).toBe("/2023/11/02/storm/");
    expect(articlePath("storm", "2023-11-02T23:30:00Z", "Europe/Paris")).toBe("/2023/11/03/storm/");
    expect(pagePath("about-us")).toBe("/about-us/");
  });

  test.each([
    [101, ["/news/council-approves-new-budget", "/?p=101", "/news/council-budget-vote"]],
    [102, ["/news/café-déjà-vu", "/?p=102"]],
    [103, ["/news/日本", "/?p=103"]],
    [105, ["/?p=105"]],
    [110, ["/about-us", "/?page_id=110"]],
    [111, ["/about-us/contact", "/?page_id=111"]],
  ])("item %i was reachable at %j", (wpId, expected) => {
    expect(legacyPaths(item(wpId))).toEqual(expected);
  });

  test("no redirect is made from the new path to itself", () => {
    const paths = ["/2023/05/22/budget", "/?p=101"];
    expect(redirectRules(paths, "/2023/05/22/budget/")).toEqual([
      { fromPath: "/?p=101", toPath: "/2023/05/22/budget/" },
    ]);
  });
});

describe("mapping the classic export", () => {
  test("a published sticky post with terms, featured image and old URLs", () => {
    const article = mapWxrArticle(item(101), { siteUrl: SITE_URL });
    expect(article).toMatchObject({
      wpId: 101,
      isPage: false,
      title: "Council approves new budget",
      slug: "council-approves-new-budget",
      status: "published",
      publishedAt: "2023-05-22T08:30:00Z",
      updatedAt: "2023-05-23T10:00:00Z",
      excerpt: "The council voted 7–2 for the new budget.",
      droppedContent: [],
      authorLogin: "admin",
      categories: [{ slug: "local", name: "Local" }],
      tags: [
        { slug: "budget", name: "Budget" },
        { slug: "city-council", name: "City council" },
      ],
      isSticky: true,
      commentsOpen: true,
      featuredAttachmentWpId: 120,
      legacyPaths: ["/news/council-approves-new-budget", "/?p=101", "/news/council-budget-vote"],
      notes: [],
    });
    expect(article.bodyHtml).toMatch(/^<p>The city council voted/);
  });

  test("accented Latin slugs lose their accents; other scripts are kept as WordPress had them", () => {
    const cafe = mapWxrArticle(item(102));
    expect(cafe).toMatchObject({
      slug: "cafe-deja-vu",
      title: "Café déjà vu & other stories…",
      commentsOpen: false,
    });
    expect(cafe.categories).toEqual([
      { slug: "economie", name: "Économie" },
      { slug: "local", name: "Local" },
    ]);
    expect(cafe.droppedContent).toEqual(['[gallery ids="120,121" columns="2"]']);
    expect(cafe.excerpt).toBe(
      "The café on Main Street reopened. It felt like déjà vu. See [gallery] for how galleries work.",
    );
    const japan = mapWxrArticle(item(103));
    expect(japan.slug).toBe("日本");
    expect(japan.tags).toEqual([{ slug: "日本", name: "日本" }]);
  });

  test.each([
    [104, "draft", "2023-06-08T09:00:00Z", ["private in WordPress: imported as a draft so it stays hidden"]],
    [105, "draft", null, []],
    [106, "scheduled", "2030-05-02T20:00:00Z", []],
    [107, "trashed", "2023-06-09T09:00:00Z", []],
  ])("item %i becomes %s, published at %s", (wpId, status, publishedAt, notes) => {
    const article = mapWxrArticle(item(wpId));
    expect(article).toMatchObject({ status, publishedAt, notes, legacyPaths: [] });
  });

  test("a draft without a slug gets one from its title; a trashed post loses __trashed", () => {
    expect(mapWxrArticle(item(105)).slug).toBe("draft-bridge-repairs");
    expect(mapWxrArticle(item(107)).slug).toBe("old-rumour");
  });

  test("a page is an article with is_page and its old path", () => {
    expect(mapWxrArticle(item(111))).toMatchObject({
      isPage: true,
      slug: "contact",
      status: "published",
      commentsOpen: false,
      legacyPaths: ["/about-us/contact", "/?page_id=111"],
      bodyHtml: '<p>Write to <a href="mailto:desk@ledger.example.com">the desk</a>.</p>',
    });
  });

  test("a password-protected post stays hidden", () => {
    const article = mapWxrArticle({ ...item(101), postPassword: "hunter2" });
    expect(article.status).toBe("draft");
    expect(article.notes).toEqual([
      "password-protected in WordPress: imported as a draft so it stays hidden",
    ]);
    expect(article.legacyPaths).toEqual([]);
  });

  test("a published post whose date had no GMT value says so", () => {
    const article = mapWxrArticle({ ...item(101), postDateSource: "local" });
    expect(article.notes).toEqual(["post date has no GMT value: the site's local time was read as UTC"]);
    const undated = mapWxrArticle({ ...item(106), postDateGmt: null, postDateSource: "missing" });
    expect(undated).toMatchObject({ status: "draft", publishedAt: null });
    expect(undated.notes).toEqual(["no valid post date: imported as a draft instead of scheduled"]);
  });

  test("comments keep thread, status and commenter; pingbacks are marked", () => {
    const comments = item(101).comments.map(mapWxrComment);
    expect(comments.map((c) => [c.wpId, c.parentWpId, c.status, c.isPingback])).toEqual([
      [201, null, "approved", false],
      [202, 201, "approved", false],
      [203, 202, "pending", false],
      [204, null, "spam", false],
      [205, null, "approved", true],
      [206, null, "trash", false],
    ]);
    expect(comments[0]).toEqual({
      wpId: 201,
      parentWpId: null,
      status: "approved",
      isPingback: false,
      authorName: "Rita Reader",
      authorEmail: "rita@example.org",
      authorUrl: "https://rita.example.org",
      authorIp: "203.0.113.7",
      userWpId: null,
      createdAt: "2023-05-22T09:15:00Z",
      body: "Finally, more buses!\n\nWill the route 9 (https://example.org/route-9) change?",
    });
    expect(comments[1].userWpId).toBe(1);
    expect(comments[3].body).toBe("Buy now");
    expect(comments[4]).toMatchObject({
      authorName: "Other Paper » Budget roundup",
      body: "[…] the Ledger reports the council approved the budget […]",
    });
  });

  test("authors, categories, tags and attachments", () => {
    const [admin, jdoe] = records.filter((record) => record.kind === "author").map(mapWxrAuthor);
    expect(admin).toEqual({
      login: "admin",
      name: "Ada Admin",
      slug: "admin",
      email: "ada@ledger.example.com",
      hasPlaceholderEmail: false,
      role: "author",
    });
    expect(jdoe.email).toBe("jane.doe@ledger.example.com");
    const noEmail = mapWxrAuthor({
      kind: "author",
      wpId: 3,
      login: "ghost",
      email: "",
      displayName: "",
      firstName: "",
      lastName: "",
    });
    expect(noEmail).toMatchObject({
      name: "ghost",
      email: "ghost@wordpress-import.invalid",
      hasPlaceholderEmail: true,
    });

    const categories = records.filter((record) => record.kind === "category").map(mapWxrCategory);
    expect(categories.find((c) => c.name === "Économie")).toEqual({
      slug: "economie",
      name: "Économie",
      description: "",
      parentSlug: "world",
    });
    const tags = records.filter((record) => record.kind === "tag").map(mapWxrTag);
    expect(tags.map((tag) => tag.slug)).toEqual([
      "budget",
      "city-council",
      normalizeSlugWithHashFallback("日本", "tag"),
    ]);

    expect(mapWxrAttachment(item(120))).toEqual({
      wpId: 120,
      sourceUrl: "https://ledger.example.com/wp-content/uploads/2023/05/council.jpg",
      fileName: "council.jpg",
      title: "council-chamber",
      alt: "The council chamber",
      caption: "The council chamber on Monday.",
      parentWpId: 101,
      uploadedAt: "2023-05-22T08:00:00Z",
    });
  });
});
