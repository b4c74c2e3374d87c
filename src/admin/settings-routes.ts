import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { canManageSettings } from "../accounts/permissions.js";
import { listCategories } from "../articles/taxonomy.js";
import { recordAuditEvent } from "../audit/service.js";
import type { AppContext } from "../site/context.js";
import { field, fieldList } from "../site/requests.js";
import {
  type FieldErrors,
  formatSiteDate,
  type SiteSettings,
  timeZoneChoices,
  validateSettings,
} from "../site/settings.js";
import { actorOf, allowOnly } from "./guard.js";
import { adminPageModel, setFlash } from "./page-model.js";

const MAX_KEYWORDS = 500;

/** What the settings form shows: exactly what was typed, as strings. */
interface SettingsFormValues {
  title: string;
  tagline: string;
  timezone: string;
  dateFormat: string;
  postsPerPage: string;
  language: string;
  commentsOpenByDefault: boolean;
  feedFullText: boolean;
  commentModeration: string;
  commentMaxLinks: string;
  commentModerationKeywords: string;
  commentDisallowedKeywords: string;
  commentCloseAfterDays: string;
  commentMaxDepth: string;
  commentNotifyAuthors: boolean;
  securityContacts: string;
  /** Category slug → its place in the masthead navigation ('' = not shown). */
  navOrder: Record<string, string>;
}

function valuesFromSettings(settings: SiteSettings): SettingsFormValues {
  return {
    title: settings.title,
    tagline: settings.tagline,
    timezone: settings.timezone,
    dateFormat: settings.dateFormat,
    postsPerPage: String(settings.postsPerPage),
    language: settings.language,
    commentsOpenByDefault: settings.commentsOpenByDefault,
    feedFullText: settings.feedFullText,
    commentModeration: settings.commentModeration,
    commentMaxLinks: String(settings.commentMaxLinks),
    commentModerationKeywords: settings.commentModerationKeywords.join("\n"),
    commentDisallowedKeywords: settings.commentDisallowedKeywords.join("\n"),
    commentCloseAfterDays: String(settings.commentCloseAfterDays),
    commentMaxDepth: String(settings.commentMaxDepth),
    commentNotifyAuthors: settings.commentNotifyAuthors,
    securityContacts: settings.securityContacts.join("\n"),
    navOrder: Object.fromEntries(settings.navCategorySlugs.map((slug, i) => [slug, String(i + 1)])),
  };
}

function valuesFromForm(body: unknown): SettingsFormValues {
  const slugs = fieldList(body, "nav_slug");
  const orders = fieldList(body, "nav_order");
  return {
    title: field(body, "title"),
    tagline: field(body, "tagline"),
    timezone: field(body, "timezone").trim(),
    dateFormat: field(body, "dateFormat"),
    postsPerPage: field(body, "postsPerPage").trim(),
    language: field(body, "language").trim(),
    commentsOpenByDefault: field(body, "commentsOpenByDefault") === "on",
    feedFullText: field(body, "feedFullText") === "on",
    commentModeration: field(body, "commentModeration"),
    commentMaxLinks: field(body, "commentMaxLinks").trim(),
    commentModerationKeywords: field(body, "commentModerationKeywords"),
    commentDisallowedKeywords: field(body, "commentDisallowedKeywords"),
    commentCloseAfterDays: field(body, "commentCloseAfterDays").trim(),
    commentMaxDepth: field(body, "commentMaxDepth").trim(),
    commentNotifyAuthors: field(body, "commentNotifyAuthors") === "on",
    securityContacts: field(body, "securityContacts"),
    navOrder: Object.fromEntries(slugs.map((slug, i) => [slug, (orders[i] ?? "").trim()])),
  };
}

/** A whole number typed in a form; NaN (which validation reports) for anything else. */
function wholeNumber(text: string): number {
  return /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
}

function keywordLines(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean),
    ),
  ];
}

/** The settings update the form asks for, plus errors of fields only the form can get wrong. */
function settingsUpdateFromForm(
  values: SettingsFormValues,
  knownSlugs: Set<string>,
): { update: Partial<SiteSettings>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const moderationKeywords = keywordLines(values.commentModerationKeywords);
  const disallowedKeywords = keywordLines(values.commentDisallowedKeywords);
  if (moderationKeywords.length > MAX_KEYWORDS)
    errors.commentModerationKeywords = `at most ${MAX_KEYWORDS} lines`;
  if (disallowedKeywords.length > MAX_KEYWORDS)
    errors.commentDisallowedKeywords = `at most ${MAX_KEYWORDS} lines`;
  const nav: { slug: string; order: number }[] = [];
  for (const [slug, order] of Object.entries(values.navOrder)) {
    if (order === "" || !knownSlugs.has(slug)) continue;
    if (!/^\d{1,3}$/.test(order) || Number(order) < 1)
      errors.navCategorySlugs = "positions must be whole numbers from 1";
    else nav.push({ slug, order: Number(order) });
  }
  nav.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
  return {
    update: {
      title: values.title.trim(),
      tagline: values.tagline.trim(),
      timezone: values.timezone,
      dateFormat: values.dateFormat,
      postsPerPage: wholeNumber(values.postsPerPage),
      language: values.language,
      commentsOpenByDefault: values.commentsOpenByDefault,
      feedFullText: values.feedFullText,
      navCategorySlugs: nav.map((n) => n.slug),
      commentModeration: values.commentModeration as SiteSettings["commentModeration"],
      commentMaxLinks: wholeNumber(values.commentMaxLinks),
      commentModerationKeywords: moderationKeywords,
      commentDisallowedKeywords: disallowedKeywords,
      commentCloseAfterDays: wholeNumber(values.commentCloseAfterDays),
      commentMaxDepth: wholeNumber(values.commentMaxDepth),
      commentNotifyAuthors: values.commentNotifyAuthors,
      securityContacts: keywordLines(values.securityContacts),
    },
    errors,
  };
}

/** Today's masthead date in a pattern and zone, or undefined when either is not valid. */
function dateExample(now: Date, pattern: string, timezone: string): string | undefined {
  if (Object.keys(validateSettings({ dateFormat: pattern, timezone })).length) return undefined;
  return formatSiteDate(now, pattern, timezone);
}

/** Site settings, for administrators. */
const settingsRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  allowOnly(app, canManageSettings);

  async function renderSettingsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: SettingsFormValues,
    errors: FieldErrors,
    statusCode = 200,
  ) {
    const categories = await listCategories(ctx);
    const zones = timeZoneChoices();
    return reply.code(statusCode).view(
      "admin/views/settings",
      await adminPageModel(ctx, request, reply, {
        title: "Settings",
        section: "settings",
        values,
        errors,
        timezones: zones.map((zone) => ({ name: zone, selected: zone === values.timezone })),
        date_example: dateExample(ctx.now(), values.dateFormat, values.timezone) ?? "",
        nav_categories: categories
          .map((c) => ({ slug: c.slug, name: c.name, order: values.navOrder[c.slug] ?? "" }))
          .sort(
            (a, b) => (Number(a.order) || 1000) - (Number(b.order) || 1000) || a.name.localeCompare(b.name),
          ),
      }),
    );
  }

  app.get("/settings", async function showSettingsPage(request, reply) {
    return renderSettingsPage(request, reply, valuesFromSettings(await ctx.settings.get()), {});
  });

  app.post("/settings", async function saveSettings(request, reply) {
    const values = valuesFromForm(request.body);
    const categories = await listCategories(ctx);
    const { update, errors } = settingsUpdateFromForm(values, new Set(categories.map((c) => c.slug)));
    const allErrors = { ...validateSettings(update), ...errors };
    const before = await ctx.settings.get();
    if (Object.keys(allErrors).length === 0) Object.assign(allErrors, await ctx.settings.update(update));
    if (Object.keys(allErrors).length) return renderSettingsPage(request, reply, values, allErrors, 422);
    const changed = (Object.keys(update) as (keyof SiteSettings)[]).filter(
      (key) => JSON.stringify(update[key]) !== JSON.stringify(before[key]),
    );
    if (changed.length)
      await recordAuditEvent(ctx, {
        event: "settings_changed",
        actorId: actorOf(request).id,
        detail: changed.join(", "),
        ip: request.ip,
      });
    await ctx.changes.changed(["settings"]);
    setFlash(reply, "Settings saved.");
    return reply.redirect("/admin/settings", 303);
  });

  app.get<{ Querystring: { dateFormat?: string; timezone?: string } }>(
    "/settings/date-example",
    async function showDateExample(request, reply) {
      const example = dateExample(ctx.now(), request.query.dateFormat ?? "", request.query.timezone ?? "UTC");
      if (example === undefined)
        return reply.code(422).send({ error: "not a valid date pattern or time zone" });
      return reply.send({ example });
    },
  );
};

export default settingsRoutes;
