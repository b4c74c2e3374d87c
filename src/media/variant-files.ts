import type { AppContext } from "../context.js";
import { type DecodedImage, decodeImage, renderVariant } from "./pipeline.js";
import { mediaStorage } from "./storage.js";
import * as store from "./store.js";
import {
  CONTENT_TYPES,
  fallbackFormat,
  mediaUrl,
  parseVariantKey,
  specForKey,
  type VariantSpec,
  variantKey,
  variantSpecs,
} from "./variants.js";

/**
 * Variant files: made and stored (before an upload's answer, in the job after it, or on the
 * request that first asks for one), and removed.
 */

type Ctx = Pick<AppContext, "db" | "now" | "config">;
/** What names an image's variants and places its crops. */
export type VariantOwner = Parameters<typeof variantKey>[0] & { focal_x: number; focal_y: number };

/** Variants made before an upload is answered: the common widths, not AVIF (slow to encode) nor the widest. */
export function isMadeAtOnce(spec: VariantSpec): boolean {
  return spec.format !== "avif" && spec.width <= 1024;
}

/** Runs `work` over `items`, at most `limit` at a time (one per core: sharp works on one thread per image). */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

const ENCODERS_AT_ONCE = 2;

/** Renders and stores variants; when one cannot be stored, those already stored are removed and it throws. */
export async function storeVariants(
  ctx: Ctx,
  media: VariantOwner,
  image: DecodedImage,
  specs: VariantSpec[],
): Promise<string[]> {
  const storage = mediaStorage(ctx);
  const written: string[] = [];
  try {
    await eachLimited(specs, ENCODERS_AT_ONCE, async (spec) => {
      const data = await renderVariant(image, spec, { x: media.focal_x, y: media.focal_y });
      const key = variantKey(media, spec);
      await storage.put(key, data, CONTENT_TYPES[spec.format]);
      written.push(key);
    });
  } catch (error) {
    await removeKeys(ctx, written);
    throw error;
  }
  return written;
}

export async function removeKeys(ctx: Ctx, keys: string[]): Promise<void> {
  const storage = mediaStorage(ctx);
  await Promise.all(keys.map((key) => storage.delete(key).catch(() => {})));
}

/** Every stored file of an image: its master and its variants. */
export function storedKeys(media: store.MediaRow): string[] {
  const keys = variantSpecs(media).map((spec) => variantKey(media, spec));
  return media.master_key ? [media.master_key, ...keys] : keys;
}

// Variants left for after the answer, one image at a time so page requests keep a core.
let pendingJobs: Promise<void> = Promise.resolve();
let jobsInFlight = 0;

export function afterAnswer(ctx: Ctx | (Ctx & Pick<AppContext, "log">), job: () => Promise<void>): void {
  jobsInFlight += 1;
  pendingJobs = pendingJobs
    .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
    .then(job)
    .catch((error: unknown) => {
      // A variant that is missing is made when first asked for: nothing is lost.
      if ("log" in ctx) ctx.log.warn({ err: error }, "media: variants left for later");
    })
    .finally(() => {
      jobsInFlight -= 1;
    });
}

/** Resolves once the variants queued after answers are made (tests, shutdown). */
export async function mediaJobsSettled(): Promise<void> {
  while (jobsInFlight > 0) await pendingJobs;
}

/** Decoded masters, shared by the variants requested together (a page asks for several at once). */
const decodedMasters = new Map<string, Promise<DecodedImage>>();
const DECODED_KEEP_MS = 5_000;

export async function decodedMaster(ctx: Ctx, media: store.MediaRow): Promise<DecodedImage> {
  const key = media.master_key;
  if (!key) throw new Error("media: a linked file has no variants");
  let pending = decodedMasters.get(key);
  if (!pending) {
    pending = (async () => {
      const data = await mediaStorage(ctx).get(key);
      if (!data) throw new Error(`media: the master ${key} is missing`);
      return decodeImage(data);
    })();
    decodedMasters.set(key, pending);
    pending.then(
      () => setTimeout(() => decodedMasters.delete(key), DECODED_KEEP_MS).unref(),
      () => decodedMasters.delete(key),
    );
  }
  return pending;
}

const makingVariants = new Map<string, Promise<void>>();

/**
 * A variant's file on this node's disk, made now when it is missing (the job after the upload has
 * not got to it yet, or the image predates variants). Undefined when `key` names no variant.
 */
export async function variantFile(
  ctx: Ctx,
  key: string,
): Promise<{ file: string; contentType: string } | undefined> {
  const parsed = parseVariantKey(key);
  if (!parsed) return undefined;
  const media = await store.getMediaByVariantHash(ctx.db, parsed.hash);
  const spec = media && specForKey(media, key);
  if (!media || !spec) return undefined;
  const storage = mediaStorage(ctx);
  const contentType = CONTENT_TYPES[spec.format];
  const existing = await storage.localFile(key);
  if (existing) return { file: existing, contentType };
  let making = makingVariants.get(key);
  if (!making) {
    making = (async () => {
      await storeVariants(ctx, media, await decodedMaster(ctx, media), [spec]);
    })().finally(() => makingVariants.delete(key));
    makingVariants.set(key, making);
  }
  await making;
  const file = await storage.localFile(key);
  return file ? { file, contentType } : undefined;
}

/** Where an image's own address (`/media/<file_name>`) leads: its widest fallback variant, or nowhere. */
export async function largestVariantUrl(ctx: Pick<Ctx, "db">, fileName: string): Promise<string | undefined> {
  const media = await store.getMediaByFileName(ctx.db, fileName);
  if (!media) return undefined;
  const fallback = fallbackFormat(media.mime_type);
  const widest = variantSpecs(media)
    .filter((s) => s.crop === "full" && s.format === fallback)
    .at(-1);
  return widest ? mediaUrl(variantKey(media, widest)) : undefined;
}
