import type { FastifyReply, FastifyRequest } from "fastify";
import Negotiator from "negotiator";
import type { AppContext } from "../context.js";
import { csrfBinding, secureCookies } from "../infrastructure/requests.js";
import { COMMON_PROBLEMS } from "../lib/common-problems.js";
import { baseLanguage, SITE_LANGUAGES, type SiteLanguage, staffLanguage } from "../lib/languages.js";
import { type ProblemTexts, type Say, translateProblem } from "../lib/problems.js";
import {
  canArrangeFrontPage,
  canCurate,
  canManagePages,
  canManageSettings,
  canManageStaff,
  canManageTaxonomy,
  canModerateComments,
} from "./permissions.js";

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

/**
 * The language the admin speaks to a staff member who chose `chosen` (null: none): that one, else
 * the site's (signed-out pages too), else English.
 */
export async function adminLanguage(
  ctx: Pick<AppContext, "settings">,
  chosen: string | null | undefined,
): Promise<SiteLanguage> {
  return staffLanguage(chosen, (await ctx.settings.get()).language);
}

/** The browser's preferred supported language (Accept-Language), for pages seen before the site has one. */
export function browserLanguage(request: FastifyRequest): SiteLanguage {
  return baseLanguage(new Negotiator(request).language([...SITE_LANGUAGES]) ?? "") ?? "en";
}

/** Messages of the admin catalogue in this request's language (or in `language`), for titles and flashes. */
export async function adminSay(
  ctx: Pick<AppContext, "settings" | "adminMessages">,
  request: FastifyRequest,
  language?: SiteLanguage,
): Promise<Say> {
  const lang = language ?? (await adminLanguage(ctx, request.actor?.language));
  return (key, values) => ctx.adminMessages.t(lang, key, values);
}

/** One problem as a service wrote it (English) in `say`'s language (see `sayProblems`). */
export function sayProblem(say: Say, section: string, problems: ProblemTexts, why: string): string {
  return translateProblem(
    say,
    [
      [section, problems],
      ["common", COMMON_PROBLEMS],
    ],
    why,
  );
}

/**
 * Field errors as a service wrote them (English, which the API keeps) in `say`'s language: each
 * through the feature's problems (`<section>.problems.<code>`), then the common ones.
 */
export function sayProblems(
  say: Say,
  section: string,
  problems: ProblemTexts,
  errors: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors).map(([field, why]) => [field, sayProblem(say, section, problems, why)]),
  );
}

/** What every admin view receives: its language, who is signed in, what they may open, the CSRF token and any flash. */
export async function adminPageModel(
  ctx: Pick<AppContext, "settings" | "config" | "db" | "staffQueues">,
  request: FastifyRequest,
  reply: FastifyReply,
  model: Record<string, unknown> & { title: string; section?: string; lang?: SiteLanguage },
) {
  const actor = request.actor;
  const [settings, waiting, lang] = await Promise.all([
    ctx.settings.get(),
    actor ? ctx.staffQueues(actor) : { review: 0, comments: 0 },
    model.lang ?? adminLanguage(ctx, actor?.language),
  ]);
  return {
    // The page's language (`<html lang>`, and every `| t` of its views).
    lang,
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
          manage_pages: canManagePages(actor),
          arrange_front_page: canArrangeFrontPage(actor),
        }
      : {},
    section: model.section ?? "",
    // What waits for this person: shown beside the admin's links.
    waiting,
    ...model,
  };
}
