import { createHash, randomBytes } from "node:crypto";
import type { Actor } from "../../accounts/permissions.js";
import type { AppContext } from "../../context.js";
import { renderArticleMarkdown } from "../markdown.js";
import { avatarHueOf, initialsOf, listLatestStories } from "../public-site.js";
import type { ArticleDetail } from "../reading.js";
import { findEditableArticle, findPendingAutosave } from "../revisions/service.js";
import { getArticle } from "../service.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "now" | "changes" | "settings" | "config" | "sharedReads" | "theme">;

/** How long a shared preview link opens the story unless given another lifetime. */
export const PREVIEW_LINK_DEFAULT_HOURS = 48;
/** The longest lifetime a link may be given (a month). */
export const PREVIEW_LINK_MAX_HOURS = 24 * 30;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

type Refusal = { notFound: true } | { forbidden: string };

/**
 * Makes a secret link to the story as readers will see it, for anyone who has the URL, until it
 * expires (`hours`, default PREVIEW_LINK_DEFAULT_HOURS) or is revoked. The token is shown once.
 */
export async function createPreviewLink(
  ctx: Ctx,
  actor: Actor,
  articleId: number,
  hours = PREVIEW_LINK_DEFAULT_HOURS,
): Promise<{ url: string; expires_at: string } | Refusal | { errors: Record<string, string> }> {
  const access = await findEditableArticle(ctx, actor, articleId);
  if (!("article" in access)) return access;
  if (!Number.isInteger(hours) || hours < 1 || hours > PREVIEW_LINK_MAX_HOURS)
    return { errors: { hours: `must be a whole number of hours from 1 to ${PREVIEW_LINK_MAX_HOURS}` } };
  const token = randomBytes(24).toString("base64url");
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + hours * 3_600_000).toISOString();
  await store.insertPreviewLink(ctx.db, {
    article_id: articleId,
    token_hash: hashToken(token),
    created_by: actor.id,
    created_at: now.toISOString(),
    expires_at: expiresAt,
  });
  return { url: `${ctx.config.siteUrl}/preview/${token}/`, expires_at: expiresAt };
}

/** Revokes every shared preview link of the story. */
export async function revokePreviewLinks(
  ctx: Ctx,
  actor: Actor,
  articleId: number,
): Promise<{ revoked: number } | Refusal> {
  const access = await findEditableArticle(ctx, actor, articleId);
  if (!("article" in access)) return access;
  return { revoked: await store.revokePreviewLinks(ctx.db, articleId, ctx.now().toISOString()) };
}

/** The story a shared link opens, or undefined for an unknown, expired or revoked one. */
export async function articleForPreviewToken(ctx: Ctx, token: string): Promise<ArticleDetail | undefined> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return undefined;
  const id = await store.getLiveLinkArticleId(ctx.db, hashToken(token), ctx.now().toISOString());
  return id === undefined ? undefined : getArticle(ctx, id);
}

/** The editor's own preview: the story with their newest autosave in it, for whoever may edit it. */
export async function articleForEditorPreview(
  ctx: Ctx,
  actor: Actor,
  articleId: number,
): Promise<ArticleDetail | Refusal> {
  const access = await findEditableArticle(ctx, actor, articleId);
  if (!("article" in access)) return access;
  const article = access.article;
  const autosave = await findPendingAutosave(ctx, actor, article);
  if (!autosave) return article;
  return {
    ...article,
    title: autosave.title,
    body: autosave.body,
    html: renderArticleMarkdown(autosave.body),
  };
}

/** The theme's article page model for a story that may not be published yet (no neighbours or related stories). */
export async function previewPageModel(ctx: Ctx, article: ArticleDetail) {
  const latest = (await listLatestStories(ctx)).filter((story) => story.id !== article.id);
  return {
    article,
    author_initials: initialsOf(article.author.name),
    author_hue: avatarHueOf(article.author.name),
    is_updated: false,
    related: [],
    previous: null,
    next: null,
    latest,
    most_commented: [],
    is_preview: true,
  };
}
