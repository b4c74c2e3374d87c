import type { FastifyPluginAsync } from "fastify";
import { apiActorOf } from "../accounts/api-auth.js";
import { canViewArticle } from "../accounts/permissions.js";
import { addCorrection, listCorrectionsOf } from "../articles/corrections.js";
import { getArticle } from "../articles/service.js";
import type { AppContext } from "../context.js";
import { parseId, sendFieldErrors } from "../infrastructure/requests.js";

const correctionBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["text"],
  properties: { text: { type: "string" } },
} as const;

const NOT_FOUND = { error: "article not found" };

/** `POST|GET /api/admin/articles/:id/corrections`: corrections to a published story. */
const correctionsApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post<{ Params: { id: string }; Body: { text: string } }>(
    "/articles/:id/corrections",
    { schema: { body: correctionBodySchema } },
    async function correctApiArticle(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.code(404).send(NOT_FOUND);
      const result = await addCorrection(ctx, apiActorOf(request), id, request.body.text);
      if ("notFound" in result) return reply.code(404).send(NOT_FOUND);
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      if ("errors" in result) return sendFieldErrors(reply, result.errors);
      return reply.code(201).send(result.correction);
    },
  );

  app.get<{ Params: { id: string } }>(
    "/articles/:id/corrections",
    async function listApiCorrections(request, reply) {
      const id = parseId(request.params.id);
      const article = id ? await getArticle(ctx, id) : undefined;
      if (
        !article ||
        article.is_page ||
        !canViewArticle(apiActorOf(request), { author_id: article.author.id, status: article.status })
      )
        return reply.code(404).send(NOT_FOUND);
      const corrections = await listCorrectionsOf(ctx, article.id);
      return reply.send({ corrections: corrections.map((c) => ({ ...c, article_id: article.id })) });
    },
  );
};

export default correctionsApiRoutes;
