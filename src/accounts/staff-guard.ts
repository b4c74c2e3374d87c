import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { isSameSitePost, requestOrigin } from "../infrastructure/requests.js";
import { baseLanguage } from "../lib/languages.js";
import type { Actor } from "./permissions.js";
import { isSetupNeeded } from "./service.js";

/**
 * Hooks for the admin child context: every route needs a staff session (a redirect to sign-in
 * for pages, 401 for scripts), and every state-changing request a valid CSRF token.
 */
export function requireStaffSession(app: FastifyInstance, ctx: AppContext): void {
  app.addHook("onRequest", async (request, reply) => {
    if (request.actor) return;
    if (await isSetupNeeded(ctx)) return reply.redirect("/admin/setup");
    if ((request.headers.accept ?? "").includes("application/json"))
      return reply.code(401).send({ error: "sign in required" });
    const next = encodeURIComponent(request.url);
    return reply.redirect(`/admin/login?next=${next}`);
  });
  app.addHook("preHandler", (request, reply, done) => {
    if (request.method === "GET" || request.method === "HEAD") return done();
    // A multipart body (an upload) is streamed by the handler after this hook, so its token cannot
    // be read here, and a token in the URL would leak into the address bar, history and logs.
    // Browsers send Origin with every form post: an upload must come from this site's own pages.
    if (request.isMultipart()) {
      if (isSameSitePost(request.headers, ctx.config.siteUrl, requestOrigin(request))) return done();
      return reply.code(403).send({ error: "uploads are accepted only from this site's own pages" });
    }
    app.csrfProtection(request, reply, done);
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    // Admin pages are personal: never stored by a shared cache.
    reply.header("cache-control", "no-store");
    return payload;
  });
}

/** Replies 403 with a page or JSON when `allowed` is false; returns true when it did. */
export function denyUnless(allowed: boolean, request: FastifyRequest, reply: FastifyReply): boolean {
  if (allowed) return false;
  if ((request.headers.accept ?? "").includes("application/json"))
    reply.code(403).send({ error: "forbidden" });
  else {
    // Said in the staff member's own choice of language (the site's would need a wait a caller cannot make).
    const lang = baseLanguage(request.actor?.language ?? "") ?? "en";
    reply.code(403).view("admin/views/forbidden", {
      lang,
      title: reply.server.ctx.adminMessages.t(lang, "admin.forbidden.heading"),
      site_title: "",
      actor: null,
      can: {},
    });
  }
  return true;
}

/** Every route registered in `app` (a plugin's context) answers 403 to staff `allowed` refuses. */
export function allowOnly(app: FastifyInstance, allowed: (actor: Actor) => boolean): void {
  app.addHook("preHandler", async (request, reply) => {
    if (denyUnless(allowed(actorOf(request)), request, reply)) return reply;
  });
}

/** The signed-in actor inside the admin context (the guard guarantees one). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error("admin: no signed-in actor behind the staff guard");
  return request.actor;
}
