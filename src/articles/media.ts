import { randomBytes } from "node:crypto";
import { mediaStorage } from "../media/storage.js";
import type { AppContext } from "../site/context.js";
import { storableText, textProblem } from "../site/text-input.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "now" | "config">;

/** Uploaded files are served from `/media/<file_name>`. */
export function mediaUrl(fileName: string): string {
  return `/media/${fileName}`;
}

interface ImageKind {
  mime: string;
  ext: string;
}

/** Recognises an image by its first bytes, never by the name or the declared type. SVG is refused: it can carry script. */
export function sniffImage(head: Buffer): ImageKind | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return { mime: "image/jpeg", ext: "jpg" };
  if (
    head.length >= 8 &&
    head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return { mime: "image/png", ext: "png" };
  if (head.length >= 6 && /^GIF8[79]a$/.test(head.subarray(0, 6).toString("latin1")))
    return { mime: "image/gif", ext: "gif" };
  if (
    head.length >= 12 &&
    head.subarray(0, 4).toString("latin1") === "RIFF" &&
    head.subarray(8, 12).toString("latin1") === "WEBP"
  )
    return { mime: "image/webp", ext: "webp" };
  return undefined;
}

/** Width and height from PNG, GIF, JPEG or WebP headers; undefined when they cannot be read. */
export function imageSize(data: Buffer, mime: string): { width: number; height: number } | undefined {
  try {
    if (mime === "image/png") return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
    if (mime === "image/gif") return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
    if (mime === "image/webp") {
      const chunk = data.subarray(12, 16).toString("latin1");
      if (chunk === "VP8X") return { width: 1 + data.readUIntLE(24, 3), height: 1 + data.readUIntLE(27, 3) };
      if (chunk === "VP8 ")
        return { width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
      if (chunk === "VP8L") {
        const bits = data.readUInt32LE(21);
        return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
      }
    }
    if (mime === "image/jpeg") {
      let offset = 2;
      while (offset < data.length) {
        if (data[offset] !== 0xff) return undefined;
        const marker = data[offset + 1];
        const length = data.readUInt16BE(offset + 2);
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
          return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
        offset += 2 + length;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export type SaveImageResult = { media: { id: number; file_name: string; url: string } } | { error: string };

/**
 * Stores an uploaded image (see media/storage.ts: DATA_DIR/media, or the database on PostgreSQL)
 * after checking its bytes and size. Throws when it cannot be stored (the disk is full, the
 * database is out); nothing is left behind then.
 */
export async function saveImage(
  ctx: Ctx,
  file: { data: Buffer; originalName: string; alt?: string },
  uploadedBy: number | null,
): Promise<SaveImageResult> {
  if (file.data.length === 0) return { error: "the file is empty" };
  if (file.data.length > ctx.config.uploadMaxBytes)
    return { error: `the file is larger than ${Math.round(ctx.config.uploadMaxBytes / 1048576)} MB` };
  const kind = sniffImage(file.data.subarray(0, 16));
  if (!kind) return { error: "only JPEG, PNG, GIF and WebP images can be uploaded" };
  const altProblem = altTextProblem(file.alt ?? "");
  if (altProblem) return { error: `the alt text ${altProblem}` };
  const now = ctx.now();
  const month = now.toISOString().slice(0, 7).replace("-", "/");
  const fileName = `${month}/${randomBytes(9).toString("base64url")}.${kind.ext}`;
  const storage = mediaStorage(ctx);
  await storage.put(fileName, file.data, kind.mime);
  const size = imageSize(file.data, kind.mime);
  const row = await store
    .insertMedia(ctx.db, {
      file_name: fileName,
      // A file name is the browser's, not typed: what cannot be stored is dropped rather than refused.
      original_name: storableText(file.originalName, 255) || "upload",
      mime_type: kind.mime,
      byte_size: file.data.length,
      width: size?.width ?? null,
      height: size?.height ?? null,
      alt: (file.alt ?? "").trim(),
      source_url: null,
      uploaded_by: uploadedBy,
      created_at: now.toISOString(),
    })
    .catch(async (error: unknown) => {
      await storage.delete(fileName).catch(() => {});
      throw error;
    });
  return { media: { id: row.id, file_name: row.file_name, url: mediaUrl(row.file_name) } };
}

export async function getMedia(ctx: Pick<Ctx, "db">, id: number) {
  return store.getMediaById(ctx.db, id);
}

export async function listRecentMedia(ctx: Pick<Ctx, "db">, limit = 60) {
  // Images imported by URL only (WordPress without --fetch-media) are shown from where they live.
  return (await store.listRecentMedia(ctx.db, limit)).map((m) => ({
    ...m,
    url: m.source_url ?? mediaUrl(m.file_name),
  }));
}

/** Longest alt text (`media.alt` is `varchar(500)`). */
export const ALT_TEXT_MAX = 500;

/** What is wrong with an image's alt text, or undefined. */
export function altTextProblem(alt: string): string | undefined {
  return textProblem(alt.trim(), { max: ALT_TEXT_MAX });
}

/** Sets an image's alt text; answers what is wrong with it instead when it cannot be stored. */
export async function updateMediaAlt(
  ctx: Pick<Ctx, "db">,
  id: number,
  alt: string,
): Promise<string | undefined> {
  const problem = altTextProblem(alt);
  if (problem) return problem;
  await store.updateMediaAlt(ctx.db, id, alt.trim());
  return undefined;
}

/** MIME types by file extension, for files recorded by URL without being downloaded. */
const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
  pdf: "application/pdf",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
};

/**
 * Records a file that stays where it is (an imported WordPress attachment): pages show it from
 * `source_url`. `file_name` only has to be unique, so it is namespaced by `key`.
 */
export async function recordRemoteMedia(
  ctx: Pick<Ctx, "db">,
  file: { key: string; sourceUrl: string; fileName: string; alt: string; createdAt: string },
): Promise<{ id: number }> {
  const extension = file.fileName.split(".").at(-1)?.toLowerCase() ?? "";
  const row = await store.insertMedia(ctx.db, {
    file_name: `remote/${file.key}`.slice(0, 200),
    original_name: file.fileName.slice(0, 255) || "file",
    mime_type: MIME_BY_EXTENSION[extension] ?? "application/octet-stream",
    byte_size: 0,
    width: null,
    height: null,
    alt: file.alt.trim().slice(0, 500),
    source_url: file.sourceUrl,
    uploaded_by: null,
    created_at: file.createdAt,
  });
  return { id: row.id };
}
