import { createHmac, timingSafeEqual } from "node:crypto";
import { getUser, staffSay } from "../accounts/service.js";
import { getArticle } from "../articles/service.js";
import type { AppContext } from "../context.js";
import { htmlToText } from "../lib/html-text.js";
import * as store from "./store.js";

type Ctx = Pick<
  AppContext,
  "db" | "now" | "settings" | "config" | "secret" | "log" | "mail" | "adminMessages" | "theme"
>;

/** The token in a reply-notification email's "stop these emails" link. */
export function unsubscribeToken(secret: string, commentId: number): string {
  return createHmac("sha256", secret).update(`comment-replies:${commentId}`).digest("hex").slice(0, 32);
}

/** True when the token is the one we put in that comment's emails. */
export function isValidUnsubscribeToken(secret: string, commentId: number, token: string): boolean {
  const expected = Buffer.from(unsubscribeToken(secret, commentId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Stops reply emails for a comment when the link's token is right; false otherwise. */
export async function unsubscribeFromReplies(
  ctx: Pick<Ctx, "db" | "secret">,
  commentId: number,
  token: string,
): Promise<boolean> {
  if (!isValidUnsubscribeToken(ctx.secret, commentId, token)) return false;
  await store.disableReplyNotifications(ctx.db, commentId);
  return true;
}

/**
 * Sends the emails an approved comment triggers, once per comment and in the background: the
 * article's author (when the site notifies authors) and the parent's commenter (only if they
 * asked for replies). Off unless SMTP_URL is set. Failures are logged without addresses.
 */
export function notifyApprovedComment(ctx: Ctx, commentId: number): void {
  if (!ctx.config.smtpUrl) return;
  deliverNotifications(ctx, commentId).catch((error: Error & { code?: string; responseCode?: number }) => {
    // The message of an SMTP error can quote a recipient address: log only its codes.
    ctx.log.error(
      { commentId, code: error.code, responseCode: error.responseCode },
      "comment notification failed",
    );
  });
}

async function deliverNotifications(ctx: Ctx, commentId: number): Promise<void> {
  const transport = ctx.mail;
  const comment = await store.getCommentById(ctx.db, commentId);
  if (!transport || !comment || comment.status !== "approved") return;
  const settings = await ctx.settings.get();
  const article = await getArticle(ctx, comment.article_id);
  if (!article) return;
  const parent = comment.parent_id ? await store.getCommentById(ctx.db, comment.parent_id) : undefined;
  const author = settings.commentNotifyAuthors ? await getUser(ctx, article.author.id) : undefined;
  const wantsAuthor = author !== undefined && author.email !== comment.email;
  const wantsParent =
    parent !== undefined &&
    parent.status === "approved" &&
    parent.notify_replies === 1 &&
    parent.email !== comment.email;
  if (!wantsAuthor && !wantsParent) return;
  // Another node (or a re-approval) may race us: only the one that marks it sends.
  if (!(await store.markCommentNotified(ctx.db, comment.id, ctx.now().toISOString()))) return;

  const permalink = `${article.url}#comment-${comment.id}`;
  const text = htmlToText(comment.body_html);
  const about = { name: comment.name, title: article.title, text, link: permalink };
  if (wantsAuthor && author) {
    const say = staffSay(ctx, author, settings.language);
    await transport.sendMail({
      from: ctx.config.mailFrom,
      to: author.email,
      subject: say("comments.emails.new_comment.subject", { site: settings.title, title: article.title }),
      text: say("comments.emails.new_comment.body", {
        ...about,
        moderate: `${ctx.config.siteUrl}/admin/comments`,
      }),
    });
  }
  if (wantsParent && parent) {
    const unsubscribe = `${ctx.config.siteUrl}/comments/unsubscribe?comment=${parent.id}&token=${unsubscribeToken(ctx.secret, parent.id)}`;
    // A reader is written to in the site's language, as its pages speak.
    const say = (key: string, values: Record<string, unknown>) =>
      ctx.theme.messages.t(settings.language, key, values);
    await transport.sendMail({
      from: ctx.config.mailFrom,
      to: parent.email,
      subject: say("comments.emails.reply.subject", { site: settings.title, name: comment.name }),
      text: say("comments.emails.reply.body", { ...about, unsubscribe }),
      headers: { "List-Unsubscribe": `<${unsubscribe}>` },
    });
  }
}
