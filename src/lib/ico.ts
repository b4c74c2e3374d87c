/**
 * Writes a Windows icon (`.ico`) holding PNG images, which every browser since IE 11 reads:
 * a 6-byte header, one 16-byte directory entry per image, then the PNG files one after another.
 * Sizes are at most 256 px (the entry's one-byte width writes 256 as 0).
 */
export function encodeIco(images: readonly { size: number; png: Buffer }[]): Buffer {
  if (images.length === 0 || images.length > 0xffff) throw new Error("ico: between 1 and 65535 images");
  const HEADER_BYTES = 6;
  const ENTRY_BYTES = 16;
  const header = Buffer.alloc(HEADER_BYTES + ENTRY_BYTES * images.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon (2 would be a cursor)
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    if (!Number.isInteger(size) || size < 1 || size > 256)
      throw new Error(`ico: cannot hold a ${size} px image`);
    const entry = HEADER_BYTES + ENTRY_BYTES * i;
    header.writeUInt8(size % 256, entry); // width
    header.writeUInt8(size % 256, entry + 1); // height
    header.writeUInt8(0, entry + 2); // palette colours: none
    header.writeUInt8(0, entry + 3); // reserved
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.png)]);
}
