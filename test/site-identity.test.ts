import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import { buildApp } from "../src/app.js";
import { mediaJobsSettled } from "../src/media/service.js";
import { mediaDir, mediaStorage } from "../src/media/storage.js";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { readIcoDirectory } from "./support/ico.js";
import { multipartForm } from "./support/multipart-form.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

/**
 * A 1200×600 image: blue on its left quarter, green on its right quarter, red between — its
 * centred square is all red.
 */
async function bannerPng(): Promise<Buffer> {
  const band = (colour: string, width: number) =>
    sharp({ create: { width, height: 600, channels: 3, background: colour } })
      .png()
      .toBuffer();
  return sharp({ create: { width: 1200, height: 600, channels: 3, background: "#ff0000" } })
    .composite([
      { input: await band("#0000ff", 300), left: 0, top: 0 },
      { input: await band("#00ff00", 300), left: 900, top: 0 },
    ])
    .png()
    .toBuffer();
}

async function plainPng(width: number, height: number, colour: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** The colour of a PNG's pixel as `#rrggbb`. */
async function pixel(png: Buffer, x: number, y: number): Promise<string> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return `#${[...data.subarray(at, at + 3)].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

/** True when two `#rrggbb` colours differ by at most a few steps per channel (encoding rounds them). */
function isNear(colour: string, expected: string): boolean {
  const channels = (hex: string) => [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16));
  const [a, b] = [channels(colour), channels(expected)];
  return a.every((value, i) => Math.abs(value - b[i]) <= 24);
}

describe(`the site icon and logo on ${testDialect}`, () => {
  let site: TestSite;
  let adminCookie: string;
  let adminToken: string;
  let editorCookie: string;
  let editorToken: string;

  beforeAll(async () => {
    site = await createTestSite();
    adminCookie = await site.sessionCookie(await site.newUser({ role: "admin" }));
    adminToken = await site.newApiToken();
    const editor = await site.newUser({ role: "editor" });
    editorCookie = await site.sessionCookie(editor);
    const made = await createApiToken(site.ctx, { name: "editor token", userId: editor.id });
    if ("errors" in made) throw new Error("editor token");
    editorToken = made.token;
  });
  afterAll(async () => {
    await mediaJobsSettled();
    await site?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    site.request({ method: "GET", url, headers });

  /** Posts a chooser's upload form as a browser on the Settings page would. */
  async function uploadToChooser(
    kind: "site-icon" | "logo",
    fileName: string,
    data: Buffer,
    cookie = adminCookie,
  ) {
    const form = await multipartForm({}, [{ field: "file", fileName, data, type: "image/png" }]);
    return site.request({
      method: "POST",
      url: `/admin/settings/${kind}`,
      cookie,
      headers: { ...form.headers, origin: "http://news.test" },
      payload: form.payload,
    });
  }

  async function uploadThroughApi(data: Buffer): Promise<number> {
    const form = await multipartForm({ alt: "" }, [
      { field: "file", fileName: "image.png", data, type: "image/png" },
    ]);
    const uploaded = await site.request({
      method: "POST",
      url: "/api/admin/media",
      headers: { ...form.headers, authorization: `Bearer ${adminToken}` },
      payload: form.payload,
    });
    expect(uploaded.statusCode).toBe(201);
    return uploaded.json().id;
  }

  const patchSettings = (body: object, token = adminToken) =>
    site.request({
      method: "PATCH",
      url: "/api/admin/settings",
      headers: { authorization: `Bearer ${token}` },
      payload: body,
    });

  let themeFavicon: Buffer;

  test("a fresh install answers /favicon.ico with a real icon of 16, 32 and 48 px, made from the theme's", async () => {
    const response = await get("/favicon.ico");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("image/x-icon");
    expect(response.headers["cache-control"]).toBe("public, max-age=3600");
    const entries = readIcoDirectory(response.rawPayload);
    expect(entries.map((e) => [e.width, e.height])).toEqual([
      [16, 16],
      [32, 32],
      [48, 48],
    ]);
    for (const entry of entries) expect((await sharp(entry.data).metadata()).format).toBe("png");
    // The theme's icon is a dark red square.
    expect(isNear(await pixel(entries[2].data, 24, 4), "#9b1c1f")).toBe(true);
    themeFavicon = response.rawPayload;

    const again = await get("/favicon.ico", { "if-none-match": String(response.headers.etag) });
    expect(again.statusCode).toBe(304);

    for (const [url, size] of [
      ["/apple-touch-icon.png", 180],
      ["/icon-192.png", 192],
      ["/icon-512.png", 512],
    ] as const) {
      const icon = await get(url);
      expect(icon.statusCode).toBe(200);
      expect(icon.headers["content-type"]).toBe("image/png");
      const meta = await sharp(icon.rawPayload).metadata();
      expect([meta.width, meta.height]).toEqual([size, size]);
    }
  });

  /** Media-storage keys of the stored favicon.ico files: one per icon the site has had. */
  async function storedFaviconKeys(): Promise<string[]> {
    if (testDialect === "postgres") {
      const rows = await site.ctx.db
        .selectFrom("media_files")
        .select("key")
        .where("key", "like", "site-icons/%/favicon.ico")
        .execute();
      return rows.map((row) => row.key);
    }
    const folder = path.join(mediaDir(site.config.dataDir), "site-icons");
    if (!fs.existsSync(folder)) return [];
    return fs
      .readdirSync(folder)
      .filter((name) => fs.existsSync(path.join(folder, name, "favicon.ico")))
      .map((name) => `site-icons/${name}/favicon.ico`);
  }

  test("the icons are made once for the site and stored with its media: another node serves them as stored", async () => {
    const served = (await get("/favicon.ico")).rawPayload;
    const keys = await storedFaviconKeys();
    expect(keys).toHaveLength(1);
    const storage = mediaStorage(site.ctx);
    expect((await storage.get(keys[0]))?.equals(served)).toBe(true);

    // Marked bytes in storage: a node that made its own icons would not serve them.
    const marked = Buffer.concat([served, Buffer.from("stored")]);
    await storage.delete(keys[0]);
    await storage.put(keys[0], marked, "image/x-icon");
    const otherNode = await buildApp(site.config, { logger: false });
    try {
      expect((await otherNode.inject({ url: "/favicon.ico" })).rawPayload.equals(marked)).toBe(true);
    } finally {
      await otherNode.close();
      await storage.delete(keys[0]);
      await storage.put(keys[0], served, "image/x-icon");
    }
  });

  test("the web app manifest names the site and its icons", async () => {
    const response = await get("/site.webmanifest");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("application/manifest+json");
    expect(response.json()).toMatchObject({
      name: "Broadsheet",
      short_name: "Broadsheet",
      start_url: "/",
      icons: [
        { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
        { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
      ],
    });
    // The icon's own colour: the theme's dark red.
    expect(isNear(response.json().theme_color, "#9b1c1f")).toBe(true);
  });

  test("pages link the icons and the manifest", async () => {
    const page = await get("/");
    expect(page.body).toMatch(/<link rel="icon" href="\/favicon\.ico\?v=\w+" sizes="16x16 32x32 48x48">/);
    expect(page.body).toMatch(/<link rel="apple-touch-icon" href="\/apple-touch-icon\.png\?v=\w+">/);
    expect(page.body).toMatch(/<link rel="manifest" href="\/site\.webmanifest\?v=\w+">/);
  });

  test("an icon uploaded in Settings is cut to its centred square and replaces every icon", async () => {
    const before = (await get("/")).body;
    const uploaded = await uploadToChooser("site-icon", "banner.png", await bannerPng());
    expect(uploaded.statusCode).toBe(303);
    expect((await followRedirect(site, uploaded, adminCookie)).body).toContain("Site icon saved.");

    const favicon = await get("/favicon.ico");
    expect(favicon.rawPayload.equals(themeFavicon)).toBe(false);
    const entries = readIcoDirectory(favicon.rawPayload);
    expect(entries).toHaveLength(3);
    for (const entry of entries) expect(isNear(await pixel(entry.data, 0, 0), "#ff0000")).toBe(true);
    for (const [url, size] of [
      ["/apple-touch-icon.png", 180],
      ["/icon-512.png", 512],
    ] as const) {
      const icon = (await get(url)).rawPayload;
      const meta = await sharp(icon).metadata();
      expect([meta.width, meta.height]).toEqual([size, size]);
      expect(isNear(await pixel(icon, 0, 0), "#ff0000")).toBe(true);
      expect(isNear(await pixel(icon, size - 1, size - 1), "#ff0000")).toBe(true);
    }
    expect(isNear((await get("/site.webmanifest")).json().theme_color, "#ff0000")).toBe(true);
    // The links change with the icon, so browsers do not keep the old one.
    const iconLink = (html: string) => /href="(\/favicon\.ico\?v=\w+)"/.exec(html)?.[1];
    expect(iconLink((await get("/")).body)).not.toBe(iconLink(before));

    const settings = await site.request({ method: "GET", url: "/admin/settings", cookie: adminCookie });
    expect(settings.body).toContain('In use: <a href="/admin/media/');
    expect(settings.body).toContain(">Remove site icon</button>");
  });

  test("an icon set through the API replaces it again, and null brings back the theme's", async () => {
    const id = await uploadThroughApi(await plainPng(640, 640, "#00aa00"));
    const patched = await patchSettings({ site_icon_media_id: id });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().site_icon_media_id).toBe(id);
    expect(
      (await get("/api/admin/settings", { authorization: `Bearer ${adminToken}` })).json(),
    ).toMatchObject({
      site_icon_media_id: id,
      logo_media_id: null,
    });
    const touch = (await get("/apple-touch-icon.png")).rawPayload;
    expect(isNear(await pixel(touch, 90, 90), "#00aa00")).toBe(true);
    const meta = await sharp(touch).metadata();
    expect([meta.width, meta.height]).toEqual([180, 180]);
    const entries = readIcoDirectory((await get("/favicon.ico")).rawPayload);
    expect(isNear(await pixel(entries[0].data, 8, 8), "#00aa00")).toBe(true);

    expect((await patchSettings({ site_icon_media_id: null })).json().site_icon_media_id).toBeNull();
    expect((await get("/favicon.ico")).rawPayload.equals(themeFavicon)).toBe(true);
  });

  test("the API refuses an unknown image and a too-small icon, naming the field", async () => {
    const unknown = await patchSettings({ logo_media_id: 987654 });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().fields).toEqual({ logo_media_id: "is not an image in the media library" });
    const small = await patchSettings({
      site_icon_media_id: await uploadThroughApi(await plainPng(300, 300, "#123456")),
    });
    expect(small.statusCode).toBe(422);
    expect(small.json().fields.site_icon_media_id).toContain("at least 512×512");
    const wrongType = await patchSettings({ logo_media_id: "one" });
    expect(wrongType.statusCode).toBe(400);
    const stored = (await get("/api/admin/settings", { authorization: `Bearer ${adminToken}` })).json();
    expect([stored.site_icon_media_id, stored.logo_media_id]).toEqual([null, null]);
  });

  test("a logo chosen from the library shows in the masthead of a cached page at once, and Remove takes it away", async () => {
    await get("/");
    expect((await get("/")).headers["x-cache"]).toBe("HIT");
    const id = await uploadThroughApi(await plainPng(400, 100, "#222222"));
    const chosen = await postAdminForm(site, "/admin/settings", "/admin/settings/logo", adminCookie, {
      media_id: String(id),
    });
    expect(chosen.statusCode).toBe(303);
    const page = await get("/");
    const logo = /<p class="site-title site-logo"><a href="\/" aria-current="page"><img ([^>]+)>/.exec(
      page.body,
    )?.[1];
    expect(logo).toBeDefined();
    expect(logo).toContain('alt="Broadsheet"');
    expect(logo).toContain('width="272" height="68"');
    expect(logo).toMatch(/src="\/media\/[^"]+\.png"/);
    expect(logo).not.toContain("loading=");
    const src = /src="([^"]+)"/.exec(logo!)![1];
    expect((await get(src)).statusCode).toBe(200);

    const removed = await postAdminForm(
      site,
      "/admin/settings",
      "/admin/settings/logo/remove",
      adminCookie,
      {},
    );
    expect((await followRedirect(site, removed, adminCookie)).body).toContain("Logo removed");
    const after = await get("/");
    expect(after.body).not.toContain("site-logo");
    expect(after.body).toContain('aria-current="page">Broadsheet</a></p>');
  });

  test("a file that is not an image, or an icon too small, is refused with the Settings page kept", async () => {
    const notImage = await uploadToChooser("site-icon", "notes.png", Buffer.from("just some notes"));
    expect(notImage.statusCode).toBe(422);
    expect(notImage.body).toContain('id="site-icon-error" role="alert">This file is not an image');
    expect(notImage.body).toContain(
      '<input id="title" name="title" required maxlength="100" value="Broadsheet"',
    );
    const tooSmall = await uploadToChooser("site-icon", "small.png", await plainPng(200, 100, "#334455"));
    expect(tooSmall.statusCode).toBe(422);
    expect(tooSmall.body).toContain(
      "The image is too small: 200×100 pixels, and it must be at least 512×512",
    );
    const stored = (await get("/api/admin/settings", { authorization: `Bearer ${adminToken}` })).json();
    expect(stored.site_icon_media_id).toBeNull();
  });

  test("only admins choose the icon or the logo", async () => {
    const id = await uploadThroughApi(await plainPng(600, 600, "#654321"));
    const form = await postAdminForm(site, "/admin/", "/admin/settings/site-icon", editorCookie, {
      media_id: String(id),
    });
    expect(form.statusCode).toBe(403);
    expect(
      (await uploadToChooser("logo", "logo.png", await plainPng(600, 600, "#654321"), editorCookie))
        .statusCode,
    ).toBe(403);
    expect((await patchSettings({ logo_media_id: id }, editorToken)).statusCode).toBe(403);
    const stored = (await get("/api/admin/settings", { authorization: `Bearer ${adminToken}` })).json();
    expect([stored.site_icon_media_id, stored.logo_media_id]).toEqual([null, null]);
  });
});
