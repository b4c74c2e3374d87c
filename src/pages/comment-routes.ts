import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { getArticlePage } from "../articles/public-site.js";
import { type ArticleDetail, getPublishedArticleBySlug } from "../articles/service.js";
import {
  COMMENTER_COOKIE,
  forgetCommenter,
  PERSONAL_COMMENT_COOKIES,
  rememberCommenter,
  rememberHeldComment,
} from "../comments/cookies.js";
import { buildCommentsFeed } from "../comments/feeds.js";
import { unsubscribeFromReplies } from "../comments/notifications.js";
import {
  buildCommentsSection,
  type CommentFormState,
  type CommentSubmission,
  getCommentView,
  HONEYPOT_FIELD,
  readerFeedback,
  submitComment,
} from "../comments/service.js";
import type { AppContext } from "../context.js";
import { OUTAGE_RETRY_AFTER_SECONDS, outageOf } from "../db/failures.js";
import { countOutcome } from "../infrastructure/metrics.js";
import { publicFormRoute } from "../infrastructure/request-limits.js";
import { field, isSameSitePost, requestOrigin, wantsJson } from "../infrastructure/requests.js";
import { encodeSlug } from "../lib/slug.js";
import { OUTAGE_MESSAGES, outageStatus } from "./outage.js";
import { renderThemePage } from "./page-context.js";
import { logUnhandledError, sendErrorPage } from "./site-routes.js";

/** Comments one address may post per minute before 429 (per node: the limiter keeps counts in memory). */
export const COMMENT_POSTS_PER_MINUTE = 5;
/** A comment form is a few kilobytes at most; anything far larger is refused before parsing. */
export const COMMENT_REQUEST_MAX_BYTES = 64 * 1024;
const RSS_TYPE = "application/rss+xml; charset=utf-8";
const RATE_LIMITED_MESSAGE = "You are sending comments too quickly. Please wait a minute, then send again.";

type PermalinkParams = { year: string; month: string; day: string; slug: string };

function submissionFrom(body: unknown): CommentSubmission {
  const checked = (name: string) => ["1", "on", "yes", "true"].includes(field(body, name));
  return {
    articleId: field(body, "article_id"),
    parentId: field(body, "parent_id"),
    name: field(body, "name"),
    email: field(body, "email"),
    url: field(body, "url"),
    body: field(body, "body"),
    honeypot: field(body, HONEYPOT_FIELD),
    remember: checked("remember"),
    notifyReplies: checked("notify_replies"),
  };
}

/** A site-relative path to return to, or "/" for anything that could leave the site. */
function safeReturnPath(raw: string): string {
  return /^\/(?![/\\])[^\s]*$/.test(raw) ? raw : "/";
}

/**
 * Parses `application/x-www-form-urlencoded` strictly enough to notice bad text: bytes that
 * are not UTF-8 and broken %-escapes both become U+FFFD, which validation then refuses by field
 * (instead of the lenient default parser passing "%FF" through as if it were text).
 */
function parseFormStrictly(raw: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const decode = (part: string) => {
      const spaced = part.replace(/\+/g, " ");
      try {
        return decodeURIComponent(spaced);
      } catch {
        return new URLSearchParams(`x=${part}`).get("x") ?? "\uFFFD";
      }
    };
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = decode(eq === -1 ? "" : pair.slice(eq + 1));
    const existing = result[key];
    result[key] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return result;
}

/** Reader-facing comment routes: the form post, remember-me, comment feeds and unsubscribe links. */
const commentsRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const secureCookies = ctx.config.siteUrl.startsWith("https:");
  // Tell the page cache (when present) that these cookies make a page personal. The remembered
  // name/email/website cookie is not among them: the page's script fills the form from it.
  const pageCache = (app as unknown as { pageCache?: { bypassCookie(name: string): void } }).pageCache;
  for (const name of PERSONAL_COMMENT_COOKIES) pageCache?.bypassCookie(name);

  app.removeContentTypeParser("application/x-www-form-urlencoded");
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "buffer", bodyLimit: COMMENT_REQUEST_MAX_BYTES },
    (_request, body, done) => done(null, parseFormStrictly(new TextDecoder("utf-8").decode(body as Buffer))),
  );

  async function renderArticleWithForm(
    request: FastifyRequest,
    reply: FastifyReply,
    article: ArticleDetail,
    form: CommentFormState,
    status: number,
  ) {
    // The same page the reader was on (related stories and all), with their form handed back.
    const { comment_thread, ...page } = (await getArticlePage(ctx, article.slug)) ?? { article };
    const html = await renderThemePage(ctx, request, "article", {
      ...page,
      ...(await buildCommentsSection(ctx, request, article, form, comment_thread)),
      page_title: article.title,
    });
    return reply
      .code(status)
      .header("cache-control", "private, no-store")
      .type("text/html; charset=utf-8")
      .send(html);
  }

  function refuse(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
    reply.code(status).header("cache-control", "private, no-store");
    if (wantsJson(request)) return reply.send({ error: message });
    return reply.type("text/plain; charset=utf-8").send(message);
  }

  app.setErrorHandler(async function showCommentError(error: FastifyError, request, reply) {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    const outage = outageOf(error);
    if (status === 429 || outage) {
      countOutcome("comment", outage ? "outage" : "rate-limited");
      // A flood must stay cheap to refuse (no database, no article page), yet a real reader keeps
      // their text: a small page hands it back in a form they can send again once the wait is over.
      // A comment that cannot be stored (the database is out, the disk full) is handed back alike.
      const code = outage ? outageStatus(outage) : 429;
      const message = outage
        ? `Your comment could not be saved just now. ${OUTAGE_MESSAGES[outage]}`
        : RATE_LIMITED_MESSAGE;
      if (outage) {
        request.log.warn({ outage }, "comment could not be stored: outage");
        reply.header("retry-after", String(OUTAGE_RETRY_AFTER_SECONDS));
      }
      if (wantsJson(request)) return refuse(request, reply, code, message);
      const submission = submissionFrom(request.body);
      const referer = request.headers.referer ?? "";
      const back = isSameSitePost({ referer }, ctx.config.siteUrl, requestOrigin(request))
        ? safeReturnPath(new URL(referer).pathname)
        : "/";
      // The settings are usually in memory; when they are not and the database is out, English will do.
      const lang = await ctx.settings.get().then(
        (settings) => settings.language,
        () => "en",
      );
      return reply
        .code(code)
        .header("cache-control", "private, no-store")
        .view("comments/views/rate-limited", {
          lang,
          reason: outage ? outage.replace("-", "_") : "rate_limited",
          retry_after_seconds: Number(reply.getHeader("retry-after")) || 60,
          back_url: back,
          values: submission,
        });
    }
    if (status === 413) return refuse(request, reply, 413, "Your comment is too large to send.");
    if (status === 415) return refuse(request, reply, 415, "Comments are sent as a web form.");
    if (status < 500) return refuse(request, reply, status, "The comment could not be read.");
    logUnhandledError(request, reply, error);
    return sendErrorPage(ctx, request, reply, 500);
  });

  app.post(
    "/comments",
    {
      bodyLimit: COMMENT_REQUEST_MAX_BYTES,
      config: {
        rateLimit: {
          max: COMMENT_POSTS_PER_MINUTE,
          timeWindow: 60_000,
          hook: "preHandler",
          errorResponseBuilder: (_request, context) =>
            Object.assign(new Error(RATE_LIMITED_MESSAGE), { statusCode: context.statusCode }),
        },
      },
    },
    async function submitCommentForm(request, reply) {
      if (!isSameSitePost(request.headers, ctx.config.siteUrl, requestOrigin(request)))
        return refuse(request, reply, 403, "Comments can only be sent from this site's own pages.");
      const submission = submissionFrom(request.body);
      const result = await submitComment(ctx, submission, {
        ip: request.ip,
        userAgent: request.headers["user-agent"] ?? "",
        actor: request.actor,
      });
      countOutcome("comment", result.outcome === "accepted" ? result.status : result.outcome);
      if (result.outcome === "no-article") {
        if (result.httpStatus === 404 && !wantsJson(request)) return sendErrorPage(ctx, request, reply, 404);
        return refuse(request, reply, result.httpStatus, result.message);
      }
      if (result.outcome === "rejected") {
        if (wantsJson(request)) {
          // The theme's script shows `error` and `messages` to the reader; `fields` says the same to programs.
          const language = (await ctx.settings.get()).language;
          const feedback = readerFeedback(
            (key, values) => ctx.theme.messages.t(language, key, values),
            result.form,
          );
          return reply
            .code(result.httpStatus)
            .header("cache-control", "private, no-store")
            .send({ error: feedback.message, fields: result.form.errors, messages: feedback.errors });
        }
        return renderArticleWithForm(request, reply, result.article, result.form, result.httpStatus);
      }

      if (!request.actor) {
        if (submission.remember) rememberCommenter(reply, result.commenter, secureCookies);
        else if (request.cookies[COMMENTER_COOKIE]) forgetCommenter(reply, secureCookies);
      }
      const { article, commentId, status } = result;
      reply.header("cache-control", "private, no-store");
      if (status === "approved") {
        if (wantsJson(request)) {
          const comment = await getCommentView(ctx, article, commentId);
          const html = await ctx.theme.render("partials/comment-items", {
            comment_items: comment ? [comment] : [],
          });
          return reply
            .code(201)
            .send({ status, comment: { id: commentId, parent_id: comment?.parent_id, html } });
        }
        return reply.redirect(`${article.path}#comment-${commentId}`, 303);
      }
      // Held and spam-marked comments both read "awaiting moderation": a spammer learns nothing.
      rememberHeldComment(request, reply, article.id, commentId, secureCookies);
      if (wantsJson(request))
        return reply.code(202).send({
          status: "held",
          message: ctx.theme.messages.t((await ctx.settings.get()).language, "comments.held_notice"),
        });
      return reply.redirect(`${article.path}#comment-held`, 303);
    },
  );

  app.post(
    "/comments/forget",
    publicFormRoute({ max: 10, timeWindow: "1 minute" }),
    async function forgetCommenterDetails(request, reply) {
      if (!isSameSitePost(request.headers, ctx.config.siteUrl, requestOrigin(request)))
        return refuse(request, reply, 403, "This form can only be sent from this site's own pages.");
      forgetCommenter(reply, secureCookies);
      return reply.redirect(`${safeReturnPath(field(request.body, "return_to"))}#respond`, 303);
    },
  );

  app.get(
    "/comments/feed/",
    { config: { pageCache: true } },
    async function showCommentsFeed(_request, reply) {
      return reply.type(RSS_TYPE).send(await buildCommentsFeed(ctx));
    },
  );
  app.get("/comments/feed", async function addFeedSlash(_request, reply) {
    return reply.redirect("/comments/feed/", 301);
  });

  app.get<{ Params: PermalinkParams }>(
    "/:year/:month/:day/:slug/feed/",
    { config: { pageCache: true } },
    async function showArticleCommentsFeed(request, reply) {
      const { year, month, day, slug } = request.params;
      const article = await getPublishedArticleBySlug(ctx, slug);
      if (!article || article.path !== `/${year}/${month}/${day}/${encodeSlug(slug)}/`)
        return sendErrorPage(ctx, request, reply, 404);
      return reply.type(RSS_TYPE).send(await buildCommentsFeed(ctx, article));
    },
  );

  app.get<{ Querystring: { comment?: string; token?: string } }>(
    "/comments/unsubscribe",
    async function unsubscribeReplies(request, reply) {
      const id = Number(request.query.comment);
      const done =
        Number.isInteger(id) && id > 0 && (await unsubscribeFromReplies(ctx, id, request.query.token ?? ""));
      const settings = await ctx.settings.get();
      return reply
        .code(done ? 200 : 400)
        .header("cache-control", "private, no-store")
        .view("comments/views/unsubscribed", { lang: settings.language, done, site_title: settings.title });
    },
  );
};

export default commentsRoutes;
