import type { SessionActor } from "../accounts/service.js";
import { normaliseEmail } from "../accounts/service.js";
import {
  type ArticleDetail,
  type ArticleSummary,
  getArticle,
  listArticlesForAdmin,
} from "../articles/service.js";
import type { AppContext } from "../context.js";
import type { CommentStatus } from "../db/schema.js";
import type { ContentScope } from "../infrastructure/content-changes.js";
import { parseId } from "../infrastructure/requests.js";
import { keyedHash } from "../lib/keyed-hash.js";
import { problemText } from "../lib/problems.js";
import { archivePath } from "../lib/slug.js";
import { notifyApprovedComment } from "./notifications.js";
import { assessComment, COMMENT_FLOOD_WINDOW_MINUTES, type CommentAssessment } from "./policy.js";
import { COMMENT_PROBLEMS } from "./problems.js";
import { countLinks, renderCommentMarkdown } from "./render.js";
import { areCommentsOpen, depthOf } from "./section.js";
import * as store from "./store.js";
import { FIELD_PROBLEMS, type FieldErrors, FORM_PROBLEMS, validateCommentFields } from "./validation.js";

export { hasPersonalCommentState } from "./cookies.js";
export {
  areCommentsOpen,
  buildCommentsSection,
  type CommentsSection,
  type CommentView,
  getCommentView,
  HONEYPOT_FIELD,
  readerFeedback,
} from "./section.js";

type Ctx = Pick<
  AppContext,
  "db" | "now" | "settings" | "config" | "changes" | "secret" | "log" | "mail" | "adminMessages" | "theme"
>;

/** User agents are kept only this long: enough to spot a bot, too short to fingerprint. */
export const USER_AGENT_MAX = 200;
/** What the "Leave a Reply" form posts. */
export interface CommentSubmission {
  articleId: string;
  parentId: string;
  name: string;
  email: string;
  url: string;
  body: string;
  honeypot: string;
  remember: boolean;
  notifyReplies: boolean;
}

/** Who is posting: the IP is hashed before it is stored; staff post as their account. */
export interface Commenter {
  ip: string;
  userAgent: string;
  actor?: SessionActor;
}

/** The form as the reader filled it, with what is wrong, for a re-rendered page. */
export interface CommentFormState {
  values: {
    parent_id: string;
    name: string;
    email: string;
    url: string;
    body: string;
    remember: boolean;
    notify_replies: boolean;
  };
  errors: FieldErrors;
  message: string;
}

export type SubmitResult =
  | {
      outcome: "accepted";
      article: ArticleDetail;
      commentId: number;
      status: CommentStatus;
      /** The cleaned name, email and website (for the remember-me cookie). */
      commenter: { name: string; email: string; url: string };
    }
  | { outcome: "rejected"; article: ArticleDetail; httpStatus: 403 | 409 | 422; form: CommentFormState }
  | { outcome: "no-article"; httpStatus: 400 | 404; message: string };

function formStateOf(submission: CommentSubmission, errors: FieldErrors, message: string): CommentFormState {
  return {
    values: {
      parent_id: submission.parentId,
      name: submission.name,
      email: submission.email,
      url: submission.url,
      body: submission.body,
      remember: submission.remember,
      notify_replies: submission.notifyReplies,
    },
    errors,
    message,
  };
}

/**
 * Takes a comment from the "Leave a Reply" form (or a signed-in staff member) through every
 * rule: the article must be published and open, the fields valid, a parent approved and not
 * too deep, the text not a duplicate; then the moderation policy and spam signals decide its
 * status and the reasons are stored. Nothing is stored when the result is "rejected".
 */
export async function submitComment(
  ctx: Ctx,
  submission: CommentSubmission,
  commenter: Commenter,
  options: { evenIfClosed?: boolean } = {},
): Promise<SubmitResult> {
  const articleId = parseId(submission.articleId);
  if (articleId === undefined)
    return {
      outcome: "no-article",
      httpStatus: 400,
      message: "The comment does not say which story it is for.",
    };
  const article = await getArticle(ctx, articleId);
  if (article?.status !== "published")
    return {
      outcome: "no-article",
      httpStatus: 404,
      message: "That story does not exist or is not published.",
    };
  const settings = await ctx.settings.get();
  const now = ctx.now();
  if (!options.evenIfClosed && !areCommentsOpen(article, settings, now))
    return {
      outcome: "rejected",
      article,
      httpStatus: 403,
      form: formStateOf(submission, {}, FORM_PROBLEMS.closed),
    };

  const staff = commenter.actor;
  const { errors, clean } = validateCommentFields(submission, { staff: staff !== undefined });
  const fields = staff
    ? {
        name: staff.name,
        email: normaliseEmail(staff.email),
        url: `${ctx.config.siteUrl}${archivePath("author", staff.slug)}`,
        body: clean.body,
      }
    : clean;

  let parentId: number | null = null;
  if (submission.parentId.trim() !== "" && submission.parentId.trim() !== "0") {
    const wanted = parseId(submission.parentId);
    const links = wanted === undefined ? [] : await store.listCommentLinks(ctx.db, article.id);
    const parent = links.find((l) => l.id === wanted);
    if (!parent) errors.parent_id = FIELD_PROBLEMS.parent_missing;
    else if (parent.status !== "approved") errors.parent_id = FIELD_PROBLEMS.parent_held;
    else if (depthOf(parent.id, links) >= settings.commentMaxDepth)
      errors.parent_id = problemText(COMMENT_PROBLEMS.too_deep, { max: settings.commentMaxDepth });
    else parentId = parent.id;
  }
  if (Object.keys(errors).length > 0)
    return {
      outcome: "rejected",
      article,
      httpStatus: 422,
      form: formStateOf(submission, errors, FORM_PROBLEMS.invalid),
    };

  if (await store.findDuplicateComment(ctx.db, article.id, fields.email, fields.body))
    return {
      outcome: "rejected",
      article,
      httpStatus: 409,
      form: formStateOf(submission, { body: FIELD_PROBLEMS.duplicate }, FORM_PROBLEMS.duplicate),
    };

  const bodyHtml = renderCommentMarkdown(fields.body);
  const ipHash = keyedHash(ctx.secret, commenter.ip);
  let assessment: CommentAssessment;
  if (staff) {
    assessment = { status: "approved", score: 0, reasons: [] };
  } else {
    const floodSince = new Date(now.getTime() - COMMENT_FLOOD_WINDOW_MINUTES * 60_000).toISOString();
    const [hasApproved, recentFromSameIp] = await Promise.all([
      store.hasApprovedCommentByEmail(ctx.db, fields.email),
      store.countCommentsFromIpSince(ctx.db, ipHash, floodSince),
    ]);
    assessment = assessComment(
      {
        ...fields,
        ip: commenter.ip,
        linkCount: countLinks(bodyHtml),
        honeypotFilled: submission.honeypot.trim() !== "",
        isFirstTime: !hasApproved,
        recentFromSameIp,
      },
      settings,
    );
  }

  const nowIso = now.toISOString();
  const rankingBefore = assessment.status === "approved" ? await mostCommentedRanking(ctx) : "";
  const commentId = await store.insertComment(ctx.db, {
    article_id: article.id,
    parent_id: parentId,
    user_id: staff?.id ?? null,
    status: assessment.status,
    status_before_trash: null,
    name: fields.name,
    email: fields.email,
    url: fields.url,
    body: fields.body,
    body_html: bodyHtml,
    ip_hash: ipHash,
    user_agent: commenter.userAgent.slice(0, USER_AGENT_MAX),
    spam_score: assessment.score,
    moderation_reasons: JSON.stringify(assessment.reasons),
    notify_replies: submission.notifyReplies && !staff ? 1 : 0,
    notified_at: null,
    created_at: nowIso,
    updated_at: nowIso,
  });
  if (assessment.status === "approved") {
    await announceCommentChange(ctx, [article.id], rankingBefore);
    notifyApprovedComment(ctx, commentId);
  }
  return {
    outcome: "accepted",
    article,
    commentId,
    status: assessment.status,
    commenter: { name: fields.name, email: fields.email, url: fields.url },
  };
}

/** The published articles with the most approved comments in the last `sinceDays` days, most first. */
/** Days of comments the "Most commented" list counts, and how many stories it shows at most. */
export const MOST_COMMENTED_DAYS = 7;
export const MOST_COMMENTED_SHOWN = 5;

/** The "Most commented" ranking now (article ids, best first), compared around a comment change. */
export async function mostCommentedRanking(ctx: Pick<Ctx, "db" | "now">): Promise<string> {
  const now = ctx.now();
  const since = new Date(now.getTime() - MOST_COMMENTED_DAYS * 86_400_000).toISOString();
  const ranked = await store.listMostCommentedArticleIds(
    ctx.db,
    since,
    now.toISOString(),
    MOST_COMMENTED_SHOWN,
  );
  return ranked.map((r) => r.article_id).join(",");
}

/**
 * Tells every node that the approved comments of some articles changed: their pages and the
 * comment feeds go, and pages with the "Most commented" list only when its ranking is not what it
 * was before the change (`rankingBefore`, from `mostCommentedRanking`).
 */
export async function announceCommentChange(
  ctx: Pick<Ctx, "db" | "now" | "changes">,
  articleIds: Iterable<number>,
  rankingBefore: string,
): Promise<void> {
  const scopes: ContentScope[] = [...articleIds].map((id): ContentScope => `comments:${id}`);
  if ((await mostCommentedRanking(ctx)) !== rankingBefore) scopes.push("listing:most-commented");
  await ctx.changes.changed(scopes);
}

export async function listMostCommentedArticles(
  ctx: Pick<Ctx, "db" | "settings" | "config" | "now">,
  limit: number,
  sinceDays: number,
): Promise<ArticleSummary[]> {
  const now = ctx.now();
  const since = new Date(now.getTime() - sinceDays * 86_400_000).toISOString();
  const ranked = await store.listMostCommentedArticleIds(ctx.db, since, now.toISOString(), limit);
  if (ranked.length === 0) return [];
  const ids = ranked.map((r) => r.article_id);
  const { items } = await listArticlesForAdmin(ctx, { ids, status: "published" }, 1, ids.length);
  const byId = new Map(items.map((a) => [a.id, a]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** A comment brought over from another system (a WordPress import). */
export interface ImportedCommentInput {
  articleId: number;
  parentId: number | null;
  userId: number | null;
  status: CommentStatus;
  name: string;
  email: string;
  url: string;
  /** Plain text as the commenter wrote it (paragraphs as blank lines); not Markdown. */
  text: string;
  /** The commenter's IP as the old system kept it; only its keyed hash is stored. */
  ip: string;
  createdAt: string;
}

/** Plain text → Markdown that renders back to the same text (punctuation Markdown reads is escaped). */
function plainTextToMarkdown(text: string): string {
  // Addresses stay untouched so they are still linked; only the words around them are escaped.
  return text
    .split(/(https?:\/\/[^\s<>"]+)/)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part
            .replace(/[\\`*_[\]<>&!~|#]/g, "\\$&")
            .replace(/^[-+=]/gm, "\\$&")
            .replace(/^(\d+)([.)])/gm, "$1\\$2"),
    )
    .join("");
}

/**
 * Stores an imported comment as it was decided on the old site: its status, date, thread and
 * commenter are kept, and neither the spam rules nor notifications run. Writes on `ctx.db` as
 * given (the importer's per-post transaction); the importer announces the change once at the end.
 */
export async function importComment(
  ctx: Pick<Ctx, "db" | "secret">,
  input: ImportedCommentInput,
): Promise<number> {
  const body = plainTextToMarkdown(input.text);
  return store.insertComment(ctx.db, {
    article_id: input.articleId,
    parent_id: input.parentId,
    user_id: input.userId,
    status: input.status,
    status_before_trash: null,
    name: input.name.trim().slice(0, 100) || "Anonymous",
    email: normaliseEmail(input.email).slice(0, 254),
    url: input.url.slice(0, 200),
    body,
    body_html: renderCommentMarkdown(body),
    ip_hash: input.ip ? keyedHash(ctx.secret, input.ip) : "",
    user_agent: "",
    spam_score: 0,
    moderation_reasons: JSON.stringify(["imported from WordPress"]),
    notify_replies: 0,
    // Old comments must never trigger "new comment" emails, now or later.
    notified_at: input.createdAt,
    created_at: input.createdAt,
    updated_at: input.createdAt,
  });
}

/** Every comment of an article, all statuses, private fields included (for a full export), oldest first. */
export async function listArticleCommentsForExport(ctx: Pick<Ctx, "db">, articleId: number) {
  const links = await store.listCommentLinks(ctx.db, articleId);
  const rows = await store.listCommentsByIds(
    ctx.db,
    links.map((link) => link.id),
  );
  return rows.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
}
