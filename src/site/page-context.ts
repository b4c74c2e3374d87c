import type { FastifyRequest } from "fastify";
import { listNavCategories } from "../articles/taxonomy.js";
import type { AppContext } from "./context.js";
import { defaultSettings, formatSiteDate, type SiteSettings } from "./settings.js";

type Ctx = Pick<AppContext, "db" | "settings" | "config" | "now" | "theme">;

/** What every public page's template receives besides its own model (see docs/themes.md). */
export interface PageContext {
  site: {
    title: string;
    tagline: string;
    url: string;
    language: string;
    timezone: string;
    date_format: string;
  };
  masthead_date: string;
  /** ISO date of "today" in the site's zone, for `<time datetime>`. */
  today_iso: string;
  /** The current year in the site's zone (footer copyright). */
  year: string;
  nav_categories: { name: string; slug: string; url: string }[];
  /** Path of this request (no query), for canonical links and active navigation. */
  request_path: string;
  /** Signed-in staff see an admin link; cached pages never carry it (staff bypass the cache). */
  staff: { name: string; admin_url: string } | null;
}

type NavCategory = PageContext["nav_categories"][number];

/**
 * Navigation categories per settings snapshot. The settings copy is replaced on every content
 * change (see app.ts), so keying on it drops this memo exactly when a category may have changed.
 */
const navBySettings = new WeakMap<SiteSettings, Promise<NavCategory[]>>();

function navCategories(ctx: Ctx, settings: SiteSettings): Promise<NavCategory[]> {
  let nav = navBySettings.get(settings);
  if (!nav) {
    nav = listNavCategories(ctx, settings.navCategorySlugs).then((list) =>
      list.map((c) => ({ name: c.name, slug: c.slug, url: `/category/${c.slug}/` })),
    );
    nav.catch(() => navBySettings.delete(settings));
    navBySettings.set(settings, nav);
  }
  return nav;
}

/** Builds the shared part of a public page's model. */
export async function buildPageContext(ctx: Ctx, request: FastifyRequest): Promise<PageContext> {
  const settings = await ctx.settings.get();
  return pageContextFrom(ctx, request, settings, await navCategories(ctx, settings));
}

function pageContextFrom(
  ctx: Pick<Ctx, "config" | "now">,
  request: FastifyRequest,
  settings: SiteSettings,
  nav: NavCategory[],
): PageContext {
  const now = ctx.now();
  const today = formatSiteDate(now, "yyyy-MM-dd", settings.timezone);
  return {
    site: {
      title: settings.title,
      tagline: settings.tagline,
      url: ctx.config.siteUrl,
      language: settings.language,
      timezone: settings.timezone,
      date_format: settings.dateFormat,
    },
    masthead_date: formatSiteDate(now, settings.dateFormat, settings.timezone),
    today_iso: today,
    year: today.slice(0, 4),
    nav_categories: nav,
    request_path: request.url.split("?")[0],
    staff: request.actor ? { name: request.actor.name, admin_url: "/admin/" } : null,
  };
}

/** Adds to a template's model (e.g. the comments feature adds `comments` to "article"). */
export type PageModelExtension = (
  model: Readonly<Record<string, unknown>>,
  request: FastifyRequest,
) => Promise<Record<string, unknown>>;

const extensionsByTheme = new WeakMap<object, Map<string, PageModelExtension[]>>();

/**
 * Lets another feature add to a theme template's model without the page's route knowing it:
 * `extendPageModel(ctx, "article", async ({ article }) => ({ comments: … }))`. Extensions run
 * in registration order, after the route built its model; their keys are merged over it.
 */
export function extendPageModel(
  ctx: Pick<AppContext, "theme">,
  template: string,
  extension: PageModelExtension,
) {
  let byTemplate = extensionsByTheme.get(ctx.theme);
  if (!byTemplate) {
    byTemplate = new Map();
    extensionsByTheme.set(ctx.theme, byTemplate);
  }
  byTemplate.set(template, [...(byTemplate.get(template) ?? []), extension]);
}

async function applyExtensions(
  ctx: Pick<Ctx, "theme">,
  template: string,
  model: Record<string, unknown>,
  request: FastifyRequest,
): Promise<Record<string, unknown>> {
  const extensions = extensionsByTheme.get(ctx.theme)?.get(template);
  if (!extensions) return model;
  let merged = model;
  for (const extension of extensions) merged = { ...merged, ...(await extension(merged, request)) };
  return merged;
}

/**
 * Renders a theme template with the page context merged under its own model. The 500 page
 * renders even when the database is down: it falls back to the default settings and no navigation.
 */
export async function renderThemePage(
  ctx: Ctx,
  request: FastifyRequest,
  template: string,
  model: object,
): Promise<string> {
  let page: PageContext;
  try {
    page = await buildPageContext(ctx, request);
  } catch (error) {
    if (template !== "500") throw error;
    page = pageContextFrom(ctx, request, defaultSettings, []);
  }
  let full: Record<string, unknown> = { ...page, ...model };
  if (template !== "500") full = await applyExtensions(ctx, template, full, request);
  // Fragments are tagged with the page's scopes and the version noted when the request began
  // (by the page cache's hook, before any data was read).
  return ctx.theme.render(template, full, { version: request.contentVersion, tags: request.pageScopes });
}
