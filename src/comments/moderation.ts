import { type Actor, canModerateComments } from "../accounts/permissions.js";
import type { SessionActor } from "../accounts/service.js";
import type { AppContext } from "../context.js";
import type { CommentStatus } from "../db/schema.js";
import { articlePath } from "../lib/permalinks.js";
import { notifyApprovedComment } from "./notifications.js";
import { COMMENT_PROBLEMS } from "./problems.js";
import { renderCommentMarkdown } from "./render.js";
import {
  announceCommentChange,
  type CommentFormState,
  mostCommentedRanking,
  submitComment,
} from "./service.js";
import * as store from "./store.js";
import { type FieldErrors, validateCommentFields } from "./validation.js";

type Ctx = Pick<
  AppContext,
  "db" | "now" | "settings" | "config" | "changes" | "secret" | "log" | "mail" | "adminMessages" | "theme"
>;

export const COMMENT_STATUSES: readonly CommentStatus[] = ["pending", "approved", "spam", "trash"];
export const MODERATION_ACTIONS = ["approve", "unapprove", "spam", "trash", "restore", "delete"] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];
/** Comments one bulk action may touch (a page of the queue). */
export const BULK_MAX = 200;
export const MODERATION_PAGE_SIZE = 50;

export function isCommentStatus(value: string): value is CommentStatus {
  return (COMMENT_STATUSES as readonly string[]).includes(value);
}

export function isModerationAction(value: string): value is ModerationAction {
  return (MODERATION_ACTIONS as readonly string[]).includes(value);
}

/** The action that puts a comment in a status (the Admin API speaks in statuses). */
export function actionForStatus(status: CommentStatus): ModerationAction {
  return ({ approved: "approve", pending: "unapprove", spam: "spam", trash: "trash" } as const)[status];
}

export type ModerationResult = { changed: number } | { forbidden: string } | { notFound: true };

/**
 * Applies one moderation action to some comments. Restore puts a trashed or spam-marked
 * comment back where it was; delete is permanent (replies move up a level). Any change to what
 * readers see invalidates cached pages; newly approved comments send their notifications.
 */
export async function moderateComments(
  ctx: Ctx,
  actor: Actor,
  ids: number[],
  action: ModerationAction,
): Promise<ModerationResult> {
  if (!canModerateComments(actor)) return { forbidden: COMMENT_PROBLEMS.may_not_moderate };
  const wanted = [...new Set(ids)].slice(0, BULK_MAX);
  const rows = await store.listCommentsByIds(ctx.db, wanted);
  if (rows.length === 0) return { notFound: true };
  const now = ctx.now().toISOString();
  const rankingBefore = await mostCommentedRanking(ctx);
  const byStatus = (...statuses: CommentStatus[]) =>
    rows.filter((r) => statuses.includes(r.status)).map((r) => r.id);
  let touched: number[] = [];
  let newlyApproved: number[] = [];
  switch (action) {
    case "approve":
      touched = newlyApproved = byStatus("pending", "spam", "trash");
      await store.updateCommentsStatus(ctx.db, touched, "approved", now);
      break;
    case "unapprove":
      touched = byStatus("approved", "spam", "trash");
      await store.updateCommentsStatus(ctx.db, touched, "pending", now);
      break;
    case "spam":
      touched = byStatus("pending", "approved", "trash");
      await store.updateCommentsStatus(ctx.db, touched, "spam", now);
      break;
    case "trash":
      touched = byStatus("pending", "approved", "spam");
      await store.updateCommentsStatus(ctx.db, touched, "trash", now);
      break;
    case "restore": {
      const parked = rows.filter((r) => r.status === "trash" || r.status === "spam");
      for (const target of ["approved", "pending"] as const) {
        const ids = parked.filter((r) => (r.status_before_trash ?? "pending") === target).map((r) => r.id);
        await store.updateCommentsStatus(ctx.db, ids, target, now);
        if (target === "approved") newlyApproved = ids;
      }
      touched = parked.map((r) => r.id);
      break;
    }
    case "delete":
      touched = rows.map((r) => r.id);
      await store.deleteComments(ctx.db, touched);
      break;
  }
  // Readers see a change where a comment became approved or stopped being so.
  const shownOn = new Set(
    rows
      .filter((r) => newlyApproved.includes(r.id) || (r.status === "approved" && touched.includes(r.id)))
      .map((r) => r.article_id),
  );
  if (shownOn.size > 0) await announceCommentChange(ctx, shownOn, rankingBefore);
  for (const id of newlyApproved) notifyApprovedComment(ctx, id);
  return { changed: touched.length };
}

/** One comment in the moderation queue and the Admin API: private fields included (staff only). */
export interface ModerationItem {
  id: number;
  article_id: number;
  parent_id: number | null;
  status: CommentStatus;
  name: string;
  email: string;
  url: string;
  body: string;
  html: string;
  created_at: string;
  updated_at: string;
  spam_score: number;
  reasons: string[];
  /** First characters of the keyed IP hash: enough to spot one source, not to recover the IP. */
  ip_hash_short: string;
  user_agent: string;
  is_staff: boolean;
  article: { id: number; title: string; path: string };
}

/** The stored JSON list of moderation reasons; [] for anything unreadable. */
export function parseReasons(raw: string): string[] {
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value.filter((r): r is string => typeof r === "string") : [];
  } catch {
    return [];
  }
}

export interface ModerationQueue {
  items: ModerationItem[];
  counts: Record<CommentStatus, number>;
  page: number;
  pages: number;
  total: number;
}

/** One page of the queue for a status (optionally one article), with the counts of every tab. */
export async function listModerationQueue(
  ctx: Pick<Ctx, "db" | "settings">,
  filter: store.ModerationFilter,
  page: number,
  perPage = MODERATION_PAGE_SIZE,
): Promise<ModerationQueue> {
  const settings = await ctx.settings.get();
  const [rows, total, counts] = await Promise.all([
    store.listCommentsForModeration(ctx.db, filter, { limit: perPage, offset: (page - 1) * perPage }),
    store.countCommentsForModeration(ctx.db, filter),
    store.countCommentsByStatus(ctx.db, filter.articleId),
  ]);
  return {
    items: rows.map((row) => ({
      id: row.id,
      article_id: row.article_id,
      parent_id: row.parent_id,
      status: row.status,
      name: row.name,
      email: row.email,
      url: row.url,
      body: row.body,
      html: row.body_html,
      created_at: row.created_at,
      updated_at: row.updated_at,
      spam_score: row.spam_score,
      reasons: parseReasons(row.moderation_reasons),
      ip_hash_short: row.ip_hash.slice(0, 10),
      user_agent: row.user_agent,
      is_staff: row.user_id !== null,
      article: {
        id: row.article_id,
        title: row.article_title,
        path: articlePath(
          { slug: row.article_slug, published_at: row.article_published_at },
          settings.timezone,
        ),
      },
    })),
    counts,
    page,
    pages: Math.max(1, Math.ceil(total / perPage)),
    total,
  };
}

/** Comments waiting for a moderator (the dashboard's number). */
export async function countPendingComments(ctx: Pick<Ctx, "db">): Promise<number> {
  return (await store.countCommentsByStatus(ctx.db)).pending;
}

/** A comment with its private fields for the edit form, or undefined. */
export async function getCommentForModeration(ctx: Pick<Ctx, "db">, id: number) {
  return store.getCommentById(ctx.db, id);
}

export type EditResult =
  | { saved: true }
  | { errors: FieldErrors }
  | { forbidden: string }
  | { notFound: true };

/** Staff correct a comment's name, email, website or text; the same field rules as readers. */
export async function editComment(
  ctx: Ctx,
  actor: Actor,
  id: number,
  input: { name: string; email: string; url: string; body: string },
): Promise<EditResult> {
  if (!canModerateComments(actor)) return { forbidden: COMMENT_PROBLEMS.may_not_moderate };
  const existing = await store.getCommentById(ctx.db, id);
  if (!existing) return { notFound: true };
  const { errors, clean } = validateCommentFields(input, { staff: false });
  if (Object.keys(errors).length > 0) return { errors };
  await store.updateComment(ctx.db, id, {
    ...clean,
    body_html: renderCommentMarkdown(clean.body),
    updated_at: ctx.now().toISOString(),
  });
  if (existing.status === "approved") await ctx.changes.changed([`comments:${existing.article_id}`]);
  return { saved: true };
}

export type StaffReplyResult =
  | { replyId: number }
  | { errors: FieldErrors; form?: CommentFormState }
  | { forbidden: string }
  | { notFound: true };

/**
 * A moderator answers a comment as themselves: a held comment is approved first (answering it
 * publishes it, as in WordPress), and the reply is approved at once.
 */
export async function replyAsStaff(
  ctx: Ctx,
  actor: SessionActor,
  parentId: number,
  body: string,
  requester: { ip: string; userAgent: string },
): Promise<StaffReplyResult> {
  if (!canModerateComments(actor)) return { forbidden: COMMENT_PROBLEMS.may_not_moderate };
  const parent = await store.getCommentById(ctx.db, parentId);
  if (!parent) return { notFound: true };
  if (body.trim() === "") return { errors: { body: "is required" } };
  if (parent.status !== "approved") {
    const approved = await moderateComments(ctx, actor, [parent.id], "approve");
    if (!("changed" in approved)) return { notFound: true };
  }
  const result = await submitComment(
    ctx,
    {
      articleId: String(parent.article_id),
      parentId: String(parent.id),
      name: "",
      email: "",
      url: "",
      body,
      honeypot: "",
      remember: false,
      notifyReplies: false,
    },
    { ...requester, actor },
    { evenIfClosed: true },
  );
  if (result.outcome === "no-article") return { notFound: true };
  if (result.outcome === "rejected") return { errors: result.form.errors, form: result.form };
  return { replyId: result.commentId };
}
