/**
 * Generates a large synthetic WordPress export (WXR 1.2) for memory and speed checks of the
 * importer, streaming it to disk so it is never held in memory. With `--read`, reads a file back
 * the way `cli import wordpress` will (reader + content conversion) and prints records per second
 * and peak RSS. Output is scratch data: keep it out of the repository.
 *
 *   npx tsx scripts/generate-wxr.ts [--posts 20000] [--comments 100000] [--out FILE]
 *   npx tsx scripts/generate-wxr.ts --read FILE [--no-convert]
 */
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { convertPostContent } from "../src/migration/wxr/content.js";
import { readWxr } from "../src/migration/wxr/reader.js";
import { syntheticSiteCounts, syntheticWxrRecords } from "../src/migration/wxr/synthetic.js";
import { writeWxr } from "../src/migration/wxr/writer.js";

const BYTES_PER_MB = 1024 * 1024;

function peakRssMb(): string {
  // resourceUsage().maxRSS is in kilobytes.
  return (process.resourceUsage().maxRSS / 1024).toFixed(1);
}

function positiveCount(value: string, flag: string): number {
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new Error(`${flag} must be a whole number, got "${value}"`);
  return count;
}

async function generate(posts: number, comments: number, outPath: string): Promise<void> {
  const startedMs = performance.now();
  await writeWxr(createWriteStream(outPath), syntheticWxrRecords({ posts, comments }));
  const seconds = (performance.now() - startedMs) / 1000;
  const { size } = await stat(outPath);
  const counts = syntheticSiteCounts({ posts, comments });
  console.log(`wrote ${outPath}: ${(size / BYTES_PER_MB).toFixed(1)} MB in ${seconds.toFixed(2)} s`);
  console.log(`  ${JSON.stringify(counts)}`);
  console.log(`  peak RSS ${peakRssMb()} MB`);
}

async function measureRead(path: string, shouldConvert: boolean): Promise<void> {
  const { size } = await stat(path);
  const startedMs = performance.now();
  const tally = { records: 0, items: 0, comments: 0, failures: 0, issues: 0 };
  for await (const record of readWxr(createReadStream(path))) {
    tally.records += 1;
    if (record.kind === "failure") tally.failures += 1;
    if (record.kind !== "item") continue;
    tally.items += 1;
    tally.comments += record.comments.length;
    tally.issues += record.issues.length;
    if (shouldConvert) convertPostContent(record.contentHtml);
  }
  const seconds = (performance.now() - startedMs) / 1000;
  const recordsAndComments = tally.records + tally.comments;
  console.log(
    `read ${path} (${(size / BYTES_PER_MB).toFixed(1)} MB)${shouldConvert ? " with content conversion" : ""}`,
  );
  console.log(`  ${JSON.stringify(tally)}`);
  console.log(
    `  ${seconds.toFixed(2)} s, ${Math.round(recordsAndComments / seconds)} records+comments/s, ` +
      `${Math.round(tally.items / seconds)} items/s, ${(size / BYTES_PER_MB / seconds).toFixed(1)} MB/s`,
  );
  console.log(`  peak RSS ${peakRssMb()} MB`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      posts: { type: "string", default: "20000" },
      comments: { type: "string", default: "100000" },
      out: { type: "string" },
      read: { type: "string" },
      "no-convert": { type: "boolean", default: false },
    },
  });
  if (values.read) {
    await measureRead(values.read, !values["no-convert"]);
    return;
  }
  const posts = positiveCount(values.posts, "--posts");
  const comments = positiveCount(values.comments, "--comments");
  await generate(posts, comments, values.out ?? join(tmpdir(), `broadsheet-wxr-${posts}-posts.xml`));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
