import { createRequire } from "node:module";
import type { slugify as TransliterateToSlug } from "transliteration";

/**
 * The one slug rule of the program, for stories, categories, tags, authors and imports.
 *
 * `unicode` (the default, as WordPress does): letters, digits and combining marks of every script
 * are kept, NFC-normalised and lower-cased ("Путин и Макрон" → "путин-и-макрон"); Latin letters
 * lose their accents as in WordPress ("Café" → "cafe"), so slugs WordPress made stay the same.
 * Slugs travel percent-encoded in URLs (`slugPath`) and are stored and shown decoded.
 * `ascii`: transliterated to `[a-z0-9-]` ("putin-i-makron").
 */
export type SlugStyle = "unicode" | "ascii";

export const SLUG_STYLES: readonly SlugStyle[] = ["unicode", "ascii"];

/** Longest slug kept (WordPress allows 200 bytes of `post_name`; our columns hold 200 characters). */
export const MAX_SLUG_LENGTH = 200;

/**
 * Latin letters NFKD does not decompose into an ASCII base letter; the rest of Latin script
 * (é, ñ, ç, å…) folds by dropping combining marks after NFKD.
 */
const LATIN_FOLDS: Record<string, string> = {
  ß: "ss",
  ẞ: "ss",
  æ: "ae",
  Æ: "ae",
  œ: "oe",
  Œ: "oe",
  ø: "o",
  Ø: "o",
  đ: "d",
  Đ: "d",
  ð: "d",
  Ð: "d",
  þ: "th",
  Þ: "th",
  ł: "l",
  Ł: "l",
  ı: "i",
  ħ: "h",
  Ħ: "h",
};

/** A Latin letter with the marks that follow it. */
const LATIN_LETTER = /\p{Script=Latin}\p{M}*/gu;
/**
 * Invisible format characters: bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069), marks
 * (U+200E, U+200F, U+061C), zero-width joiners, soft hyphens. In a URL they would reorder or hide
 * what a reader sees, so they are dropped rather than turned into dashes.
 */
const FORMAT_CHARACTERS = /\p{Cf}/gu;
/** Anything but a letter, digit or combining mark of any script. */
const SEPARATORS = /[^\p{L}\p{N}\p{M}]+/gu;
const APOSTROPHES = /['’ʼ]/g;

/** "Straße Łódź" → "Strasse Lodz": Latin letters to ASCII, other scripts untouched. */
function foldLatin(text: string): string {
  return text.replace(LATIN_LETTER, (letter) => {
    if (letter.length === 1 && letter.charCodeAt(0) < 0x80) return letter;
    const folded = LATIN_FOLDS[letter[0]];
    if (folded !== undefined) return folded + letter.slice(1).replace(/\p{M}/gu, "");
    return letter.normalize("NFKD").replace(/\p{M}/gu, "");
  });
}

/** Cuts at the last dash before `maxLength` when one is reasonably near, never leaving a dash at the end. */
function cut(slug: string, maxLength: number): string {
  const chars = [...slug];
  if (chars.length <= maxLength) return slug;
  const head = chars.slice(0, maxLength).join("");
  const lastDash = head.lastIndexOf("-");
  return (lastDash > head.length / 2 ? head.slice(0, lastDash) : head).replace(/-+$/g, "");
}

/**
 * transliteration's slugify, loaded on first use: only sites that chose ASCII slugs need its tables
 * (about 5 MB of memory).
 */
let transliterator: typeof TransliterateToSlug | undefined;
function transliterateToSlug(...args: Parameters<typeof TransliterateToSlug>): string {
  transliterator ??= (
    createRequire(import.meta.url)("transliteration") as { slugify: typeof TransliterateToSlug }
  ).slugify;
  return transliterator(...args);
}

/**
 * A slug from a title or name; "" when nothing usable is left (a title of emoji or punctuation),
 * for which the caller picks a readable fallback (`story-<id>`, `tag`…).
 */
export function slugify(text: string, style: SlugStyle = "unicode", maxLength = 80): string {
  const visible = text.replace(FORMAT_CHARACTERS, "").replace(APOSTROPHES, "");
  const slug =
    style === "ascii"
      ? transliterateToSlug(foldLatin(visible.normalize("NFC")), { lowercase: true, separator: "-" })
          .replace(/[^a-z0-9]+/g, "-")
          .replace(/^-+|-+$/g, "")
      : foldLatin(visible.normalize("NFC"))
          .toLowerCase()
          .normalize("NFC")
          .replace(SEPARATORS, "-")
          .replace(/^-+|-+$/g, "");
  return cut(slug, maxLength);
}

/** True for a slug as stored: lower-case letters, digits and marks of any script (NFC) joined by single dashes. */
export function isValidSlug(slug: string): boolean {
  return (
    /^[\p{L}\p{N}\p{M}]+(?:-[\p{L}\p{N}\p{M}]+)*$/u.test(slug) &&
    slug === slug.toLowerCase() &&
    slug === slug.normalize("NFC") &&
    [...slug].length <= MAX_SLUG_LENGTH
  );
}

/**
 * A slug as typed or exported, decoded: WordPress stores `%d0%bf…`, editors paste addresses.
 * NFC-normalised; a malformed escape ("100%-sure") leaves the text as it was rather than throwing.
 */
export function decodeSlug(raw: string): string {
  const trimmed = raw.trim();
  if (!trimmed.includes("%")) return trimmed.normalize("NFC");
  try {
    return decodeURIComponent(trimmed).normalize("NFC");
  } catch {
    return trimmed.normalize("NFC");
  }
}

/** A slug as it travels in a URL path segment: percent-encoded UTF-8 (ASCII slugs unchanged). */
export function encodeSlug(slug: string): string {
  return encodeURIComponent(slug);
}

/** `base`, or `base-2`, `base-3`… — the first that `isTaken` says is free. */
export async function uniqueSlug(base: string, isTaken: (slug: string) => Promise<boolean>): Promise<string> {
  const root = base || "untitled";
  if (!(await isTaken(root))) return root;
  for (let n = 2; ; n++) {
    const candidate = `${root}-${n}`;
    if (!(await isTaken(candidate))) return candidate;
  }
}

/** Characters kept free at the end of a long base for its `-N` suffix. */
const SUFFIX_ROOM = 8;

/** `base`, or the first `base-N` (N ≥ 2) not in `taken`; pure, so one query of taken slugs suffices. */
export function firstFreeSlug(base: string, taken: Iterable<string>, maxLength = 100): string {
  const root =
    [...(base || "untitled")]
      .slice(0, maxLength - SUFFIX_ROOM)
      .join("")
      .replace(/-+$/g, "") || "untitled";
  const used = new Set(taken);
  if (!used.has(root)) return root;
  for (let n = 2; ; n++) if (!used.has(`${root}-${n}`)) return `${root}-${n}`;
}

/** How many times a slug lost to a concurrent insert is chosen again before giving up. */
const SLUG_CLAIM_ATTEMPTS = 10;

/**
 * Claims a free slug for a new row: lists the slugs starting with `base` (one query), inserts with
 * the first free one, and if a concurrent insert took it meanwhile (`insert` answers `undefined`)
 * chooses again. Throws only after repeated losses, which needs a storm of same-named creates.
 */
export async function claimFreeSlug<T>(
  base: string,
  maxLength: number,
  listTaken: (root: string) => Promise<string[]>,
  insert: (slug: string) => Promise<T | undefined>,
): Promise<T> {
  const root = firstFreeSlug(base, [], maxLength);
  for (let attempt = 0; attempt < SLUG_CLAIM_ATTEMPTS; attempt++) {
    const inserted = await insert(firstFreeSlug(root, await listTaken(root), maxLength));
    if (inserted !== undefined) return inserted;
  }
  throw new Error(`slugs: no free slug for "${root}" after ${SLUG_CLAIM_ATTEMPTS} attempts`);
}

/** The address of a category, tag or author archive: `/tag/россия/` percent-encoded. */
export function archivePath(kind: "category" | "tag" | "author", slug: string): string {
  return `/${kind}/${encodeSlug(slug)}/`;
}
