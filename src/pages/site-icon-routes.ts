import { createHash } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import sharp from "sharp";
import type { AppContext } from "../context.js";
import { isSiteWide } from "../infrastructure/content-changes.js";
import { encodeIco } from "../lib/ico.js";
import { getMedia, imageOriginal } from "../media/service.js";

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

/** The chosen icon (a library image, centre-cropped square) at LARGEST_ICON px, or the theme's favicon.svg. */
async function iconSquare(ctx: Ctx): Promise<Buffer | undefined> {
  const { siteIconMediaId } = await ctx.settings.get();
  const media = siteIconMediaId === null ? undefined : await getMedia(ctx, siteIconMediaId);
  // An image deleted from the library, or linked rather than uploaded, leaves the theme's icon.
  const original = media ? await imageOriginal(ctx, media) : undefined;
  if (original)
    return sharp(original)
      .resize(LARGEST_ICON, LARGEST_ICON, { fit: "cover", position: "centre" })
      .png()
      .toBuffer();
  const svg = ctx.theme.assets.get("favicon.svg")?.body;
  if (!svg) return undefined;
  // An SVG is drawn at 72 dpi by default: render it large enough for the largest icon to be sharp.
  const { width = 64, height = 64 } = await sharp(svg).metadata();
  const density = Math.min(10_000, Math.ceil((72 * LARGEST_ICON) / Math.min(width, height)));
  return sharp(svg, { density })
    .resize(LARGEST_ICON, LARGEST_ICON, { fit: "cover", position: "centre" })
    .png()
    .toBuffer();
}

function iconFile(body: Buffer, contentType: string): IconFile {
  return {
    body,
    contentType,
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
  };
}

async function makeIconFiles(ctx: Ctx): Promise<Map<SiteIconPath, IconFile> | undefined> {
  const square = await iconSquare(ctx);
  if (!square) return undefined;
  const png = (size: number) => sharp(square).resize(size, size).png().toBuffer();
  const [favicons, appleTouch, icon192, stats, settings] = await Promise.all([
    Promise.all(FAVICON_SIZES.map(async (size) => ({ size, png: await png(size) }))),
    png(APPLE_TOUCH_SIZE),
    png(192),
    sharp(square).stats(),
    ctx.settings.get(),
  ]);
  const { r, g, b } = stats.dominant;
  const manifest = {
    name: settings.title,
    short_name: settings.title,
    description: settings.tagline,
    lang: settings.language,
    start_url: "/",
    display: "browser",
    // The icon's own main colour: it matches the icon whatever the theme or the chosen image.
    theme_color: `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`,
    background_color: "#ffffff",
    icons: [
      { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
    ],
  };
  return new Map<SiteIconPath, IconFile>([
    ["/favicon.ico", iconFile(encodeIco(favicons), "image/x-icon")],
    ["/apple-touch-icon.png", iconFile(appleTouch, "image/png")],
    ["/icon-192.png", iconFile(icon192, "image/png")],
    ["/icon-512.png", iconFile(square, "image/png")],
    ["/site.webmanifest", iconFile(Buffer.from(JSON.stringify(manifest)), "application/manifest+json")],
  ]);
}

/**
 * The site's icons and web app manifest, made with sharp from the icon chosen in Settings (or the
 * theme's favicon.svg) on first request and kept in this node's memory. Any site-wide change
 * (settings, the theme, a replaced image: `settings`, `theme`, `all`), heard from any node, drops
 * them, so they are made again from what is current.
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
