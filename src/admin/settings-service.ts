import { recordAuditEvent } from "../audit/service.js";
import type { AppContext } from "../context.js";
import { problemText } from "../lib/problems.js";
import { getMedia } from "../media/service.js";
import { rebuildSearchIndex } from "../search/service.js";
import { SITE_PROBLEMS } from "../site/problems.js";
import { type FieldErrors, type SiteSettings, validateSettings } from "../site/settings.js";

type Ctx = Pick<AppContext, "db" | "now" | "settings" | "changes">;

/**
 * Validates and stores a settings update for an administrator, the Settings form and the Admin
 * API alike: records which settings changed in the audit log and re-renders what shows them.
 * `extraErrors` are what only the caller could check (form fields); nothing is stored when any.
 */
export async function changeSettings(
  ctx: Ctx,
  actor: { id: number; ip: string },
  update: Partial<SiteSettings>,
  extraErrors: FieldErrors = {},
): Promise<{ errors: FieldErrors } | { settings: SiteSettings }> {
  const errors = { ...validateSettings(update), ...extraErrors };
  if (Object.keys(errors).length === 0) Object.assign(errors, await siteImageProblems(ctx, update));
  if (Object.keys(errors).length) return { errors };
  const before = await ctx.settings.get();
  const stored = await ctx.settings.update(update);
  if (Object.keys(stored).length) return { errors: stored };
  const changed = (Object.keys(update) as (keyof SiteSettings)[]).filter(
    (key) => JSON.stringify(update[key]) !== JSON.stringify(before[key]),
  );
  if (changed.length) {
    await recordAuditEvent(ctx, {
      event: "settings_changed",
      actorId: actor.id,
      detail: changed.join(", "),
      ip: actor.ip,
    });
    // PostgreSQL stems with the language's configuration: entries made with the old one are redone.
    if (changed.includes("language")) await rebuildSearchIndex(ctx.db);
    await ctx.changes.changed(["settings"]);
  }
  return { settings: await ctx.settings.get() };
}

/** The smallest side of an image the site's icons are made from: the largest icon is 512 px square. */
export const SITE_ICON_MIN_SIDE = 512;

/** What is wrong with the library images an update names for the site's icon and logo. */
async function siteImageProblems(ctx: Pick<Ctx, "db">, update: Partial<SiteSettings>): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  for (const key of ["siteIconMediaId", "logoMediaId"] as const) {
    const id = update[key];
    if (id === undefined || id === null) continue;
    const media = await getMedia(ctx, id);
    if (!media) errors[key] = SITE_PROBLEMS.image_missing;
    else if (!media.master_key || media.width === null || media.height === null)
      errors[key] = SITE_PROBLEMS.image_linked;
    else if (key === "siteIconMediaId" && Math.min(media.width, media.height) < SITE_ICON_MIN_SIDE)
      errors[key] = problemText(SITE_PROBLEMS.icon_too_small, {
        width: media.width,
        height: media.height,
        min_width: SITE_ICON_MIN_SIDE,
        min_height: SITE_ICON_MIN_SIDE,
      });
  }
  return errors;
}
