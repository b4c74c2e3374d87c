import { createHash } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import type { AppContext } from "../context.js";
import { isSiteWide } from "../infrastructure/content-changes.js";
import { encodeIco } from "../lib/ico.js";
import { sharpLibrary } from "../lib/sharp.js";
import { getMedia, imageOriginal } from "../media/service.js";
import { type MediaStorage, mediaStorage } from "../media/storage.js";

type Ctx = Pick<AppContext, "db" | "now" | "config" | "settings" | "changes" | "theme">;

/** A served icon file, made once per node until the icon changes. */
interface IconFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** The addresses browsers, phones and crawlers ask for, whatever a page links to. */
export const SITE_ICON_PATHS = [
  "/favicon.ico",
  "/apple-touch-icon.png",
  "/icon-192.png",
  "/icon-512.png",
  "/site.webmanifest",
] as const;
type SiteIconPath = (typeof SITE_ICON_PATHS)[number];

/** Sizes inside /favicon.ico: tabs, taskbars and Windows' desktop. */
const FAVICON_SIZES = [16, 32, 48];
const APPLE_TOUCH_SIZE = 180;
/** The largest icon made, and the side every icon is cut from. */
const LARGEST_ICON = 512;

/**
 * A changed icon reaches browsers within the hour, and after that each check costs a 304 (ETag).
 * Not a year and `immutable` as for theme assets: these addresses stay the same when the icon
 * changes (pages link them with `?v=`, but /favicon.ico is also asked for by name).
 */
const ICON_CACHE_CONTROL = "public, max-age=3600";

/** The image the icons are cut from: the chosen library image's original, or the theme's favicon.svg. */
async function iconSource(ctx: Ctx): Promise<{ image: Buffer; isSvg: boolean } | undefined> {
  const { siteIconMediaId } = await ctx.settings.get();
  const media = siteIconMediaId === null ? undefined : await getMedia(ctx, siteIconMediaId);
  // An image deleted from the library, or linked rather than uploaded, leaves the theme's icon.
  const original = media ? await imageOriginal(ctx, media) : undefined;
  if (original) return { image: original, isSvg: false };
  const svg = ctx.theme.assets.get("favicon.svg")?.body;
  return svg ? { image: svg, isSvg: true } : undefined;
}

/** The icon images made from a source, and its main colour for the manifest. */
interface IconImages {
  favicon: Buffer;
  appleTouch: Buffer;
  icon192: Buffer;
  icon512: Buffer;
  themeColor: string;
}
type StoredImage = Exclude<keyof IconImages, "themeColor">;
const STORED_IMAGES: Record<StoredImage, { file: string; contentType: string }> = {
  favicon: { file: "favicon.ico", contentType: "image/x-icon" },
  appleTouch: { file: "apple-touch-icon.png", contentType: "image/png" },
  icon192: { file: "icon-192.png", contentType: "image/png" },
  icon512: { file: "icon-512.png", contentType: "image/png" },
};
/** Written after the images: a folder holding it holds a whole set. */
const THEME_COLOR_FILE = "theme-color.txt";

/**
 * Where the images made from a source are kept in media storage: named by the source's bytes and
 * the sizes made, so a new icon (or new sizes) gets a new folder and a set is never half old.
 */
function storedIconsFolder(source: { image: Buffer; isSvg: boolean }): string {
  const recipe = JSON.stringify({ FAVICON_SIZES, APPLE_TOUCH_SIZE, LARGEST_ICON, svg: source.isSvg });
  const name = createHash("sha256").update(recipe).update(source.image).digest("base64url").slice(0, 22);
  return `site-icons/${name}`;
}

async function readIconImages(storage: MediaStorage, folder: string): Promise<IconImages | undefined> {
  const themeColor = await storage.get(`${folder}/${THEME_COLOR_FILE}`);
  if (!themeColor) return undefined;
  const names = Object.keys(STORED_IMAGES) as StoredImage[];
  const images = await Promise.all(names.map((name) => storage.get(`${folder}/${STORED_IMAGES[name].file}`)));
  if (images.some((image) => image === undefined)) return undefined;
  return {
    ...(Object.fromEntries(names.map((name, i) => [name, images[i]])) as Record<StoredImage, Buffer>),
    themeColor: themeColor.toString(),
  };
}

/** Cuts the source to its centred square at LARGEST_ICON px and makes every size from that. */
async function makeIconImages(source: { image: Buffer; isSvg: boolean }): Promise<IconImages> {
  const sharp = sharpLibrary();
  let density: number | undefined;
  if (source.isSvg) {
    // An SVG is drawn at 72 dpi by default: render it large enough for the largest icon to be sharp.
    const { width = 64, height = 64 } = await sharp(source.image).metadata();
    density = Math.min(10_000, Math.ceil((72 * LARGEST_ICON) / Math.min(width, height)));
  }
  const square = await sharp(source.image, { density })
    .resize(LARGEST_ICON, LARGEST_ICON, { fit: "cover", position: "centre" })
    .png()
    .toBuffer();
  const png = (size: number) => sharp(square).resize(size, size).png().toBuffer();
  const [favicons, appleTouch, icon192, stats] = await Promise.all([
    Promise.all(FAVICON_SIZES.map(async (size) => ({ size, png: await png(size) }))),
    png(APPLE_TOUCH_SIZE),
    png(192),
    sharp(square).stats(),
  ]);
  const { r, g, b } = stats.dominant;
  return {
    favicon: encodeIco(favicons),
    appleTouch,
    icon192,
    icon512: square,
    themeColor: `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`,
  };
}

/**
 * The icon images of the current source: as stored by whichever node made them first, else made
 * here (the only time a node needs sharp for them) and stored. Two nodes making one set at once
 * store the same bytes under the same keys.
 */
async function currentIconImages(ctx: Ctx): Promise<IconImages | undefined> {
  const source = await iconSource(ctx);
  if (!source) return undefined;
  const storage = mediaStorage(ctx);
  const folder = storedIconsFolder(source);
  const stored = await readIconImages(storage, folder);
  if (stored) return stored;
  const made = await makeIconImages(source);
  await Promise.all(
    (Object.keys(STORED_IMAGES) as StoredImage[]).map((name) =>
      storage.put(`${folder}/${STORED_IMAGES[name].file}`, made[name], STORED_IMAGES[name].contentType),
    ),
  );
  await storage.put(`${folder}/${THEME_COLOR_FILE}`, Buffer.from(made.themeColor), "text/plain");
  return made;
}

function iconFile(body: Buffer, contentType: string): IconFile {
  return {
    body,
    contentType,
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
  };
}

async function makeIconFiles(ctx: Ctx): Promise<Map<SiteIconPath, IconFile> | undefined> {
  const [images, settings] = await Promise.all([currentIconImages(ctx), ctx.settings.get()]);
  if (!images) return undefined;
  const manifest = {
    name: settings.title,
    short_name: settings.title,
    description: settings.tagline,
    lang: settings.language,
    start_url: "/",
    display: "browser",
    // The icon's own main colour: it matches the icon whatever the theme or the chosen image.
    theme_color: images.themeColor,
    background_color: "#ffffff",
    icons: [
      { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
    ],
  };
  return new Map<SiteIconPath, IconFile>([
    ["/favicon.ico", iconFile(images.favicon, STORED_IMAGES.favicon.contentType)],
    ["/apple-touch-icon.png", iconFile(images.appleTouch, "image/png")],
    ["/icon-192.png", iconFile(images.icon192, "image/png")],
    ["/icon-512.png", iconFile(images.icon512, "image/png")],
    ["/site.webmanifest", iconFile(Buffer.from(JSON.stringify(manifest)), "application/manifest+json")],
  ]);
}

/**
 * The site's icons and web app manifest, made with sharp from the icon chosen in Settings (or the
 * theme's favicon.svg) once for the site and stored with the media, read on a node's first request
 * and kept in its memory. Any site-wide change (settings, the theme, a replaced image: `settings`,
 * `theme`, `all`), heard from any node, drops them, so they are read (or made) again from what is
 * current.
 */
const siteIconRoutes: FastifyPluginAsync<{ ctx: Ctx }> = async (app, { ctx }) => {
  let files: Promise<Map<SiteIconPath, IconFile> | undefined> | undefined;
  ctx.changes.onChange((change) => {
    if (isSiteWide(change)) files = undefined;
  });

  function currentFiles() {
    if (!files) {
      const making = makeIconFiles(ctx);
      files = making;
      making.catch(() => {
        if (files === making) files = undefined;
      });
    }
    return files;
  }

  for (const path of SITE_ICON_PATHS)
    app.get(path, async function sendSiteIcon(request, reply) {
      const file = (await currentFiles())?.get(path);
      if (!file) return reply.callNotFound();
      reply.header("cache-control", ICON_CACHE_CONTROL).header("etag", file.etag);
      const ifNoneMatch = request.headers["if-none-match"] ?? "";
      if (ifNoneMatch.split(",").some((tag) => tag.trim() === file.etag)) return reply.code(304).send();
      return reply.type(file.contentType).send(file.body);
    });
};

export default siteIconRoutes;
