import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db/database.js";
import { dialectOf } from "../db/dialect.js";
import * as store from "./store.js";

/**
 * Where uploaded files (and their derivatives) live, by key: the path under `/media/`
 * (`2026/05/abc.jpg`). On SQLite (one node) they are files under `DATA_DIR/media`; on PostgreSQL
 * they are kept in the database so any node serves any file, and each node keeps a copy on its
 * disk (in the same folder) to serve from. Another backend (S3) would implement the same four calls.
 */
export interface MediaStorage {
  /** Stores `data` under a new key; when it fails, nothing is left behind. */
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The bytes stored under a key, or undefined. */
  get(key: string): Promise<Buffer | undefined>;
  /** A file on this node's disk holding the key's bytes, to stream from; undefined when there is no such key. */
  localFile(key: string): Promise<string | undefined>;
  /** Removes a key (a missing key is not an error). */
  delete(key: string): Promise<void>;
}

export function mediaDir(dataDir: string): string {
  return path.join(dataDir, "media");
}

/** Keys are relative paths of safe characters, never leaving the media folder. */
export function isMediaKey(key: string): boolean {
  // No segment may start with a dot ("." and ".." leave the folder); uploads are named with
  // base64url, which may start with "_" or "-".
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/.test(key) && key.length <= 300;
}

function fileOf(dir: string, key: string): string {
  if (!isMediaKey(key)) throw new Error(`media storage: not a media key: ${JSON.stringify(key)}`);
  return path.join(dir, key);
}

/** Writes a file whole or not at all: a partial file (disk full, a crash) is removed. */
async function writeWhole(file: string, data: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.${randomBytes(6).toString("hex")}.part`;
  try {
    await fs.writeFile(partial, data, { flag: "wx" });
    await fs.rename(partial, file);
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Files under a folder: the whole store on one node. */
class DiskMediaStorage implements MediaStorage {
  constructor(private readonly dir: string) {}

  async put(key: string, data: Buffer): Promise<void> {
    await writeWhole(fileOf(this.dir, key), data);
  }

  async get(key: string): Promise<Buffer | undefined> {
    return fs.readFile(fileOf(this.dir, key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
  }

  async localFile(key: string): Promise<string | undefined> {
    const file = fileOf(this.dir, key);
    return (await exists(file)) ? file : undefined;
  }

  async delete(key: string): Promise<void> {
    await fs.rm(fileOf(this.dir, key), { force: true });
  }
}

/** Downloads from the database into a node's disk copy that are under way, by file. */
const copying = new Map<string, Promise<string | undefined>>();

/** The database holds every file; the folder is this node's copy of those it has served. */
class DatabaseMediaStorage implements MediaStorage {
  constructor(
    private readonly db: Db,
    private readonly cacheDir: string,
    private readonly now: () => Date,
  ) {}

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    const file = fileOf(this.cacheDir, key);
    await store.insertMediaFile(this.db, {
      key,
      content_type: contentType,
      data,
      created_at: this.now().toISOString(),
    });
    // The disk copy only saves a read later: a node whose disk is full still stores the upload.
    await writeWhole(file, data).catch(() => {});
  }

  async get(key: string): Promise<Buffer | undefined> {
    return (await store.getMediaFile(this.db, key))?.data;
  }

  async localFile(key: string): Promise<string | undefined> {
    const file = fileOf(this.cacheDir, key);
    if (await exists(file)) return file;
    let pending = copying.get(file);
    if (!pending) {
      pending = (async () => {
        const row = await store.getMediaFile(this.db, key);
        if (!row) return undefined;
        await writeWhole(file, row.data);
        return file;
      })().finally(() => copying.delete(file));
      copying.set(file, pending);
    }
    return pending;
  }

  async delete(key: string): Promise<void> {
    await store.deleteMediaFile(this.db, key);
    await fs.rm(fileOf(this.cacheDir, key), { force: true });
  }
}

/** The media storage for this database: in it on PostgreSQL, on disk on SQLite. */
export function mediaStorage(ctx: { db: Db; config: { dataDir: string }; now: () => Date }): MediaStorage {
  const dir = mediaDir(ctx.config.dataDir);
  return dialectOf(ctx.db) === "postgres"
    ? new DatabaseMediaStorage(ctx.db, dir, ctx.now)
    : new DiskMediaStorage(dir);
}
