import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";
import type { AppContext } from "../context.js";
import { largestVariantUrl, variantFile } from "./service.js";
import { isMediaKey, mediaDir } from "./storage.js";

/** Variants never change under their name (a new file or focal point gives new names). */
const VARIANT_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** An image's own address leads to its current file, which a replacement changes. */
const IMAGE_ADDRESS_CACHE_CONTROL = "public, max-age=300";

/**
 * `/media/…` serves image variants only (made on first request when missing); an image's own address
 * (`/media/<file_name>`) redirects to its widest variant. Masters and files uploaded before
 * variants existed (which may carry camera metadata) are never served.
 */
const mediaRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const root = mediaDir(ctx.config.dataDir);
  await app.register(fastifyStatic, { root, serve: false, cacheControl: false, index: false });

  app.get<{ Params: { "*": string } }>("/media/*", async function serveMedia(request, reply) {
    const key = request.params["*"];
    // Keys are plain characters: an escaped URL is no key.
    if (!isMediaKey(key)) return reply.callNotFound();
    const variant = await variantFile(ctx, key);
    if (variant) {
      return reply
        .header("cache-control", VARIANT_CACHE_CONTROL)
        .header("x-content-type-options", "nosniff")
        .type(variant.contentType)
        .sendFile(path.relative(root, variant.file), root);
    }
    const current = await largestVariantUrl(ctx, key);
    if (current) return reply.header("cache-control", IMAGE_ADDRESS_CACHE_CONTROL).redirect(current, 302);
    return reply.callNotFound();
  });
};

export default mediaRoutes;
