import type { FastifyReply, FastifyRequest } from "fastify";
import {
  canCurate,
  canManageSettings,
  canManageStaff,
  canManageTaxonomy,
  canModerateComments,
} from "../accounts/permissions.js";
import type { AppContext } from "../site/context.js";
import { csrfBinding, secureCookies } from "../site/requests.js";

const FLASH_COOKIE = "bs_flash";

/** Leaves a one-time message for the next admin page (post/redirect/get). */
export function setFlash(reply: FastifyReply, message: string, kind: "success" | "error" = "success"): void {
  reply.setCookie(FLASH_COOKIE, JSON.stringify({ message, kind }), {
    path: "/admin",
    httpOnly: true,
    sameSite: "lax",
    signed: true,
    secure: secureCookies(reply.server.ctx, reply.request),
    maxAge: 60,
  });
}

function takeFlash(request: FastifyRequest, reply: FastifyReply): { message: string; kind: string } | null {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return null;
  reply.clearCookie(FLASH_COOKIE, { path: "/admin" });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    return JSON.parse(unsigned.value) as { message: string; kind: string };
  } catch {
    return null;
  }
}

/** What every admin view receives: who is signed in, what they may open, the CSRF token and any flash. */
export async function adminPageModel(
  ctx: Pick<AppContext, "settings" | "config">,
  request: FastifyRequest,
  reply: FastifyReply,
  model: Record<string, unknown> & { title: string; section?: string },
) {
  const actor = request.actor;
  const settings = await ctx.settings.get();
  return {
    site_title: settings.title,
    // Bound to this session; its secret cookie is Secure whenever the site or this request is https.
    csrf_token: reply.generateCsrf({ userInfo: csrfBinding(request), secure: secureCookies(ctx, request) }),
    flash: takeFlash(request, reply),
    actor: actor ? { id: actor.id, name: actor.name, role: actor.role } : null,
    can: actor
      ? {
          manage_staff: canManageStaff(actor),
          manage_settings: canManageSettings(actor),
          manage_taxonomy: canManageTaxonomy(actor),
          moderate: canModerateComments(actor),
          curate: canCurate(actor),
        }
      : {},
    section: model.section ?? "",
    ...model,
  };
}
