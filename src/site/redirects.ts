import type { Db } from "../db/database.js";
import { getRedirect, upsertRedirect } from "./store.js";

/** Records a permanent (or given) redirect from an old site path; replaces one for the same path. */
export async function addRedirect(
  db: Db,
  fromPath: string,
  toPath: string,
  now: string,
  statusCode = 301,
): Promise<void> {
  if (fromPath === toPath) return;
  await upsertRedirect(db, fromPath, toPath, statusCode, now);
}

/** Where an old path now lives, or undefined. */
export async function findRedirect(db: Db, path: string) {
  return getRedirect(db, path);
}

/**
 * The redirect stored for the same path percent-encoded as this program writes it (`%D0%BF`):
 * a browser or an old link may send `%d0%bf` for the same address.
 */
async function getRedirectOfEncoding(db: Db, path: string) {
  let canonical: string;
  try {
    canonical = encodeURI(decodeURI(path).normalize("NFC"));
  } catch {
    return undefined;
  }
  return canonical === path ? undefined : getRedirect(db, canonical);
}

/**
 * The path WordPress would have served for an address wrapped in its `/index.php/…` permalink
 * prefix or an AMP `…/amp/` suffix; the path itself when it has neither.
 */
function withoutWordPressWrappers(path: string): string {
  let plain = path === "/index.php" ? "/" : path.replace(/^\/index\.php(?=\/)/, "");
  plain = plain.replace(/\/amp\/?$/, "/");
  return plain;
}

/**
 * Where a path that matched no page now lives: its stored redirect, else the page behind
 * WordPress's `/index.php/…` or `…/amp/` forms of it (through that page's own redirect, in one hop).
 */
export async function findMovedPath(db: Db, path: string) {
  const stored = (await getRedirect(db, path)) ?? (await getRedirectOfEncoding(db, path));
  if (stored) return stored;
  const plain = withoutWordPressWrappers(path);
  if (plain === path) return undefined;
  return (await getRedirect(db, plain)) ?? { to_path: plain, status_code: 301 };
}
