import { createReadStream } from "node:fs";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, test } from "vitest";
import { collectRecords, TESTDATA } from "../testdata/wxr-records.js";
import type { WxrPost, WxrRecord, WxrWritableRecord } from "./types.js";
import { blankWxrItem, writeWxr } from "./writer.js";

async function writeToString(
  records: Iterable<WxrWritableRecord> | AsyncIterable<WxrWritableRecord>,
  timeZone?: string,
) {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (chunk: Buffer) => chunks.push(chunk));
  await writeWxr(output, records, { timeZone });
  return Buffer.concat(chunks).toString("utf8");
}

/** What survives a round trip: everything but where an item sat in its file. */
function withoutLines(records: WxrRecord[]): unknown[] {
  return records.map((record) => {
    if (record.kind !== "item") return record;
    const { line: _line, ...rest } = record;
    return rest;
  });
}

const SITE: WxrWritableRecord = {
  kind: "site",
  title: "Tom & Jerry's <Daily>",
  link: "https://example.com",
  description: "",
  language: "en",
  wxrVersion: "1.2",
  baseSiteUrl: "https://example.com",
  baseBlogUrl: "https://example.com",
};

function post(overrides: Partial<WxrPost>): WxrPost & { kind: "item" } {
  return {
    ...blankWxrItem(),
    wpId: 1,
    postType: "post",
    title: "A post",
    link: "https://example.com/?p=1",
    guid: "https://example.com/?p=1",
    creatorLogin: "admin",
    postDateGmt: "2024-01-02T03:04:05Z",
    postDateSource: "gmt",
    postName: "a-post",
    status: "publish",
    commentStatus: "open",
    ...overrides,
  };
}

describe("writing WXR", () => {
  test("the classic fixture survives a write and a read unchanged", async () => {
    const original = await collectRecords(createReadStream(join(TESTDATA, "classic.xml")));
    const written = await writeToString(original.filter((record) => record.kind !== "failure"));
    expect(XMLValidator.validate(written)).toBe(true);
    expect(withoutLines(await collectRecords(Readable.from([written])))).toEqual(withoutLines(original));
  });

  test("the block-editor fixture survives a write and a read unchanged", async () => {
    const original = await collectRecords(createReadStream(join(TESTDATA, "blocks.xml")));
    const written = await writeToString(original.filter((record) => record.kind !== "failure"));
    expect(withoutLines(await collectRecords(Readable.from([written])))).toEqual(withoutLines(original));
  });

  test("text that would break XML or CDATA is escaped, and round-trips", async () => {
    const hostile = post({
      title: "]]> & <title> ]]]]> 🙂 עברית",
      contentHtml: "<p>Nested <![CDATA[ x ]]> and </content:encoded></item></channel> and ]]>]]></p>",
      excerptHtml: "a]]>b",
      postName: 'quote"d',
      categories: [{ domain: "category", slug: 'a"b&<c>', name: "]]>" }],
      postmeta: { _thumbnail_id: "]]>" },
      oldSlugs: ["before"],
      comments: [
        {
          wpId: 9,
          authorName: "<script>",
          authorEmail: "a&b@example.com",
          authorUrl: 'https://example.com/?a=1&b="2"',
          authorIp: "::1",
          dateGmt: "2024-01-02T05:00:00Z",
          content: "]]>",
          approved: "spam",
          type: "",
          parentId: 0,
          userId: 0,
        },
      ],
    });
    const written = await writeToString([SITE, hostile]);
    expect(XMLValidator.validate(written)).toBe(true);
    const [site, item] = await collectRecords(Readable.from([written]));
    expect(site).toEqual(SITE);
    const {
      line: _line,
      issues,
      ...rest
    } = item as WxrPost & { kind: "item"; line: number; issues: unknown[] };
    expect(issues).toEqual([]);
    expect(rest).toEqual(hostile);
  });

  test("characters XML forbids are dropped rather than producing an unreadable file", async () => {
    const written = await writeToString([
      SITE,
      post({ title: "bell\u0007 and form\u000cfeed", contentHtml: "nul\u0000" }),
    ]);
    expect(XMLValidator.validate(written)).toBe(true);
    const item = (await collectRecords(Readable.from([written])))[1];
    expect(item).toMatchObject({ title: "bell and formfeed", contentHtml: "nul" });
  });

  test("the file has WordPress's header, namespaces and element layout", async () => {
    const written = await writeToString([
      SITE,
      {
        kind: "author",
        wpId: 1,
        login: "admin",
        email: "a@example.com",
        displayName: "A",
        firstName: "",
        lastName: "",
      },
      { kind: "category", wpId: 2, slug: "news", name: "News", parentSlug: null, description: "" },
      { kind: "tag", wpId: null, slug: "x", name: "X", description: "" },
      post({ postDateSource: "local", postDateGmt: "2024-01-02T03:04:05Z" }),
    ]);
    expect(written).toMatch(/^<\?xml version="1\.0" encoding="UTF-8" \?>\n/);
    for (const namespace of [
      'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"',
      'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
      'xmlns:wfw="http://wellformedweb.org/CommentAPI/"',
      'xmlns:dc="http://purl.org/dc/elements/1.1/"',
      'xmlns:wp="http://wordpress.org/export/1.2/"',
    ]) {
      expect(written).toContain(namespace);
    }
    expect(written).toContain("<wp:wxr_version>1.2</wp:wxr_version>");
    expect(written).toContain("<title>Tom &amp; Jerry's &lt;Daily&gt;</title>");
    expect(written).toContain(
      "<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login>",
    );
    // A draft's floating date: local date kept, GMT left unset as WordPress does.
    expect(written).toContain("<wp:post_date><![CDATA[2024-01-02 03:04:05]]></wp:post_date>");
    expect(written).toContain("<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>");
    expect(written).toContain("<pubDate>Tue, 02 Jan 2024 03:04:05 +0000</pubDate>");
    expect(written).toMatch(/<\/item>\n<\/channel>\n<\/rss>\n$/);
  });

  test("local dates are written in the site's time zone, GMT dates in UTC", async () => {
    const written = await writeToString(
      [SITE, post({ postDateGmt: "2024-07-01T22:30:00Z" })],
      "Europe/Paris",
    );
    expect(written).toContain("<wp:post_date><![CDATA[2024-07-02 00:30:00]]></wp:post_date>");
    expect(written).toContain("<wp:post_date_gmt><![CDATA[2024-07-01 22:30:00]]></wp:post_date_gmt>");
  });

  test("a slow output is waited for, not buffered without bound", async () => {
    const received: string[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString("utf8"));
        setImmediate(callback);
      },
    });
    let drains = 0;
    slow.on("drain", () => {
      drains += 1;
    });
    const posts = Array.from({ length: 200 }, (_, index) =>
      post({ wpId: index + 1, contentHtml: "x".repeat(2000) }),
    );
    await writeWxr(slow, [SITE, ...posts]);
    expect(drains).toBeGreaterThan(0);
    expect(slow.writableLength).toBe(0);
    expect((await collectRecords(Readable.from([received.join("")]))).length).toBe(201);
  });

  test("the site record must come first, once", async () => {
    await expect(writeWxr(new PassThrough(), [post({})])).rejects.toThrow(
      "the first record must be the site, not item",
    );
    await expect(writeWxr(new PassThrough(), [SITE, SITE])).rejects.toThrow("only one site record");
    await expect(writeWxr(new PassThrough(), [])).rejects.toThrow("no site record");
  });
});
