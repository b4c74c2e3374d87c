import type { AppContext } from "../context.js";
import { escapeHtml } from "../lib/html-escape.js";
import { mediaByFileName } from "./service.js";
import { imageModel } from "./variants.js";

/** In-body images take the story column's width. */
const BODY_IMAGE_SIZES = "(min-width: 64rem) 46rem, 100vw";

const IMG_TAG = /<img\b[^>]*>/g;
const MEDIA_SRC = /\bsrc="(?:https?:\/\/[^/"]+)?\/media\/([A-Za-z0-9_./-]+)"/;
/** A paragraph holding nothing but one image (linked or not): it becomes a figure with a caption. */
const LONE_IMAGE_PARAGRAPH = /<p>\s*((?:<a\b[^>]*>)?<picture\b[^>]*>[\s\S]*?<\/picture>(?:<\/a>)?)\s*<\/p>/g;

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
}

/**
 * Story HTML (already sanitised) with its images from the media library shown in their variants
 * (`<picture>` with AVIF and WebP `srcset`s, width and height, lazy) and, when the image has a
 * caption or credit, in a `<figure>` with them. One query for all the story's images.
 */
export async function responsiveBodyImages(ctx: Pick<AppContext, "db">, html: string): Promise<string> {
  const tags = html.match(IMG_TAG) ?? [];
  const names = tags.flatMap((tag) => MEDIA_SRC.exec(tag)?.[1] ?? []);
  if (names.length === 0) return html;
  const media = await mediaByFileName(ctx, names);
  const captions = new Map<string, string>();
  const pictured = html.replace(IMG_TAG, (tag) => {
    const row = media.get(MEDIA_SRC.exec(tag)?.[1] ?? "");
    const image = row ? imageModel(row) : undefined;
    const set = image?.full;
    if (!image || !set) return tag;
    // The alt written with the story wins: it may say what the image means there.
    const alt = attribute(tag, "alt") || escapeHtml(image.alt);
    const sizes = BODY_IMAGE_SIZES;
    const caption = [
      image.caption ? escapeHtml(image.caption) : "",
      image.credit ? `<span class="credit">${escapeHtml(image.credit)}</span>` : "",
    ]
      .filter(Boolean)
      .join(" ");
    const marker = caption ? ` data-caption="${captions.size}"` : "";
    if (caption) captions.set(String(captions.size), caption);
    return (
      `<picture${marker}><source type="image/avif" srcset="${set.avif}" sizes="${sizes}">` +
      `<source type="image/webp" srcset="${set.webp}" sizes="${sizes}">` +
      `<img src="${set.src}" srcset="${set.fallback}" sizes="${sizes}" alt="${alt}" width="${set.width}" height="${set.height}" loading="lazy" decoding="async"></picture>`
    );
  });
  const figured = pictured.replace(LONE_IMAGE_PARAGRAPH, (paragraph, inner: string) => {
    const key = /<picture data-caption="(\d+)"/.exec(inner)?.[1];
    const caption = key === undefined ? undefined : captions.get(key);
    return caption === undefined
      ? paragraph
      : `<figure class="story-image">${inner}<figcaption>${caption}</figcaption></figure>`;
  });
  return figured.replace(/<picture data-caption="\d+">/g, "<picture>");
}
