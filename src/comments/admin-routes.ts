import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { adminPageModel, adminSay, sayProblem, sayProblems, setFlash } from "../accounts/admin-page.js";
import { canModerateComments } from "../accounts/permissions.js";
import { actorOf, denyUnless } from "../accounts/staff-guard.js";
import { getArticle } from "../articles/service.js";
import type { AppContext } from "../context.js";
import type { CommentStatus } from "../db/schema.js";
import { field, fieldList, parseId, parsePageNumber } from "../infrastructure/requests.js";
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
import { COMMENT_PROBLEMS } from "./problems.js";

/** What each tab offers, in the order the buttons appear (`name`: the message under `comments.moderation.actions`). */
const ACTIONS_BY_STATUS: Record<CommentStatus, { action: ModerationAction; name: string }[]> = {
  pending: [
    { action: "approve", name: "approve" },
    { action: "spam", name: "spam" },
    { action: "trash", name: "trash" },
  ],
  approved: [
    { action: "unapprove", name: "unapprove" },
    { action: "spam", name: "spam" },
    { action: "trash", name: "trash" },
  ],
  spam: [
    { action: "restore", name: "not_spam" },
    { action: "delete", name: "delete" },
  ],
  trash: [
    { action: "restore", name: "restore" },
    { action: "delete", name: "delete" },
  ],
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
  async function report(
    request: FastifyRequest,
    reply: FastifyReply,
    result: ModerationResult,
    action: ModerationAction,
    back: string,
  ) {
    const say = await adminSay(ctx, request);
    if ("forbidden" in result)
      setFlash(reply, sayProblem(say, "comments", COMMENT_PROBLEMS, result.forbidden), "error");
    else if ("notFound" in result) setFlash(reply, say("comments.flash.gone"), "error");
    else if (result.changed === 0) setFlash(reply, say("comments.flash.nothing", { action }), "error");
    else setFlash(reply, say(`comments.flash.done.${action}`, { count: result.changed }));
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
      const say = await adminSay(ctx, request);
      return reply.view(
        "comments/views/moderation",
        await adminPageModel(ctx, request, reply, {
          title: say("admin.layout.comments"),
          section: "comments",
          status,
          tabs: COMMENT_STATUSES.map((s) => ({
            status: s,
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
    if (!isModerationAction(action) || ids.length === 0) {
      const say = await adminSay(ctx, request);
      setFlash(
        reply,
        say(isModerationAction(action) ? "comments.flash.select" : "comments.flash.choose"),
        "error",
      );
      return reply.redirect(back, 303);
    }
    return report(request, reply, await moderateComments(ctx, actorOf(request), ids, action), action, back);
  });

  app.post<{ Params: { id: string } }>(
    "/comments/:id/moderate",
    async function moderateOneComment(request, reply) {
      const back = returnPath(request.body);
      const id = parseId(request.params.id);
      const action = field(request.body, "action");
      if (id === undefined || !isModerationAction(action)) return reply.callNotFound();
      return report(
        request,
        reply,
        await moderateComments(ctx, actorOf(request), [id], action),
        action,
        back,
      );
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
    const say = await adminSay(ctx, request);
    return reply.code(status).view(
      `comments/views/${mode}`,
      await adminPageModel(ctx, request, reply, {
        title: say(mode === "edit" ? "comments.edit.title" : "comments.reply.title"),
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
        errors: sayProblems(say, "comments", COMMENT_PROBLEMS, form?.errors ?? {}),
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
    setFlash(reply, (await adminSay(ctx, request))("comments.flash.saved"));
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
    setFlash(reply, (await adminSay(ctx, request))("comments.flash.replied"));
    return reply.redirect(queueUrl("approved", undefined), 303);
  });
};

export default commentsAdminRoutes;
