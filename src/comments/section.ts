import type { FastifyRequest } from "fastify";
import type { ArticleSummary } from "../articles/service.js";
import type { AppContext } from "../context.js";
import { COMMENTS_SHOWN_MAX, type PublicCommentRow } from "../db/comment-thread.js";
import { formatSiteDate } from "../lib/site-date.js";
import type { SiteSettings } from "../site/settings.js";
import { COMMENTER_COOKIE, readHeldComments } from "./cookies.js";
import { avatarOf } from "./render.js";
import type { CommentFormState } from "./service.js";
import * as store from "./store.js";
import { COMMENT_LIMITS, FORM_PROBLEMS, readerFieldError } from "./validation.js";

type Ctx = Pick<AppContext, "db" | "now" | "settings" | "config" | "theme">;

/** The honeypot field's name: a plausible field bots fill in and people never see. */
export const HONEYPOT_FIELD = "homepage";

/** Whether readers may comment on this article now (its own switch and the auto-close setting). */
export function areCommentsOpen(
  article: Pick<ArticleSummary, "comments_open" | "published_at">,
  settings: Pick<SiteSettings, "commentCloseAfterDays">,
  now: Date,
): boolean {
  if (!article.comments_open) return false;
  if (settings.commentCloseAfterDays <= 0 || !article.published_at) return true;
  const closesAt = new Date(article.published_at).getTime() + settings.commentCloseAfterDays * 86_400_000;
  return now.getTime() < closesAt;
}

/** Depth of a comment in its thread: 1 for a top-level comment. */
export function depthOf(id: number, links: { id: number; parent_id: number | null }[]): number {
  const parentOf = new Map(links.map((l) => [l.id, l.parent_id]));
  let depth = 1;
  let parent = parentOf.get(id) ?? null;
  // The bound guards against a corrupted loop in the data.
  while (parent !== null && depth <= links.length) {
    depth += 1;
    parent = parentOf.get(parent) ?? null;
  }
  return depth;
}

/** One comment as a public page shows it: no email, no IP, no user agent. */
export interface CommentView {
  id: number;
  anchor: string;
  parent_id: number | null;
  author_name: string;
  /** The commenter's website (http/https only), or null. */
  author_url: string | null;
  initials: string;
  avatar_hue: number;
  is_staff: boolean;
  is_article_author: boolean;
  /** The reader's own comment awaiting moderation (only they see it). */
  is_held: boolean;
  created_at: string;
  /** The date as the page shows it ("May 22, 2026 at 10:00 AM" in the site's zone). */
  date_text: string;
  /** Sanitised HTML. */
  html: string;
  permalink: string;
  depth: number;
  can_reply: boolean;
  reply_url: string;
  replies: CommentView[];
  /** In `comment_items` (thread order): this comment opens a list of replies after itself. */
  has_replies: boolean;
  /** In `comment_items`: how many reply lists (and their parent items) end after this comment. */
  closes: number;
}

/** How comment dates read; a theme wanting another format can use `created_at` with `site_date`. */
/** How comment dates read in the site's language ("December 4, 2026 at 3:00 PM"), from the theme's catalogue. */
function commentDates(ctx: Pick<Ctx, "theme">, settings: SiteSettings): CommentDates {
  return {
    timezone: settings.timezone,
    language: settings.language,
    pattern: ctx.theme.messages.t(settings.language, "comments.date_format"),
  };
}

interface CommentDates {
  timezone: string;
  language: string;
  /** date-fns pattern. */
  pattern: string;
}

/** Builds the reply tree, oldest first; a reply whose parent is not shown becomes top-level. */
function threadComments(
  rows: PublicCommentRow[],
  heldIds: Set<number>,
  article: Pick<ArticleSummary, "path" | "author">,
  maxDepth: number,
  open: boolean,
  dates: CommentDates,
): CommentView[] {
  const sorted = [...rows].sort((a, b) =>
    a.created_at === b.created_at ? a.id - b.id : a.created_at < b.created_at ? -1 : 1,
  );
  const views = new Map<number, CommentView>();
  const top: CommentView[] = [];
  for (const row of sorted) {
    const parent = row.parent_id !== null ? views.get(row.parent_id) : undefined;
    const depth = parent ? parent.depth + 1 : 1;
    const isHeld = heldIds.has(row.id) && row.status === "pending";
    const avatar = avatarOf(row.name);
    const view: CommentView = {
      id: row.id,
      anchor: `comment-${row.id}`,
      parent_id: parent ? row.parent_id : null,
      author_name: row.name,
      author_url: /^https?:\/\//i.test(row.url) ? row.url : null,
      initials: avatar.initials,
      avatar_hue: avatar.hue,
      is_staff: row.user_id !== null,
      is_article_author: row.user_id !== null && row.user_id === article.author.id,
      is_held: isHeld,
      created_at: row.created_at,
      date_text: formatSiteDate(row.created_at, dates.pattern, dates.timezone, dates.language),
      html: row.body_html,
      permalink: `${article.path}#comment-${row.id}`,
      depth,
      can_reply: open && !isHeld && depth < maxDepth,
      reply_url: `${article.path}?replytocom=${row.id}#respond`,
      replies: [],
      has_replies: false,
      closes: 0,
    };
    views.set(row.id, view);
    if (parent) {
      parent.replies.push(view);
      parent.has_replies = true;
    } else top.push(view);
  }
  return top;
}

/**
 * The tree in reading order with open/close markers, so a theme renders the whole thread in one
 * loop (an include per comment costs more than the rest of the page). Sets `closes` on the last
 * comment of each reply list.
 */
function threadOrder(views: CommentView[]): CommentView[] {
  const items: CommentView[] = [];
  const walk = (list: CommentView[], depthClosed: number) => {
    list.forEach((view, index) => {
      items.push(view);
      const last = index === list.length - 1;
      if (view.has_replies) walk(view.replies, last ? depthClosed + 1 : 1);
      else if (last) view.closes = depthClosed;
    });
  };
  walk(views, 0);
  return items;
}

/** What the theme's comments partial receives (see themes/default/partials/comments.liquid). */
export interface CommentsSection {
  /** Approved comments as a tree (each with `replies`), oldest first. */
  comments: CommentView[];
  /** The same comments flat, in reading order, with `has_replies` / `closes` (see threadOrder). */
  comment_items: CommentView[];
  comment_count: number;
  comments_open: boolean;
  comment_notice: { anchor: string; message: string } | null;
  comment_form: {
    action: string;
    article_id: number;
    parent_id: string;
    reply_to: { id: number; name: string } | null;
    cancel_reply_url: string;
    values: CommentFormState["values"];
    errors: Record<string, string>;
    error_list: { field: string; message: string }[];
    message: string;
    staff: { name: string } | null;
    /** The cookie the theme's script fills name, email and website from (never read by the server). */
    remembered_cookie: string;
    forget_action: string;
    honeypot_name: string;
    can_notify_replies: boolean;
    limits: typeof COMMENT_LIMITS;
  };
  comments_feed_url: string;
}

/**
 * What a reader is told about a comment sent back, in the site's language: the form's message and
 * a sentence per field (the API keeps its English `error` and `fields`).
 */
export function readerFeedback(
  say: (key: string, values?: Record<string, unknown>) => string,
  form: { message: string; errors: Record<string, string> },
): { message: string; errors: Record<string, string> } {
  const problem = Object.entries(FORM_PROBLEMS).find(([, text]) => text === form.message)?.[0];
  return {
    message: problem ? say(`comments.form_errors.${problem}`) : form.message,
    errors: Object.fromEntries(
      Object.entries(form.errors).map(([field, why]) => [field, readerFieldError(say, field, why)]),
    ),
  };
}

/**
 * The model of an article's comments area: approved comments threaded (plus the reader's own
 * held ones from their notice cookie), and the form with what the reader typed (`formState`
 * after a rejected post). Remembered details are not read here: the theme's script fills them
 * in, so the page is the same for every anonymous reader and cacheable. Two queries at most;
 * none for the approved thread when the story page's own statement read it (`approvedRead`).
 */
export async function buildCommentsSection(
  ctx: Pick<Ctx, "db" | "settings" | "now" | "config" | "theme">,
  request: FastifyRequest,
  article: Pick<ArticleSummary, "id" | "path" | "author" | "comments_open" | "published_at">,
  formState?: CommentFormState,
  approvedRead?: PublicCommentRow[],
): Promise<CommentsSection> {
  const settings = await ctx.settings.get();
  const open = areCommentsOpen(article, settings, ctx.now());
  const held = readHeldComments(request);
  const heldIds = held?.articleId === article.id ? held.commentIds : [];
  const [approved, heldRows] = await Promise.all([
    approvedRead ?? store.listApprovedComments(ctx.db, article.id, COMMENTS_SHOWN_MAX),
    store.listPublicCommentsByIds(ctx.db, article.id, heldIds),
  ]);
  const ownHeld = heldRows.filter((r) => r.status === "pending");
  const comments = threadComments(
    [...approved, ...ownHeld],
    new Set(heldIds),
    article,
    settings.commentMaxDepth,
    open,
    commentDates(ctx, settings),
  );

  const items = threadOrder(comments);
  const replyQuery = (request.query as Record<string, unknown> | undefined)?.replytocom;
  const wantedParent = (
    formState?.values.parent_id ?? (typeof replyQuery === "string" ? replyQuery : "")
  ).trim();
  const replyTo = wantedParent ? items.find((c) => String(c.id) === wantedParent && c.can_reply) : undefined;
  const feedback = readerFeedback(
    (key, values) => ctx.theme.messages.t(settings.language, key, values),
    formState ?? { message: "", errors: {} },
  );
  const errors = feedback.errors;
  const staff = request.actor;
  return {
    comments,
    comment_items: items,
    comment_count: approved.length,
    comments_open: open,
    // Spam-marked ones read "awaiting moderation" too; once approved, the comment speaks for itself.
    comment_notice: heldRows.some((r) => r.status !== "approved")
      ? {
          anchor: "comment-held",
          message: ctx.theme.messages.t(settings.language, "comments.held_notice"),
        }
      : null,
    comment_form: {
      action: "/comments",
      article_id: article.id,
      parent_id: replyTo ? String(replyTo.id) : "",
      reply_to: replyTo ? { id: replyTo.id, name: replyTo.author_name } : null,
      cancel_reply_url: `${article.path}#respond`,
      values: formState?.values ?? {
        parent_id: "",
        name: "",
        email: "",
        url: "",
        body: "",
        remember: false,
        notify_replies: false,
      },
      errors,
      error_list: Object.entries(errors).map(([field, message]) => ({ field, message })),
      message: feedback.message,
      staff: staff ? { name: staff.name } : null,
      remembered_cookie: COMMENTER_COOKIE,
      forget_action: "/comments/forget",
      honeypot_name: HONEYPOT_FIELD,
      can_notify_replies: ctx.config.smtpUrl !== undefined,
      limits: COMMENT_LIMITS,
    },
    comments_feed_url: `${article.path}feed/`,
  };
}

/** A single comment as the theme renders it, for the in-place (JavaScript) post. */
export async function getCommentView(
  ctx: Pick<Ctx, "db" | "settings" | "now" | "theme">,
  article: Pick<ArticleSummary, "id" | "path" | "author" | "comments_open" | "published_at">,
  commentId: number,
): Promise<CommentView | undefined> {
  const settings = await ctx.settings.get();
  const links = await store.listCommentLinks(ctx.db, article.id);
  const [row] = await store.listPublicCommentsByIds(ctx.db, article.id, [commentId]);
  if (row?.status !== "approved") return undefined;
  const [view] = threadComments(
    [row],
    new Set(),
    article,
    settings.commentMaxDepth,
    areCommentsOpen(article, settings, ctx.now()),
    commentDates(ctx, settings),
  );
  view.depth = depthOf(row.id, links);
  view.parent_id = row.parent_id;
  view.can_reply = view.can_reply && view.depth < settings.commentMaxDepth;
  return view;
}
