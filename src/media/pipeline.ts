import type { Metadata, Sharp } from "sharp";
import { problemText } from "../lib/problems.js";
import { sharpLibrary } from "../lib/sharp.js";
import { MEDIA_PROBLEMS } from "./problems.js";
import { cropBox, MAX_VARIANT_WIDTH, type VariantFormat, type VariantSpec } from "./variants.js";

/** Larger images are refused before decoding: a few bytes can declare 50,000×50,000 pixels. */
export const MAX_INPUT_PIXELS = 100_000_000;

/** Formats accepted on upload (by what the bytes are, never the name). */
const ACCEPTED = new Set(["jpeg", "png", "gif", "webp", "heif"]);

/** An upload refused for what the file is, with a message for the person who sent it. */
export class ImageRefused extends Error {}

/** An image decoded, turned upright, scaled to at most MAX_VARIANT_WIDTH, in sRGB, 8 bits a channel, no metadata. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
  /** What the source was: decides the fallback format (JPEG for photographs, PNG otherwise). */
  mimeType: "image/jpeg" | "image/png";
}

/** True for an ISO-BMFF file branded as HEIC (what phones save), which sharp's own libheif cannot decode. */
function isHeic(data: Buffer): boolean {
  return (
    data.length >= 12 &&
    data.toString("latin1", 4, 8) === "ftyp" &&
    /^he(ic|ix|vc|vx|im|is)$/.test(data.toString("latin1", 8, 12))
  );
}

/** What is wrong with a file as an image, read from its header only. */
async function inspect(data: Buffer): Promise<{ format: string; hasAlpha: boolean }> {
  if (isHeic(data)) throw new ImageRefused(MEDIA_PROBLEMS.heic);
  let meta: Metadata;
  try {
    meta = await sharpLibrary()(data, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRefused(MEDIA_PROBLEMS.not_image);
  }
  const format = meta.format ?? "";
  if (format === "heif" && meta.compression !== "av1") throw new ImageRefused(MEDIA_PROBLEMS.heic);
  if (!ACCEPTED.has(format))
    throw new ImageRefused(problemText(MEDIA_PROBLEMS.format_refused, { format: format.toUpperCase() }));
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > MAX_INPUT_PIXELS)
    throw new ImageRefused(
      problemText(MEDIA_PROBLEMS.too_many_pixels, {
        width,
        height,
        megapixels: MAX_INPUT_PIXELS / 1_000_000,
      }),
    );
  if ((meta.pages ?? 1) > 1) throw new ImageRefused(MEDIA_PROBLEMS.animated);
  return { format, hasAlpha: meta.hasAlpha === true };
}

/**
 * Decodes an uploaded (or stored) image for variants: applies its EXIF orientation and drops every
 * piece of metadata (EXIF, GPS, XMP, IPTC, ICC: the pixels are converted to sRGB). Throws
 * `ImageRefused` for a file that is not an acceptable image, is damaged or too large.
 */
export async function decodeImage(data: Buffer): Promise<DecodedImage> {
  const { format, hasAlpha } = await inspect(data);
  try {
    const image = sharpLibrary()(data, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "warning" })
      .autoOrient()
      .resize({ width: MAX_VARIANT_WIDTH, withoutEnlargement: true })
      .toColourspace("srgb");
    const decoded = await (hasAlpha ? image.ensureAlpha() : image.removeAlpha())
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    return {
      data: decoded.data,
      width: decoded.info.width,
      height: decoded.info.height,
      channels: hasAlpha ? 4 : 3,
      mimeType:
        format === "jpeg" || (format !== "png" && format !== "gif" && !hasAlpha) ? "image/jpeg" : "image/png",
    };
  } catch (error) {
    if (error instanceof ImageRefused) throw error;
    throw new ImageRefused(problemText(MEDIA_PROBLEMS.damaged, { reason: shortReason(error) }));
  }
}

function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split("\n")[0]
    .replace(/^VipsJpeg: |^Vips\w+: /, "")
    .slice(0, 120);
}

function fromRaw(image: DecodedImage): Sharp {
  return sharpLibrary()(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
}

function encode(pipeline: Sharp, format: VariantFormat | "master-jpg" | "master-png"): Promise<Buffer> {
  switch (format) {
    // Speed over the last few percent of size: effort 0..2 encodes in tens of milliseconds, not seconds.
    case "avif":
      return pipeline.avif({ quality: 52, effort: 0, chromaSubsampling: "4:2:0" }).toBuffer();
    case "webp":
      return pipeline.webp({ quality: 76, effort: 2 }).toBuffer();
    case "jpg":
      return pipeline.jpeg({ quality: 80, progressive: true }).toBuffer();
    case "png":
      return pipeline.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
    case "master-jpg":
      return pipeline.jpeg({ quality: 92, chromaSubsampling: "4:4:4" }).toBuffer();
    case "master-png":
      return pipeline.png({ compressionLevel: 3 }).toBuffer();
  }
}

/** The file variants are made from later: the decoded image, stored without any metadata. */
export function encodeMaster(image: DecodedImage): Promise<Buffer> {
  return encode(fromRaw(image), image.mimeType === "image/jpeg" ? "master-jpg" : "master-png");
}

/** One variant of a decoded image; crops keep the focal point in frame. */
export function renderVariant(
  image: DecodedImage,
  spec: VariantSpec,
  focal: { x: number; y: number },
): Promise<Buffer> {
  let pipeline = fromRaw(image);
  // Full frames are scaled by width alone: an old upload's recorded height may predate its EXIF rotation.
  if (spec.crop === "full") pipeline = pipeline.resize({ width: spec.width });
  else
    pipeline = pipeline
      .extract(cropBox(image, spec.width / spec.height, focal))
      .resize({ width: spec.width, height: spec.height, fit: "fill" });
  // A JPEG fallback has no transparency: transparent pixels become white rather than black.
  if (spec.format === "jpg" && image.channels === 4) pipeline = pipeline.flatten({ background: "#ffffff" });
  return encode(pipeline, spec.format);
}
