// Test helpers shared by the WXR reader and writer tests (this folder is not part of the build).
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { readWxr } from "../wxr/reader.js";
import type { WxrRecord } from "../wxr/types.js";

export const TESTDATA = import.meta.dirname;

/** Every record the reader yields for a stream of WXR text. */
export async function collectRecords(input: AsyncIterable<Uint8Array | string>): Promise<WxrRecord[]> {
  const records: WxrRecord[] = [];
  for await (const record of readWxr(input)) records.push(record);
  return records;
}

/** The records of a file in this folder. */
export function readFixture(name: string): Promise<WxrRecord[]> {
  return collectRecords(createReadStream(join(TESTDATA, name)));
}
