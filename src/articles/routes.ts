import type { FastifyPluginAsync } from "fastify";
import type { AppContext } from "../site/context.js";
import { renderThemePage } from "../site/page-context.js";
import { sendErrorPage } from "../site/routes.js";
import { getPublishedArticleBySlug } from "./service.js";

type PermalinkParams = { year: string; month: string; day: string; slug: string };

/** Public article pages. */
const articlesRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Params: PermalinkParams }>(
    "/:year/:month/:day/:slug/",
    async function showArticlePage(request, reply) {
      const { year, month, day, slug } = request.params;
      if (!/^\d{4}$/.test(year) || !/^\d{2}$/.test(month) || !/^\d{2}$/.test(day))
        return reply.callNotFound();
      const article = await getPublishedArticleBySlug(ctx, slug);
      if (!article) return sendErrorPage(ctx, request, reply, 404);
      // An old or mistyped date of an existing slug leads to the one canonical address.
      if (article.path !== `/${year}/${month}/${day}/${slug}/`) return reply.redirect(article.path, 301);
      const html = await renderThemePage(ctx, request, "article", { article, page_title: article.title });
      return reply.type("text/html; charset=utf-8").send(html);
    },
  );

  app.get<{ Params: PermalinkParams }>(
    "/:year/:month/:day/:slug",
    async function addTrailingSlash(request, reply) {
      const { year, month, day, slug } = request.params;
      return reply.redirect(`/${year}/${month}/${day}/${encodeURIComponent(slug)}/`, 301);
    },
  );
};

export default articlesRoutes;
