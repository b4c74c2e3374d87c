import { randomUUID } from "node:crypto";
import {
  type Actor,
  canAssignAuthor,
  canCreateArticle,
  canDeleteArticle,
  canEditArticle,
  canPinArticle,
  canPublishArticle,
  canTrashArticle,
  canViewArticle,
} from "../accounts/permissions.js";
import { getUserByEmail } from "../accounts/service.js";
import type { AppContext } from "../context.js";
import type { Db } from "../db/database.js";
import { isUniqueViolation } from "../db/dialect.js";
import type { ArticleStatus } from "../db/schema.js";
import { type ContentScope, listingScopes } from "../infrastructure/content-changes.js";
import type { SafeHtml } from "../lib/html-policy.js";
import { htmlToText } from "../lib/html-text.js";
import { articlePath } from "../lib/permalinks.js";
import {
  claimFreeSlug,
  firstFreeSlug,
  isValidSlug,
  type SlugStyle,
  slugify,
  uniqueSlug,
} from "../lib/slug.js";
import { indexArticle, removeArticleFromIndex } from "../search/service.js";
import { addRedirect } from "../site/redirects.js";
import { describeEmbedLinks } from "./embed-lookups.js";
import { renderArticleMarkdown, truncateText } from "./markdown.js";
import { claimImportedPagePath, type PagePlace, pageSegment, placePage } from "./page-paths.js";
import { ARTICLE_PROBLEMS } from "./problems.js";
import { type ArticleDetail, getArticle } from "./reading.js";
import { recordRevision, savedRevisionOf } from "./revisions/record.js";
import * as store from "./store.js";
import { ensureCategories, ensureTags } from "./taxonomy.js";
import {
  type ArticleInput,
  type FieldErrors,
  LIMITS,
  parseDate,
  type SourceLinkInput,
  validateArticleInput,
} from "./validation.js";

// The articles feature's one public face: reading (lookups, lists) and validation live in their
// own files and are re-exported here so other features import from the service alone.
export * from "./reading.js";
export * from "./validation.js";

type Ctx = Pick<AppContext, "db" | "now" | "changes" | "settings" | "config">;

export type WriteResult =
  | { article: ArticleDetail }
  | { errors: FieldErrors }
  | { forbidden: string }
  | { notFound: true }
  /** The write named an older version than the stored one (`ifVersion`): the article as it is now. */
  | { conflict: ArticleDetail };

/**
 * The status and time an article ends up with. Publishing without a time means now; a
 * "scheduled" time already past publishes at once; "published" with a future time schedules it.
 */
function resolveSchedule(
  status: ArticleStatus,
  publishedAt: string | null,
  now: Date,
): { status: ArticleStatus; published_at: string | null } {
  if (status === "published" || status === "scheduled") {
    const when = publishedAt ? parseDate(publishedAt)! : now;
    return {
      status: when.getTime() > now.getTime() ? "scheduled" : "published",
      published_at: when.toISOString(),
    };
  }
  return { status, published_at: publishedAt ? parseDate(publishedAt)!.toISOString() : null };
}

async function resolveAuthorId(
  db: Db,
  actor: Actor,
  input: ArticleInput,
): Promise<number | { error: string }> {
  if (input.author_id === undefined && !input.author_email) return actor.id;
  if (!canAssignAuthor(actor)) return { error: "only editors may set another author" };
  if (input.author_id !== undefined) {
    const byId = await store.listAuthorsByIds(db, [input.author_id]);
    return byId.length ? input.author_id : { error: "no staff member with this id" };
  }
  const user = await getUserByEmail({ db }, input.author_email!);
  return user ? user.id : { error: "no staff member with this email" };
}

function cleanSources(sources: SourceLinkInput[]): store.SourceLinkWrite[] {
  return sources.map((s) => ({
    url: s.url.trim(),
    name: s.name.trim(),
    original_author: s.original_author?.trim() || null,
    original_published_at: s.original_published_at ? parseDate(s.original_published_at)!.toISOString() : null,
  }));
}

function excerptFor(input: string | undefined, html: string): string {
  const given = input?.trim();
  return given ? given : truncateText(htmlToText(html), 280);
}

/** The longest slug an article may have (`articles.slug` is `varchar(200)`). */
const ARTICLE_SLUG_MAX_LENGTH = LIMITS.slug;

/** Inserts an article with `slug` or, when none is given, the first free slug from its title. */
async function insertWithFreeSlug(
  db: Db,
  row: Omit<store.ArticleWrite, "slug">,
  slug: string | undefined,
  style: SlugStyle,
): Promise<number | undefined> {
  if (slug) return store.insertArticleIfSlugFree(db, { ...row, slug });
  const base = slugify(row.title, style);
  if (base === "") return insertWithIdSlug(db, row);
  return claimFreeSlug(
    base,
    ARTICLE_SLUG_MAX_LENGTH,
    (root) => store.listSlugsStartingWith(db, "articles", root),
    (free) => store.insertArticleIfSlugFree(db, { ...row, slug: free }),
  );
}

/** Refused when publishing: readers who cannot see the lead image must be told what it shows. */
export const LEAD_IMAGE_NEEDS_ALT = ARTICLE_PROBLEMS.lead_image_alt;

function isPublic(status: ArticleStatus): boolean {
  return status === "published" || status === "scheduled";
}

/** What is wrong with a story's lead image: missing, or without alt text on a story going public. */
async function featuredImageProblem(
  db: Db,
  mediaId: number | null | undefined,
  isGoingPublic: boolean,
): Promise<string | undefined> {
  if (!mediaId) return undefined;
  const media = await store.getLeadImage(db, mediaId);
  if (!media) return "no such image";
  if (isGoingPublic && media.alt.trim() === "") return LEAD_IMAGE_NEEDS_ALT;
  return undefined;
}

/**
 * A title with no letter or digit (emoji, punctuation) gets `story-<id>`: readable, and free
 * because ids are (unless an editor typed that very slug, then `story-<id>-2`). The row is
 * inserted under a unique placeholder first, inside the caller's transaction, to learn its id.
 */
async function insertWithIdSlug(db: Db, row: Omit<store.ArticleWrite, "slug">): Promise<number | undefined> {
  const id = await store.insertArticleIfSlugFree(db, { ...row, slug: `story-new-${randomUUID()}` });
  if (id === undefined) return undefined;
  const base = `story-${id}`;
  await store.setArticleSlug(
    db,
    id,
    firstFreeSlug(base, await store.listSlugsStartingWith(db, "articles", base)),
  );
  return id;
}

/**
 * Creates an article for `actor`; contributors may only save drafts. Two creates at once never
 * fail: each gets its own slug, or a field error when both name the same one.
 */
export async function createArticle(ctx: Ctx, actor: Actor, input: ArticleInput): Promise<WriteResult> {
  if (!canCreateArticle(actor)) return { forbidden: "you may not write articles" };
  if (input.is_sticky && !canPinArticle(actor)) return { forbidden: PIN_FORBIDDEN };
  const errors = validateArticleInput(input, true);
  const now = ctx.now();
  const nowIso = now.toISOString();
  const settings = await ctx.settings.get();
  const html = await describeEmbedLinks(ctx, renderArticleMarkdown(input.body ?? ""));
  const created = await ctx.db.transaction().execute(async (trx): Promise<WriteResult | number> => {
    const authorId = await resolveAuthorId(trx, actor, input);
    if (typeof authorId !== "number") errors.author_email = authorId.error;
    const place = input.is_page
      ? await placePage(trx, {
          segment: input.slug ?? "",
          title: input.title ?? "",
          parentId: input.parent_id ?? null,
        })
      : undefined;
    if (place && "errors" in place) Object.assign(errors, place.errors);
    const requested = (input.status ?? "draft") as ArticleStatus;
    const leadImageProblem = await featuredImageProblem(trx, input.featured_media_id, isPublic(requested));
    if (leadImageProblem) errors.featured_media_id = leadImageProblem;
    if (Object.keys(errors).length) return { errors };
    const ownership = { author_id: authorId as number, status: "draft" as const };
    if (isPublicStatus(requested) && !canPublishArticle(actor, ownership))
      return { errors: { status: PUBLISH_REFUSED } };
    const schedule = resolveSchedule(requested, input.published_at ?? null, now);
    const articleId = await insertWithFreeSlug(
      trx,
      {
        title: input.title!.trim(),
        excerpt: excerptFor(input.excerpt, html),
        body: input.body ?? "",
        body_html: html,
        status: schedule.status,
        published_at: schedule.published_at,
        created_at: nowIso,
        updated_at: nowIso,
        author_id: authorId as number,
        featured_media_id: input.featured_media_id ?? null,
        // Pages take no comments.
        comments_open: !input.is_page && (input.comments_open ?? settings.commentsOpenByDefault) ? 1 : 0,
        is_page: input.is_page ? 1 : 0,
        is_sticky: input.is_sticky ? 1 : 0,
        parent_id: (place as PagePlace | undefined)?.parentId ?? null,
        page_path: (place as PagePlace | undefined)?.path ?? null,
      },
      input.slug || undefined,
      settings.slugStyle,
    );
    if (articleId === undefined) return { errors: { slug: SLUG_TAKEN } };
    await store.replaceArticleCategories(
      trx,
      articleId,
      await ensureCategories(trx, input.categories ?? [], nowIso, settings.slugStyle),
    );
    await store.replaceArticleTags(
      trx,
      articleId,
      await ensureTags(trx, input.tags ?? [], nowIso, settings.slugStyle),
    );
    await store.replaceArticleSources(trx, articleId, cleanSources(input.sources ?? []));
    await indexArticle(trx, articleId);
    const stored = (await store.getArticleById(trx, articleId))!;
    await recordRevision(trx, savedRevisionOf(stored, actor.id), nowIso);
    return articleId;
  });
  if (typeof created !== "number") return created;
  const article = (await getArticle(ctx, created))!;
  if (article.status === "published")
    await ctx.changes.changed([
      `article:${article.id}`,
      ...listingScopes({
        authorId: article.author.id,
        categoryIds: article.categories.map((c) => c.id),
        tagIds: article.tags.map((t) => t.id),
      }),
    ]);
  return { article };
}

const SLUG_TAKEN = ARTICLE_PROBLEMS.slug_taken;
const PUBLISH_REFUSED = "you may save drafts and submit them for review; an editor publishes them";

/** Statuses that put a story in front of readers (now or at its time). */
function isPublicStatus(status: ArticleStatus): boolean {
  return status === "published" || status === "scheduled";
}
const PIN_FORBIDDEN = "only editors may pin stories or choose the lead";

/** Options of a write to a stored article. */
export interface ArticleWriteOptions {
  /** The version the writer's copy was read at (`If-Match`, the editor form): a newer stored one refuses the write. */
  ifVersion?: number;
  /** The write is meant for a page (true) or a story (false): the other kind is not found. */
  isPage?: boolean;
}

/**
 * Applies a partial update: only the fields `input` names are written, computed from the row as
 * it is now (read locked, in the write's transaction), so a concurrent write is never undone.
 * Changing the slug of a published article leaves a redirect from the old URL. With
 * `ifVersion`, a stored version other than that one answers `{conflict}` with the article as it is.
 */
export async function updateArticle(
  ctx: Ctx,
  actor: Actor,
  id: number,
  input: ArticleInput,
  options: ArticleWriteOptions = {},
): Promise<WriteResult> {
  const validationErrors = validateArticleInput(input, false);
  const now = ctx.now();
  const nowIso = now.toISOString();
  const settings = await ctx.settings.get();
  const bodyHtml =
    input.body !== undefined ? await describeEmbedLinks(ctx, renderArticleMarkdown(input.body)) : undefined;
  let outcome:
    | WriteResult
    | { stale: true }
    | { wasPublished: boolean; isPublished: boolean; scopes: ContentScope[] };
  try {
    outcome = await ctx.db.transaction().execute(async (trx) => {
      const existing = await store.getArticleForUpdate(trx, id);
      // Others' unpublished work is not there for an author or contributor: 404, as on reads.
      if (!existing || !canViewArticle(actor, existing)) return { notFound: true } as const;
      if (options.isPage !== undefined && options.isPage !== (existing.is_page === 1))
        return { notFound: true } as const;
      if (!canEditArticle(actor, existing)) return { forbidden: "you may not edit this article" };
      if (
        input.is_sticky !== undefined &&
        input.is_sticky !== (existing.is_sticky === 1) &&
        !canPinArticle(actor)
      )
        return { forbidden: PIN_FORBIDDEN };
      if (options.ifVersion !== undefined && options.ifVersion !== existing.version)
        return { stale: true } as const;
      const errors = { ...validationErrors };
      if (
        input.slug &&
        input.slug !== existing.slug &&
        !errors.slug &&
        (await store.isSlugTaken(trx, input.slug, id))
      )
        errors.slug = SLUG_TAKEN;
      const changes: Partial<store.ArticleWrite> = { updated_at: nowIso };
      if (input.author_id !== undefined || input.author_email) {
        const resolved = await resolveAuthorId(trx, actor, input);
        if (typeof resolved !== "number") errors.author_email = resolved.error;
        else changes.author_id = resolved;
      }
      const isPage = input.is_page ?? existing.is_page === 1;
      if (isPage && (input.slug || input.parent_id !== undefined || existing.is_page === 0)) {
        const place = await placePage(
          trx,
          {
            segment: input.slug || pageSegment(existing),
            title: input.title ?? existing.title,
            parentId: input.parent_id !== undefined ? input.parent_id : existing.parent_id,
          },
          id,
        );
        if ("errors" in place) Object.assign(errors, place.errors);
        else {
          changes.page_path = place.path;
          changes.parent_id = place.parentId;
        }
      } else if (!isPage && existing.is_page === 1) {
        changes.page_path = null;
        changes.parent_id = null;
      }
      const requested = (input.status ?? existing.status) as ArticleStatus;
      const goesPublic =
        (requested === "published" || requested === "scheduled") && requested !== existing.status;
      // A story already out with an image lacking alt text can still be corrected; publishing it, or
      // giving a public story such an image, is refused.
      const leadImageProblem = await featuredImageProblem(
        trx,
        input.featured_media_id !== undefined ? input.featured_media_id : existing.featured_media_id,
        isPublic(requested) && (goesPublic || input.featured_media_id !== undefined),
      );
      if (leadImageProblem) errors.featured_media_id = leadImageProblem;
      if (goesPublic && !canPublishArticle(actor, existing)) errors.status = PUBLISH_REFUSED;
      if (requested === "trashed" && existing.status !== "trashed" && !canTrashArticle(actor, existing))
        errors.status = ARTICLE_PROBLEMS.may_not_trash;
      if (Object.keys(errors).length) return { errors };

      if (input.status !== undefined || input.published_at !== undefined) {
        const publishedAtInput =
          input.published_at !== undefined ? input.published_at || null : existing.published_at;
        const schedule =
          requested === "published" &&
          input.published_at === undefined &&
          existing.status !== "published" &&
          existing.status !== "scheduled"
            ? resolveSchedule(requested, null, now)
            : resolveSchedule(requested, publishedAtInput, now);
        changes.status = schedule.status;
        changes.published_at = schedule.published_at;
      }
      if (input.title !== undefined) changes.title = input.title.trim();
      if (input.slug) changes.slug = input.slug;
      if (input.body !== undefined) {
        changes.body = input.body;
        changes.body_html = bodyHtml;
      }
      if (input.excerpt !== undefined || input.body !== undefined)
        changes.excerpt = excerptFor(
          input.excerpt ?? (existing.excerpt || undefined),
          changes.body_html ?? existing.body_html,
        );
      if (input.comments_open !== undefined) changes.comments_open = input.comments_open ? 1 : 0;
      if (input.featured_media_id !== undefined) changes.featured_media_id = input.featured_media_id;
      if (input.is_page !== undefined) changes.is_page = input.is_page ? 1 : 0;
      if (input.is_sticky !== undefined) changes.is_sticky = input.is_sticky ? 1 : 0;

      // Whether the story may join, leave or move in a listing, not only change in place. The
      // edit form sends the story's categories and tags with every save: the same ones again
      // move nothing (compared below), or every save would re-render every page with a listing.
      const movesInOrder = (["status", "published_at", "author_id", "is_page", "is_sticky"] as const).some(
        (column) => changes[column] !== undefined && changes[column] !== existing[column],
      );
      const mayMove = movesInOrder || input.categories !== undefined || input.tags !== undefined;
      const listedBefore = mayMove ? await listingScopesOf(trx, id, existing.author_id) : [];
      await store.updateArticle(trx, id, changes);
      if (input.categories !== undefined)
        await store.replaceArticleCategories(
          trx,
          id,
          await ensureCategories(trx, input.categories, nowIso, settings.slugStyle),
        );
      if (input.tags !== undefined)
        await store.replaceArticleTags(
          trx,
          id,
          await ensureTags(trx, input.tags, nowIso, settings.slugStyle),
        );
      if (input.sources !== undefined)
        await store.replaceArticleSources(trx, id, cleanSources(input.sources));
      const oldPath = articlePath(existing, settings.timezone);
      const newPath = articlePath(
        {
          slug: changes.slug ?? existing.slug,
          published_at: changes.published_at !== undefined ? changes.published_at : existing.published_at,
          page_path: changes.page_path !== undefined ? changes.page_path : existing.page_path,
        },
        settings.timezone,
      );
      if (existing.status === "published" && oldPath !== newPath)
        await addRedirect(trx, oldPath, newPath, nowIso);
      // A page's subpages move with it.
      const movedPageIds =
        existing.page_path && changes.page_path && changes.page_path !== existing.page_path
          ? await store.movePagesUnder(trx, existing.page_path, changes.page_path)
          : [];
      await indexArticle(trx, id);
      // Every save of the text or the status is a revision to come back to.
      const savesText = input.title !== undefined || input.excerpt !== undefined || input.body !== undefined;
      if (savesText || (changes.status !== undefined && changes.status !== existing.status)) {
        const stored = (await store.getArticleById(trx, id))!;
        await recordRevision(trx, savedRevisionOf(stored, actor.id), nowIso);
      }
      const listedAfter = mayMove
        ? await listingScopesOf(trx, id, changes.author_id ?? existing.author_id)
        : [];
      const moved = movesInOrder || !sameScopes(listedBefore, listedAfter);
      // Most saves change the body alone: then only the story's own page is re-rendered, not
      // every page showing its card or headline (the newest stories are on every page).
      const cardChanged = CARD_COLUMNS.some(
        (column) => changes[column] !== undefined && changes[column] !== existing[column],
      );
      const scopes: ContentScope[] = [`article-body:${id}`];
      if (moved || cardChanged) scopes.push(`article:${id}`);
      if (moved) scopes.push(...listedBefore, ...listedAfter);
      for (const movedPage of movedPageIds) scopes.push(`article:${movedPage}`);
      return {
        wasPublished: existing.status === "published",
        isPublished: (changes.status ?? existing.status) === "published",
        scopes,
      };
    });
  } catch (error) {
    // Another article took the slug between the check and the write.
    if (isUniqueViolation(error)) return { errors: { slug: SLUG_TAKEN } };
    throw error;
  }
  if ("stale" in outcome) return { conflict: (await getArticle(ctx, id))! };
  if (!("wasPublished" in outcome)) return outcome;
  if (outcome.wasPublished || outcome.isPublished) await ctx.changes.changed(outcome.scopes);
  return { article: (await getArticle(ctx, id))! };
}

/** Moves an article to the trash (it disappears from the site; it can be restored). */
export async function trashArticle(
  ctx: Ctx,
  actor: Actor,
  id: number,
  options: ArticleWriteOptions = {},
): Promise<WriteResult> {
  return updateArticle(ctx, actor, id, { status: "trashed" }, options);
}

/** Deletes an article for good, with its terms and sources; `ifVersion` as for updateArticle. */
export async function deleteArticle(
  ctx: Ctx,
  actor: Actor,
  id: number,
  options: ArticleWriteOptions = {},
): Promise<{ ok: true } | { forbidden: string } | { notFound: true } | { conflict: ArticleDetail }> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const existing = await store.getArticleForUpdate(trx, id);
    if (!existing || !canViewArticle(actor, existing)) return { notFound: true } as const;
    if (options.isPage !== undefined && options.isPage !== (existing.is_page === 1))
      return { notFound: true } as const;
    if (!canDeleteArticle(actor, existing)) return { forbidden: "you may not delete this article" };
    if (options.ifVersion !== undefined && options.ifVersion !== existing.version)
      return { stale: true } as const;
    const scopes: ContentScope[] = [`article:${id}`, ...(await listingScopesOf(trx, id, existing.author_id))];
    await removeArticleFromIndex(trx, id);
    await store.deleteArticle(trx, id);
    return { wasPublished: existing.status === "published", scopes };
  });
  if ("stale" in outcome) return { conflict: (await getArticle(ctx, id))! };
  if (!("wasPublished" in outcome)) return outcome;
  if (outcome.wasPublished) await ctx.changes.changed(outcome.scopes);
  return { ok: true };
}

/** Publishes scheduled articles whose time has come; run by a timer on every node (idempotent). */
export async function publishDueArticles(ctx: Pick<Ctx, "db" | "now" | "changes">): Promise<number> {
  const ids = await store.publishDueArticles(ctx.db, ctx.now().toISOString());
  // New stories head the "Latest" list every page shows.
  if (ids.length) await ctx.changes.changed(["all"]);
  return ids.length;
}

/** Adds source links after the existing ones (later coverage of a published story). */
export async function appendSourceLinks(
  ctx: Pick<Ctx, "db" | "changes">,
  articleId: number,
  sources: SourceLinkInput[],
) {
  await store.appendArticleSources(ctx.db, articleId, cleanSources(sources));
  await ctx.changes.changed([`article:${articleId}`]);
}

/** What a story's cards and headlines show of its row (see `article:<id>` in `ContentScope`). */
const CARD_COLUMNS = ["title", "slug", "excerpt", "featured_media_id", "author_id", "published_at"] as const;

function sameScopes(a: readonly ContentScope[], b: readonly ContentScope[]): boolean {
  const inA = new Set(a);
  return inA.size === new Set(b).size && b.every((scope) => inA.has(scope));
}

/** The listings a stored story is in (or would be in, once published): see `listingScopes`. */
async function listingScopesOf(db: Db, id: number, authorId: number): Promise<ContentScope[]> {
  const categories = await store.listCategoriesOfArticles(db, [id]);
  const tags = await store.listTagsOfArticles(db, [id]);
  return listingScopes({ authorId, categoryIds: categories.map((c) => c.id), tagIds: tags.map((t) => t.id) });
}

export { articlePath } from "../lib/permalinks.js";

/** An article brought over from another system (a WordPress import), its body already HTML. */
export interface ImportedArticleInput {
  title: string;
  /** Wanted slug (`[a-z0-9-]`); `-2`, `-3`… is added when another article has it. */
  slug: string;
  excerpt: string;
  /** HTML that passed the `imported` policy where it entered; stored as it is. */
  bodyHtml: SafeHtml;
  status: ArticleStatus;
  publishedAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  authorId: number;
  categoryIds: number[];
  tagIds: number[];
  commentsOpen: boolean;
  isPage: boolean;
  isSticky: boolean;
  featuredMediaId: number | null;
  /** A page's old address (`about/team`), kept when free; its parent page when already stored. */
  pagePath?: string;
  parentId?: number | null;
}

/**
 * Stores an imported article as it was: its HTML becomes `body_html` directly (and the editable
 * body, which Markdown renders back nearly unchanged), its dates and slug are kept. Writes on
 * `ctx.db` as given, so the importer runs it inside its own per-post transaction; announcing the
 * change is the importer's job (once, at the end), not this function's.
 */
export async function importArticle(
  ctx: Pick<Ctx, "db" | "now">,
  input: ImportedArticleInput,
): Promise<{ id: number; slug: string; published_at: string | null; page_path: string | null }> {
  const nowIso = ctx.now().toISOString();
  const html = input.bodyHtml;
  const pagePath = input.isPage ? await claimImportedPagePath(ctx.db, input.pagePath || input.slug) : null;
  const base = isValidSlug(input.slug) ? input.slug : slugify(input.title) || "article";
  const slug = await uniqueSlug(base, (s) => store.isSlugTaken(ctx.db, s));
  const title = input.title.trim().slice(0, LIMITS.title) || "(untitled)";
  const id = await store.insertArticle(ctx.db, {
    title,
    slug,
    excerpt: truncateText(input.excerpt.trim(), LIMITS.excerpt) || truncateText(htmlToText(html), 280),
    body: html,
    body_html: html,
    status: input.status,
    published_at: input.publishedAt,
    created_at: input.createdAt ?? input.publishedAt ?? nowIso,
    updated_at: input.updatedAt ?? input.publishedAt ?? nowIso,
    author_id: input.authorId,
    featured_media_id: input.featuredMediaId,
    comments_open: input.commentsOpen && !input.isPage ? 1 : 0,
    is_page: input.isPage ? 1 : 0,
    is_sticky: input.isSticky ? 1 : 0,
    parent_id: input.isPage ? (input.parentId ?? null) : null,
    page_path: pagePath,
  });
  // Subpages that came before their parent in the export find it now.
  if (pagePath) await store.adoptSubpages(ctx.db, id, pagePath);
  await store.replaceArticleCategories(ctx.db, id, [...new Set(input.categoryIds)]);
  await store.replaceArticleTags(ctx.db, id, [...new Set(input.tagIds)]);
  await indexArticle(ctx.db, id);
  return { id, slug, published_at: input.publishedAt, page_path: pagePath };
}

/**
 * Applies `rewrite` to an article's stored HTML and editable body, on the locked row: the importer
 * pointing images at the copies it downloaded. `rewrite` must keep the HTML as safe as it was
 * (it only swaps addresses). Runs on `ctx.db` as given (the importer's transaction).
 */
export async function rewriteArticleBody(
  ctx: Pick<Ctx, "db">,
  id: number,
  rewrite: (html: string) => string,
): Promise<boolean> {
  const existing = await store.getArticleForUpdate(ctx.db, id);
  if (!existing) return false;
  const bodyHtml = rewrite(existing.body_html);
  const body = rewrite(existing.body);
  if (bodyHtml === existing.body_html && body === existing.body) return false;
  await store.updateArticle(ctx.db, id, { body_html: bodyHtml, body });
  return true;
}

/** Gives an article a featured image unless it has one (an import resolving a later attachment). */
export async function attachFeaturedImageIfMissing(
  ctx: Pick<Ctx, "db">,
  articleId: number,
  mediaId: number,
): Promise<boolean> {
  const existing = await store.getArticleById(ctx.db, articleId);
  if (!existing || existing.featured_media_id !== null) return false;
  await store.updateArticle(ctx.db, articleId, { featured_media_id: mediaId });
  return true;
}
