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
  const stored = await getRedirect(db, path);
  if (stored) return stored;
  const plain = withoutWordPressWrappers(path);
  if (plain === path) return undefined;
  return (await getRedirect(db, plain)) ?? { to_path: plain, status_code: 301 };
}
