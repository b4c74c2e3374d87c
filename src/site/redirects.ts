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
