import type { IncomingMessage, ServerResponse } from "node:http";
import helmet, { type HelmetOptions } from "helmet";
import { EMBED_PLAYER_ORIGINS } from "../lib/embeds.js";

/** The site's security policy: a strict CSP (no inline script or style), no framing, HSTS. */
const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "https:", "http:", "data:"],
      // Story bodies may play audio and video kept where an imported site had it.
      mediaSrc: ["'self'", "https:", "http:"],
      // Embed cards load a provider's player only when the reader asks (src/lib/embeds.ts).
      frameSrc: EMBED_PLAYER_ORIGINS,
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
  },
  referrerPolicy: { policy: "strict-origin-when-cross-origin" },
  crossOriginEmbedderPolicy: false,
  crossOriginResourcePolicy: { policy: "same-site" },
};

/**
 * The security headers every response carries, as helmet writes them, computed once. They never
 * vary by request, and @fastify/helmet would run helmet's middleware anew for every request
 * (re-validating the CSP each time), a measurable part of an uncached page.
 */
export function securityHeaders(options: HelmetOptions = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}
