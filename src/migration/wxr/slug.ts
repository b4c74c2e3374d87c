import { createHash } from "node:crypto";
import { decodeSlug, MAX_SLUG_LENGTH, slugify } from "../../lib/slug.js";

/**
 * A Broadsheet slug from a WordPress slug or title, by the program's one slug rule (`slugify`,
 * Unicode style): WordPress keeps non-Latin letters in its slugs too, so `%d0%bf%d1%83…` becomes
 * `пу…` and the post stays at its old address. Emoji- or punctuation-only input gives `fallback`.
 */
export function normalizeSlug(raw: string, fallback: string): string {
  return slugify(decodeSlug(raw), "unicode", MAX_SLUG_LENGTH) || fallback;
}

/**
 * `normalizeSlug` with a fallback derived from the original, `<prefix>-<8 hex digits>`, for things
 * referenced by slug rather than id (terms inside items carry no term id; authors are named by
 * login): every reference to the same unusable slug then gets the same result.
 */
export function normalizeSlugWithHashFallback(raw: string, prefix: string): string {
  const digest = createHash("sha256").update(decodeSlug(raw)).digest("hex").slice(0, 8);
  return normalizeSlug(raw, `${prefix}-${digest}`);
}
