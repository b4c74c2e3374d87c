import path from "node:path";
import { type Actor, canCurate } from "../accounts/permissions.js";
import { listUsers } from "../accounts/service.js";
import {
  appendSourceLinks,
  createArticle,
  getArticle,
  LIMITS,
  type SourceLinkInput,
} from "../articles/service.js";
import { listCategories } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import type { StoryStatus } from "../db/schema.js";
import { COMMON_PROBLEMS } from "../lib/common-problems.js";
import { buildUserAgent, guardedFetch } from "../lib/fetch/guarded-fetch.js";
import { problemText } from "../lib/problems.js";
import { TEXT_LENGTH_PROBLEMS } from "../lib/text-input.js";
import { saveImage } from "../media/service.js";
import { buildCuratedBody, type CreditedReport } from "./curated-article.js";
import type { StoryFollowUp } from "./ingest-service.js";
import { urlDedupKey } from "./parser/clean.js";
import { CURATION_PROBLEMS } from "./problems.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "now" | "config" | "log" | "settings" | "changes">;
export type FieldErrors = Record<string, string>;

/** Stories per desk page. */
export const DESK_PAGE_SIZE = 20;
/** Snooze lengths an editor can pick, in hours. */
export const SNOOZE_HOURS = [1, 4, 24] as const;
export const DESK_TABS: readonly store.DeskTab[] = ["new", "coverage", "snoozed", "published", "dismissed"];
const EXCERPT_MAX = 1000;

/** One report on the desk. */
export interface DeskItem {
  id: number;
  source_id: number;
  source_name: string;
  title: string;
  /** The report's own link; `null` when the feed gave none. */
  url: string | null;
  published_at: string;
  has_real_date: boolean;
  author: string | null;
  summary_text: string;
  image_url: string | null;
  link_status: "none" | "linked" | "declined";
  /** The source licenses republishing its full text and images. */
  is_full_text_allowed: boolean;
  has_full_text: boolean;
  source_category_id: number | null;
}

/** A story as the desk shows it: every report, oldest first, and who else reported it. */
export interface DeskStory {
  id: number;
  title: string;
  status: StoryStatus;
  snoozed_until: string | null;
  article_id: number | null;
  has_pending_coverage: boolean;
  first_item_at: string;
  last_item_at: string;
  items: DeskItem[];
  /** Outlets other than the first report's, in order of reporting. */
  also_reported_by: string[];
}

function isDeskTab(value: string): value is store.DeskTab {
  return (DESK_TABS as readonly string[]).includes(value);
}

/** The tab named in a query string, or `undefined` when it is not one. */
export function parseDeskTab(value: string | undefined): store.DeskTab | undefined {
  if (value === undefined || value === "") return "new";
  return isDeskTab(value) ? value : undefined;
}

function deskItemOf(row: store.DeskItemRow): DeskItem {
  return {
    id: row.id,
    source_id: row.source_id,
    source_name: row.source_name,
    title: row.title,
    url: row.url,
    published_at: row.published_at,
    has_real_date: row.has_real_date === 1,
    author: row.author,
    summary_text: row.summary_text,
    image_url: row.image_url,
    link_status: row.link_status,
    is_full_text_allowed: row.source_is_full_text_allowed === 1,
    has_full_text: row.content_html !== null && row.content_html !== "",
    source_category_id: row.source_category_id,
  };
}

/** Attaches reports to stories with one query for the whole page. */
async function hydrateStories(ctx: Pick<Ctx, "db">, rows: store.StoryRow[]): Promise<DeskStory[]> {
  const items = await store.listItemsOfStories(
    ctx.db,
    rows.map((r) => r.id),
  );
  const byStory = new Map<number, DeskItem[]>();
  for (const row of items) {
    if (row.story_id === null) continue;
    byStory.set(row.story_id, [...(byStory.get(row.story_id) ?? []), deskItemOf(row)]);
  }
  return rows.map((row) => {
    const storyItems = byStory.get(row.id) ?? [];
    const leadSource = storyItems[0]?.source_id;
    const others: string[] = [];
    for (const item of storyItems) {
      if (item.source_id !== leadSource && !others.includes(item.source_name)) others.push(item.source_name);
    }
    return {
      id: row.id,
      title: row.title,
      status: row.status,
      snoozed_until: row.snoozed_until,
      article_id: row.article_id,
      has_pending_coverage: row.has_pending_coverage === 1,
      first_item_at: row.first_item_at,
      last_item_at: row.last_item_at,
      items: storyItems,
      also_reported_by: others,
    };
  });
}

export interface DeskPage {
  stories: DeskStory[];
  counts: Record<store.DeskTab, number>;
  page: number;
  pages: number;
  total: number;
}

/** One page of the desk: a tab (new by default), optionally one source's or one category's stories. */
export async function listDesk(ctx: Ctx, filter: store.DeskFilter, page: number): Promise<DeskPage> {
  await store.wakeSnoozedStories(ctx.db, ctx.now().toISOString());
  const [total, counts] = await Promise.all([
    store.countDeskStories(ctx.db, filter),
    store.countStoriesByTab(ctx.db),
  ]);
  const pages = Math.max(1, Math.ceil(total / DESK_PAGE_SIZE));
  const rows = await store.listDeskStories(ctx.db, filter, DESK_PAGE_SIZE, (page - 1) * DESK_PAGE_SIZE);
  return { stories: await hydrateStories(ctx, rows), counts, page, pages, total };
}

/** One story with its reports; `undefined` for an unknown id. */
export async function getDeskStory(ctx: Pick<Ctx, "db">, id: number): Promise<DeskStory | undefined> {
  const row = await store.getStoryById(ctx.db, id);
  return row ? (await hydrateStories(ctx, [row]))[0] : undefined;
}

/** What the publish form and `POST /api/admin/stories/:id/publish` send. */
export interface PublishInput {
  item_ids: number[];
  title?: string;
  /** Plain text; defaults to the first chosen report's own summary. */
  summary?: string;
  /** Category name; `undefined` files it under the first chosen report's source category, "" under none. */
  category?: string;
  /** Use the licensed full text instead of the summary (only for a source that allows it). */
  use_full_text?: boolean;
  /** Download the first chosen report's image as the featured image (only where allowed). */
  use_image?: boolean;
  /** `draft` makes the article a draft for the editor to finish; the story leaves the desk either way. */
  status?: "published" | "draft";
}

export type PublishResult =
  | { article: { id: number; url: string; path: string; status: string }; warnings: string[] }
  | { errors: FieldErrors }
  | { forbidden: string }
  | { notFound: true };

function creditOf(item: DeskItem, row: store.DeskItemRow | undefined): SourceLinkInput {
  return {
    url: item.url ?? (row?.source_site_url || row?.source_url || ""),
    name: item.source_name,
    original_author: item.author,
    original_published_at: item.has_real_date ? item.published_at : null,
  };
}

/** Source links for reports, one per distinct page (the same article in two feeds is credited once). */
function sourceLinksOf(
  items: DeskItem[],
  rows: Map<number, store.DeskItemRow>,
  exclude: Set<string> = new Set(),
) {
  const seen = new Set(exclude);
  const links: SourceLinkInput[] = [];
  const linkedItemIds: number[] = [];
  for (const item of items) {
    const link = creditOf(item, rows.get(item.id));
    const key = urlDedupKey(link.url) ?? link.url;
    linkedItemIds.push(item.id);
    if (seen.has(key)) continue;
    seen.add(key);
    links.push(link);
  }
  return { links, linkedItemIds };
}

/**
 * Publishes a story as a curated article by `actor`: the chosen reports become its Source links
 * (outlet, URL, original author and time), the body is the outlet's summary — or its full text
 * when the source is licensed for it — plus attribution. Exactly one of two simultaneous publishes
 * of the same story succeeds.
 */
export async function publishStory(
  ctx: Ctx,
  actor: Actor,
  storyId: number,
  input: PublishInput,
  options: { declineUnchosen?: boolean } = { declineUnchosen: true },
): Promise<PublishResult> {
  if (!canCurate(actor)) return { forbidden: CURATION_PROBLEMS.may_not_publish };
  const story = await store.getStoryById(ctx.db, storyId);
  if (!story) return { notFound: true };
  const rows = await store.listItemsOfStories(ctx.db, [storyId]);
  const rowById = new Map(rows.map((row) => [row.id, row]));
  const chosenIds = new Set(input.item_ids);
  const chosen = rows.filter((row) => chosenIds.has(row.id)).map(deskItemOf);
  const errors: FieldErrors = {};
  if (story.status === "published") errors.item_ids = CURATION_PROBLEMS.story_already_published;
  else if (chosen.length === 0) errors.item_ids = CURATION_PROBLEMS.choose_report;
  else if (chosen.length !== chosenIds.size) errors.item_ids = CURATION_PROBLEMS.reports_not_in_story;
  else if (chosen.length > LIMITS.sources)
    errors.item_ids = problemText(CURATION_PROBLEMS.too_many_reports, { max: LIMITS.sources });
  const lead = chosen[0];
  const title = (input.title?.trim() || lead?.title || "").slice(0, LIMITS.title + 1);
  if (title === "") errors.title = COMMON_PROBLEMS.required;
  else if (title.length > LIMITS.title)
    errors.title = problemText(TEXT_LENGTH_PROBLEMS.too_long, { max: LIMITS.title });
  const leadRow = lead ? rowById.get(lead.id) : undefined;
  if (input.use_full_text && !(lead?.is_full_text_allowed && leadRow?.content_html))
    errors.use_full_text = CURATION_PROBLEMS.full_text_unavailable;
  if (Object.keys(errors).length) return { errors };

  const summary = input.summary?.trim() || lead.summary_text;
  const { links, linkedItemIds } = sourceLinksOf(chosen, rowById);
  const categories = await articleCategories(ctx, input.category, lead.source_category_id);
  const warnings: string[] = [];
  const now = ctx.now().toISOString();
  if (!(await store.claimStoryForPublishing(ctx.db, storyId, now)))
    return { errors: { item_ids: CURATION_PROBLEMS.story_already_published } };

  let featuredMediaId: number | null = null;
  if (input.use_image) {
    const image = await downloadFeaturedImage(ctx, lead, actor, title);
    if ("error" in image)
      warnings.push(problemText(CURATION_PROBLEMS.image_not_used, { reason: image.error }));
    else featuredMediaId = image.mediaId;
  }
  const credited: CreditedReport[] = links.map((link) => ({ name: link.name, url: link.url }));
  const result = await createArticle(ctx, actor, {
    title,
    excerpt: summary.length > EXCERPT_MAX ? `${summary.slice(0, EXCERPT_MAX - 1).trimEnd()}…` : summary,
    body: buildCuratedBody({
      summaryText: summary,
      fullTextHtml: input.use_full_text ? (leadRow?.content_html ?? undefined) : undefined,
      reports: credited,
    }),
    status: input.status === "draft" ? "draft" : "published",
    categories,
    sources: links,
    featured_media_id: featuredMediaId,
  });
  if (!("article" in result)) {
    // Put the story back on the desk as it was, so the editor can correct and try again.
    await store.updateStory(ctx.db, storyId, { status: story.status, snoozed_until: story.snoozed_until });
    if ("errors" in result) return { errors: result.errors };
    if ("forbidden" in result) return { forbidden: result.forbidden };
    return { notFound: true };
  }
  await ctx.db.transaction().execute(async (trx) => {
    await store.updateStory(trx, storyId, { article_id: result.article.id, title, updated_at: now });
    await store.setItemsLinkStatus(trx, linkedItemIds, "linked");
    if (options.declineUnchosen) {
      const unchosen = rows.filter((row) => !chosenIds.has(row.id) && row.link_status === "none");
      await store.setItemsLinkStatus(
        trx,
        unchosen.map((row) => row.id),
        "declined",
      );
    }
    await store.refreshStoryAggregates(trx, [storyId], now);
  });
  const { id, url, path, status } = result.article;
  return { article: { id, url, path, status }, warnings };
}

async function articleCategories(
  ctx: Ctx,
  requested: string | undefined,
  sourceCategoryId: number | null,
): Promise<string[]> {
  if (requested !== undefined) return requested.trim() ? [requested.trim()] : [];
  if (sourceCategoryId === null) return [];
  const category = (await listCategories(ctx)).find((c) => c.id === sourceCategoryId);
  return category ? [category.name] : [];
}

/** Fetches the report's image through the guarded fetch and stores it in the media library. */
async function downloadFeaturedImage(
  ctx: Ctx,
  item: DeskItem,
  actor: Actor,
  alt: string,
): Promise<{ mediaId: number } | { error: string }> {
  if (!item.is_full_text_allowed) return { error: "the source is not licensed for republishing images" };
  if (!item.image_url) return { error: "the report has no image" };
  try {
    const response = await guardedFetch(item.image_url, {
      userAgent: buildUserAgent(ctx.config.siteUrl),
      accept: "image/avif, image/webp, image/png, image/jpeg, image/gif;q=0.9, */*;q=0.5",
      allowPrivate: ctx.config.allowPrivateFetch,
      maxBodyBytes: ctx.config.uploadMaxBytes,
    });
    const originalName = path.basename(new URL(response.url).pathname) || "image";
    const saved = await saveImage(ctx, { data: response.body, originalName, alt }, actor.id);
    return "error" in saved ? { error: saved.error } : { mediaId: saved.media.id };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export type StoryActionResult = { ok: true } | { forbidden: string } | { notFound: true } | { error: string };

async function changeStatus(
  ctx: Ctx,
  actor: Actor,
  storyId: number,
  status: StoryStatus,
  snoozedUntil: string | null,
): Promise<StoryActionResult> {
  if (!canCurate(actor)) return { forbidden: CURATION_PROBLEMS.may_not_work_desk };
  const story = await store.getStoryById(ctx.db, storyId);
  if (!story) return { notFound: true };
  if (story.status === "published") return { error: CURATION_PROBLEMS.published_stays };
  await store.updateStory(ctx.db, storyId, {
    status,
    snoozed_until: snoozedUntil,
    updated_at: ctx.now().toISOString(),
  });
  return { ok: true };
}

/** Takes a story off the desk (it stays under "Dismissed", and later reports do not bring it back). */
export async function dismissStory(ctx: Ctx, actor: Actor, storyId: number): Promise<StoryActionResult> {
  return changeStatus(ctx, actor, storyId, "dismissed", null);
}

/** Hides a story for `hours`; it returns to the desk when they have passed. */
export async function snoozeStory(
  ctx: Ctx,
  actor: Actor,
  storyId: number,
  hours: number,
): Promise<StoryActionResult> {
  if (!(SNOOZE_HOURS as readonly number[]).includes(hours))
    return { error: problemText(CURATION_PROBLEMS.snooze_lengths, { hours: SNOOZE_HOURS.join(", ") }) };
  const until = new Date(ctx.now().getTime() + hours * 3_600_000).toISOString();
  return changeStatus(ctx, actor, storyId, "snoozed", until);
}

/** Puts a dismissed or snoozed story back on the desk. */
export async function restoreStory(ctx: Ctx, actor: Actor, storyId: number): Promise<StoryActionResult> {
  return changeStatus(ctx, actor, storyId, "new", null);
}

/**
 * Later reports of a published story ("more coverage"): `accept` appends them to the article as
 * Source links, `decline` leaves them off. Only reports not yet handled are affected.
 */
export async function handleCoverage(
  ctx: Ctx,
  actor: Actor,
  storyId: number,
  itemIds: number[],
  action: "accept" | "decline",
): Promise<StoryActionResult & { changed?: number }> {
  if (!canCurate(actor)) return { forbidden: CURATION_PROBLEMS.may_not_work_desk };
  const story = await store.getStoryById(ctx.db, storyId);
  if (!story) return { notFound: true };
  if (story.status !== "published") return { error: CURATION_PROBLEMS.publish_first };
  const wanted = new Set(itemIds);
  const rows = (await store.listItemsOfStories(ctx.db, [storyId])).filter(
    (row) => wanted.has(row.id) && row.link_status === "none",
  );
  if (rows.length === 0) return { error: CURATION_PROBLEMS.choose_new_report };
  if (action === "accept") {
    const appended = await appendToArticle(ctx, story, rows);
    if ("error" in appended) return appended;
  } else {
    await store.setItemsLinkStatus(
      ctx.db,
      rows.map((r) => r.id),
      "declined",
    );
  }
  await store.refreshStoryAggregates(ctx.db, [storyId], ctx.now().toISOString());
  return { ok: true, changed: rows.length };
}

/** Appends reports to the story's article as Source links, skipping pages it already credits. */
async function appendToArticle(
  ctx: Ctx,
  story: store.StoryRow,
  rows: store.DeskItemRow[],
): Promise<{ ok: true } | { error: string }> {
  const article = story.article_id !== null ? await getArticle(ctx, story.article_id) : undefined;
  if (!article) return { error: CURATION_PROBLEMS.article_gone };
  const existing = new Set(article.sources.map((s) => urlDedupKey(s.url) ?? s.url));
  const room = LIMITS.sources - article.sources.length;
  const rowById = new Map(rows.map((row) => [row.id, row]));
  const { links, linkedItemIds } = sourceLinksOf(rows.map(deskItemOf), rowById, existing);
  if (links.length > room)
    return { error: problemText(CURATION_PROBLEMS.too_many_sources, { max: LIMITS.sources }) };
  if (links.length) await appendSourceLinks(ctx, article.id, links);
  await store.setItemsLinkStatus(ctx.db, linkedItemIds, "linked");
  return { ok: true };
}

/**
 * The account auto-published stories are bylined to: the first enabled admin (lowest id).
 * `undefined` when the site has none yet; the stories then wait on the desk.
 */
async function systemAuthor(ctx: Pick<Ctx, "db">): Promise<Actor | undefined> {
  const admins = (await listUsers(ctx))
    .filter((user) => user.role === "admin" && user.is_disabled === 0)
    .sort((a, b) => a.id - b.id);
  const admin = admins[0];
  return admin ? { id: admin.id, role: admin.role, name: admin.name } : undefined;
}

/**
 * Carries out what storing new items asked for, for publish-mode sources: publish new stories
 * and append later reports of published ones. A failure is logged and the story stays on the
 * desk for an editor; it never fails the fetch.
 */
export async function applyFollowUps(ctx: Ctx, followUps: StoryFollowUp[]): Promise<void> {
  if (followUps.length === 0) return;
  const author = await systemAuthor(ctx);
  for (const followUp of followUps) {
    try {
      if (followUp.kind === "auto-append") {
        const story = await store.getStoryById(ctx.db, followUp.storyId);
        const rows = (await store.listItemsOfStories(ctx.db, [followUp.storyId])).filter(
          (row) => followUp.itemIds.includes(row.id) && row.link_status === "none",
        );
        if (story && rows.length) {
          const appended = await appendToArticle(ctx, story, rows);
          if ("error" in appended)
            ctx.log.warn({ storyId: story.id, error: appended.error }, "more coverage left on the desk");
          await store.refreshStoryAggregates(ctx.db, [story.id], ctx.now().toISOString());
        }
        continue;
      }
      if (!author) {
        ctx.log.warn(
          { storyId: followUp.storyId },
          "no admin account to byline auto-published stories; left on the desk",
        );
        continue;
      }
      const result = await publishStory(
        ctx,
        author,
        followUp.storyId,
        { item_ids: followUp.itemIds },
        { declineUnchosen: false },
      );
      if (!("article" in result))
        ctx.log.warn(
          { storyId: followUp.storyId, result },
          "auto-publish failed; the story stays on the desk",
        );
    } catch (error) {
      ctx.log.error(
        { err: error, storyId: followUp.storyId },
        "auto-publish failed; the story stays on the desk",
      );
    }
  }
}

/** Brings snoozed stories whose time has come back to the desk (the scheduler calls it each tick). */
export async function wakeSnoozedDeskStories(ctx: Pick<Ctx, "db" | "now">): Promise<number> {
  return store.wakeSnoozedStories(ctx.db, ctx.now().toISOString());
}
