import { randomBytes } from "node:crypto";
import type { AppContext } from "../context.js";
import { problemText } from "../lib/problems.js";
import { storableText, textProblem } from "../lib/text-input.js";
import { type DecodedImage, decodeImage, encodeMaster, ImageRefused } from "./pipeline.js";
import { MEDIA_PROBLEMS } from "./problems.js";
import { mediaStorage } from "./storage.js";
import * as store from "./store.js";
import {
  afterAnswer,
  decodedMaster,
  isMadeAtOnce,
  removeKeys,
  storedKeys,
  storeVariants,
  type VariantOwner,
} from "./variant-files.js";
import {
  CONTENT_TYPES,
  fallbackFormat,
  imageModel,
  masterKey,
  mediaUrl,
  type VariantSpec,
  variantKey,
  variantSpecs,
} from "./variants.js";

export type { MediaRow } from "./store.js";
export { largestVariantUrl, mediaJobsSettled, variantFile } from "./variant-files.js";
export type { ImageModel } from "./variants.js";
export { imageModel, mediaUrl };

type Ctx = Pick<AppContext, "db" | "now" | "config">;
type ChangingCtx = Ctx & Pick<AppContext, "changes" | "log">;

/** Longest alt text (`media.alt` is `varchar(500)`), caption and credit. */
export const ALT_TEXT_MAX = 500;
export const CAPTION_MAX = 1000;
export const CREDIT_MAX = 300;
/** Library pages hold this many images. */
export const MEDIA_PAGE_SIZE = 48;

/** What is wrong with an image's alt text, or undefined. */
export function altTextProblem(alt: string): string | undefined {
  return textProblem(alt.trim(), { max: ALT_TEXT_MAX });
}

/** The fields a person describes an image with; each may be left out. */
export interface MediaDetails {
  alt?: string;
  caption?: string;
  credit?: string;
  focal_x?: number;
  focal_y?: number;
}

/** Problems with details, by field (`alt`, `caption`, `credit`, `focal_x`, `focal_y`). */
export function mediaDetailsProblems(details: MediaDetails): Record<string, string> {
  const errors: Record<string, string> = {};
  const texts = [
    ["alt", details.alt, ALT_TEXT_MAX],
    ["caption", details.caption, CAPTION_MAX],
    ["credit", details.credit, CREDIT_MAX],
  ] as const;
  for (const [field, value, max] of texts) {
    const problem = value === undefined ? undefined : textProblem(value.trim(), { max });
    if (problem) errors[field] = problem;
  }
  for (const field of ["focal_x", "focal_y"] as const) {
    const value = details[field];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1))
      errors[field] = MEDIA_PROBLEMS.focal_range;
  }
  return errors;
}

function trimmed(details: MediaDetails) {
  return {
    ...(details.alt !== undefined ? { alt: details.alt.trim() } : {}),
    ...(details.caption !== undefined ? { caption: details.caption.trim() } : {}),
    ...(details.credit !== undefined ? { credit: details.credit.trim() } : {}),
  };
}

// ── uploads ────────────────────────────────────────────────────────────────

export type SaveImageResult = { media: { id: number; file_name: string; url: string } } | { error: string };

function sizeProblem(ctx: Ctx, data: Buffer): string | undefined {
  if (data.length === 0) return MEDIA_PROBLEMS.file_empty;
  if (data.length > ctx.config.uploadMaxBytes)
    return problemText(MEDIA_PROBLEMS.file_too_large, {
      mb: Math.round(ctx.config.uploadMaxBytes / 1048576),
    });
  return undefined;
}

/** The decoded upload with its master stored and its first variants made; nothing is stored when it fails. */
async function storeUpload(
  ctx: Ctx,
  data: Buffer,
  fileName: string,
  focal: { focal_x: number; focal_y: number },
  minSide = 0,
): Promise<
  | { error: string }
  | {
      image: DecodedImage;
      hash: string;
      master: string;
      byteSize: number;
      written: string[];
      later: VariantSpec[];
    }
> {
  let image: DecodedImage;
  try {
    image = await decodeImage(data);
  } catch (error) {
    if (error instanceof ImageRefused) return { error: error.message };
    throw error;
  }
  if (image.width < minSide || image.height < minSide)
    return {
      error: problemText(MEDIA_PROBLEMS.too_small, {
        width: image.width,
        height: image.height,
        min_width: minSide,
        min_height: minSide,
      }),
    };
  const hash = randomBytes(6).toString("hex");
  const format = fallbackFormat(image.mimeType);
  const master = masterKey(fileName, hash, format);
  const masterData = await encodeMaster(image);
  const row = {
    file_name: fileName,
    mime_type: image.mimeType,
    width: image.width,
    height: image.height,
    variant_hash: hash,
    ...focal,
  };
  const specs = variantSpecs(row);
  await mediaStorage(ctx).put(master, masterData, CONTENT_TYPES[format]);
  try {
    const written = await storeVariants(ctx, row, image, specs.filter(isMadeAtOnce));
    return {
      image,
      hash,
      master,
      byteSize: masterData.length,
      written: [master, ...written],
      later: specs.filter((s) => !isMadeAtOnce(s)),
    };
  } catch (error) {
    await removeKeys(ctx, [master]);
    throw error;
  }
}

function queueRemainingVariants(
  ctx: Ctx,
  row: VariantOwner,
  image: DecodedImage,
  specs: VariantSpec[],
): void {
  if (specs.length > 0) afterAnswer(ctx, () => storeVariants(ctx, row, image, specs).then(() => {}));
}

/**
 * Stores an uploaded image: decoded, turned upright and stripped of all metadata (GPS included),
 * kept as a master that is never served, with its common variants made before this answers and the
 * rest (AVIF, the widest) just after. Answers a message naming the problem for a file that is not an
 * acceptable image (or, with `minSide`, is narrower or shorter than that many pixels); throws only
 * when it cannot be stored (disk full, database down), leaving nothing.
 */
export async function saveImage(
  ctx: Ctx,
  file: { data: Buffer; originalName: string; alt?: string; caption?: string; credit?: string },
  uploadedBy: number | null,
  { minSide = 0 }: { minSide?: number } = {},
): Promise<SaveImageResult> {
  const tooBig = sizeProblem(ctx, file.data);
  if (tooBig) return { error: tooBig };
  const problems = mediaDetailsProblems(file);
  const firstProblem = Object.entries(problems)[0];
  if (firstProblem) return { error: `the ${firstProblem[0].replace("alt", "alt text")} ${firstProblem[1]}` };
  const now = ctx.now();
  const month = now.toISOString().slice(0, 7).replace("-", "/");
  const focal = { focal_x: 0.5, focal_y: 0.5 };
  // The extension is settled once the file is decoded: JPEG for photographs, PNG otherwise.
  const base = `${month}/${randomBytes(9).toString("base64url")}`;
  const stored = await storeUpload(ctx, file.data, `${base}.img`, focal, minSide);
  if ("error" in stored) return stored;
  const fileName = `${base}.${fallbackFormat(stored.image.mimeType)}`;
  // Variant names come from the stem, which the extension does not change.
  const row = await store
    .insertMedia(ctx.db, {
      file_name: fileName,
      // A file name is the browser's, not typed: what cannot be stored is dropped rather than refused.
      original_name: storableText(file.originalName, 255) || "upload",
      mime_type: stored.image.mimeType,
      byte_size: stored.byteSize,
      width: stored.image.width,
      height: stored.image.height,
      alt: "",
      caption: "",
      credit: "",
      ...trimmed(file),
      variant_hash: stored.hash,
      master_key: stored.master,
      source_url: null,
      uploaded_by: uploadedBy,
      created_at: now.toISOString(),
    })
    .catch(async (error: unknown) => {
      await removeKeys(ctx, stored.written);
      throw error;
    });
  queueRemainingVariants(
    ctx,
    { file_name: fileName, variant_hash: stored.hash, ...focal },
    stored.image,
    stored.later,
  );
  return { media: { id: row.id, file_name: row.file_name, url: mediaUrl(row.file_name) } };
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
 * Records a file that stays where it is (an imported WordPress attachment not downloaded): pages
 * show it from `source_url`, without variants. `file_name` only has to be unique, so it is namespaced by `key`.
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
    alt: file.alt.trim().slice(0, ALT_TEXT_MAX),
    caption: "",
    credit: "",
    variant_hash: null,
    master_key: null,
    source_url: file.sourceUrl,
    uploaded_by: null,
    created_at: file.createdAt,
  });
  return { id: row.id };
}

// ── the library ────────────────────────────────────────────────────────────

/** One image by id, or undefined. */
export async function getMedia(ctx: Pick<Ctx, "db">, id: number) {
  return store.getMediaById(ctx.db, id);
}

/**
 * The stored original an image's variants are made from (upright, without metadata), for pictures
 * made of it elsewhere (the site's icons); undefined for a linked file or one uploaded before originals were kept.
 */
export async function imageOriginal(ctx: Ctx, media: store.MediaRow): Promise<Buffer | undefined> {
  return media.master_key ? mediaStorage(ctx).get(media.master_key) : undefined;
}

/** An image's small square thumbnail for admin pages (the file itself when it has no variants). */
export function thumbnailUrl(media: store.MediaRow): string {
  const image = imageModel(media);
  return image.square?.src ?? image.url;
}

/** The newest images with their address and thumbnail (the editor's picker). */
export async function listRecentMedia(ctx: Pick<Ctx, "db">, limit: number) {
  const { rows } = await store.listMedia(ctx.db, { limit, offset: 0 });
  return rows.map((row) => ({ ...row, url: imageModel(row).url, thumb: thumbnailUrl(row) }));
}

/** Sets an image's alt text; answers what is wrong with it instead when it cannot be stored. */
export async function updateMediaAlt(
  ctx: ChangingCtx,
  media: store.MediaRow,
  alt: string,
): Promise<string | undefined> {
  const result = await updateMediaDetails(ctx, media, { alt });
  return "errors" in result ? result.errors.alt : undefined;
}

/** Images by their file names (to show images in story bodies), keyed by file name. */
export async function mediaByFileName(ctx: Pick<Ctx, "db">, fileNames: string[]) {
  const rows = await store.listMediaByFileNames(ctx.db, [...new Set(fileNames)]);
  return new Map(rows.map((row) => [row.file_name, row]));
}

/** A page of the library, newest first, searched by name, alt text, caption and credit. */
export async function listMediaLibrary(ctx: Pick<Ctx, "db">, filter: { q?: string; page: number }) {
  const { rows, total } = await store.listMedia(ctx.db, {
    q: filter.q?.trim() || undefined,
    limit: MEDIA_PAGE_SIZE,
    offset: (filter.page - 1) * MEDIA_PAGE_SIZE,
  });
  return { items: rows, page: filter.page, pages: Math.max(1, Math.ceil(total / MEDIA_PAGE_SIZE)), total };
}

/** How many stories show the image (as their lead or in their text). */
export async function countStoriesUsing(ctx: Pick<Ctx, "db">, media: { id: number; file_name: string }) {
  return store.countStoriesUsingMedia(ctx.db, media);
}

export type MediaChangeResult = { ok: true } | { errors: Record<string, string> };

/** Pages showing the image are rendered again. */
async function announce(ctx: ChangingCtx): Promise<void> {
  // An image may be in any story's text, and cards of it are on every list: every page goes.
  await ctx.changes.changed(["all"]);
}

/**
 * Changes an image's alt text, caption, credit or focal point (the fields given). A new focal point
 * renames the variants (their crops change): they are made again after the answer.
 */
export async function updateMediaDetails(
  ctx: ChangingCtx,
  media: store.MediaRow,
  details: MediaDetails,
): Promise<MediaChangeResult> {
  const errors = mediaDetailsProblems(details);
  if (Object.keys(errors).length > 0) return { errors };
  const isNewFocus =
    media.variant_hash !== null &&
    ((details.focal_x !== undefined && details.focal_x !== media.focal_x) ||
      (details.focal_y !== undefined && details.focal_y !== media.focal_y));
  const focal = {
    ...(details.focal_x !== undefined ? { focal_x: details.focal_x } : {}),
    ...(details.focal_y !== undefined ? { focal_y: details.focal_y } : {}),
  };
  const hash = isNewFocus ? randomBytes(6).toString("hex") : undefined;
  await store.updateMedia(ctx.db, media.id, {
    ...trimmed(details),
    ...focal,
    ...(hash ? { variant_hash: hash } : {}),
  });
  if (hash) {
    const renamed = { ...media, ...focal, variant_hash: hash };
    const oldKeys = variantSpecs(media).map((spec) => variantKey(media, spec));
    afterAnswer(ctx, async () => {
      await storeVariants(ctx, renamed, await decodedMaster(ctx, renamed), variantSpecs(renamed));
      await removeKeys(ctx, oldKeys);
    });
  }
  await announce(ctx);
  return { ok: true };
}

/**
 * Puts a new file in an image's place: its address, alt text, caption and credit stay, stories
 * show the new file (under new variant names), and the old files are removed.
 */
export async function replaceImage(
  ctx: ChangingCtx,
  media: store.MediaRow,
  data: Buffer,
): Promise<MediaChangeResult> {
  if (media.source_url !== null) return { errors: { file: MEDIA_PROBLEMS.linked_file } };
  const tooBig = sizeProblem(ctx, data);
  if (tooBig) return { errors: { file: tooBig } };
  const focal = { focal_x: media.focal_x, focal_y: media.focal_y };
  const stored = await storeUpload(ctx, data, media.file_name, focal);
  if ("error" in stored) return { errors: { file: stored.error } };
  await store
    .updateMedia(ctx.db, media.id, {
      mime_type: stored.image.mimeType,
      byte_size: stored.byteSize,
      width: stored.image.width,
      height: stored.image.height,
      variant_hash: stored.hash,
      master_key: stored.master,
    })
    .catch(async (error: unknown) => {
      await removeKeys(ctx, stored.written);
      throw error;
    });
  const oldKeys = storedKeys(media);
  queueRemainingVariants(
    ctx,
    { file_name: media.file_name, variant_hash: stored.hash, ...focal },
    stored.image,
    stored.later,
  );
  // The old variants are left to pages still cached until the change reaches them, then removed.
  afterAnswer(ctx, () => removeKeys(ctx, oldKeys));
  await announce(ctx);
  return { ok: true };
}

export type DeleteMediaResult = { deleted: true } | { usedIn: number };

/** Deletes an image and its files; while stories show it, only when `confirmed`. */
export async function deleteImage(
  ctx: ChangingCtx,
  media: store.MediaRow,
  confirmed: boolean,
): Promise<DeleteMediaResult> {
  const usedIn = await countStoriesUsing(ctx, media);
  if (usedIn > 0 && !confirmed) return { usedIn };
  await store.deleteMedia(ctx.db, media.id);
  await removeKeys(ctx, storedKeys(media));
  if (usedIn > 0) await announce(ctx);
  return { deleted: true };
}
