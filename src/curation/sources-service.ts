import { ensureCategories, listCategories } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import type { SourceMode, SourceStatus } from "../db/schema.js";
import { COMMON_PROBLEMS } from "../lib/common-problems.js";
import { FetchError } from "../lib/fetch/fetch-error.js";
import { buildUserAgent, guardedFetch } from "../lib/fetch/guarded-fetch.js";
import { problemText } from "../lib/problems.js";
import { checkText } from "../lib/text-input.js";
import {
  DEFAULT_FETCH_INTERVAL_MINUTES,
  MAX_FETCH_DELAY_MINUTES,
  MIN_FETCH_INTERVAL_MINUTES,
} from "./fetcher/schedule.js";
import { resetClustering } from "./ingest-service.js";
import { canonicalizeUrl } from "./parser/clean.js";
import { FeedParseError, parseFeed } from "./parser/parse-feed.js";
import { CURATION_PROBLEMS } from "./problems.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "now" | "config" | "log" | "curation" | "settings">;
export type FieldErrors = Record<string, string>;

export const SOURCE_MODES: readonly SourceMode[] = ["review", "publish"];
/** What discovery asks for: a feed, or the page that links to one. */
const DISCOVERY_ACCEPT = `${"application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9"}, text/html;q=0.8, */*;q=0.5`;
const NAME_MAX = 200;
const URL_MAX = 2000;

/** What the sources form, the Admin API, the CLI and OPML import send; absent fields stay as they are. */
export interface SourceInput {
  url?: string;
  name?: string;
  site_url?: string;
  /** A category id (the admin form's select) … */
  category_id?: number | null;
  /** … or a category name, created when missing (API, CLI, OPML). */
  category?: string | null;
  mode?: string;
  is_full_text_allowed?: boolean;
  fetch_interval_minutes?: number;
  is_enabled?: boolean;
}

/** A source with its health, as the admin, the API and the CLI show it. */
export interface SourceView {
  id: number;
  url: string;
  site_url: string;
  name: string;
  category_id: number | null;
  category_name: string | null;
  mode: SourceMode;
  is_full_text_allowed: boolean;
  fetch_interval_minutes: number;
  is_enabled: boolean;
  status: SourceStatus;
  last_error: string | null;
  consecutive_failures: number;
  last_fetched_at: string | null;
  last_success_at: string | null;
  next_fetch_at: string | null;
  fetch_count: number;
  not_modified_count: number;
  /** Share of fetches answered 304 Not Modified (0–1): how well conditional GET works with this publisher. */
  not_modified_ratio: number;
  items_added_count: number;
  last_items_added: number;
  created_at: string;
}

export type SourceResult = { source: SourceView } | { errors: FieldErrors };

function isValidMode(mode: string): mode is SourceMode {
  return (SOURCE_MODES as readonly string[]).includes(mode);
}

/** Field errors for a source write; `creating` requires a URL. Pure. */
export function validateSourceInput(input: SourceInput, creating: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (creating || input.url !== undefined) {
    const url = (input.url ?? "").trim();
    if (url === "") errors.url = COMMON_PROBLEMS.required;
    else if (checkText(errors, "url", url, { max: URL_MAX }) && !canonicalizeUrl(url))
      errors.url = CURATION_PROBLEMS.address_invalid;
  }
  if (input.name !== undefined) checkText(errors, "name", input.name.trim(), { max: NAME_MAX });
  if (!creating && input.name !== undefined && input.name.trim() === "")
    errors.name ??= COMMON_PROBLEMS.required;
  if (
    input.site_url !== undefined &&
    input.site_url.trim() !== "" &&
    checkText(errors, "site_url", input.site_url.trim(), { max: URL_MAX }) &&
    !canonicalizeUrl(input.site_url.trim())
  )
    errors.site_url = CURATION_PROBLEMS.address_invalid;
  if (input.mode !== undefined && !isValidMode(input.mode)) errors.mode = CURATION_PROBLEMS.mode_invalid;
  if (input.category !== undefined && input.category !== null)
    checkText(errors, "category", input.category.trim(), { max: 100 });
  if (input.fetch_interval_minutes !== undefined) {
    const minutes = input.fetch_interval_minutes;
    if (
      !Number.isInteger(minutes) ||
      minutes < MIN_FETCH_INTERVAL_MINUTES ||
      minutes > MAX_FETCH_DELAY_MINUTES
    )
      errors.fetch_interval_minutes = problemText(CURATION_PROBLEMS.interval_range, {
        min: MIN_FETCH_INTERVAL_MINUTES,
        max: MAX_FETCH_DELAY_MINUTES,
      });
  }
  return errors;
}

/** Rows to views: category names resolved once for the whole list. */
async function toViews(ctx: Pick<Ctx, "db">, rows: store.SourceRow[]): Promise<SourceView[]> {
  const needsCategories = rows.some((row) => row.category_id !== null);
  const categories = needsCategories ? await listCategories(ctx) : [];
  const categoryName = new Map(categories.map((c) => [c.id, c.name]));
  return rows.map((row) => ({
    id: row.id,
    url: row.url,
    site_url: row.site_url,
    name: row.name,
    category_id: row.category_id,
    category_name: row.category_id === null ? null : (categoryName.get(row.category_id) ?? null),
    mode: row.mode,
    is_full_text_allowed: row.is_full_text_allowed === 1,
    fetch_interval_minutes: row.fetch_interval_minutes,
    is_enabled: row.is_enabled === 1,
    status: row.status,
    last_error: row.last_error,
    consecutive_failures: row.consecutive_failures,
    last_fetched_at: row.last_fetched_at,
    last_success_at: row.last_success_at,
    next_fetch_at: row.next_fetch_at,
    fetch_count: row.fetch_count,
    not_modified_count: row.not_modified_count,
    not_modified_ratio: row.fetch_count > 0 ? row.not_modified_count / row.fetch_count : 0,
    items_added_count: row.items_added_count,
    last_items_added: row.last_items_added,
    created_at: row.created_at,
  }));
}

/** One source with its health; `undefined` for an unknown id. */
export async function getSource(ctx: Pick<Ctx, "db">, id: number): Promise<SourceView | undefined> {
  const row = await store.getSourceById(ctx.db, id);
  return row ? (await toViews(ctx, [row]))[0] : undefined;
}

/** Every source with its health, by name. */
export async function listSources(ctx: Pick<Ctx, "db">): Promise<SourceView[]> {
  return toViews(ctx, await store.listSources(ctx.db));
}

/** What fetching an address the editor typed found out. */
type Discovery =
  | { kind: "feed"; feedUrl: string; title?: string; siteUrl?: string }
  | { kind: "no-feed"; message: string }
  /** The address could not be read now (network, refusal, server error): keep it as typed. */
  | { kind: "unreachable"; message: string };

/**
 * Finds the feed behind an address: a feed is taken as it is; an HTML page is searched for
 * `<link rel="alternate">` feeds and the first one that parses is taken.
 */
export async function discoverFeed(ctx: Ctx, url: string): Promise<Discovery> {
  const read = async (address: string) =>
    guardedFetch(address, {
      userAgent: buildUserAgent(ctx.config.siteUrl),
      accept: DISCOVERY_ACCEPT,
      allowPrivate: ctx.config.allowPrivateFetch,
    });
  let response: Awaited<ReturnType<typeof read>>;
  try {
    response = await read(url);
  } catch (error) {
    return { kind: "unreachable", message: error instanceof Error ? error.message : String(error) };
  }
  const parseAt = (body: Buffer, finalUrl: string, contentType: string | undefined) =>
    parseFeed({ body, url: finalUrl, contentType, fetchedAt: ctx.now() });
  try {
    const feed = parseAt(response.body, response.url, response.headers["content-type"]);
    return {
      kind: "feed",
      feedUrl: response.permanentRedirectTo ?? url,
      title: feed.title,
      siteUrl: feed.siteUrl,
    };
  } catch (error) {
    if (!(error instanceof FeedParseError)) throw error;
    if (error.kind !== "html-page")
      return {
        kind: "no-feed",
        message: problemText(CURATION_PROBLEMS.not_a_feed, { reason: error.message }),
      };
    for (const candidate of error.discoveredFeeds.slice(0, 5)) {
      try {
        const linked = await read(candidate.url);
        const feed = parseAt(linked.body, linked.url, linked.headers["content-type"]);
        return {
          kind: "feed",
          feedUrl: linked.permanentRedirectTo ?? candidate.url,
          title: feed.title ?? candidate.title,
          siteUrl: feed.siteUrl ?? response.url,
        };
      } catch (candidateError) {
        if (!(candidateError instanceof FeedParseError || candidateError instanceof FetchError))
          throw candidateError;
      }
    }
    return {
      kind: "no-feed",
      message: error.discoveredFeeds.length
        ? CURATION_PROBLEMS.linked_feeds_unreadable
        : CURATION_PROBLEMS.no_feed_link,
    };
  }
}

async function resolveCategoryId(ctx: Ctx, input: SourceInput): Promise<number | null | undefined> {
  if (input.category !== undefined) {
    const name = input.category?.trim() ?? "";
    if (name === "") return null;
    const [id] = await ensureCategories(
      ctx.db,
      [name],
      ctx.now().toISOString(),
      (await ctx.settings.get()).slugStyle,
    );
    return id;
  }
  if (input.category_id === undefined) return undefined;
  if (input.category_id === null) return null;
  const known = (await listCategories(ctx)).some((c) => c.id === input.category_id);
  return known ? input.category_id : undefined;
}

function hostName(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return url;
  }
}

/**
 * Adds a source by feed URL or site URL (the feed is discovered from the page). A source whose
 * address cannot be read right now is still added as typed: its first fetch records the error
 * and backs off, so a publisher's outage does not stop an editor. `discover: false` (OPML) skips
 * the network entirely.
 */
export async function addSource(
  ctx: Ctx,
  input: SourceInput,
  options: { discover?: boolean } = {},
): Promise<SourceResult> {
  const errors = validateSourceInput(input, true);
  if (
    input.category_id !== undefined &&
    input.category_id !== null &&
    (await resolveCategoryId(ctx, input)) === undefined
  )
    errors.category_id = CURATION_PROBLEMS.category_unknown;
  if (Object.keys(errors).length) return { errors };
  let feedUrl = canonicalizeUrl((input.url ?? "").trim()) as string;
  let discoveredTitle: string | undefined;
  let discoveredSite: string | undefined;
  if (options.discover !== false) {
    const found = await discoverFeed(ctx, feedUrl);
    if (found.kind === "no-feed") return { errors: { url: found.message } };
    if (found.kind === "feed") {
      feedUrl = canonicalizeUrl(found.feedUrl) ?? feedUrl;
      discoveredTitle = found.title;
      discoveredSite = found.siteUrl;
    }
  }
  const existing = await store.getSourceByUrl(ctx.db, feedUrl);
  if (existing)
    return { errors: { url: problemText(CURATION_PROBLEMS.already_followed, { name: existing.name }) } };
  const now = ctx.now().toISOString();
  const name = (input.name?.trim() || discoveredTitle?.trim() || hostName(feedUrl)).slice(0, NAME_MAX);
  const id = await store.insertSource(ctx.db, {
    url: feedUrl,
    site_url: canonicalizeUrl(input.site_url?.trim() ?? "") ?? discoveredSite ?? "",
    name,
    category_id: (await resolveCategoryId(ctx, input)) ?? null,
    mode: (input.mode as SourceMode | undefined) ?? "review",
    is_full_text_allowed: input.is_full_text_allowed ? 1 : 0,
    fetch_interval_minutes: input.fetch_interval_minutes ?? DEFAULT_FETCH_INTERVAL_MINUTES,
    is_enabled: input.is_enabled === false ? 0 : 1,
    status: "pending",
    // Due at once: the next scheduler tick reads it.
    next_fetch_at: now,
    created_at: now,
    updated_at: now,
  });
  return { source: (await getSource(ctx, id)) as SourceView };
}

/** Edits a source; changing its URL resets its fetch state so the new address is read afresh. */
export async function updateSource(
  ctx: Ctx,
  id: number,
  input: SourceInput,
): Promise<SourceResult | { notFound: true }> {
  const existing = await store.getSourceById(ctx.db, id);
  if (!existing) return { notFound: true };
  const errors = validateSourceInput(input, false);
  const categoryId = await resolveCategoryId(ctx, input);
  if (input.category_id !== undefined && input.category_id !== null && categoryId === undefined)
    errors.category_id = CURATION_PROBLEMS.category_unknown;
  const url = input.url !== undefined ? canonicalizeUrl(input.url.trim()) : undefined;
  if (url && url !== existing.url && !errors.url) {
    const other = await store.getSourceByUrl(ctx.db, url);
    if (other) errors.url = problemText(CURATION_PROBLEMS.already_followed, { name: other.name });
  }
  if (Object.keys(errors).length) return { errors };
  const now = ctx.now().toISOString();
  const changes: store.SourceChanges = { updated_at: now };
  if (input.name !== undefined) changes.name = input.name.trim();
  if (input.site_url !== undefined) changes.site_url = canonicalizeUrl(input.site_url.trim()) ?? "";
  if (categoryId !== undefined) changes.category_id = categoryId;
  if (input.mode !== undefined) changes.mode = input.mode as SourceMode;
  if (input.is_full_text_allowed !== undefined)
    changes.is_full_text_allowed = input.is_full_text_allowed ? 1 : 0;
  if (input.fetch_interval_minutes !== undefined)
    changes.fetch_interval_minutes = input.fetch_interval_minutes;
  if (url && url !== existing.url) Object.assign(changes, { url, ...freshFetchState(now) });
  if (input.is_enabled !== undefined && (input.is_enabled ? 1 : 0) !== existing.is_enabled) {
    changes.is_enabled = input.is_enabled ? 1 : 0;
    // Re-enabling (also a source stopped by 410) starts over: fetch now, no backoff carried over.
    if (input.is_enabled) Object.assign(changes, freshFetchState(now));
  }
  await store.updateSource(ctx.db, id, changes);
  return { source: (await getSource(ctx, id)) as SourceView };
}

function freshFetchState(now: string): store.SourceChanges {
  return {
    status: "pending",
    last_error: null,
    consecutive_failures: 0,
    etag: null,
    last_modified: null,
    next_fetch_at: now,
  };
}

/** Turns fetching on or off (an editor's switch; a 410 turns it off too). */
export async function setSourceEnabled(ctx: Ctx, id: number, isEnabled: boolean) {
  return updateSource(ctx, id, { is_enabled: isEnabled });
}

/**
 * Deletes a source and its items. Stories left without reports go too, unless published: the
 * article and its Source links stay.
 */
export async function deleteSource(ctx: Ctx, id: number): Promise<{ ok: true } | { notFound: true }> {
  const existing = await store.getSourceById(ctx.db, id);
  if (!existing) return { notFound: true };
  const now = ctx.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const storyIds = await store.listStoryIdsOfSource(trx, id);
    await store.deleteSource(trx, id);
    await store.deleteEmptyUnpublishedStories(trx);
    await store.refreshStoryAggregates(trx, storyIds, now);
  });
  // The clusterer still holds the deleted items: rebuild it from what is stored.
  resetClustering(ctx);
  return { ok: true };
}

/** A source's latest items (its page in the admin), with the story each is in. */
export async function listRecentItemsOfSource(ctx: Pick<Ctx, "db">, sourceId: number, limit = 30) {
  return (await store.listRecentItemsOfSource(ctx.db, sourceId, limit)).map((row) => ({
    id: row.id,
    title: row.title,
    url: row.url,
    author: row.author,
    published_at: row.published_at,
    has_real_date: row.has_real_date === 1,
    story_id: row.story_id,
  }));
}
