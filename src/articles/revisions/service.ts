import { type Actor, canEditArticle, canViewArticle } from "../../accounts/permissions.js";
import type { AppContext } from "../../context.js";
import { ARTICLE_PROBLEMS } from "../problems.js";
import {
  type ArticleDetail,
  type ArticleWriteOptions,
  getArticle,
  updateArticle,
  type WriteResult,
} from "../service.js";
import { validateArticleInput } from "../validation.js";
import { PRUNING_POLICY, recordRevision } from "./record.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "now" | "changes" | "settings" | "config">;

export type { RevisionListRow, RevisionRow } from "./store.js";

/** The most revisions a list shows (pruning keeps about this many). */
const REVISIONS_LISTED = 200;
/** An editor that has not been heard from for this long no longer holds the story. */
export const EDITING_STALE_MS = 60_000;

type Access = { article: ArticleDetail } | { notFound: true } | { forbidden: string };

/** The story if `actor` may edit it: its revisions hold unpublished text, for its editors only. */
export async function findEditableArticle(ctx: Ctx, actor: Actor, articleId: number): Promise<Access> {
  const article = await getArticle(ctx, articleId);
  if (!article) return { notFound: true };
  const ownership = { author_id: article.author.id, status: article.status };
  // Others' unpublished work is not there for an author or contributor: 404, as on reads.
  if (!canViewArticle(actor, ownership)) return { notFound: true };
  if (!canEditArticle(actor, ownership)) return { forbidden: "you may not edit this article" };
  return { article };
}

export interface RevisionList {
  article: ArticleDetail;
  revisions: store.RevisionListRow[];
  pruned: { count: number; last_pruned_at: string | null };
  policy: string;
}

/** A story's revisions, newest first, with how many pruning removed. */
export async function listArticleRevisions(
  ctx: Ctx,
  actor: Actor,
  articleId: number,
): Promise<RevisionList | { notFound: true } | { forbidden: string }> {
  const access = await findEditableArticle(ctx, actor, articleId);
  if (!("article" in access)) return access;
  const [revisions, pruned] = await Promise.all([
    store.listRevisions(ctx.db, articleId, REVISIONS_LISTED),
    store.getPrunedCount(ctx.db, articleId),
  ]);
  return {
    article: access.article,
    revisions,
    pruned: { count: pruned?.count ?? 0, last_pruned_at: pruned?.last_pruned_at ?? null },
    policy: PRUNING_POLICY,
  };
}

/** One revision with its text, and the story it belongs to. */
export async function getArticleRevision(
  ctx: Ctx,
  actor: Actor,
  articleId: number,
  revisionId: number,
): Promise<
  { article: ArticleDetail; revision: store.RevisionRow } | { notFound: true } | { forbidden: string }
> {
  const access = await findEditableArticle(ctx, actor, articleId);
  if (!("article" in access)) return access;
  const revision = await store.getRevision(ctx.db, articleId, revisionId);
  return revision ? { article: access.article, revision } : { notFound: true };
}

/**
 * Puts a revision's title, excerpt and text back as a save of the story (itself a new revision);
 * the status is left as it is. `ifVersion` as for updateArticle: a stale copy never overwrites.
 */
export async function restoreArticleRevision(
  ctx: Ctx,
  actor: Actor,
  articleId: number,
  revisionId: number,
  options: ArticleWriteOptions = {},
): Promise<WriteResult> {
  const found = await getArticleRevision(ctx, actor, articleId, revisionId);
  if (!("revision" in found)) return found;
  const { revision } = found;
  return updateArticle(
    ctx,
    actor,
    articleId,
    { title: revision.title, excerpt: revision.excerpt, body: revision.body },
    options,
  );
}

export interface AutosaveInput {
  title: string;
  excerpt: string;
  body: string;
  /** The version of the story the editor was opened at. */
  baseVersion: number;
}

export type AutosaveResult =
  | {
      revisionId: number;
      savedAt: string;
      /** The story was saved by someone after this editor opened it: the text is kept, nothing overwritten. */
      isStale: boolean;
    }
  | { notFound: true }
  | { forbidden: string }
  | { errors: Record<string, string> };

/**
 * Keeps what is typed in the editor as an autosave revision. It never writes the story itself, so an
 * autosave of a published or scheduled story changes nothing readers see, and never overwrites a save.
 */
export async function autosaveArticle(
  ctx: Ctx,
  actor: Actor,
  articleId: number,
  input: AutosaveInput,
): Promise<AutosaveResult> {
  const access = await findEditableArticle(ctx, actor, articleId);
  if (!("article" in access)) return access;
  const errors = validateArticleInput({ excerpt: input.excerpt, body: input.body }, false);
  if (input.title.length > 300) errors.title = ARTICLE_PROBLEMS.too_long;
  if (Object.keys(errors).length) return { errors };
  const article = access.article;
  const now = ctx.now().toISOString();
  const revisionId = await ctx.db.transaction().execute(async (trx) =>
    recordRevision(
      trx,
      {
        articleId,
        authorId: actor.id,
        kind: "autosave",
        status: article.status,
        baseVersion: input.baseVersion,
        title: input.title,
        excerpt: input.excerpt,
        body: input.body,
      },
      now,
    ),
  );
  await claimArticleEditing(ctx, actor, articleId);
  return { revisionId, savedAt: now, isStale: input.baseVersion !== article.version };
}

/**
 * The actor's autosave to bring back into the editor: their newest autosave, when it is the story's
 * newest revision and was written against the version the story still has (else it is left in the
 * revisions list, to compare and restore by hand).
 */
export async function findPendingAutosave(
  ctx: Pick<Ctx, "db">,
  actor: Actor,
  article: Pick<ArticleDetail, "id" | "version">,
): Promise<store.RevisionRow | undefined> {
  const newest = await store.getNewestRevision(ctx.db, article.id);
  if (newest?.kind !== "autosave" || newest.author_id !== actor.id) return undefined;
  return newest.base_version === article.version ? newest : undefined;
}

export interface EditingHolder {
  user_id: number;
  name: string;
  since: string;
  is_me: boolean;
}

/**
 * Marks `actor` as editing the story (refreshed while their editor is open) unless someone else
 * was seen on it within EDITING_STALE_MS; `takeOver` claims it regardless. Returns who holds it now.
 */
export async function claimArticleEditing(
  ctx: Pick<Ctx, "db" | "now">,
  actor: Actor,
  articleId: number,
  options: { takeOver?: boolean } = {},
): Promise<EditingHolder | undefined> {
  const now = ctx.now();
  await store.claimEditing(ctx.db, {
    articleId,
    userId: actor.id,
    now: now.toISOString(),
    staleBefore: new Date(now.getTime() - EDITING_STALE_MS).toISOString(),
    takeOver: options.takeOver === true,
  });
  const holder = await store.getEditing(ctx.db, articleId);
  return holder
    ? {
        user_id: holder.user_id,
        name: holder.user_name,
        since: holder.since,
        is_me: holder.user_id === actor.id,
      }
    : undefined;
}

/** Lets go of the story when its editor leaves (only the holder's own claim). */
export async function releaseArticleEditing(
  ctx: Pick<Ctx, "db">,
  actor: Actor,
  articleId: number,
): Promise<void> {
  await store.deleteEditing(ctx.db, articleId, actor.id);
}
