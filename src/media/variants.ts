/**
 * Which variants an image has and where they are served: pure naming, no I/O.
 *
 * A variant's key is `<stem>.<hash>.<label>.<ext>` beside the image's `file_name` (`2026/05/abc.jpg` →
 * `2026/05/abc.1f2e3d4c5b6a.w768.webp`). The hash changes with the file and the focal point, so a served
 * variant never changes and is cached for a year.
 */

/** Widths of the full-frame variants (never wider than the image). */
export const VARIANT_WIDTHS = [320, 480, 768, 1024, 1600, 2048] as const;
/** Widths of the 16:9 crops that story cards show. */
export const WIDE_WIDTHS = [480, 768, 1024] as const;
/** Side of the square thumbnail. */
export const SQUARE_SIDE = 320;
/** The share image (Open Graph, Twitter cards). */
export const OG_SIZE = { width: 1200, height: 630 } as const;
/** The widest variant made: larger uploads are scaled down to it before anything else. */
export const MAX_VARIANT_WIDTH = 2048;

export type VariantFormat = "avif" | "webp" | "jpg" | "png";
export type VariantCrop = "full" | "wide" | "square" | "og";

export interface VariantSpec {
  /** `w768`, `wide480`, `sq320`, `og`. */
  label: string;
  crop: VariantCrop;
  format: VariantFormat;
  width: number;
  height: number;
}

export interface VariantSource {
  file_name: string;
  mime_type: string;
  width: number | null;
  height: number | null;
  variant_hash: string | null;
}

export const CONTENT_TYPES: Record<VariantFormat, string> = {
  avif: "image/avif",
  webp: "image/webp",
  jpg: "image/jpeg",
  png: "image/png",
};

/** Photographs fall back to JPEG; PNG (and GIF) images keep lossless PNG, which also keeps transparency. */
export function fallbackFormat(mimeType: string): "jpg" | "png" {
  return mimeType === "image/jpeg" ? "jpg" : "png";
}

/** The widths of the full-frame variants of an image `width` wide: the listed ones it covers, plus its own. */
export function fullWidths(width: number): number[] {
  const widths: number[] = VARIANT_WIDTHS.filter((w) => w <= width);
  const own = Math.min(width, MAX_VARIANT_WIDTH);
  if (!widths.includes(own)) widths.push(own);
  return widths;
}

function scaledHeight(width: number, source: { width: number; height: number }): number {
  return Math.max(1, Math.round((source.height * width) / source.width));
}

/** Every variant an image has, smallest first within each crop; none for a file linked where it lives. */
export function variantSpecs(source: VariantSource): VariantSpec[] {
  if (!source.variant_hash || !source.width || !source.height) return [];
  const size = { width: source.width, height: source.height };
  const fallback = fallbackFormat(source.mime_type);
  const formats: VariantFormat[] = ["avif", "webp", fallback];
  const specs: VariantSpec[] = [];
  for (const width of fullWidths(size.width))
    for (const format of formats)
      specs.push({ label: `w${width}`, crop: "full", format, width, height: scaledHeight(width, size) });
  // A crop is never wider than the image allows at 16:9 (a tall image is cropped in height).
  const wideMax = Math.min(size.width, Math.floor((size.height * 16) / 9));
  const wideWidths: number[] = WIDE_WIDTHS.filter((w) => w <= wideMax);
  if (wideWidths.length === 0) wideWidths.push(wideMax);
  for (const width of wideWidths)
    for (const format of formats)
      specs.push({
        label: `wide${width}`,
        crop: "wide",
        format,
        width,
        height: Math.round((width * 9) / 16),
      });
  const side = Math.min(SQUARE_SIDE, size.width, size.height);
  for (const format of formats)
    specs.push({ label: `sq${side}`, crop: "square", format, width: side, height: side });
  specs.push({ label: "og", crop: "og", format: fallback === "png" ? "png" : "jpg", ...OG_SIZE });
  return specs;
}

function stemOf(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot > fileName.lastIndexOf("/") ? fileName.slice(0, dot) : fileName;
}

/** The storage key (and path under `/media/`) of one variant. */
export function variantKey(
  source: Pick<VariantSource, "file_name" | "variant_hash">,
  spec: VariantSpec,
): string {
  return `${stemOf(source.file_name)}.${source.variant_hash}.${spec.label}.${spec.format}`;
}

/** The key of the master a fresh upload's variants are made from: named like them, never served. */
export function masterKey(fileName: string, hash: string, format: "jpg" | "png"): string {
  return `${stemOf(fileName)}.${hash}.master.${format}`;
}

const VARIANT_KEY = /^(.+)\.([0-9a-f]{12})\.(w\d+|wide\d+|sq\d+|og)\.(avif|webp|jpg|png)$/;

/** A served key taken apart, or undefined when it names no variant. */
export function parseVariantKey(
  key: string,
): { stem: string; hash: string; label: string; format: string } | undefined {
  const match = VARIANT_KEY.exec(key);
  return match ? { stem: match[1], hash: match[2], label: match[3], format: match[4] } : undefined;
}

/** The spec a served key names, if the image has such a variant. */
export function specForKey(source: VariantSource, key: string): VariantSpec | undefined {
  const parsed = parseVariantKey(key);
  if (!parsed || parsed.hash !== source.variant_hash || parsed.stem !== stemOf(source.file_name))
    return undefined;
  return variantSpecs(source).find((s) => s.label === parsed.label && s.format === parsed.format);
}

export function mediaUrl(key: string): string {
  return `/media/${key}`;
}

/** A set of same-shaped variants as `srcset` strings per format. */
export interface PictureSet {
  width: number;
  height: number;
  /** The fallback file for `src` (the widest up to 1024 px). */
  src: string;
  avif: string;
  webp: string;
  fallback: string;
}

/** What a theme needs to show an image (see themes/default/partials/picture.liquid). */
export interface ImageModel {
  id: number;
  /** The image's own address (`/media/<file_name>`, which leads to its largest variant) or the linked file. */
  url: string;
  alt: string;
  caption: string;
  credit: string;
  width: number | null;
  height: number | null;
  /** Full frame; null for a linked file (shown from `url`). */
  full: PictureSet | null;
  /** 16:9 crop around the focal point, for cards. */
  wide: PictureSet | null;
  square: PictureSet | null;
  /** The 1200×630 share image, or `url`. */
  og: string;
}

function pictureSet(source: VariantSource, specs: VariantSpec[]): PictureSet | null {
  if (specs.length === 0) return null;
  const srcset = (format: VariantFormat) =>
    specs
      .filter((s) => s.format === format)
      .map((s) => `${mediaUrl(variantKey(source, s))} ${s.width}w`)
      .join(", ");
  const fallback = fallbackFormat(source.mime_type);
  const fallbacks = specs.filter((s) => s.format === fallback);
  const src = fallbacks.filter((s) => s.width <= 1024).at(-1) ?? fallbacks[0];
  const widest = fallbacks.at(-1) ?? src;
  return {
    width: widest.width,
    height: widest.height,
    src: mediaUrl(variantKey(source, src)),
    avif: srcset("avif"),
    webp: srcset("webp"),
    fallback: srcset(fallback),
  };
}

/** The theme's model of a media row. */
export function imageModel(
  media: VariantSource & {
    id: number;
    alt: string;
    caption: string;
    credit: string;
    source_url: string | null;
  },
): ImageModel {
  const specs = variantSpecs(media);
  const og = specs.find((s) => s.crop === "og");
  const url = media.source_url ?? mediaUrl(media.file_name);
  return {
    id: media.id,
    url,
    alt: media.alt,
    caption: media.caption,
    credit: media.credit,
    width: media.width,
    height: media.height,
    full: pictureSet(
      media,
      specs.filter((s) => s.crop === "full"),
    ),
    wide: pictureSet(
      media,
      specs.filter((s) => s.crop === "wide"),
    ),
    square: pictureSet(
      media,
      specs.filter((s) => s.crop === "square"),
    ),
    og: og ? mediaUrl(variantKey(media, og)) : url,
  };
}

/** Where a crop of `crop` (w×h) sits in an image of `size` so that the focal point is as central as it can be. */
export function cropBox(
  size: { width: number; height: number },
  aspect: number,
  focal: { x: number; y: number },
): { left: number; top: number; width: number; height: number } {
  let width = size.width;
  let height = Math.round(width / aspect);
  if (height > size.height) {
    height = size.height;
    width = Math.min(size.width, Math.round(height * aspect));
  }
  const clamp = (value: number, max: number) => Math.max(0, Math.min(max, Math.round(value)));
  return {
    left: clamp(focal.x * size.width - width / 2, size.width - width),
    top: clamp(focal.y * size.height - height / 2, size.height - height),
    width,
    height,
  };
}
