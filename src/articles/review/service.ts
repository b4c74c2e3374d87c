import type { Actor } from "../../accounts/permissions.js";
import type { AppContext } from "../../context.js";
import { checkText, type FieldErrors } from "../../lib/text-input.js";
import { ARTICLE_PROBLEMS } from "../problems.js";
import { findEditableArticle } from "../revisions/service.js";
import * as store from "./store.js";

export type { NoteRow } from "./store.js";

type Ctx = Pick<AppContext, "db" | "now" | "changes" | "settings" | "config">;

/** The longest note; a review remark, not a second story. */
export const NOTE_MAX_CHARS = 2000;
/** The most notes the editor shows on one story. */
const NOTES_SHOWN = 200;

/** A story's newsroom notes, for those who may edit it (readers and others never see them). */
export async function listArticleNotes(
  ctx: Ctx,
  actor: Actor,
  articleId: number,
): Promise<store.NoteRow[] | { notFound: true } | { forbidden: string }> {
  const access = await findEditableArticle(ctx, actor, articleId);
  if (!("article" in access)) return access;
  return store.listNotes(ctx.db, articleId, NOTES_SHOWN);
}

/** Adds a note to a story for its newsroom: review remarks, answers to them. */
export async function addArticleNote(
  ctx: Ctx,
  actor: Actor,
  articleId: number,
  text: string,
): Promise<{ id: number } | { errors: FieldErrors } | { notFound: true } | { forbidden: string }> {
  const access = await findEditableArticle(ctx, actor, articleId);
  if (!("article" in access)) return access;
  const body = text.trim();
  const errors: FieldErrors = {};
  if (
    checkText(errors, "note", body, { max: NOTE_MAX_CHARS, column: "text", multiline: true }) &&
    body === ""
  )
    errors.note = ARTICLE_PROBLEMS.note_empty;
  if (Object.keys(errors).length) return { errors };
  const id = await store.insertNote(ctx.db, {
    article_id: articleId,
    author_id: actor.id,
    created_at: ctx.now().toISOString(),
    body,
  });
  return { id };
}

/** How many stories wait in the review queue. */
export async function countReviewQueue(ctx: Pick<Ctx, "db">): Promise<number> {
  return store.countPendingArticles(ctx.db);
}
