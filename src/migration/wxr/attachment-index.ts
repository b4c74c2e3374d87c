/**
 * The image attachments of an export, for `[gallery]` shortcodes. A gallery names its images by
 * attachment id, and WordPress exports an attachment after the post it was uploaded to, so a
 * file with galleries is read once for its attachments before the import proper.
 */
import { createReadStream } from "node:fs";
import { mapWxrAttachment } from "./mapping.js";
import { readWxr } from "./reader.js";
import type { GalleryAttachments, GalleryImage } from "./shortcodes.js";
import type { WxrPost } from "./types.js";

const IMAGE_PATH = /\.(?:jpe?g|png|gif|webp|avif)$/i;
const GALLERY_MARK = Buffer.from("[gallery");

export class AttachmentIndex implements GalleryAttachments {
  private readonly byId = new Map<number, GalleryImage>();
  private readonly byParent = new Map<number, GalleryImage[]>();

  /** Records an attachment item; files other than images are not gallery material. */
  add(item: WxrPost, url?: string): void {
    if (this.byId.has(item.wpId)) return;
    const media = mapWxrAttachment(item);
    if (!/^https?:\/\//i.test(media.sourceUrl) || !IMAGE_PATH.test(media.sourceUrl.split(/[?#]/)[0])) return;
    const image = { url: url ?? media.sourceUrl, alt: media.alt || media.title, caption: media.caption };
    this.byId.set(item.wpId, image);
    if (media.parentWpId !== null) {
      this.byParent.set(media.parentWpId, [...(this.byParent.get(media.parentWpId) ?? []), image]);
    }
  }

  image(wpId: number): GalleryImage | undefined {
    return this.byId.get(wpId);
  }

  imagesOf(parentWpId: number): GalleryImage[] {
    return this.byParent.get(parentWpId) ?? [];
  }

  get size(): number {
    return this.byId.size;
  }
}

/** Whether the file mentions `[gallery` at all: a byte scan, far cheaper than parsing the XML. */
async function mentionsGallery(filePath: string): Promise<boolean> {
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) {
    const window = Buffer.concat([carry, chunk as Buffer]);
    if (window.includes(GALLERY_MARK)) return true;
    carry = window.subarray(Math.max(0, window.length - GALLERY_MARK.length + 1));
  }
  return false;
}

/**
 * The export's image attachments when it has galleries, read ahead of the import; an empty
 * index otherwise. A file that cannot be read here fails the same way in the import proper,
 * which reports it with its line, so a reading error only ends the look-ahead.
 */
export async function readAttachmentIndex(filePath: string): Promise<AttachmentIndex> {
  const index = new AttachmentIndex();
  if (!(await mentionsGallery(filePath))) return index;
  try {
    for await (const record of readWxr(createReadStream(filePath, { highWaterMark: 256 * 1024 }))) {
      if (record.kind === "item" && record.postType === "attachment") index.add(record);
    }
  } catch {
    // See above: the import proper reports it.
  }
  return index;
}
