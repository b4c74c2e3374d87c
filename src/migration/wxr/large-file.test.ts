import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { classifyWxrItem, mapWxrArticle, mapWxrComment } from "./mapping.js";
import { readWxr } from "./reader.js";
import { syntheticSiteCounts, syntheticWxrRecords } from "./synthetic.js";
import { writeWxr } from "./writer.js";

const SIZE = { posts: 500, comments: 2500 };

let directory: string;
let path: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "broadsheet-wxr-"));
  path = join(directory, "generated.xml");
  await writeWxr(createWriteStream(path), syntheticWxrRecords(SIZE));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("a generated export of 500 posts and 2,500 comments", () => {
  test("reads back with every author, term, item and comment, and no problems", async () => {
    const expected = syntheticSiteCounts(SIZE);
    const tally = {
      site: 0,
      author: 0,
      category: 0,
      tag: 0,
      failure: 0,
      posts: 0,
      attachments: 0,
      comments: 0,
      issues: 0,
    };
    let lastProgress = 0;
    for await (const record of readWxr(createReadStream(path), {
      onProgress: (bytes) => (lastProgress = bytes),
    })) {
      if (record.kind !== "item") {
        tally[record.kind] += 1;
        continue;
      }
      tally.issues += record.issues.length;
      tally.comments += record.comments.length;
      if (record.postType === "attachment") tally.attachments += 1;
      else tally.posts += 1;
    }
    expect(tally).toEqual({
      site: 1,
      author: expected.authors,
      category: expected.categories,
      tag: expected.tags,
      failure: 0,
      posts: 500,
      attachments: expected.attachments,
      comments: 2500,
      issues: 0,
    });
    expect(lastProgress).toBe((await stat(path)).size);
  });

  test("every post maps to an article with a body, and every comment maps", async () => {
    const statuses = new Map<string, number>();
    let pingbacks = 0;
    for await (const record of readWxr(createReadStream(path))) {
      if (record.kind !== "item" || classifyWxrItem(record).kind !== "article") continue;
      const article = mapWxrArticle(record);
      expect(article.bodyHtml).toMatch(/^<(p|h2)>/);
      expect(article.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      statuses.set(article.status, (statuses.get(article.status) ?? 0) + 1);
      for (const comment of record.comments.map(mapWxrComment)) if (comment.isPingback) pingbacks += 1;
    }
    // 10 drafts (every 50th) and 7 private posts are drafts; every 97th is scheduled.
    expect(Object.fromEntries(statuses)).toEqual({ published: 478, draft: 17, scheduled: 5 });
    expect(pingbacks).toBe(Math.floor(2500 / 31));
  });
});
