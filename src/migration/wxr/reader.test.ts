import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { collectRecords, readFixture, TESTDATA } from "../testdata/wxr-records.js";
import { readWxr } from "./reader.js";
import type { WxrItem, WxrRecord } from "./types.js";

/** Feeds `bytes` in chunks of `size`, to cross every element and character boundary. */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

function items(records: WxrRecord[]): WxrItem[] {
  return records.filter((record): record is WxrItem => record.kind === "item");
}

function item(records: WxrRecord[], wpId: number): WxrItem {
  const found = items(records).find((candidate) => candidate.wpId === wpId);
  if (!found) throw new Error(`no item ${wpId} among ${items(records).map((i) => i.wpId)}`);
  return found;
}

/** A minimal WXR document around `channelBody`. */
function wxr(channelBody: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">',
    "<channel>",
    "<wp:wxr_version>1.2</wp:wxr_version>",
    channelBody,
    "</channel>",
    "</rss>",
  ].join("\n");
}

describe("reading a classic-editor export", () => {
  test("the site header comes first, then authors, categories and tags in document order", async () => {
    const records = await readFixture("classic.xml");
    expect(records[0]).toEqual({
      kind: "site",
      title: "The Daily Ledger",
      link: "https://ledger.example.com",
      description: "News you can count on",
      language: "en-GB",
      wxrVersion: "1.2",
      baseSiteUrl: "https://ledger.example.com",
      baseBlogUrl: "https://ledger.example.com",
    });
    expect(records.slice(1, 3)).toEqual([
      {
        kind: "author",
        wpId: 1,
        login: "admin",
        email: "ada@ledger.example.com",
        displayName: "Ada Admin",
        firstName: "Ada",
        lastName: "Admin",
      },
      expect.objectContaining({ kind: "author", login: "jdoe", displayName: "Jane Doe" }),
    ]);
    const categories = records.filter((record) => record.kind === "category");
    expect(categories.map((c) => [c.slug, c.parentSlug])).toEqual([
      ["news", null],
      ["local", "news"],
      ["world", "news"],
      ["économie", "world"],
      ["uncategorized", null],
    ]);
    expect(categories[0]).toMatchObject({ wpId: 2, name: "News", description: "Everything that happened" });
    const tags = records.filter((record) => record.kind === "tag");
    expect(tags.map((t) => [t.slug, t.name])).toEqual([
      ["budget", "Budget"],
      ["city-council", "City council"],
      ["日本", "日本"],
    ]);
    expect(records.map((record) => record.kind).lastIndexOf("tag")).toBeLessThan(
      records.findIndex((record) => record.kind === "item"),
    );
  });

  test("every item is read, with the line its <item> opened on", async () => {
    const records = await readFixture("classic.xml");
    expect(items(records).map((i) => [i.wpId, i.postType, i.status, i.line])).toEqual([
      [101, "post", "publish", 83],
      [102, "post", "publish", 233],
      [103, "post", "publish", 263],
      [104, "post", "private", 287],
      [105, "post", "draft", 310],
      [106, "post", "future", 332],
      [107, "post", "trash", 355],
      [110, "page", "publish", 391],
      [111, "page", "publish", 419],
      [120, "attachment", "inherit", 441],
      [130, "nav_menu_item", "publish", 476],
    ]);
    expect(records.some((record) => record.kind === "failure")).toBe(false);
    expect(items(records).flatMap((i) => i.issues)).toEqual([]);
  });

  test("a post keeps its fields, terms, featured image and old slug", async () => {
    const post = item(await readFixture("classic.xml"), 101);
    expect(post).toMatchObject({
      title: "Council approves new budget",
      link: "https://ledger.example.com/news/council-approves-new-budget/",
      guid: "https://ledger.example.com/?p=101",
      creatorLogin: "admin",
      excerptHtml: "The council voted 7–2 for the <strong>new budget</strong>.",
      postDateGmt: "2023-05-22T08:30:00Z",
      postDateSource: "gmt",
      modifiedDateGmt: "2023-05-23T10:00:00Z",
      postName: "council-approves-new-budget",
      isSticky: true,
      commentStatus: "open",
      pingStatus: "open",
      postPassword: "",
      parentId: 0,
      menuOrder: 0,
      attachmentUrl: "",
      oldSlugs: ["council-budget-vote"],
    });
    expect(post.contentHtml).toMatch(/^The city council voted 7–2/);
    expect(post.contentHtml).toContain('[caption id="attachment_120"');
    expect(post.contentHtml).toContain("surplus = total - spend</pre>");
    // post_format is not a category or tag; _edit_last is noise.
    expect(post.categories).toEqual([
      { domain: "category", slug: "local", name: "Local" },
      { domain: "post_tag", slug: "budget", name: "Budget" },
      { domain: "post_tag", slug: "city-council", name: "City council" },
    ]);
    expect(post.postmeta).toEqual({ _thumbnail_id: "120" });
  });

  test("threaded comments keep their parent, moderation state, type and commenter details", async () => {
    const post = item(await readFixture("classic.xml"), 101);
    expect(post.comments.map((c) => [c.wpId, c.parentId, c.approved, c.type])).toEqual([
      [201, 0, "1", "comment"],
      [202, 201, "1", "comment"],
      [203, 202, "0", "comment"],
      [204, 0, "spam", "comment"],
      [205, 0, "1", "pingback"],
      [206, 0, "trash", ""],
    ]);
    expect(post.comments[0]).toEqual({
      wpId: 201,
      authorName: "Rita Reader",
      authorEmail: "rita@example.org",
      authorUrl: "https://rita.example.org",
      authorIp: "203.0.113.7",
      dateGmt: "2023-05-22T09:15:00Z",
      content: 'Finally, more buses!\n\nWill the <a href="https://example.org/route-9">route 9</a> change?',
      approved: "1",
      type: "comment",
      parentId: 0,
      userId: 0,
    });
    expect(post.comments[1].userId).toBe(1);
    expect(item(await readFixture("classic.xml"), 107).comments[0].approved).toBe("post-trashed");
  });

  test("non-ASCII slugs are percent-decoded and entity-laden titles decoded", async () => {
    const records = await readFixture("classic.xml");
    expect(item(records, 102)).toMatchObject({
      postName: "café-déjà-vu",
      title: "Café déjà vu & other stories…",
      link: "https://ledger.example.com/news/caf%c3%a9-d%c3%a9j%c3%a0-vu/",
    });
    expect(item(records, 102).categories[0]).toEqual({
      domain: "category",
      slug: "économie",
      name: "Économie",
    });
    expect(item(records, 103)).toMatchObject({ postName: "日本", title: "日本の選挙" });
  });

  test("a draft without a GMT date falls back to its local date, flagged", async () => {
    const draft = item(await readFixture("classic.xml"), 105);
    expect(draft).toMatchObject({
      postDateGmt: "2023-06-08T13:00:00Z",
      postDateSource: "local",
      postName: "",
    });
    expect(draft.issues).toEqual([]);
  });

  test("pages and attachments keep hierarchy, order, template and file", async () => {
    const records = await readFixture("classic.xml");
    expect(item(records, 110)).toMatchObject({ menuOrder: 1, postmeta: { _wp_page_template: "default" } });
    expect(item(records, 111)).toMatchObject({ parentId: 110, menuOrder: 2 });
    expect(item(records, 120)).toMatchObject({
      parentId: 101,
      attachmentUrl: "https://ledger.example.com/wp-content/uploads/2023/05/council.jpg",
      excerptHtml: "The council chamber on Monday.",
      postmeta: { _wp_attached_file: "2023/05/council.jpg", _wp_attachment_image_alt: "The council chamber" },
    });
  });
});

describe("reading other exports", () => {
  test("block-editor content is passed through untouched", async () => {
    const post = item(await readFixture("blocks.xml"), 301);
    expect(post.contentHtml).toMatch(/^<!-- wp:paragraph -->\n<p>Storm Ciarán/);
    expect(post.contentHtml).toContain('<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc123"');
    expect(post.contentHtml).toMatch(/<!-- \/wp:paragraph -->$/);
  });

  test("an ISO-8859-1 file is decoded as windows-1252, as browsers do", async () => {
    const records = await readFixture("latin1.xml");
    expect(records[0]).toMatchObject({ title: "Le Journal de Montréal", description: "Nouvelles fraîches" });
    expect(records[1]).toMatchObject({ kind: "author", login: "françois", displayName: "François Bélanger" });
    expect(item(records, 9)).toMatchObject({
      title: "Été à Québec",
      contentHtml: "L’été est arrivé – enfin.",
    });
  });

  test("UTF-8 and UTF-16 files with a byte order mark are read", async () => {
    const xml = wxr(
      "<item><title>Ünïcode ✓</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item>",
    );
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(xml.replace("UTF-8", "UTF-16"), "utf16le"),
    ]);
    for (const bytes of [utf8, utf16]) {
      expect(item(await collectRecords(chunked(bytes, 5)), 1).title).toBe("Ünïcode ✓");
    }
  });

  test("control characters WordPress let into content do not break the file", async () => {
    const records = await collectRecords(
      Readable.from([
        wxr(
          "<item><title>Bell\u0007</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item>",
        ),
      ]),
    );
    expect(item(records, 1).title).toBe("Bell");
  });

  test.each([1, 7, 4096])("chunks of %i bytes give the same records", async (size) => {
    const bytes = await readFile(join(TESTDATA, "classic.xml"));
    expect(await collectRecords(chunked(bytes, size))).toEqual(await readFixture("classic.xml"));
  });

  test("progress reports the bytes read, up to the file size", async () => {
    const path = join(TESTDATA, "classic.xml");
    const reports: number[] = [];
    const stream = createReadStream(path, { highWaterMark: 1024 });
    for await (const _record of readWxr(stream, { onProgress: (bytes) => reports.push(bytes) })) {
      // Records are not needed here.
    }
    expect(reports.length).toBeGreaterThan(10);
    expect(reports).toEqual([...reports].sort((a, b) => a - b));
    expect(reports.at(-1)).toBe((await stat(path)).size);
  });

  test("a consumer that stops early releases the file", async () => {
    const stream = createReadStream(join(TESTDATA, "classic.xml"), { highWaterMark: 256 });
    for await (const record of readWxr(stream)) {
      if (record.kind === "item") break;
    }
    expect(stream.destroyed).toBe(true);
  });
});
