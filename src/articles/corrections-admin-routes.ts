import type { FastifyPluginAsync } from "fastify";
import { adminSay, sayProblems, setFlash } from "../accounts/admin-page.js";
import { actorOf } from "../accounts/staff-guard.js";
import type { AppContext } from "../context.js";
import { field, parseId } from "../infrastructure/requests.js";
import { addCorrection } from "./corrections.js";
import { ARTICLE_PROBLEMS } from "./problems.js";

/** The editor's "Add a correction" form on a published story. */
const correctionsAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post<{ Params: { id: string } }>(
    "/articles/:id/corrections",
    async function correctArticleFromForm(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.callNotFound();
      const result = await addCorrection(ctx, actorOf(request), id, field(request.body, "text"));
      if ("notFound" in result) return reply.callNotFound();
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      const say = await adminSay(ctx, request);
      if ("errors" in result)
        setFlash(
          reply,
          say("articles.flash.correction_refused", {
            problems: Object.entries(sayProblems(say, "articles", ARTICLE_PROBLEMS, result.errors))
              .map(([name, problem]) =>
                say(name === "text" ? "articles.flash.correction_text" : "articles.flash.correction_story", {
                  problem,
                }),
              )
              .join("; "),
          }),
          "error",
        );
      else setFlash(reply, say("articles.flash.correction_added"));
      return reply.redirect(`/admin/articles/${id}/edit`, 303);
    },
  );
};

export default correctionsAdminRoutes;
