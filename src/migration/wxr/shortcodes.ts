/**
 * WordPress core shortcodes and embeds, rewritten as plain HTML at import time (Broadsheet runs
 * no shortcodes). Each rewrite honours WordPress's escape: `[[gallery]]` is the literal text
 * `[gallery]`. Shortcodes from plugins are not known here and stay as text, visibly, so an editor
 * can fix them; silently deleting content would be worse.
 */

import { decodeBasicEntities, escapeHtml } from "../../lib/html-escape.js";
import { closerCache, replaceEnclosed } from "./enclosed.js";

const ALIGN_CLASSES: ReadonlySet<string> = new Set(["alignleft", "alignright", "aligncenter", "alignnone"]);

const SHORTCODE_ATTRIBUTE = /([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"\]]+))/g;

/** `key="value"`, `key='value'` and `key=value` pairs of a shortcode, keys lowercased. */
export function parseShortcodeAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(SHORTCODE_ATTRIBUTE)) {
    attributes[match[1].toLowerCase()] = decodeBasicEntities(match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}

/** `<p><a href="url">url</a></p>`: how an embed (YouTube, a tweet…) survives without an iframe. */
export function linkParagraph(rawUrl: string): string {
  const url = escapeHtml(decodeBasicEntities(rawUrl.trim()));
  return `<p><a href="${url}">${url}</a></p>`;
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\/[^\s<>"]+$/i.test(text.trim());
}

/** A shortcode written `[[name]]` is WordPress's way of showing the shortcode itself as text. */
function isEscaped(open: string, close: string): boolean {
  return open === "[" && close === "]";
}

// Attribute text stops at "[" as well as "]": an opener without its "]" must not make the
// regex scan the rest of the post for every "[caption" (see enclosed.ts).
const CAPTION_OPEN = /\[(\[?)(caption|wp_caption)\b([^\][]*)\]/g;
const EMBED_OPEN = /\[(\[?)(embed)\b[^\][]*\]/g;
const MEDIA_OPEN = /\[(\[?)(audio|video)\b([^\][]*)\]/g;
const closingShortcode = closerCache((name) => new RegExp(String.raw`\[\/${name}\](\]?)`, "g"));
const CAPTION_MEDIA = /((?:<a [^<>]+>\s*)?<img [^<>]+>(?:\s*<\/a>)?)([\s\S]*)/i;

/**
 * Replaces each enclosing shortcode `[name …]inner[/name]` with `convert(…)`, or with its own text
 * minus the outer brackets when it is escaped as `[[name …]inner[/name]]`.
 */
function replaceShortcode(
  html: string,
  open: RegExp,
  convert: (attributeText: string, inner: string, name: string) => string,
): string {
  return replaceEnclosed(
    html,
    open,
    (opener) => closingShortcode(opener[2]),
    (opener, inner, closer) => {
      const [openBracket, closeBracket] = [opener[1], closer[1]];
      if (isEscaped(openBracket, closeBracket))
        return `${opener[0].slice(1)}${inner}${closer[0].slice(0, -1)}`;
      return openBracket + convert(opener[3] ?? "", inner, opener[2]) + closeBracket;
    },
  );
}

/**
 * `[caption align="aligncenter"]<img …> Text[/caption]` → `<figure><img …><figcaption>Text`.
 * As in WordPress, a `caption` attribute wins over text after the image.
 */
export function convertCaptions(html: string): string {
  return replaceShortcode(html, CAPTION_OPEN, (attributeText, inner) => {
    const attributes = parseShortcodeAttributes(attributeText);
    const parts = CAPTION_MEDIA.exec(inner);
    const media = (attributes.caption === undefined && parts ? parts[1] : inner)
      .replace(/\s*\n\s*/g, " ")
      .trim();
    const caption = (attributes.caption ?? parts?.[2] ?? "").trim();
    const align = ALIGN_CLASSES.has(attributes.align ?? "") ? ` ${attributes.align}` : "";
    const figcaption = caption === "" ? "" : `<figcaption>${caption}</figcaption>`;
    return `<figure class="wp-caption${align}">${media}${figcaption}</figure>`;
  });
}

/** Removes captions with their image and text, as WordPress's `strip_shortcodes` does for excerpts. */
export function removeCaptions(html: string): string {
  return replaceShortcode(html, CAPTION_OPEN, () => " ");
}

const URL_ON_OWN_LINE = /^([ \t]*)(https?:\/\/[^\s<>"]+)([ \t]*)$/gim;
const URL_ALONE_IN_PARAGRAPH = /<p(?: [^<>]*)?>\s*(https?:\/\/[^\s<>"]+)\s*<\/p>/gi;

/**
 * `[embed]url[/embed]` and a URL alone on its line (WordPress's oEmbed auto-embed) → a link
 * paragraph. `isClassic` enables the own-line rule, which block content does not use.
 */
export function convertEmbeds(html: string, isClassic: boolean): string {
  const text = replaceShortcode(html, EMBED_OPEN, (_attributes, inner) =>
    isHttpUrl(inner) ? linkParagraph(inner) : inner,
  );
  if (!isClassic) return text;
  return text
    .replace(URL_ON_OWN_LINE, (_match, _before, url: string) => linkParagraph(url))
    .replace(URL_ALONE_IN_PARAGRAPH, (_match, url: string) => linkParagraph(url));
}

const DROPPED_SHORTCODE = /\[(\[?)(playlist)\b([^\][]*)\](\]?)/g;
const GALLERY_SHORTCODE = /\[(\[?)gallery\b([^\][]*)\](\]?)/g;
const SELF_CLOSING_MEDIA = /\[(\[?)(audio|video)\b([^\][]*)\](\]?)/g;
const MEDIA_SOURCE_KEYS = [
  "src",
  "mp4",
  "m4v",
  "webm",
  "ogv",
  "wmv",
  "flv",
  "mp3",
  "m4a",
  "ogg",
  "wav",
  "wma",
];

/**
 * The player of an `[audio]`/`[video]` (with a link to the file for browsers without one), or ""
 * (and a note in `dropped`) without a file.
 */
function mediaPlayer(name: string, attributeText: string, inner: string, dropped: string[]): string {
  const attributes = parseShortcodeAttributes(attributeText);
  const source = MEDIA_SOURCE_KEYS.map((key) => attributes[key]).find((value) => value && isHttpUrl(value));
  const rawUrl = source ?? (isHttpUrl(inner) ? inner : undefined);
  if (rawUrl === undefined) {
    dropped.push(`[${name}${attributeText.trimEnd()}]`);
    return "";
  }
  const url = escapeHtml(decodeBasicEntities(rawUrl.trim()));
  return `<figure><${name} controls src="${url}"><a href="${url}">${url}</a></${name}></figure>`;
}

/** An image a `[gallery]` shows: an attachment of the export. */
export interface GalleryImage {
  url: string;
  alt: string;
  caption: string;
}

/** The export's image attachments, by WordPress id and by the post they are attached to. */
export interface GalleryAttachments {
  image(wpId: number): GalleryImage | undefined;
  imagesOf(parentWpId: number): GalleryImage[];
}

/** What `[gallery]` needs to find its images: the attachments, and the post it stands in. */
export interface GallerySource {
  attachments: GalleryAttachments;
  postWpId: number;
}

function idList(value: string | undefined): number[] {
  return (value ?? "")
    .split(",")
    .map((part) => Number(part.trim()))
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}

/**
 * The images of one `[gallery]`, as WordPress chooses them: `ids` (or `include`) in their order,
 * else the images attached to the post, minus `exclude`; and the named ids the export lacks.
 */
function galleryImages(
  attributes: Record<string, string>,
  source: GallerySource,
): { images: GalleryImage[]; missing: number[] } {
  const named = idList(attributes.ids ?? attributes.include);
  if (named.length > 0) {
    return {
      images: named.flatMap((id) => source.attachments.image(id) ?? []),
      missing: named.filter((id) => source.attachments.image(id) === undefined),
    };
  }
  const excluded = new Set(idList(attributes.exclude).map((id) => source.attachments.image(id)?.url));
  const parent = Number(attributes.id) > 0 ? Number(attributes.id) : source.postWpId;
  return {
    images: source.attachments.imagesOf(parent).filter((image) => !excluded.has(image.url)),
    missing: [],
  };
}

function galleryFigure(images: GalleryImage[]): string {
  const items = images.map(({ url, alt, caption }) => {
    const image = `<img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}" loading="lazy">`;
    return `<figure>${image}${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ""}</figure>`;
  });
  return `<figure class="gallery">${items.join("")}</figure>`;
}

/**
 * `[gallery]` becomes a figure of its images when the export holds them (`source`); without them
 * it is dropped and reported, as `[playlist]` always is, in `dropped`. `[audio]`/`[video]` become
 * players.
 */
export function convertMediaShortcodes(html: string, dropped: string[], source?: GallerySource): string {
  const withGalleries = html.replace(
    GALLERY_SHORTCODE,
    (match, open: string, attributeText: string, close: string) => {
      if (isEscaped(open, close)) return match.slice(1, -1);
      const shortcode = `[gallery${attributeText.trimEnd()}]`;
      const { images, missing } = source
        ? galleryImages(parseShortcodeAttributes(attributeText), source)
        : { images: [], missing: [] };
      if (images.length === 0) {
        dropped.push(shortcode);
        return open + close;
      }
      if (missing.length > 0) {
        const which = missing.length === 1 ? `image ${missing[0]} is` : `images ${missing.join(", ")} are`;
        dropped.push(`${shortcode}: ${which} not in the export`);
      }
      return open + galleryFigure(images) + close;
    },
  );
  const withoutPlaylists = withGalleries.replace(
    DROPPED_SHORTCODE,
    (match, open: string, name: string, attributeText: string, close: string) => {
      if (isEscaped(open, close)) return match.slice(1, -1);
      dropped.push(`[${name}${attributeText.trimEnd()}]`);
      return open + close;
    },
  );
  // Enclosing form first (`[video]url[/video]`), then what is left is self-closing.
  const withEnclosedMedia = replaceShortcode(withoutPlaylists, MEDIA_OPEN, (attributeText, inner, name) =>
    mediaPlayer(name, attributeText, inner, dropped),
  );
  return withEnclosedMedia.replace(
    SELF_CLOSING_MEDIA,
    (match, open: string, name: string, attributeText: string, close: string) => {
      if (isEscaped(open, close)) return match.slice(1, -1);
      return open + mediaPlayer(name, attributeText, "", dropped) + close;
    },
  );
}
