import type { FastifyPluginAsync } from "fastify";
import { apiActorOf, requireApiToken } from "../accounts/api-auth.js";
import { canModerateComments } from "../accounts/permissions.js";
import type { AppContext } from "../context.js";
import { parseId, parsePageNumber, sendFieldErrors } from "../infrastructure/requests.js";
import {
  actionForStatus,
  COMMENT_STATUSES,
  getCommentForModeration,
  isCommentStatus,
  listModerationQueue,
  type ModerationItem,
  moderateComments,
  parseReasons,
} from "./moderation.js";
import type { CommentRow } from "./store.js";

const STATUS_LIST = COMMENT_STATUSES.join(", ");

/** A comment in the Admin API (token holders are staff: the email is included). */
function commentJson(comment: ModerationItem | CommentRow) {
  const html = "html" in comment ? comment.html : comment.body_html;
  const reasons = "reasons" in comment ? comment.reasons : parseReasons(comment.moderation_reasons);
  return {
    id: comment.id,
    article_id: comment.article_id,
    parent_id: comment.parent_id,
    status: comment.status,
    name: comment.name,
    email: comment.email,
    url: comment.url,
    body: comment.body,
    html,
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    spam_score: comment.spam_score,
    moderation_reasons: reasons,
  };
}

/** Admin API for comment moderation: list by status, change status, delete (bearer token). */
const commentsApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireApiToken(app, ctx);

  app.get<{ Querystring: { status?: string; article_id?: string; page?: string } }>(
    "/comments",
    async function listApiComments(request, reply) {
      if (!canModerateComments(apiActorOf(request))) return reply.code(403).send({ error: "forbidden" });
      const status = request.query.status ?? "pending";
      if (!isCommentStatus(status))
        return sendFieldErrors(reply, { status: `must be one of ${STATUS_LIST}` }, 400);
      const page = parsePageNumber(request.query.page);
      if (!page) return sendFieldErrors(reply, { page: "must be a whole number from 1" }, 400);
      let articleId: number | undefined;
      if (request.query.article_id !== undefined) {
        articleId = parseId(request.query.article_id);
        if (articleId === undefined)
          return sendFieldErrors(reply, { article_id: "must be an article id" }, 400);
      }
      const queue = await listModerationQueue(ctx, { status, articleId }, page);
      return reply.send({
        comments: queue.items.map(commentJson),
        counts: queue.counts,
        page: queue.page,
        pages: queue.pages,
        total: queue.total,
      });
    },
  );

  app.patch<{ Params: { id: string }; Body: unknown }>(
    "/comments/:id",
    async function updateApiComment(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.code(404).send({ error: "comment not found" });
      const body = request.body;
      if (typeof body !== "object" || body === null || Array.isArray(body))
        return sendFieldErrors(reply, { body: 'must be a JSON object like {"status": "approved"}' }, 400);
      const fields: Record<string, string> = {};
      for (const key of Object.keys(body)) if (key !== "status") fields[key] = "is not a known field";
      const given = (body as { status?: unknown }).status;
      const status = typeof given === "string" && isCommentStatus(given) ? given : undefined;
      if (status === undefined) fields.status = `must be one of ${STATUS_LIST}`;
      if (Object.keys(fields).length > 0) return sendFieldErrors(reply, fields, 400);
      const result = await moderateComments(ctx, apiActorOf(request), [id], actionForStatus(status!));
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      if ("notFound" in result) return reply.code(404).send({ error: "comment not found" });
      const comment = await getCommentForModeration(ctx, id);
      if (!comment) return reply.code(404).send({ error: "comment not found" });
      return reply.send(commentJson(comment));
    },
  );

  app.delete<{ Params: { id: string } }>("/comments/:id", async function deleteApiComment(request, reply) {
    const id = parseId(request.params.id);
    if (id === undefined) return reply.code(404).send({ error: "comment not found" });
    const result = await moderateComments(ctx, apiActorOf(request), [id], "delete");
    if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
    if ("notFound" in result) return reply.code(404).send({ error: "comment not found" });
    return reply.code(204).send();
  });
};

export default commentsApiRoutes;
