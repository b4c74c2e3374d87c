import type { FastifyPluginAsync } from "fastify";
import { apiActorOf, requireApiToken } from "../accounts/api-auth.js";
import { canManageSettings } from "../accounts/permissions.js";
import type { AppContext } from "../context.js";
import { sendFieldErrors } from "../infrastructure/requests.js";
import { schemaErrorsToFields } from "../infrastructure/schema-errors.js";
import { type SiteMenus, siteMenus } from "../pages/menus.js";
import { MAX_MENU_ITEMS, MENU_ITEM_KINDS, type MenuItem, type Menus } from "../site/menus-service.js";
import type { SiteSettings } from "../site/settings.js";
import { checkMenus, storeMenus } from "./menus-service.js";
import { changeSettings } from "./settings-service.js";

/** The settings the Admin API reads and writes: API name → setting. */
const API_FIELDS = {
  title: "title",
  tagline: "tagline",
  language: "language",
  timezone: "timezone",
  date_format: "dateFormat",
  slug_style: "slugStyle",
  posts_per_page: "postsPerPage",
  site_icon_media_id: "siteIconMediaId",
  logo_media_id: "logoMediaId",
} as const satisfies Record<string, keyof SiteSettings>;

type ApiField = keyof typeof API_FIELDS;

/** A menu item as the API reads and writes it. */
interface ApiMenuItem {
  kind: MenuItem["kind"];
  id?: number;
  url?: string;
  label?: string | null;
  /** Read only: true while its page is not published (readers do not see it). */
  hidden?: boolean;
}

const menuSchema = {
  type: "array",
  maxItems: MAX_MENU_ITEMS,
  items: {
    type: "object",
    additionalProperties: false,
    required: ["kind"],
    properties: {
      kind: { type: "string", enum: MENU_ITEM_KINDS },
      id: { type: "integer", minimum: 1 },
      url: { type: "string" },
      label: { type: ["string", "null"] },
    },
  },
} as const;

const settingsBodySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    title: { type: "string" },
    tagline: { type: "string" },
    language: { type: "string" },
    timezone: { type: "string" },
    date_format: { type: "string" },
    slug_style: { type: "string" },
    posts_per_page: { type: "integer" },
    // A media library image's id; null removes it.
    site_icon_media_id: { type: ["integer", "null"] },
    logo_media_id: { type: ["integer", "null"] },
    header_menu: menuSchema,
    footer_menu: menuSchema,
  },
} as const;

function menuJson(links: SiteMenus["menus"]["header"]): ApiMenuItem[] {
  return links.map((link) => ({
    kind: link.kind,
    ...(link.kind === "link" ? { url: link.url ?? "" } : { id: link.id ?? 0 }),
    label: link.shownLabel,
    ...(link.isShown ? {} : { hidden: true }),
  }));
}

function settingsJson(settings: SiteSettings, { menus }: SiteMenus) {
  return {
    ...Object.fromEntries(
      (Object.keys(API_FIELDS) as ApiField[]).map((name) => [name, settings[API_FIELDS[name]]]),
    ),
    header_menu: menuJson(menus.header),
    footer_menu: menuJson(menus.footer),
  };
}

function menuFromJson(items: ApiMenuItem[] | undefined): MenuItem[] | undefined {
  return items?.map((item) => ({
    kind: item.kind,
    id: item.id ?? null,
    url: item.url ?? null,
    label: item.label ?? null,
  }));
}

/** `GET|PATCH /api/admin/settings` for administrators' tokens: the same rules as the Settings page. */
const settingsApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireApiToken(app, ctx);

  app.get("/settings", async function showApiSettings(request, reply) {
    if (!canManageSettings(apiActorOf(request)))
      return reply.code(403).send({ error: "only admins manage settings" });
    return reply.send(settingsJson(await ctx.settings.get(), await siteMenus(ctx)));
  });

  app.patch<{
    Body: Partial<Record<ApiField, string | number | null>> & {
      header_menu?: ApiMenuItem[];
      footer_menu?: ApiMenuItem[];
    };
  }>(
    "/settings",
    {
      schema: { body: settingsBodySchema },
      // The API's error shape names each field rather than Fastify's one-line message.
      attachValidation: true,
    },
    async function updateApiSettings(request, reply) {
      const actor = apiActorOf(request);
      if (!canManageSettings(actor)) return reply.code(403).send({ error: "only admins manage settings" });
      if (request.validationError)
        return sendFieldErrors(reply, schemaErrorsToFields(request.validationError.validation), 400);
      const { header_menu, footer_menu, ...fields } = request.body ?? {};
      const update: Partial<Record<keyof SiteSettings, unknown>> = {};
      for (const [name, value] of Object.entries(fields))
        update[API_FIELDS[name as ApiField]] =
          typeof value === "string" && name !== "date_format" ? value.trim() : value;
      // Menus are checked first and stored after the settings: nothing is stored while either has an error.
      const wanted: Partial<Menus> = { header: menuFromJson(header_menu), footer: menuFromJson(footer_menu) };
      const menus = await checkMenus(ctx, wanted);
      const who = { id: actor.id, ip: request.ip };
      let saved = await changeSettings(
        ctx,
        who,
        update as Partial<SiteSettings>,
        "errors" in menus ? menus.errors : {},
      );
      if (!("errors" in saved) && "menus" in menus) {
        const stored = await storeMenus(ctx, who, menus.menus);
        if ("errors" in stored) saved = stored;
      }
      if ("errors" in saved) {
        const byApiName = Object.fromEntries(
          Object.entries(saved.errors).map(([key, why]) => [
            (Object.keys(API_FIELDS) as ApiField[]).find((name) => API_FIELDS[name] === key) ?? key,
            why,
          ]),
        );
        return sendFieldErrors(reply, byApiName);
      }
      return reply.send(settingsJson(await ctx.settings.get(), await siteMenus(ctx)));
    },
  );
};

export default settingsApiRoutes;
