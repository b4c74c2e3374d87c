import type { FastifyRequest } from "fastify";
import { listNavCategories } from "../articles/taxonomy.js";
import type { AppContext } from "./context.js";
import { formatSiteDate } from "./settings.js";

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
  nav_categories: { name: string; slug: string; url: string }[];
  /** Path of this request (no query), for canonical links and active navigation. */
  request_path: string;
  /** Signed-in staff see an admin link; cached pages never carry it (staff bypass the cache). */
  staff: { name: string; admin_url: string } | null;
}

/** Builds the shared part of a public page's model. */
export async function buildPageContext(ctx: Ctx, request: FastifyRequest): Promise<PageContext> {
  const settings = await ctx.settings.get();
  const now = ctx.now();
  const nav = await listNavCategories(ctx, settings.navCategorySlugs);
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
    today_iso: formatSiteDate(now, "yyyy-MM-dd", settings.timezone),
    nav_categories: nav.map((c) => ({ name: c.name, slug: c.slug, url: `/category/${c.slug}/` })),
    request_path: request.url.split("?")[0],
    staff: request.actor ? { name: request.actor.name, admin_url: "/admin/" } : null,
  };
}

/** Renders a theme template with the page context merged under its own model. */
export async function renderThemePage(
  ctx: Ctx,
  request: FastifyRequest,
  template: string,
  model: object,
): Promise<string> {
  const page = await buildPageContext(ctx, request);
  return ctx.theme.render(template, { ...page, ...model });
}
