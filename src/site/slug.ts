/** Turns a title or name into a URL slug of `[a-z0-9-]`, folding accents ("Café déjà vu" → "cafe-deja-vu"). */
export function slugify(text: string, maxLength = 80): string {
  const folded = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .replace(/æ/gi, "ae")
    .replace(/ø/gi, "o")
    .replace(/đ/gi, "d")
    .replace(/ł/gi, "l")
    .toLowerCase();
  const slug = folded
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength);
  const lastDash = cut.lastIndexOf("-");
  return (lastDash > maxLength / 2 ? cut.slice(0, lastDash) : cut).replace(/-+$/g, "");
}

/** True for a slug an editor may type: lowercase letters, digits and single dashes. */
export function isValidSlug(slug: string): boolean {
  return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug) && slug.length <= 200;
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
  const root = (base || "untitled").slice(0, maxLength - SUFFIX_ROOM).replace(/-+$/g, "") || "untitled";
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
