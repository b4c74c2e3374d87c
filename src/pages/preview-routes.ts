import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { articleForPreviewToken, previewPageModel } from "../articles/preview/service.js";
import type { ArticleDetail } from "../articles/service.js";
import type { AppContext } from "../context.js";
import { skipPageCache } from "../infrastructure/page-cache.js";
import { renderThemePage } from "./page-context.js";
import { articleSeo } from "./seo.js";

/**
 * Sends a story through the theme's article page as readers will see it, but private: never in
 * the page cache or a shared cache, never indexed.
 */
export async function sendArticlePreview(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  article: ArticleDetail,
) {
  skipPageCache(reply);
  const settings = await ctx.settings.get();
  const site = {
    title: settings.title,
    tagline: settings.tagline,
    url: ctx.config.siteUrl,
    language: settings.language,
  };
  const html = await renderThemePage(ctx, request, "article", {
    ...(await previewPageModel(ctx, article)),
    seo: { ...articleSeo(site, article), noindex: true },
    page_title: article.title,
  });
  return reply
    .header("cache-control", "private, no-store")
    .header("x-robots-tag", "noindex, nofollow")
    .header("referrer-policy", "no-referrer")
    .type("text/html; charset=utf-8")
    .send(html);
}

/** Shared preview links: `/preview/<token>/` opens a story for anyone holding the link. */
const previewRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Params: { token: string } }>(
    "/preview/:token/",
    async function showSharedPreview(request, reply) {
      const article = await articleForPreviewToken(ctx, request.params.token);
      if (!article) {
        skipPageCache(reply);
        reply.header("x-robots-tag", "noindex, nofollow");
        return reply.callNotFound();
      }
      return sendArticlePreview(ctx, request, reply, article);
    },
  );
};

export default previewRoutes;
