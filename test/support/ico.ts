/** One image of an `.ico` file as its directory describes it, with the bytes it points to. */
export interface IcoEntry {
  width: number;
  height: number;
  bitsPerPixel: number;
  data: Buffer;
}

/** Reads an `.ico` file's header and directory back; throws when they do not describe an icon. */
export function readIcoDirectory(file: Buffer): IcoEntry[] {
  if (file.length < 6 || file.readUInt16LE(0) !== 0 || file.readUInt16LE(2) !== 1)
    throw new Error("not an icon file: the header is not 0, 1");
  const count = file.readUInt16LE(4);
  const entries: IcoEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + 16 * i;
    const size = file.readUInt32LE(at + 8);
    const offset = file.readUInt32LE(at + 12);
    if (offset + size > file.length) throw new Error(`icon entry ${i} points past the end of the file`);
    entries.push({
      width: file.readUInt8(at) || 256,
      height: file.readUInt8(at + 1) || 256,
      bitsPerPixel: file.readUInt16LE(at + 6),
      data: file.subarray(offset, offset + size),
    });
  }
  return entries;
}
