import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { adminSay, sayProblem, setFlash } from "../accounts/admin-page.js";
import { actorOf } from "../accounts/staff-guard.js";
import type { AppContext } from "../context.js";
import { readMultipartForm } from "../infrastructure/multipart.js";
import { field, parseId } from "../infrastructure/requests.js";
import { problemText, type Say } from "../lib/problems.js";
import { MEDIA_PROBLEMS } from "../media/problems.js";
import { getMedia, listRecentMedia, saveImage, thumbnailUrl } from "../media/service.js";
import { SITE_PROBLEMS } from "../site/problems.js";
import type { SiteSettings } from "../site/settings.js";
import { changeSettings, SITE_ICON_MIN_SIDE } from "./settings-service.js";

/** The images Settings chooses: the site icon and the masthead logo. */
const SITE_IMAGES = {
  "site-icon": {
    setting: "siteIconMediaId",
    minSide: SITE_ICON_MIN_SIDE,
    saved: "admin.site_images.icon_saved",
    removed: "admin.site_images.icon_removed",
  },
  logo: {
    setting: "logoMediaId",
    minSide: 0,
    saved: "admin.site_images.logo_saved",
    removed: "admin.site_images.logo_removed",
  },
} as const satisfies Record<
  string,
  { setting: keyof SiteSettings; minSide: number; saved: string; removed: string }
>;

export type SiteImageKind = keyof typeof SITE_IMAGES;
/** Why a choice of site image was refused, by kind. */
export type SiteImageErrors = Partial<Record<SiteImageKind, string>>;

/** Library images offered in each chooser. */
const CHOICES_SHOWN = 24;

/** What the choosers show (admin/views/site-images.liquid). */
export async function siteImagesModel(
  ctx: Pick<AppContext, "db" | "settings" | "config">,
  errors: SiteImageErrors,
) {
  const [settings, recent] = await Promise.all([ctx.settings.get(), listRecentMedia(ctx, CHOICES_SHOWN)]);
  const uploaded = recent.filter((m) => m.master_key !== null && m.width !== null && m.height !== null);
  const kinds = await Promise.all(
    (Object.keys(SITE_IMAGES) as SiteImageKind[]).map(async (kind) => {
      const { setting, minSide } = SITE_IMAGES[kind];
      const id = settings[setting];
      const current = id === null ? undefined : await getMedia(ctx, id);
      return {
        kind,
        min_side: minSide,
        error: errors[kind] ?? "",
        current: current
          ? { id: String(current.id), thumb: thumbnailUrl(current), name: current.original_name }
          : null,
        choices: uploaded
          .filter((m) => Math.min(m.width ?? 0, m.height ?? 0) >= minSide)
          .map((m) => ({
            id: String(m.id),
            thumb: m.thumb,
            name: m.original_name,
            size: `${m.width}×${m.height}`,
            alt: m.alt,
            is_current: m.id === id,
          })),
      };
    }),
  );
  return {
    kinds,
    upload_max_mb: Math.round(ctx.config.uploadMaxBytes / 1048576),
  };
}

/** Re-renders the Settings page with a chooser's error (the page's own form as stored). */
export type RenderWithImageErrors = (
  request: FastifyRequest,
  reply: FastifyReply,
  errors: SiteImageErrors,
) => Promise<unknown>;

/**
 * `POST /settings/<kind>` (an upload through the media library, or `media_id` of a library image)
 * and `POST /settings/<kind>/remove`, inside the Settings routes (admins only).
 */
export function registerSiteImageRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  render: RenderWithImageErrors,
) {
  for (const kind of Object.keys(SITE_IMAGES) as SiteImageKind[]) {
    const { setting, minSide, saved: savedMessage, removed } = SITE_IMAGES[kind];

    app.post(`/settings/${kind}`, async function chooseSiteImage(request, reply) {
      const actor = { id: actorOf(request).id, ip: request.ip };
      const say = await adminSay(ctx, request);
      const chosen = request.isMultipart()
        ? await uploadedImage(ctx, request, actor.id, minSide, say)
        : (parseId(field(request.body, "media_id")) ?? { error: say("admin.site_images.choose_image") });
      if (typeof chosen !== "number") return render(request, reply, { [kind]: chosen.error });
      const saved = await changeSettings(ctx, actor, { [setting]: chosen });
      if ("errors" in saved) {
        const why = saved.errors[setting] ?? Object.values(saved.errors)[0];
        return render(request, reply, {
          [kind]: say("admin.site_images.this_image", {
            problem: sayProblem(say, "admin", SITE_PROBLEMS, why),
          }),
        });
      }
      setFlash(reply, say(savedMessage));
      return reply.redirect("/admin/settings", 303);
    });

    app.post(`/settings/${kind}/remove`, async function removeSiteImage(request, reply) {
      await changeSettings(ctx, { id: actorOf(request).id, ip: request.ip }, { [setting]: null });
      setFlash(reply, (await adminSay(ctx, request))(removed));
      return reply.redirect("/admin/settings", 303);
    });
  }
}

/**
 * The id of the image a chooser's upload form stored in the media library, or why it was refused
 * (a sentence in `say`'s language).
 */
async function uploadedImage(
  ctx: AppContext,
  request: FastifyRequest,
  uploadedBy: number,
  minSide: number,
  say: Say,
): Promise<number | { error: string }> {
  const form = await readMultipartForm(request, ctx.config.uploadMaxBytes);
  const file = form.file;
  if (!file) return { error: say("admin.site_images.choose_file") };
  const saved = file.isTooLarge
    ? {
        error: problemText(MEDIA_PROBLEMS.file_too_large, {
          mb: Math.round(ctx.config.uploadMaxBytes / 1048576),
        }),
      }
    : await saveImage(ctx, { data: file.data, originalName: file.fileName }, uploadedBy, { minSide });
  if ("error" in saved) {
    const why = sayProblem(say, "media", MEDIA_PROBLEMS, saved.error);
    return { error: say("admin.site_images.refused", { problem: `${why[0].toUpperCase()}${why.slice(1)}` }) };
  }
  return saved.media.id;
}
