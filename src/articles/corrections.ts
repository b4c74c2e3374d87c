import { type Actor, canPublishArticle, canViewArticle } from "../accounts/permissions.js";
import type { AppContext } from "../context.js";
import type { ContentScope } from "../infrastructure/content-changes.js";
import { checkText } from "../lib/text-input.js";
import { ARTICLE_PROBLEMS } from "./problems.js";
import { type PaginationModel, paginationModel } from "./public-site.js";
import { type ArticleSummary, hydrateArticles } from "./reading.js";
import * as store from "./store.js";
import type { FieldErrors } from "./validation.js";

/**
 * Corrections: a note on a published story saying what was wrong, with its time. The story shows
 * it ("Correction") and an "Updated" time, its JSON-LD carries it, and /corrections/ lists them all.
 */

type Ctx = Pick<AppContext, "db" | "now" | "changes" | "settings" | "config">;

export const CORRECTION_MAX_LENGTH = 1000;
const CORRECTIONS_PER_PAGE = 30;

export interface Correction {
  id: number;
  article_id: number;
  text: string;
  created_at: string;
}

/** Why a correction's text is refused, by field; empty when it is fine. */
export function validateCorrection(text: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (typeof text !== "string") return { text: "is required" };
  if (checkText(errors, "text", text.trim(), { max: CORRECTION_MAX_LENGTH, multiline: true }) && !text.trim())
    errors.text = "is required";
  return errors;
}

/**
 * Adds a correction to a published story: editors on any, authors on their own. The story's
 * "Updated" time moves; its version does not (nobody's open copy of it becomes stale).
 */
export async function addCorrection(
  ctx: Ctx,
  actor: Actor,
  articleId: number,
  text: unknown,
): Promise<
  { correction: Correction } | { errors: FieldErrors } | { forbidden: string } | { notFound: true }
> {
  const errors = validateCorrection(text);
  const nowIso = ctx.now().toISOString();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const article = await store.getArticleForUpdate(trx, articleId);
    if (!article || article.is_page === 1 || !canViewArticle(actor, article))
      return { notFound: true } as const;
    if (!canPublishArticle(actor, article))
      return { forbidden: "only editors and the story's author may correct it" };
    if (article.status !== "published") errors.article = ARTICLE_PROBLEMS.correction_published_only;
    if (Object.keys(errors).length) return { errors };
    const correction = await store.insertCorrection(trx, {
      article_id: articleId,
      text: (text as string).trim(),
      created_by: actor.id,
      created_at: nowIso,
    });
    await store.markArticleUpdated(trx, articleId, nowIso);
    return { correction: { ...correction, created_at: new Date(correction.created_at).toISOString() } };
  });
  if ("correction" in outcome) await ctx.changes.changed([`article:${articleId}`, "listing:corrections"]);
  return outcome;
}

/** A story's corrections, oldest first. */
export async function listCorrectionsOf(ctx: Pick<Ctx, "db">, articleId: number) {
  const rows = await store.listCorrectionsOfArticle(ctx.db, articleId);
  return rows.map((row) => ({ ...row, created_at: new Date(row.created_at).toISOString() }));
}

export interface CorrectionsPageModel {
  corrections: { text: string; created_at: string; story: ArticleSummary }[];
  pagination: PaginationModel;
  scopes: ContentScope[];
}

/** Page `page` of /corrections/ (newest first), or undefined past the last page. */
export async function getCorrectionsPage(ctx: Ctx, page: number): Promise<CorrectionsPageModel | undefined> {
  const [rows, total] = await Promise.all([
    store.listPublishedCorrections(ctx.db, {
      limit: CORRECTIONS_PER_PAGE,
      offset: (page - 1) * CORRECTIONS_PER_PAGE,
    }),
    store.countPublishedCorrections(ctx.db),
  ]);
  const pages = Math.max(1, Math.ceil(total / CORRECTIONS_PER_PAGE));
  if (page > pages) return undefined;
  const unique = [
    ...new Map(
      rows.map(({ correction_id, correction_text, corrected_at, ...row }) => [row.id, row]),
    ).values(),
  ];
  const stories = new Map((await hydrateArticles(ctx, unique)).map((story) => [story.id, story]));
  return {
    corrections: rows.map((row) => ({
      text: row.correction_text,
      created_at: new Date(row.corrected_at).toISOString(),
      story: stories.get(row.id)!,
    })),
    pagination: paginationModel("/corrections/", page, pages, total),
    scopes: ["listing:corrections", ...[...stories.keys()].map((id): ContentScope => `article:${id}`)],
  };
}
