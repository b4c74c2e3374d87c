import type { FastifyPluginAsync } from "fastify";
import { apiActorOf } from "../accounts/api-auth.js";
import { canArrangeFrontPage } from "../accounts/permissions.js";
import { arrangeFrontPage, type FrontPageInput, getFrontPageArrangement } from "../articles/front-page.js";
import type { AppContext } from "../context.js";
import { MAX_ROW_ID, sendFieldErrors } from "../infrastructure/requests.js";

const storyId = { type: "integer", minimum: 1, maximum: MAX_ROW_ID } as const;

const frontPageBodySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    lead: { type: ["integer", "null"], minimum: 1, maximum: MAX_ROW_ID },
    top: { type: "array", items: storyId, maxItems: 50 },
    expires_at: { type: ["string", "null"] },
    breaking: {
      type: ["object", "null"],
      additionalProperties: false,
      properties: { text: { type: "string" }, url: { type: "string" }, expires_at: { type: "string" } },
    },
  },
} as const;

const FORBIDDEN = { error: "only editors may arrange the front page" };

/** `GET|PUT /api/admin/front-page`: the lead, the top stories in order and the breaking banner. */
const frontPageApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get("/front-page", async function showApiFrontPage(request, reply) {
    if (!canArrangeFrontPage(apiActorOf(request))) return reply.code(403).send(FORBIDDEN);
    return reply.send(await getFrontPageArrangement(ctx));
  });

  app.put<{ Body: FrontPageInput }>(
    "/front-page",
    { schema: { body: frontPageBodySchema } },
    async function arrangeApiFrontPage(request, reply) {
      const result = await arrangeFrontPage(ctx, apiActorOf(request), request.body);
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      if ("errors" in result) return sendFieldErrors(reply, result.errors);
      return reply.send(result.arrangement);
    },
  );
};

export default frontPageApiRoutes;
