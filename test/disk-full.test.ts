import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { multipartForm, TINY_PNG } from "./support/multipart-form.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

/** A small tmpfs to fill up; undefined (with the reason) where this machine does not let the tests mount one. */
function mountSmallDisk(): { dir: string; unmount(): void } | { unavailable: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broadsheet-full-disk-"));
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", dir], { encoding: "utf8" });
  if (mounted.status !== 0) {
    fs.rmdirSync(dir);
    return { unavailable: `cannot mount a tmpfs here (${(mounted.stderr || String(mounted.error)).trim()})` };
  }
  return {
    dir,
    unmount() {
      spawnSync("umount", ["-l", dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const disk = mountSmallDisk();
if ("unavailable" in disk) console.warn(`SKIPPED: the disk-full tests: ${disk.unavailable}`);
const ownDisk = "unavailable" in disk ? undefined : disk;

/** Writes until the disk refuses another byte. */
function fillDisk(dir: string): void {
  const filler = fs.openSync(path.join(dir, "filler"), "w");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(filler, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
    try {
      for (;;) fs.writeSync(filler, chunk, 0, 1);
    } catch {
      // Full to the last byte.
    }
  } finally {
    fs.closeSync(filler);
  }
}

describe.skipIf(!ownDisk)(`a full disk on ${testDialect}`, () => {
  const dataDir = ownDisk ? path.join(ownDisk.dir, "data") : "";
  let site: TestSite;
  let cookie: string;
  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    site = await createTestSite({
      database:
        testDialect === "sqlite"
          ? {
              database: { dialect: "sqlite", file: path.join(dataDir, "site.db") },
              dataDir,
              drop: async () => {},
            }
          : undefined,
      config: { dataDir },
    });
    cookie = await site.sessionCookie(await site.newUser({ role: "author" }));
    fillDisk(ownDisk?.dir ?? "");
  });
  afterAll(async () => {
    await site?.close();
    ownDisk?.unmount();
  });

  test("/readyz says the data directory is not writable while /healthz stays ok", async () => {
    const ready = await site.request({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ checks: { data_dir: "not writable" } });
    expect((await site.request({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });

  test.skipIf(testDialect !== "sqlite")(
    "an upload that does not fit answers 507 naming the cause and leaves no partial file behind",
    async () => {
      const page = await site.request({ method: "GET", url: "/admin/media", cookie });
      const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(
        page.body,
      )?.[1];
      const csrf = page.cookies.find((c) => c.name === "_csrf");
      if (!action || !csrf) throw new Error("no upload form");
      const big = Buffer.concat([TINY_PNG, Buffer.alloc(512 * 1024, 7)]);
      const form = await multipartForm({ alt: "" }, [
        { field: "file", fileName: "big.png", data: big, type: "image/png" },
      ]);
      const response = await site.request({
        method: "POST",
        url: action.replace(/&amp;/g, "&"),
        cookie: `${cookie}; _csrf=${csrf.value}`,
        // Upload forms are accepted from the site's own pages only.
        headers: { ...form.headers, accept: "text/html", origin: site.config.siteUrl },
        payload: form.payload,
      });
      expect(response.statusCode).toBe(507);
      expect(response.body).toContain("storage is full");
      const media = path.join(dataDir, "media");
      const files = fs.existsSync(media) ? (fs.readdirSync(media, { recursive: true }) as string[]) : [];
      expect(files.filter((f) => f.endsWith(".png") || f.endsWith(".part"))).toEqual([]);
    },
  );
});
