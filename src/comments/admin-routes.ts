import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { canModerateComments } from "../accounts/permissions.js";
import { actorOf, denyUnless } from "../admin/guard.js";
import { adminPageModel, setFlash } from "../admin/page-model.js";
import { getArticle } from "../articles/service.js";
import type { CommentStatus } from "../db/schema.js";
import type { AppContext } from "../site/context.js";
import { field, fieldList, parseId, parsePageNumber } from "../site/requests.js";
import {
  COMMENT_STATUSES,
  editComment,
  getCommentForModeration,
  isCommentStatus,
  isModerationAction,
  listModerationQueue,
  type ModerationAction,
  type ModerationResult,
  moderateComments,
  replyAsStaff,
} from "./moderation.js";
import { fieldErrorSentence } from "./validation.js";

const TAB_LABELS: Record<CommentStatus, string> = {
  pending: "Pending",
  approved: "Approved",
  spam: "Spam",
  trash: "Trash",
};

/** What each tab offers, in the order the buttons appear. */
const ACTIONS_BY_STATUS: Record<CommentStatus, { action: ModerationAction; label: string }[]> = {
  pending: [
    { action: "approve", label: "Approve" },
    { action: "spam", label: "Spam" },
    { action: "trash", label: "Trash" },
  ],
  approved: [
    { action: "unapprove", label: "Unapprove" },
    { action: "spam", label: "Spam" },
    { action: "trash", label: "Trash" },
  ],
  spam: [
    { action: "restore", label: "Not spam" },
    { action: "delete", label: "Delete permanently" },
  ],
  trash: [
    { action: "restore", label: "Restore" },
    { action: "delete", label: "Delete permanently" },
  ],
};

const DONE_MESSAGES: Record<ModerationAction, string> = {
  approve: "approved",
  unapprove: "unapproved",
  spam: "marked as spam",
  trash: "moved to the trash",
  restore: "restored",
  delete: "deleted permanently",
};

/** Where to go back to after an action: the queue view it was taken from, never off the admin. */
function returnPath(body: unknown): string {
  const raw = field(body, "return_to");
  return /^\/admin\/comments(\?[^\s]*)?$/.test(raw) ? raw : "/admin/comments";
}

function queueUrl(status: CommentStatus, articleId: number | undefined, page = 1): string {
  const params = new URLSearchParams({ status });
  if (articleId !== undefined) params.set("article", String(articleId));
  if (page > 1) params.set("page", String(page));
  return `/admin/comments?${params}`;
}

/** The moderation queue and comment editing, inside the admin child context (staff session + CSRF). */
const commentsAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  function report(reply: FastifyReply, result: ModerationResult, action: ModerationAction, back: string) {
    if ("forbidden" in result) setFlash(reply, result.forbidden, "error");
    else if ("notFound" in result) setFlash(reply, "That comment no longer exists.", "error");
    else if (result.changed === 0)
      setFlash(reply, `Nothing to change: no selected comment could be ${DONE_MESSAGES[action]}.`, "error");
    else
      setFlash(
        reply,
        `${result.changed === 1 ? "1 comment" : `${result.changed} comments`} ${DONE_MESSAGES[action]}.`,
      );
    return reply.redirect(back, 303);
  }

  app.get<{ Querystring: { status?: string; article?: string; page?: string } }>(
    "/comments",
    async function showCommentsQueuePage(request, reply) {
      if (denyUnless(canModerateComments(actorOf(request)), request, reply)) return reply;
      const status: CommentStatus =
        request.query.status && isCommentStatus(request.query.status) ? request.query.status : "pending";
      const page = parsePageNumber(request.query.page) ?? 1;
      const articleId = request.query.article ? parseId(request.query.article) : undefined;
      const article = articleId !== undefined ? await getArticle(ctx, articleId) : undefined;
      const queue = await listModerationQueue(ctx, { status, articleId: article?.id }, page);
      return reply.view(
        "comments/views/moderation",
        await adminPageModel(ctx, request, reply, {
          title: "Comments",
          section: "comments",
          status,
          status_label: TAB_LABELS[status],
          tabs: COMMENT_STATUSES.map((s) => ({
            status: s,
            label: TAB_LABELS[s],
            count: queue.counts[s],
            url: queueUrl(s, article?.id),
            current: s === status,
          })),
          actions: ACTIONS_BY_STATUS[status],
          items: queue.items.map((item) => ({
            ...item,
            edit_url: `/admin/comments/${item.id}/edit`,
            reply_url: `/admin/comments/${item.id}/reply`,
            moderate_url: `/admin/comments/${item.id}/moderate`,
            filter_url: queueUrl(status, item.article_id),
          })),
          article_filter: article
            ? { id: article.id, title: article.title, clear_url: queueUrl(status, undefined) }
            : null,
          page: queue.page,
          pages: queue.pages,
          total: queue.total,
          previous_url: queue.page > 1 ? queueUrl(status, article?.id, queue.page - 1) : null,
          next_url: queue.page < queue.pages ? queueUrl(status, article?.id, queue.page + 1) : null,
          return_to: queueUrl(status, article?.id, queue.page),
        }),
      );
    },
  );

  app.post("/comments/bulk", async function moderateSelectedComments(request, reply) {
    const back = returnPath(request.body);
    const action = field(request.body, "bulk_action");
    const ids = fieldList(request.body, "ids").flatMap((raw) => parseId(raw) ?? []);
    if (!isModerationAction(action)) {
      setFlash(reply, "Choose an action to apply to the selected comments.", "error");
      return reply.redirect(back, 303);
    }
    if (ids.length === 0) {
      setFlash(reply, "Select at least one comment first.", "error");
      return reply.redirect(back, 303);
    }
    return report(reply, await moderateComments(ctx, actorOf(request), ids, action), action, back);
  });

  app.post<{ Params: { id: string } }>(
    "/comments/:id/moderate",
    async function moderateOneComment(request, reply) {
      const back = returnPath(request.body);
      const id = parseId(request.params.id);
      const action = field(request.body, "action");
      if (id === undefined || !isModerationAction(action)) return reply.callNotFound();
      return report(reply, await moderateComments(ctx, actorOf(request), [id], action), action, back);
    },
  );

  async function showEditor(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    mode: "edit" | "reply",
    form?: { values: Record<string, string>; errors: Record<string, string> },
    status = 200,
  ) {
    const comment = await getCommentForModeration(ctx, id);
    if (!comment) return reply.callNotFound();
    const article = await getArticle(ctx, comment.article_id);
    const errors = Object.fromEntries(
      Object.entries(form?.errors ?? {}).map(([f, why]) => [f, fieldErrorSentence(f, why)]),
    );
    return reply.code(status).view(
      `comments/views/${mode}`,
      await adminPageModel(ctx, request, reply, {
        title: mode === "edit" ? "Edit comment" : "Reply to comment",
        section: "comments",
        comment: {
          id: comment.id,
          status: comment.status,
          name: comment.name,
          email: comment.email,
          url: comment.url,
          html: comment.body_html,
          created_at: comment.created_at,
        },
        article: article ? { id: article.id, title: article.title, path: article.path } : null,
        values: form?.values ?? {
          name: comment.name,
          email: comment.email,
          url: comment.url,
          body: comment.body,
        },
        errors,
        back_url: queueUrl(comment.status, undefined),
      }),
    );
  }

  app.get<{ Params: { id: string } }>(
    "/comments/:id/edit",
    async function showEditCommentPage(request, reply) {
      if (denyUnless(canModerateComments(actorOf(request)), request, reply)) return reply;
      const id = parseId(request.params.id);
      return id === undefined ? reply.callNotFound() : showEditor(request, reply, id, "edit");
    },
  );

  app.post<{ Params: { id: string } }>("/comments/:id/edit", async function saveComment(request, reply) {
    const id = parseId(request.params.id);
    if (id === undefined) return reply.callNotFound();
    const values = {
      name: field(request.body, "name"),
      email: field(request.body, "email"),
      url: field(request.body, "url"),
      body: field(request.body, "body"),
    };
    const result = await editComment(ctx, actorOf(request), id, values);
    if ("forbidden" in result) return denyUnless(false, request, reply) && reply;
    if ("notFound" in result) return reply.callNotFound();
    if ("errors" in result)
      return showEditor(request, reply, id, "edit", { values, errors: result.errors }, 422);
    const comment = await getCommentForModeration(ctx, id);
    setFlash(reply, "Comment saved.");
    return reply.redirect(queueUrl(comment?.status ?? "pending", undefined), 303);
  });

  app.get<{ Params: { id: string } }>("/comments/:id/reply", async function showReplyPage(request, reply) {
    if (denyUnless(canModerateComments(actorOf(request)), request, reply)) return reply;
    const id = parseId(request.params.id);
    return id === undefined
      ? reply.callNotFound()
      : showEditor(request, reply, id, "reply", { values: { body: "" }, errors: {} });
  });

  app.post<{ Params: { id: string } }>("/comments/:id/reply", async function replyToComment(request, reply) {
    const id = parseId(request.params.id);
    if (id === undefined) return reply.callNotFound();
    const body = field(request.body, "body");
    const actor = request.actor;
    if (!actor) return reply.code(401).send({ error: "sign in required" });
    const result = await replyAsStaff(ctx, actor, id, body, {
      ip: request.ip,
      userAgent: request.headers["user-agent"] ?? "",
    });
    if ("forbidden" in result) return denyUnless(false, request, reply) && reply;
    if ("notFound" in result) return reply.callNotFound();
    if ("errors" in result)
      return showEditor(request, reply, id, "reply", { values: { body }, errors: result.errors }, 422);
    setFlash(reply, "Reply published.");
    return reply.redirect(queueUrl("approved", undefined), 303);
  });
};

export default commentsAdminRoutes;
