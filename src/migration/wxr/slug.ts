import { createHash } from "node:crypto";

/** Longest slug Broadsheet keeps; WordPress allows 200 bytes of `post_name`. */
export const MAX_SLUG_LENGTH = 200;

/**
 * Letters NFKD does not decompose into an ASCII base letter. The rest of Latin script (é, ñ, ç,
 * å…) folds by dropping combining marks after NFKD.
 */
const ASCII_FOLDS: Record<string, string> = {
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

const FOLDABLE = new RegExp(`[${Object.keys(ASCII_FOLDS).join("")}]`, "g");

/**
 * WordPress stores non-ASCII slugs percent-encoded (`caf%c3%a9`); this returns the Unicode text.
 * A malformed escape leaves the value as it was rather than throwing.
 */
export function decodeWpSlug(raw: string): string {
  const trimmed = raw.trim();
  if (!trimmed.includes("%")) return trimmed;
  try {
    return decodeURIComponent(trimmed).normalize("NFC");
  } catch {
    return trimmed;
  }
}

/**
 * A Broadsheet slug (`[a-z0-9-]`, at most 200 characters) from a WordPress slug or title:
 * percent-decoded, then transliterated (NFKD, combining marks dropped, ß → ss, ø → o…), lowercased,
 * every other run of characters becoming one hyphen. Scripts with no ASCII transliteration
 * (日本, Ελλάδα) come out empty; the caller then uses `fallback`. Transliterating rather than
 * keeping Unicode slugs keeps URLs typeable; the old URL is kept as a redirect.
 */
export function normalizeSlug(raw: string, fallback: string): string {
  const folded = decodeWpSlug(raw)
    .replace(FOLDABLE, (letter) => ASCII_FOLDS[letter] ?? letter)
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const slug =
    folded.length > MAX_SLUG_LENGTH ? folded.slice(0, MAX_SLUG_LENGTH).replace(/-+[^-]*$/, "") : folded;
  return slug === "" ? fallback : slug;
}

/**
 * `normalizeSlug` with a fallback derived from the original, `<prefix>-<8 hex digits>`, for things
 * referenced by slug rather than id (terms inside items carry no term id; authors are named by
 * login): every reference to the same untransliterable slug then gets the same result.
 */
export function normalizeSlugWithHashFallback(raw: string, prefix: string): string {
  const digest = createHash("sha256").update(decodeWpSlug(raw)).digest("hex").slice(0, 8);
  return normalizeSlug(raw, `${prefix}-${digest}`);
}
