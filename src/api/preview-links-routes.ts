import type { FastifyPluginAsync } from "fastify";
import { apiActorOf, requireApiToken } from "../accounts/api-auth.js";
import { createPreviewLink, revokePreviewLinks } from "../articles/preview/service.js";
import type { AppContext } from "../context.js";
import { parseId, sendFieldErrors } from "../infrastructure/requests.js";

/** Admin API for shared preview links of a story (bearer token). */
const previewLinksApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireApiToken(app, ctx);

  app.post<{ Params: { id: string }; Body: { hours?: unknown } | undefined }>(
    "/articles/:id/preview-link",
    async function createApiPreviewLink(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.code(404).send({ error: "article not found" });
      const hours = request.body?.hours;
      if (hours !== undefined && typeof hours !== "number")
        return sendFieldErrors(reply, { hours: "must be a number of hours" }, 400);
      const result = await createPreviewLink(ctx, apiActorOf(request), id, hours);
      if ("errors" in result) return sendFieldErrors(reply, result.errors);
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      if ("notFound" in result) return reply.code(404).send({ error: "article not found" });
      return reply.code(201).send(result);
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/articles/:id/preview-link",
    async function revokeApiPreviewLinks(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.code(404).send({ error: "article not found" });
      const result = await revokePreviewLinks(ctx, apiActorOf(request), id);
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      if ("notFound" in result) return reply.code(404).send({ error: "article not found" });
      return reply.send(result);
    },
  );
};

export default previewLinksApiRoutes;
