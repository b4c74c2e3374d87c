import type { FastifyPluginAsync } from "fastify";
import { adminSay, sayProblem, setFlash } from "../../accounts/admin-page.js";
import { actorOf } from "../../accounts/staff-guard.js";
import type { AppContext } from "../../context.js";
import { field, parseId } from "../../infrastructure/requests.js";
import { ARTICLE_PROBLEMS } from "../problems.js";
import { addArticleNote } from "./service.js";

/** Newsroom notes on a story, added from the editor. */
const reviewAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post<{ Params: { id: string } }>("/articles/:id/notes", async function addNote(request, reply) {
    const id = parseId(request.params.id);
    if (id === undefined) return reply.callNotFound();
    const result = await addArticleNote(ctx, actorOf(request), id, field(request.body, "note"));
    if ("notFound" in result) return reply.callNotFound();
    if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
    const say = await adminSay(ctx, request);
    if ("errors" in result)
      setFlash(
        reply,
        say("articles.flash.note_refused", {
          problem: sayProblem(say, "articles", ARTICLE_PROBLEMS, result.errors.note ?? ""),
        }),
        "error",
      );
    else setFlash(reply, say("articles.flash.note_added"));
    return reply.redirect(`/admin/articles/${id}/edit#notes`, 303);
  });
};

export default reviewAdminRoutes;
