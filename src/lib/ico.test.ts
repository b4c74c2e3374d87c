import sharp from "sharp";
import { describe, expect, test } from "vitest";
import { readIcoDirectory } from "../../test/support/ico.js";
import { encodeIco } from "./ico.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function squarePng(size: number): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 4, background: "#9b1c1f" } })
    .png()
    .toBuffer();
}

describe("encodeIco", () => {
  test.each([[[16]], [[16, 32, 48]], [[48, 256]]])(
    "an icon of %j px reads back with one entry per image, each a PNG of its size",
    async (sizes) => {
      const images = await Promise.all(sizes.map(async (size) => ({ size, png: await squarePng(size) })));
      const file = encodeIco(images);
      expect(file.readUInt16LE(0)).toBe(0);
      expect(file.readUInt16LE(2)).toBe(1);
      const entries = readIcoDirectory(file);
      expect(entries.map((e) => [e.width, e.height, e.bitsPerPixel])).toEqual(sizes.map((s) => [s, s, 32]));
      for (const [i, entry] of entries.entries()) {
        expect(entry.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
        expect(entry.data).toEqual(images[i].png);
        const meta = await sharp(entry.data).metadata();
        expect([meta.width, meta.height]).toEqual([sizes[i], sizes[i]]);
      }
      expect(file.length).toBe(
        6 + 16 * sizes.length + images.reduce((sum, image) => sum + image.png.length, 0),
      );
    },
  );

  test.each([[[]], [[{ size: 0 }]], [[{ size: 257 }]], [[{ size: 15.5 }]]])(
    "refuses what an icon cannot hold: %j",
    (images) => {
      expect(() => encodeIco(images.map((image) => ({ ...image, png: Buffer.alloc(1) })))).toThrow(/ico:/);
    },
  );
});
