import { createHash } from "node:crypto";
import type { AppContext } from "../context.js";
import { EVICT_AFTER_WINDOWS, STORY_WINDOW_HOURS, StoryClusterer } from "./clustering/story-clusterer.js";
import type { ParsedItem } from "./parser/parse-feed.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "now" | "curation">;

/** A publish-mode item older than this is not auto-published (a new source's archive stays on the desk). */
export const AUTO_PUBLISH_MAX_AGE_HOURS = 48;
/** Content kept per item; a feed that carries whole books is cut here. */
const CONTENT_MAX_CHARS = 200_000;
const HOUR_MS = 3_600_000;
/** Items read per query when catching up with what other nodes stored. */
const CATCH_UP_BATCH = 5_000;

/** What has to happen after new items were stored, outside the clustering transaction. */
export type StoryFollowUp =
  /** Items from a publish-mode source started (or joined) an unpublished story: publish it. */
  | { kind: "auto-publish"; storyId: number; itemIds: number[] }
  /** Items from a publish-mode source joined a published story: add them as Source links. */
  | { kind: "auto-append"; storyId: number; itemIds: number[] };

export interface IngestResult {
  /** Items stored for the first time. */
  added: number;
  followUps: StoryFollowUp[];
}

/** The source fields ingesting reads. */
export interface IngestSource {
  id: number;
  mode: string;
}

/**
 * The in-memory clusterer of one app, and how its story keys (item ids) map to stored stories.
 * Every node keeps its own; before clustering a batch it replays what other nodes stored since.
 */
export interface ClusteringState {
  clusterer: StoryClusterer;
  /** Highest feed item id this state has seen. */
  lastItemId: number;
  /** Story key (the id of the item that started a story in the clusterer) → stored story id. */
  storyOfKey: Map<string, number>;
}

/** The clustering state of one app (a field of its context) and its queue of batches. */
export interface ClusteringRuntime {
  state: ClusteringState | undefined;
  /** In-process queue: one clustering transaction at a time (the database lock covers other nodes). */
  queue: Promise<unknown>;
}

/** sha256 of the parser's dedup key: fixed-length for the unique index, whatever the GUID's length. */
export function dedupHash(dedupKey: string): string {
  return createHash("sha256").update(dedupKey).digest("hex");
}

function clusterItemOf(row: store.ClusterSourceRow) {
  return {
    id: row.id,
    title: row.title,
    summaryText: row.summary_text,
    publishedAt: row.published_at,
    sourceId: row.source_id,
  };
}

/**
 * Stores a source's new items (once per source: items it already holds are skipped) and groups
 * them into stories, in one transaction under the clustering lock so that nodes cluster one batch
 * at a time. Returns how many were added and what to do once the transaction has committed.
 */
export async function ingestFeedItems(
  ctx: Ctx,
  source: IngestSource,
  items: ParsedItem[],
  fetchedAt: Date,
): Promise<IngestResult> {
  if (items.length === 0) return { added: 0, followUps: [] };
  const hashed = items.map((item) => ({ item, hash: dedupHash(item.dedupKey) }));
  const known = await store.listKnownDedupHashes(
    ctx.db,
    source.id,
    hashed.map((h) => h.hash),
  );
  const fresh = hashed.filter((h) => !known.has(h.hash));
  if (fresh.length === 0) return { added: 0, followUps: [] };

  const runtime = ctx.curation.clustering;
  const run = runtime.queue.then(() => clusterInTransaction(ctx, runtime, source, fresh, fetchedAt));
  runtime.queue = run.catch(() => undefined);
  return run;
}

async function clusterInTransaction(
  ctx: Ctx,
  runtime: ClusteringRuntime,
  source: IngestSource,
  fresh: Array<{ item: ParsedItem; hash: string }>,
  fetchedAt: Date,
): Promise<IngestResult> {
  const nowIso = ctx.now().toISOString();
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await store.lockClustering(trx, nowIso);
      const state = runtime.state ?? (await loadState(trx, ctx.now()));
      runtime.state = state;
      await catchUp(trx, state);

      const inserted = await store.insertFeedItems(
        trx,
        fresh.map(({ item, hash }) => feedItemRow(source.id, item, hash, fetchedAt)),
      );
      if (inserted.length === 0) return { added: 0, followUps: [] };
      const itemByHash = new Map(fresh.map((f) => [f.hash, f.item]));
      const rows = inserted
        .map(({ id, dedup_hash }) => ({ id, item: itemByHash.get(dedup_hash) as ParsedItem }))
        .sort((a, b) => a.item.publishedAt.localeCompare(b.item.publishedAt) || a.id - b.id);

      // Decide every item's story in memory first, then write stories and memberships in batches.
      const keyOfItem = new Map<number, string>();
      const newKeys: number[] = [];
      for (const { id, item } of rows) {
        const assignment = state.clusterer.add({
          id,
          title: item.title,
          summaryText: item.summaryText,
          publishedAt: item.publishedAt,
          sourceId: source.id,
        });
        keyOfItem.set(id, assignment.storyKey);
        if (assignment.isNew) newKeys.push(id);
      }
      state.lastItemId = Math.max(state.lastItemId, ...rows.map((r) => r.id));

      const itemById = new Map(rows.map((r) => [r.id, r.item]));
      const leads = new Map(
        rows.map((r) => [r.id, { title: r.item.title, publishedAt: r.item.publishedAt }]),
      );
      for (const orphan of await resolveMissingKeys(trx, state, [...new Set(keyOfItem.values())], newKeys)) {
        // An earlier item left without a story leads a new one, and belongs to it.
        leads.set(orphan.id, { title: orphan.title, publishedAt: orphan.published_at });
        newKeys.push(orphan.id);
        keyOfItem.set(orphan.id, String(orphan.id));
      }
      // A key whose item is gone (its source was deleted) passes its story on to the first new item.
      const replacedKeys = new Map<string, string>();
      const leadKeys = new Set(newKeys.map(String));
      for (const [itemId, key] of keyOfItem) {
        if (state.storyOfKey.has(key) || leadKeys.has(key)) continue;
        let replacement = replacedKeys.get(key);
        if (replacement === undefined) {
          replacement = String(itemId);
          replacedKeys.set(key, replacement);
          newKeys.push(itemId);
        }
        keyOfItem.set(itemId, replacement);
      }
      const created = await store.insertStories(
        trx,
        newKeys.map((id) => {
          const lead = leads.get(id) as { title: string; publishedAt: string };
          return {
            title: lead.title.slice(0, 1000),
            lead_item_id: id,
            status: "new",
            first_item_at: lead.publishedAt,
            last_item_at: lead.publishedAt,
            created_at: nowIso,
            updated_at: nowIso,
          };
        }),
      );
      for (const story of created) state.storyOfKey.set(String(story.lead_item_id), story.id);

      const itemsByStory = new Map<number, number[]>();
      for (const [itemId, key] of keyOfItem) {
        const storyId = state.storyOfKey.get(key) as number;
        itemsByStory.set(storyId, [...(itemsByStory.get(storyId) ?? []), itemId]);
      }
      for (const [storyId, itemIds] of itemsByStory) await store.setItemsStory(trx, storyId, itemIds);
      await store.refreshStoryAggregates(trx, [...itemsByStory.keys()], nowIso);
      pruneKeys(state);

      const followUps: StoryFollowUp[] = [];
      if (source.mode === "publish") {
        const horizon = ctx.now().getTime() - AUTO_PUBLISH_MAX_AGE_HOURS * HOUR_MS;
        const stories = await store.listStoriesByIds(trx, [...itemsByStory.keys()]);
        for (const story of stories) {
          const itemIds = itemsByStory.get(story.id) ?? [];
          if (story.status === "published" && story.article_id !== null) {
            followUps.push({ kind: "auto-append", storyId: story.id, itemIds });
          } else if (story.status === "new") {
            const recent = itemIds.filter(
              (id) => Date.parse((itemById.get(id) as ParsedItem).publishedAt) >= horizon,
            );
            if (recent.length) followUps.push({ kind: "auto-publish", storyId: story.id, itemIds: recent });
          }
        }
      }
      return { added: rows.length, followUps };
    });
  } catch (error) {
    // The clusterer may hold items the rollback removed: rebuild it from the database next time.
    runtime.state = undefined;
    throw error;
  }
}

function feedItemRow(sourceId: number, item: ParsedItem, hash: string, fetchedAt: Date): store.FeedItemWrite {
  return {
    source_id: sourceId,
    dedup_hash: hash,
    guid: item.guid?.slice(0, 2000) ?? null,
    url: item.url && item.url.length <= 2000 ? item.url : null,
    title: item.title.slice(0, 1000),
    summary_html: item.summaryHtml,
    summary_text: item.summaryText,
    content_html: item.contentHtml ? item.contentHtml.slice(0, CONTENT_MAX_CHARS) : null,
    author: item.author?.slice(0, 200) ?? null,
    categories: JSON.stringify(item.categories),
    image_url: item.imageUrl && item.imageUrl.length <= 2000 ? item.imageUrl : null,
    published_at: item.publishedAt,
    has_real_date: item.hasRealDate ? 1 : 0,
    fetched_at: fetchedAt.toISOString(),
  };
}

/** Rebuilds the clusterer from the items still inside its memory horizon. */
async function loadState(db: store.Executor, now: Date): Promise<ClusteringState> {
  const horizon = new Date(now.getTime() - STORY_WINDOW_HOURS * EVICT_AFTER_WINDOWS * HOUR_MS);
  const rows = await store.listItemsPublishedSince(db, horizon.toISOString());
  const { clusterer, assignments } = StoryClusterer.rebuild(rows.map(clusterItemOf));
  const storyOfKey = new Map<string, number>();
  for (const row of rows) {
    if (assignments.get(String(row.id))?.isNew && row.story_id !== null)
      storyOfKey.set(String(row.id), row.story_id);
  }
  return { clusterer, lastItemId: await store.getMaxFeedItemId(db), storyOfKey };
}

/** Adds what other nodes stored since this state last looked; their stories are already stored. */
async function catchUp(db: store.Executor, state: ClusteringState): Promise<void> {
  for (;;) {
    const rows = await store.listItemsAfterId(db, state.lastItemId, CATCH_UP_BATCH);
    for (const row of rows) {
      const assignment = state.clusterer.add(clusterItemOf(row));
      if (assignment.isNew && row.story_id !== null) state.storyOfKey.set(String(row.id), row.story_id);
      state.lastItemId = Math.max(state.lastItemId, row.id);
    }
    if (rows.length < CATCH_UP_BATCH) return;
  }
}

/**
 * Maps story keys this node has no stored story for (its clusterer was rebuilt differently from
 * how the items were first grouped) through the key item's stored story. Returns the key items
 * that have none, to lead stories of their own.
 */
async function resolveMissingKeys(
  db: store.Executor,
  state: ClusteringState,
  keys: string[],
  newKeys: number[],
): Promise<store.ClusterSourceRow[]> {
  const isNew = new Set(newKeys.map(String));
  const missing = keys.filter((key) => !isNew.has(key) && !state.storyOfKey.has(key));
  if (missing.length === 0) return [];
  const rows = await store.listItemsByIds(db, missing.map(Number));
  const orphans: store.ClusterSourceRow[] = [];
  for (const row of rows) {
    if (row.story_id !== null) state.storyOfKey.set(String(row.id), row.story_id);
    else orphans.push(row);
  }
  return orphans;
}

/** Forgets keys of stories the clusterer has evicted, so the map follows what it holds. */
function pruneKeys(state: ClusteringState): void {
  if (state.storyOfKey.size <= 2 * state.clusterer.stats().stories + 1000) return;
  for (const key of state.storyOfKey.keys()) {
    if (state.clusterer.storyKeyOf(key) === undefined) state.storyOfKey.delete(key);
  }
}

/** Forgets the clusterer's state (tests that rewrite items behind its back; shutdown). */
export function resetClustering(ctx: Pick<AppContext, "curation">): void {
  ctx.curation.clustering.state = undefined;
}
