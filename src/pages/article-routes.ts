import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { getCorrectionsPage } from "../articles/corrections.js";
import { getPublishedPage } from "../articles/pages.js";
import {
  type ArchiveRequest,
  getArchivePage,
  getArticlePage,
  getFrontPage,
  listLatestStories,
  pageUrl,
} from "../articles/public-site.js";
import { buildCommentsSection } from "../comments/service.js";
import type { AppContext } from "../context.js";
import { tagPage } from "../infrastructure/page-cache.js";
import { parsePageNumber } from "../infrastructure/requests.js";
import { archivePath, encodeSlug } from "../lib/slug.js";
import { extendPageModel, renderThemePage } from "./page-context.js";
import { articleSeo, listingSeo, pageSeo, type SiteIdentity, websiteJsonLd } from "./seo.js";

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
    return {
      title: settings.title,
      tagline: settings.tagline,
      url: ctx.config.siteUrl,
      language: settings.language,
    };
  }

  /** A message of the theme in the site's language, for titles the routes compose. */
  async function t(key: string, values?: Record<string, unknown>): Promise<string> {
    return ctx.theme.messages.t((await ctx.settings.get()).language, key, values);
  }

  async function sendPage(request: FastifyRequest, reply: FastifyReply, template: string, model: object) {
    const html = await renderThemePage(ctx, request, template, model);
    return reply.type("text/html; charset=utf-8").send(html);
  }

  // The designed 404 offers the newest stories next to its search box.
  extendPageModel(ctx, "404", async () => ({
    latest: await listLatestStories(ctx),
    seo: listingSeo(await identity(), { heading: await t("errors.not_found"), path: "/", noindex: true }),
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
      heading: page > 1 ? await t("front.latest") : undefined,
      path: model.pagination.url,
      page,
      prevPath: model.pagination.prev_url,
      nextPath: model.pagination.next_url,
      jsonLd: page === 1 ? websiteJsonLd(site) : null,
    });
    return sendPage(request, reply, "index", {
      ...model,
      seo,
      page_title: page > 1 ? await t("front.page", { page }) : "",
    });
  }

  /** A page at the request's path (`/about/team/`), else the 404 page. */
  async function showPage(request: FastifyRequest, reply: FastifyReply) {
    const path = request.url.split("?")[0].replace(/^\/+|\/+$/g, "");
    const page = await getPublishedPage(ctx, decodeURIComponent(path));
    if (!page) return reply.callNotFound();
    tagPage(request, [`article:${page.id}`]);
    return sendPage(request, reply, "page", {
      page,
      seo: pageSeo(await identity(), page),
      page_title: page.title,
    });
  }

  app.get("/", cached, showFrontPage);

  async function showCorrectionsPage(
    request: FastifyRequest<{ Params: { page?: string } }>,
    reply: FastifyReply,
  ) {
    const page = parsePageNumber(request.params.page);
    if (page === undefined) return reply.callNotFound();
    if (request.params.page !== undefined && page === 1) return reply.redirect("/corrections/", 301);
    const model = await getCorrectionsPage(ctx, page);
    if (!model) return reply.callNotFound();
    tagPage(request, model.scopes);
    const heading = await t("corrections.title");
    const seo = listingSeo(await identity(), {
      heading,
      path: model.pagination.url,
      page,
      prevPath: model.pagination.prev_url,
      nextPath: model.pagination.next_url,
    });
    return sendPage(request, reply, "corrections", { ...model, seo, page_title: heading });
  }
  app.get("/corrections/", cached, showCorrectionsPage);
  app.get("/corrections/page/:page/", cached, showCorrectionsPage);
  app.get("/corrections", async function addCorrectionsSlash(_request, reply) {
    return reply.redirect("/corrections/", 301);
  });
  app.get("/page/:page/", cached, showFrontPage);

  app.get<{ Params: PermalinkParams }>(
    "/:year/:month/:day/:slug/",
    cached,
    async function showArticlePage(request, reply) {
      const { year, month, day, slug } = request.params;
      // Not a date: a page three levels down (`/about/team/berlin/anna/`), if there is one.
      if (!isYear(year)) return showPage(request, reply);
      if (!isTwoDigits(month) || !isTwoDigits(day)) return reply.callNotFound();
      const page = await getArticlePage(ctx, slug);
      // Unknown, draft, scheduled and trashed stories are all simply not found (a renamed one has a redirect).
      if (!page) return reply.callNotFound();
      const { comment_thread, ...model } = page;
      const { article } = model;
      tagPage(request, model.scopes);
      // An old or mistyped date of an existing slug leads to the one canonical address.
      if (article.path !== `/${year}/${month}/${day}/${encodeSlug(slug)}/`)
        return reply.redirect(article.path, 301);
      return sendPage(request, reply, "article", {
        ...model,
        ...(await buildCommentsSection(ctx, request, article, undefined, comment_thread)),
        seo: articleSeo(await identity(), article, model.corrections),
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
        ? await t("archive.tag_title", { name: model.archive.title })
        : model.archive.kind === "date"
          ? await t("archive.date_title", { name: model.archive.title })
          : model.archive.title;
    const seo = listingSeo(await identity(), {
      heading,
      description: model.archive.description || (await t("archive.description", { name: heading })),
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
      return reply.redirect(archivePath(kind, request.params.slug), 301);
    });
  }

  async function showDateArchive(request: FastifyRequest<{ Params: DateParams }>, reply: FastifyReply) {
    const { year, month, day, page } = request.params;
    // Not a date: a page (`/about/`, `/about/team/`), if there is one.
    if (!isYear(year) && page === undefined) return showPage(request, reply);
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
      return reply.redirect(`/${year}/${month}/${day}/${encodeSlug(slug)}/`, 301);
    },
  );
  app.get<{ Params: { slug: string } }>("/:slug", async function addPageSlash(request, reply) {
    const page = await getPublishedPage(ctx, request.params.slug);
    if (!page) return reply.callNotFound();
    return reply.redirect(page.path, 301);
  });
  app.get<{ Params: { page: string } }>("/page/:page", async function addPageNumberSlash(request, reply) {
    return reply.redirect(`/page/${encodeURIComponent(request.params.page)}/`, 301);
  });
};

export default articlesRoutes;
