import { createRequire } from "node:module";
import type Sharp from "sharp";

let loaded: typeof Sharp | undefined;

/**
 * sharp, loaded on first use: libvips adds about 30 MB to a process, and a node that only serves
 * pages never needs it (variants and site icons, once made, are stored files any node serves).
 */
export function sharpLibrary(): typeof Sharp {
  if (loaded) return loaded;
  const sharp = createRequire(import.meta.url)("sharp") as typeof Sharp;
  // One libvips thread per image: uploads and on-demand variants run side by side with page
  // requests on small machines, and several images at once use the cores better than one image with many threads.
  sharp.concurrency(1);
  // Decoded images are not worth keeping between uploads; the memory is.
  sharp.cache(false);
  loaded = sharp;
  return sharp;
}
