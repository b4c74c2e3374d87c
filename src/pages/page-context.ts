import type { FastifyRequest } from "fastify";
import { listNavCategories } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import { tagPage } from "../infrastructure/page-cache.js";
import { openGraphLocale, textDirection } from "../lib/languages.js";
import { formatSiteDate } from "../lib/site-date.js";
import { archivePath } from "../lib/slug.js";
import { getMedia, imageModel } from "../media/service.js";
import { defaultSettings, effectiveDateFormat, type SiteSettings } from "../site/settings.js";
import { type MenuLink, type SiteMenus, siteMenus } from "./menus.js";

type Ctx = Pick<
  AppContext,
  "db" | "settings" | "config" | "now" | "theme" | "pageModelExtensions" | "changes" | "sharedReads"
>;

/** A menu item as the theme gets it. */
export interface ThemeMenuItem {
  label: string;
  url: string;
  /** `category`, `page` or `link`. */
  kind: MenuLink["kind"];
  /** True on the page it leads to (and, for a category, on its archive's further pages). */
  current: boolean;
}

/** What every public page's template receives besides its own model (see docs/themes.md). */
export interface PageContext {
  site: {
    title: string;
    tagline: string;
    url: string;
    language: string;
    /** `ltr` or `rtl`, for `<html dir>`. */
    dir: "ltr" | "rtl";
    /** `ru_RU`, for `og:locale`. */
    og_locale: string;
    timezone: string;
    date_format: string;
    /** The masthead's logo (the site title is its alt text), or null to show the title as text. */
    logo: SiteLogo | null;
    /** Changes whenever the site's icons do: added to their links so browsers fetch new ones at once. */
    icon_version: string;
  };
  masthead_date: string;
  /** ISO date of "today" in the site's zone, for `<time datetime>`. */
  today_iso: string;
  /** The current year in the site's zone (footer copyright). */
  year: string;
  nav_categories: { name: string; slug: string; url: string }[];
  /** The header menu's items readers may open, in order; empty: the masthead lists `nav_categories`. */
  header_menu: ThemeMenuItem[];
  /** The footer menu's, likewise; empty: the footer lists `nav_categories`. */
  footer_menu: ThemeMenuItem[];
  /** Path of this request (no query), for canonical links and active navigation. */
  request_path: string;
  /** Signed-in staff see an admin link; cached pages never carry it (staff bypass the cache). */
  staff: { name: string; admin_url: string } | null;
}

type NavCategory = PageContext["nav_categories"][number];

/** The logo as the masthead shows it: `width`×`height` CSS pixels, from the variants in `srcset`. */
export interface SiteLogo {
  src: string;
  srcset: string;
  width: number;
  height: number;
}

interface SiteImages {
  logo: SiteLogo | null;
  icon_version: string;
}

/** The logo is shown this tall (the largest the text title gets), and never wider than LOGO_MAX_WIDTH_PX. */
const LOGO_HEIGHT_PX = 68;
const LOGO_MAX_WIDTH_PX = 800;

/** The logo and icon version per settings snapshot, dropped with it (see `navBySettings`). */
const imagesBySettings = new WeakMap<SiteSettings, Promise<SiteImages>>();

function siteImages(ctx: Ctx, settings: SiteSettings): Promise<SiteImages> {
  let images = imagesBySettings.get(settings);
  if (!images) {
    images = loadSiteImages(ctx, settings);
    images.catch(() => imagesBySettings.delete(settings));
    imagesBySettings.set(settings, images);
  }
  return images;
}

async function loadSiteImages(ctx: Ctx, settings: SiteSettings): Promise<SiteImages> {
  const [icon, logo] = await Promise.all([
    settings.siteIconMediaId === null ? undefined : getMedia(ctx, settings.siteIconMediaId),
    settings.logoMediaId === null ? undefined : getMedia(ctx, settings.logoMediaId),
  ]);
  const picture = logo ? imageModel(logo).full : null;
  let shown: SiteLogo | null = null;
  if (picture) {
    const aspect = picture.width / picture.height;
    const width = Math.min(LOGO_MAX_WIDTH_PX, Math.round(LOGO_HEIGHT_PX * aspect));
    shown = { src: picture.src, srcset: picture.fallback, width, height: Math.round(width / aspect) };
  }
  return {
    logo: shown,
    icon_version: icon?.variant_hash ?? ctx.theme.assets.get("favicon.svg")?.hash ?? "",
  };
}

/**
 * Navigation categories per settings snapshot. The settings copy is replaced on every content
 * change (see app.ts), so keying on it drops this memo exactly when a category may have changed.
 */
const navBySettings = new WeakMap<SiteSettings, Promise<NavCategory[]>>();

function navCategories(ctx: Ctx, settings: SiteSettings): Promise<NavCategory[]> {
  let nav = navBySettings.get(settings);
  if (!nav) {
    nav = listNavCategories(ctx, settings.navCategorySlugs).then((list) =>
      list.map((c) => ({ name: c.name, slug: c.slug, url: archivePath("category", c.slug) })),
    );
    nav.catch(() => navBySettings.delete(settings));
    navBySettings.set(settings, nav);
  }
  return nav;
}

/**
 * Builds the shared part of a public page's model. A page tagged with what it draws on is also
 * tagged with the menus' scopes (an untagged one is dropped on every change anyway).
 */
export async function buildPageContext(ctx: Ctx, request: FastifyRequest): Promise<PageContext> {
  const settings = await ctx.settings.get();
  const [nav, menus, images] = await Promise.all([
    navCategories(ctx, settings),
    siteMenus(ctx),
    siteImages(ctx, settings),
  ]);
  if (request.pageScopes) tagPage(request, menus.scopes);
  return pageContextFrom(ctx, request, settings, nav, menus, images);
}

const NO_MENUS: SiteMenus = { menus: { header: [], footer: [] }, scopes: [] };

/** The items readers may open, with the one leading to `path` marked current. */
function themeMenu(links: readonly MenuLink[], path: string): ThemeMenuItem[] {
  return links
    .filter((link) => link.isShown)
    .map((link) => ({
      label: link.shownLabel,
      url: link.href,
      kind: link.kind,
      current: link.kind === "category" ? path.startsWith(link.href) : path === link.href,
    }));
}

function pageContextFrom(
  ctx: Pick<Ctx, "config" | "now">,
  request: FastifyRequest,
  settings: SiteSettings,
  nav: NavCategory[],
  { menus }: SiteMenus,
  images: SiteImages,
): PageContext {
  const now = ctx.now();
  const today = formatSiteDate(now, "yyyy-MM-dd", settings.timezone);
  const dateFormat = effectiveDateFormat(settings);
  const path = request.url.split("?")[0];
  return {
    site: {
      title: settings.title,
      tagline: settings.tagline,
      url: ctx.config.siteUrl,
      language: settings.language,
      dir: textDirection(settings.language),
      og_locale: openGraphLocale(settings.language),
      timezone: settings.timezone,
      date_format: dateFormat,
      ...images,
    },
    masthead_date: formatSiteDate(now, dateFormat, settings.timezone, settings.language),
    today_iso: today,
    year: today.slice(0, 4),
    nav_categories: nav,
    header_menu: themeMenu(menus.header, path),
    footer_menu: themeMenu(menus.footer, path),
    request_path: path,
    staff: request.actor ? { name: request.actor.name, admin_url: "/admin/" } : null,
  };
}

/** Adds to a template's model (e.g. the comments feature adds `comments` to "article"). */
export type PageModelExtension = (
  model: Readonly<Record<string, unknown>>,
  request: FastifyRequest,
) => Promise<Record<string, unknown>>;

/**
 * Lets another feature add to a theme template's model without the page's route knowing it:
 * `extendPageModel(ctx, "article", async ({ article }) => ({ comments: … }))`. Extensions run
 * in registration order, after the route built its model; their keys are merged over it.
 */
export function extendPageModel(
  ctx: Pick<AppContext, "pageModelExtensions">,
  template: string,
  extension: PageModelExtension,
) {
  const byTemplate = ctx.pageModelExtensions;
  byTemplate.set(template, [...(byTemplate.get(template) ?? []), extension]);
}

async function applyExtensions(
  ctx: Pick<Ctx, "pageModelExtensions">,
  template: string,
  model: Record<string, unknown>,
  request: FastifyRequest,
): Promise<Record<string, unknown>> {
  const extensions = ctx.pageModelExtensions.get(template);
  if (!extensions) return model;
  let merged = model;
  for (const extension of extensions) merged = { ...merged, ...(await extension(merged, request)) };
  return merged;
}

/**
 * Renders a theme template with the page context merged under its own model. The 500 page
 * renders even when the database is down: it falls back to the default settings and no navigation or menus.
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
    page = pageContextFrom(ctx, request, defaultSettings, [], NO_MENUS, { logo: null, icon_version: "" });
  }
  let full: Record<string, unknown> = { ...page, ...model };
  if (template !== "500") full = await applyExtensions(ctx, template, full, request);
  // Fragments are tagged with the page's scopes and the version noted when the request began
  // (by the page cache's hook, before any data was read).
  return ctx.theme.render(template, full, { version: request.contentVersion, tags: request.pageScopes });
}
