import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { collectRecords, readFixture, TESTDATA } from "../testdata/wxr-records.js";
import { readWxr } from "./reader.js";
import { WxrError, type WxrFailure, type WxrItem, type WxrRecord } from "./types.js";

function items(records: WxrRecord[]): WxrItem[] {
  return records.filter((record): record is WxrItem => record.kind === "item");
}

function item(records: WxrRecord[], wpId: number): WxrItem {
  const found = items(records).find((candidate) => candidate.wpId === wpId);
  if (!found) throw new Error(`no item ${wpId}`);
  return found;
}

/** A minimal WXR document around `channelBody`. */
function wxr(channelBody: string, version = "1.2"): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<rss version="2.0" xmlns:wp="http://wordpress.org/export/${version}/">`,
    "<channel>",
    `<wp:wxr_version>${version}</wp:wxr_version>`,
    channelBody,
    "</channel>",
    "</rss>",
  ].join("\n");
}

async function readError(input: string | Buffer): Promise<WxrError> {
  const error = await collectRecords(Readable.from([Buffer.from(input)])).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof WxrError)) throw new Error(`expected a WxrError, got ${String(error)}`);
  return error;
}

describe("items that cannot be read are reported, not fatal", () => {
  test("failures name the element, the reason and the line, and reading goes on", async () => {
    const records = await readFixture("missing-elements.xml");
    const failures = records.filter((record): record is WxrFailure => record.kind === "failure");
    expect(failures).toEqual([
      { kind: "failure", element: "author", line: 8, reason: "missing <wp:author_login>", label: "Nobody" },
      {
        kind: "failure",
        element: "category",
        line: 9,
        reason: "missing <wp:category_nicename> and <wp:cat_name>",
        label: "",
      },
      { kind: "failure", element: "item", line: 10, reason: "missing <wp:post_id>", label: "No id at all" },
      {
        kind: "failure",
        element: "item",
        line: 16,
        reason: 'invalid <wp:post_id> "abc"',
        label: "Id is not a number",
      },
      { kind: "failure", element: "item", line: 21, reason: "missing <wp:post_type>", label: "No post type" },
    ]);
    expect(items(records).map((i) => i.wpId)).toEqual([4, 5, 6]);
    expect(item(records, 6).issues).toEqual([]);
  });

  test("invalid dates and garbage fields are flagged on the item with their line", async () => {
    const badDates = item(await readFixture("missing-elements.xml"), 4);
    expect(badDates).toMatchObject({
      postDateGmt: "2023-02-28T10:00:00Z",
      postDateSource: "local",
      modifiedDateGmt: null,
      menuOrder: 0,
      status: "draft",
    });
    expect(badDates.issues).toEqual([
      { field: "wp:status", line: 26, message: "missing <wp:status>, read as draft" },
      {
        field: "wp:post_date_gmt",
        line: 31,
        message: '<wp:post_date_gmt> is not a valid date: "2023-02-30 09:00:00"',
      },
      { field: "wp:post_modified", line: 32, message: '<wp:post_modified> is not a valid date: "yesterday"' },
      { field: "wp:menu_order", line: 34, message: '<wp:menu_order> is not an integer: "first"' },
      { field: "wp:comment", line: 35, message: "comment skipped: missing <wp:comment_id>" },
      {
        field: "wp:comment_date_gmt",
        line: 41,
        message: '<wp:comment_date_gmt> is not a valid date: "2023-13-01 00:00:00"',
      },
      {
        field: "wp:comment_approved",
        line: 43,
        message: 'comment 41: unknown <wp:comment_approved> "maybe", held for moderation',
      },
    ]);
    expect(badDates.comments).toEqual([expect.objectContaining({ wpId: 41, approved: "0", dateGmt: null })]);
  });

  test("an item with no date at all says so", async () => {
    const undated = item(await readFixture("missing-elements.xml"), 5);
    expect(undated).toMatchObject({ postDateGmt: null, postDateSource: "missing" });
    expect(undated.issues).toEqual([{ field: "wp:post_date", line: 46, message: "no post date" }]);
  });
});

describe("files that are not readable WXR stop with the line of the problem", () => {
  test.each([
    ["not-xml.txt", /^not an XML file: found "Subject: Re: our WordPre" at line 1, column 1$/, 1],
    [
      "truncated.xml",
      /^WXR file is truncated: it ends at line 184 inside <wp:comment_content> opened at line 184 in the <item> opened at line 83$/,
      184,
    ],
    [
      "wrong-namespace.xml",
      /^not a WordPress export: <wp:wxr_version> at line 15 is in namespace "http:\/\/example\.com\/export\/1\.2\/"/,
      15,
    ],
  ])("%s", async (name, message, line) => {
    const error = await readError(await readFile(join(TESTDATA, name)));
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
  });

  test("records before the truncation are still delivered", async () => {
    const records: WxrRecord[] = [];
    await expect(async () => {
      for await (const record of readWxr(createReadStream(join(TESTDATA, "truncated.xml"))))
        records.push(record);
    }).rejects.toThrow(WxrError);
    expect(records.map((record) => record.kind)).toEqual([
      "site",
      ...Array(2).fill("author"),
      ...Array(5).fill("category"),
      ...Array(3).fill("tag"),
    ]);
  });

  test.each([
    [
      "an unsupported version",
      wxr("").replace("<wp:wxr_version>1.2<", "<wp:wxr_version>1.3<"),
      /^unsupported WXR version "1\.3" at line 4; supported: 1\.0, 1\.1, 1\.2$/,
    ],
    [
      "an unsupported version's namespace",
      wxr("", "2.0"),
      /^unsupported WXR version "2\.0" \(namespace http:\/\/wordpress\.org\/export\/2\.0\/\) at line 4; supported: /,
    ],
    [
      "an RSS feed",
      '<?xml version="1.0"?>\n<rss version="2.0">\n<channel>\n<title>Feed</title>\n<item><title>x</title></item>\n</channel></rss>',
      /^not a WordPress export: no <wp:wxr_version> in the channel before line 5$/,
    ],
    [
      "an HTML page",
      "<!DOCTYPE html>\n<html><body></body></html>",
      /^not a WordPress export: the root element is <html> at line 2, not <rss>$/,
    ],
    ["an empty file", "  \n", /^not an XML file: the file is empty$/],
    [
      "mismatched tags",
      wxr("<item>\n<title>x</titel>\n</item>"),
      /^not well-formed XML at line 6, column \d+: unexpected close tag$/,
    ],
    [
      "an undeclared prefix",
      wxr("<foo:bar/>"),
      /^not well-formed XML at line 5, column \d+: unbound namespace prefix: "foo"$/,
    ],
    [
      "a gzip archive",
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]),
      /^not an XML file: this is a gzip archive; extract/,
    ],
    [
      "a zip archive",
      Buffer.from("PK\u0003\u0004rest", "latin1"),
      /^not an XML file: this is a zip archive; extract/,
    ],
    [
      "an unknown encoding",
      '<?xml version="1.0" encoding="x-klingon"?><rss/>',
      /^unsupported encoding "x-klingon" declared in the XML declaration at line 1$/,
    ],
    [
      "<rss> without a channel",
      '<?xml version="1.0"?>\n<rss version="2.0">\n</rss>\n',
      /^not a WordPress export: no <channel> in <rss> \(line 4\)$/,
    ],
  ])("%s", async (_name, xml, message) => {
    expect((await readError(xml)).message).toMatch(message);
  });
});
