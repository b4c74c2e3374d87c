import type { FastifyPluginAsync } from "fastify";
import { adminSay, setFlash } from "../accounts/admin-page.js";
import { actorOf } from "../accounts/staff-guard.js";
import {
  articleForEditorPreview,
  createPreviewLink,
  PREVIEW_LINK_DEFAULT_HOURS,
  revokePreviewLinks,
} from "../articles/preview/service.js";
import type { AppContext } from "../context.js";
import { parseId } from "../infrastructure/requests.js";
import { sendArticlePreview } from "./preview-routes.js";

/** The editor's preview in the site's design, and sharing it by a secret link. */
const previewAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Params: { id: string } }>(
    "/articles/:id/preview",
    async function showEditorPreview(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.callNotFound();
      const article = await articleForEditorPreview(ctx, actorOf(request), id);
      if ("notFound" in article) return reply.callNotFound();
      if ("forbidden" in article) return reply.code(403).send({ error: article.forbidden });
      return sendArticlePreview(ctx, request, reply, article);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/articles/:id/preview-link",
    async function sharePreview(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.callNotFound();
      const result = await createPreviewLink(ctx, actorOf(request), id);
      if ("notFound" in result) return reply.callNotFound();
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      const say = await adminSay(ctx, request);
      if ("errors" in result) setFlash(reply, say("articles.flash.no_link"), "error");
      else
        setFlash(
          reply,
          say("articles.flash.link_made", { hours: PREVIEW_LINK_DEFAULT_HOURS, url: result.url }),
        );
      return reply.redirect(`/admin/articles/${id}/edit`, 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/articles/:id/preview-link/revoke",
    async function revokePreview(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.callNotFound();
      const result = await revokePreviewLinks(ctx, actorOf(request), id);
      if ("notFound" in result) return reply.callNotFound();
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      setFlash(
        reply,
        (await adminSay(ctx, request))("articles.flash.links_revoked", { count: result.revoked }),
      );
      return reply.redirect(`/admin/articles/${id}/edit`, 303);
    },
  );
};

export default previewAdminRoutes;
