import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { adminPageModel, adminSay, sayProblems, setFlash } from "../accounts/admin-page.js";
import { canManageSettings } from "../accounts/permissions.js";
import { actorOf, allowOnly } from "../accounts/staff-guard.js";
import { listPagesByIds, listParentChoices } from "../articles/pages.js";
import { listCategories } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import { field, fieldList } from "../infrastructure/requests.js";
import { languageChoices } from "../lib/languages.js";
import type { Say } from "../lib/problems.js";
import { formatSiteDate } from "../lib/site-date.js";
import { siteMenus } from "../pages/menus.js";
import { MENU_NAMES, type MenuName } from "../site/menus-service.js";
import { SITE_PROBLEMS } from "../site/problems.js";
import { type FieldErrors, type SiteSettings, timeZoneChoices, validateSettings } from "../site/settings.js";
import {
  formErrorsOf,
  itemsFromMenuForm,
  type MenuForm,
  menuEditorModel,
  menuFormFromBody,
  menuFormFromStored,
} from "./menus-form.js";
import { checkMenus, storeMenus } from "./menus-service.js";
import { changeSettings } from "./settings-service.js";
import { registerSiteImageRoutes, type SiteImageErrors, siteImagesModel } from "./site-images.js";

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
    if (!/^\d{1,3}$/.test(order) || Number(order) < 1) errors.navCategorySlugs = SITE_PROBLEMS.nav_positions;
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

  /** Both menus' editors: as stored, but for a menu whose submitted form came back with errors. */
  async function menuEditors(
    categories: readonly { id: number; name: string }[],
    say: Say,
    typed?: { menu: MenuName; form: MenuForm; errors: FieldErrors },
  ) {
    const stored = (await siteMenus(ctx)).menus;
    const forms = Object.fromEntries(
      MENU_NAMES.map((menu) => [menu, typed?.menu === menu ? typed.form : menuFormFromStored(stored[menu])]),
    ) as Record<MenuName, MenuForm>;
    const pageIds = MENU_NAMES.flatMap((menu) => forms[menu].rows.filter((row) => row.kind === "page"))
      .map((row) => Number(row.id))
      .filter(Number.isInteger);
    const targets = { categories, pages: await listPagesByIds(ctx, pageIds) };
    return MENU_NAMES.map((menu) =>
      menuEditorModel(
        menu,
        forms[menu],
        typed?.menu === menu ? sayProblems(say, "admin", SITE_PROBLEMS, typed.errors) : {},
        targets,
      ),
    );
  }

  async function renderSettingsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: SettingsFormValues,
    errors: FieldErrors,
    statusCode = 200,
    typedMenu?: Parameters<typeof menuEditors>[2],
    imageErrors: SiteImageErrors = {},
  ) {
    const categories = await listCategories(ctx);
    const zones = timeZoneChoices();
    const say = await adminSay(ctx, request);
    return reply.code(statusCode).view(
      "admin/views/settings",
      await adminPageModel(ctx, request, reply, {
        title: say("admin.layout.settings"),
        section: "settings",
        values,
        errors: sayProblems(say, "admin", SITE_PROBLEMS, errors),
        timezones: zones.map((zone) => ({ name: zone, selected: zone === values.timezone })),
        languages: languageChoices(values.language),
        site_images: await siteImagesModel(ctx, imageErrors),
        date_example: dateExample(ctx.now(), values.dateFormat, values.timezone) ?? "",
        nav_categories: categories
          .map((c) => ({ slug: c.slug, name: c.name, order: values.navOrder[c.slug] ?? "" }))
          .sort(
            (a, b) => (Number(a.order) || 1000) - (Number(b.order) || 1000) || a.name.localeCompare(b.name),
          ),
        menu_editors: await menuEditors(categories, say, typedMenu),
        menu_categories: categories.map((c) => ({ id: c.id, name: c.name })),
        menu_pages: (await listParentChoices(ctx)).map((p) => ({
          id: p.id,
          title: p.title,
          path: `/${p.page_path}/`,
        })),
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
    const saved = await changeSettings(ctx, { id: actorOf(request).id, ip: request.ip }, update, errors);
    if ("errors" in saved) return renderSettingsPage(request, reply, values, saved.errors, 422);
    setFlash(reply, (await adminSay(ctx, request))("admin.settings.saved"));
    return reply.redirect("/admin/settings", 303);
  });

  registerSiteImageRoutes(app, ctx, async (request, reply, imageErrors) =>
    renderSettingsPage(
      request,
      reply,
      valuesFromSettings(await ctx.settings.get()),
      {},
      422,
      undefined,
      imageErrors,
    ),
  );

  for (const menu of MENU_NAMES)
    app.post(`/settings/menus/${menu}`, async function saveMenu(request, reply) {
      const form = menuFormFromBody(request.body);
      const { items, origins, errors: formOnly } = itemsFromMenuForm(form);
      const checked = await checkMenus(ctx, { [menu]: items });
      let errors = {
        ...formOnly,
        ...("errors" in checked ? formErrorsOf(menu, checked.errors, origins) : {}),
      };
      let shown = form;
      if (Object.keys(errors).length === 0 && "menus" in checked) {
        const actor = { id: actorOf(request).id, ip: request.ip };
        const stored = await storeMenus(ctx, actor, checked.menus, { [menu]: form.version });
        if ("refused" in stored) {
          errors = formErrorsOf(menu, stored.errors, origins);
          // Saved by someone else (or naming what was deleted) meanwhile: shown as it is now, the addition kept.
          shown = { ...menuFormFromStored((await siteMenus(ctx)).menus[menu]), add: form.add };
        }
      }
      if (Object.keys(errors).length)
        return renderSettingsPage(request, reply, valuesFromSettings(await ctx.settings.get()), {}, 422, {
          menu,
          form: shown,
          errors,
        });
      setFlash(reply, (await adminSay(ctx, request))("admin.menus.saved", { menu }));
      return reply.redirect(`/admin/settings#menu-${menu}`, 303);
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
