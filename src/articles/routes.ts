import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { buildCommentsSection } from "../comments/service.js";
import type { AppContext } from "../site/context.js";
import { tagPage } from "../site/page-cache.js";
import { extendPageModel, renderThemePage } from "../site/page-context.js";
import { parsePageNumber } from "../site/requests.js";
import {
  type ArchiveRequest,
  getArchivePage,
  getArticlePage,
  getFrontPage,
  listLatestStories,
  pageUrl,
} from "./public-site.js";
import { articleSeo, listingSeo, type SiteIdentity, websiteJsonLd } from "./seo.js";

type PermalinkParams = { year: string; month: string; day: string; slug: string };
type DateParams = { year: string; month?: string; day?: string; page?: string };
type SlugParams = { slug: string; page?: string };

/** Every reader page is stored by the page cache for anonymous readers (src/site/page-cache.ts). */
const cached = { config: { pageCache: true } } as const;

function isYear(value: string): boolean {
  return /^\d{4}$/.test(value);
}

function isTwoDigits(value: string | undefined): boolean {
  return value === undefined || /^\d{2}$/.test(value);
}

/** The reader-facing pages: front page, article pages and archives. */
const articlesRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  async function identity(): Promise<SiteIdentity> {
    const settings = await ctx.settings.get();
    return { title: settings.title, tagline: settings.tagline, url: ctx.config.siteUrl };
  }

  async function sendPage(request: FastifyRequest, reply: FastifyReply, template: string, model: object) {
    const html = await renderThemePage(ctx, request, template, model);
    return reply.type("text/html; charset=utf-8").send(html);
  }

  // The designed 404 offers the newest stories next to its search box.
  extendPageModel(ctx, "404", async () => ({
    latest: await listLatestStories(ctx),
    seo: listingSeo(await identity(), { heading: "Page not found", path: "/", noindex: true }),
  }));

  async function showFrontPage(request: FastifyRequest<{ Params: { page?: string } }>, reply: FastifyReply) {
    const page = parsePageNumber(request.params.page);
    if (page === undefined) return reply.callNotFound();
    if (request.params.page !== undefined && page === 1) return reply.redirect("/", 301);
    const model = await getFrontPage(ctx, page);
    if (!model) return reply.callNotFound();
    tagPage(request, model.scopes);
    const site = await identity();
    const seo = listingSeo(site, {
      heading: page > 1 ? "Latest stories" : undefined,
      path: model.pagination.url,
      page,
      prevPath: model.pagination.prev_url,
      nextPath: model.pagination.next_url,
      jsonLd: page === 1 ? websiteJsonLd(site) : null,
    });
    return sendPage(request, reply, "index", { ...model, seo, page_title: page > 1 ? `Page ${page}` : "" });
  }

  app.get("/", cached, showFrontPage);
  app.get("/page/:page/", cached, showFrontPage);

  app.get<{ Params: PermalinkParams }>(
    "/:year/:month/:day/:slug/",
    cached,
    async function showArticlePage(request, reply) {
      const { year, month, day, slug } = request.params;
      if (!isYear(year) || !isTwoDigits(month) || !isTwoDigits(day)) return reply.callNotFound();
      const model = await getArticlePage(ctx, slug);
      // Unknown, draft, scheduled and trashed stories are all simply not found (a renamed one has a redirect).
      if (!model) return reply.callNotFound();
      const { article } = model;
      tagPage(request, model.scopes);
      // An old or mistyped date of an existing slug leads to the one canonical address.
      if (article.path !== `/${year}/${month}/${day}/${slug}/`) return reply.redirect(article.path, 301);
      return sendPage(request, reply, "article", {
        ...model,
        ...(await buildCommentsSection(ctx, request, article)),
        seo: articleSeo(await identity(), article),
        page_title: article.title,
      });
    },
  );

  async function showArchive(
    request: FastifyRequest,
    reply: FastifyReply,
    archive: ArchiveRequest,
    rawPage: string | undefined,
  ) {
    const page = parsePageNumber(rawPage);
    if (page === undefined) return reply.callNotFound();
    const model = await getArchivePage(ctx, archive, page);
    if (!model) return reply.callNotFound();
    tagPage(request, model.scopes);
    // `/category/x/page/1/` is the archive itself.
    if (rawPage !== undefined && page === 1) return reply.redirect(model.archive.base_path, 301);
    const heading =
      model.archive.kind === "tag"
        ? `Tag: ${model.archive.title}`
        : model.archive.kind === "date"
          ? `Archive: ${model.archive.title}`
          : model.archive.title;
    const seo = listingSeo(await identity(), {
      heading,
      description: model.archive.description || `Stories filed under ${heading}.`,
      path: pageUrl(model.archive.base_path, page),
      page,
      prevPath: model.pagination.prev_url,
      nextPath: model.pagination.next_url,
    });
    return sendPage(request, reply, "archive", { ...model, seo, page_title: heading });
  }

  for (const kind of ["category", "tag", "author"] as const) {
    const showTermArchive = (request: FastifyRequest<{ Params: SlugParams }>, reply: FastifyReply) =>
      showArchive(request, reply, { kind, slug: request.params.slug }, request.params.page);
    app.get(`/${kind}/:slug/`, cached, showTermArchive);
    app.get(`/${kind}/:slug/page/:page/`, cached, showTermArchive);
    app.get<{ Params: SlugParams }>(`/${kind}/:slug`, async function addArchiveSlash(request, reply) {
      return reply.redirect(`/${kind}/${encodeURIComponent(request.params.slug)}/`, 301);
    });
  }

  async function showDateArchive(request: FastifyRequest<{ Params: DateParams }>, reply: FastifyReply) {
    const { year, month, day, page } = request.params;
    if (!isYear(year) || !isTwoDigits(month) || !isTwoDigits(day)) return reply.callNotFound();
    return showArchive(
      request,
      reply,
      {
        kind: "date",
        year: Number(year),
        month: month === undefined ? undefined : Number(month),
        day: day === undefined ? undefined : Number(day),
      },
      page,
    );
  }

  app.get("/:year/", cached, showDateArchive);
  app.get("/:year/page/:page/", cached, showDateArchive);
  app.get("/:year/:month/", cached, showDateArchive);
  app.get("/:year/:month/page/:page/", cached, showDateArchive);
  app.get("/:year/:month/:day/", cached, showDateArchive);
  app.get("/:year/:month/:day/page/:page/", cached, showDateArchive);

  app.get<{ Params: PermalinkParams }>(
    "/:year/:month/:day/:slug",
    async function addTrailingSlash(request, reply) {
      const { year, month, day, slug } = request.params;
      if (!isYear(year) || !isTwoDigits(month) || !isTwoDigits(day)) return reply.callNotFound();
      return reply.redirect(`/${year}/${month}/${day}/${encodeURIComponent(slug)}/`, 301);
    },
  );
  app.get<{ Params: { page: string } }>("/page/:page", async function addPageSlash(request, reply) {
    return reply.redirect(`/page/${encodeURIComponent(request.params.page)}/`, 301);
  });
};

export default articlesRoutes;
