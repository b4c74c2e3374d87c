import type { Insertable, Kysely, Selectable, Transaction, Updateable } from "kysely";
import { toCount } from "../db/dialect.js";
import type {
  Database,
  FeedItemLinkStatus,
  FeedItemsTable,
  SourcesTable,
  StoriesTable,
  StoryStatus,
} from "../db/schema.js";

/** A database handle or an open transaction: store functions run on either. */
export type Executor = Kysely<Database> | Transaction<Database>;

export type SourceRow = Selectable<SourcesTable>;
export type SourceWrite = Insertable<SourcesTable>;
export type SourceChanges = Updateable<SourcesTable>;
export type StoryRow = Selectable<StoriesTable>;
export type FeedItemWrite = Insertable<FeedItemsTable>;

/** Rows per multi-row INSERT or IN list: well under SQLite's and PostgreSQL's parameter limits. */
const BATCH_SIZE = 200;

function chunks<T>(values: readonly T[], size = BATCH_SIZE): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < values.length; i += size) result.push(values.slice(i, i + size));
  return result;
}

// ── sources ────────────────────────────────────────────────────────────────

export async function insertSource(db: Executor, source: SourceWrite): Promise<number> {
  const row = await db.insertInto("sources").values(source).returning("id").executeTakeFirst();
  if (!row) throw new Error("curation store: cannot insert source");
  return row.id;
}

export async function getSourceById(db: Executor, id: number): Promise<SourceRow | undefined> {
  return db.selectFrom("sources").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function getSourceByUrl(db: Executor, url: string): Promise<SourceRow | undefined> {
  return db.selectFrom("sources").selectAll().where("url", "=", url).executeTakeFirst();
}

/** Every source, by name (a newsroom follows dozens to a few hundred). */
export async function listSources(db: Executor): Promise<SourceRow[]> {
  return db.selectFrom("sources").selectAll().orderBy("name").orderBy("id").limit(5000).execute();
}

export async function updateSource(db: Executor, id: number, changes: SourceChanges): Promise<void> {
  await db.updateTable("sources").set(changes).where("id", "=", id).execute();
}

export async function deleteSource(db: Executor, id: number): Promise<void> {
  await db.deleteFrom("sources").where("id", "=", id).execute();
}

/** The scheduler's query: enabled sources due by `now`, soonest first. */
export function dueSourcesQuery(db: Executor, now: string, limit: number) {
  return db
    .selectFrom("sources")
    .select("id")
    .where("is_enabled", "=", 1)
    .where("next_fetch_at", "<=", now)
    .orderBy("next_fetch_at")
    .limit(limit);
}

export async function listDueSourceIds(db: Executor, now: string, limit: number): Promise<number[]> {
  return (await dueSourcesQuery(db, now, limit).execute()).map((row) => row.id);
}

/**
 * Claims a source for one fetch: succeeds for exactly one caller (node) until `lockedUntil`,
 * because the conditional UPDATE is atomic on both databases. With `dueBy`, the source must also
 * still be due by then, in the same statement: a scheduler working from a list made before
 * another node fetched the source finds it no longer due. Returns the row, or `undefined` when
 * another fetch holds it, it is not due (with `dueBy`) or it does not exist.
 */
export async function claimSource(
  db: Executor,
  id: number,
  now: string,
  lockedUntil: string,
  dueBy?: string,
): Promise<SourceRow | undefined> {
  return db
    .updateTable("sources")
    .set({ locked_until: lockedUntil })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
    .$if(dueBy !== undefined, (qb) =>
      qb.where("is_enabled", "=", 1).where("next_fetch_at", "<=", dueBy as string),
    )
    .returningAll()
    .executeTakeFirst();
}

// ── feed items ─────────────────────────────────────────────────────────────

/** Which of `hashes` a source already holds. */
export async function listKnownDedupHashes(
  db: Executor,
  sourceId: number,
  hashes: string[],
): Promise<Set<string>> {
  const known = new Set<string>();
  for (const batch of chunks(hashes)) {
    const rows = await db
      .selectFrom("feed_items")
      .select("dedup_hash")
      .where("source_id", "=", sourceId)
      .where("dedup_hash", "in", batch)
      .execute();
    for (const row of rows) known.add(row.dedup_hash);
  }
  return known;
}

/** Inserts items, skipping any a source already holds; returns the id and dedup hash of each inserted. */
export async function insertFeedItems(
  db: Executor,
  items: FeedItemWrite[],
): Promise<Array<{ id: number; dedup_hash: string }>> {
  const inserted: Array<{ id: number; dedup_hash: string }> = [];
  for (const batch of chunks(items, 100)) {
    const rows = await db
      .insertInto("feed_items")
      .values(batch)
      .onConflict((oc) => oc.columns(["source_id", "dedup_hash"]).doNothing())
      .returning(["id", "dedup_hash"])
      .execute();
    inserted.push(...rows);
  }
  return inserted;
}

/** What the clusterer reads of an item, with the story it is stored in. */
export interface ClusterSourceRow {
  id: number;
  title: string;
  summary_text: string;
  published_at: string;
  source_id: number;
  story_id: number | null;
}

const clusterColumns = ["id", "title", "summary_text", "published_at", "source_id", "story_id"] as const;

/** Items published since `sinceIso` (the clusterer's memory horizon), for rebuilding it at start. */
export async function listItemsPublishedSince(db: Executor, sinceIso: string): Promise<ClusterSourceRow[]> {
  return db
    .selectFrom("feed_items")
    .select(clusterColumns)
    .where("published_at", ">=", sinceIso)
    .orderBy("published_at")
    .orderBy("id")
    .limit(500_000)
    .execute();
}

/** Items stored after `afterId`, in id order (what other nodes clustered since this one last looked). */
export async function listItemsAfterId(
  db: Executor,
  afterId: number,
  limit: number,
): Promise<ClusterSourceRow[]> {
  return db
    .selectFrom("feed_items")
    .select(clusterColumns)
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function listItemsByIds(db: Executor, ids: number[]): Promise<ClusterSourceRow[]> {
  const rows: ClusterSourceRow[] = [];
  for (const batch of chunks(ids)) {
    rows.push(
      ...(await db.selectFrom("feed_items").select(clusterColumns).where("id", "in", batch).execute()),
    );
  }
  return rows;
}

export async function getMaxFeedItemId(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("feed_items")
    .select((eb) => eb.fn.max("id").as("max"))
    .executeTakeFirst();
  return row?.max === null || row?.max === undefined ? 0 : Number(row.max);
}

/** Stories holding at least one item of a source. */
export async function listStoryIdsOfSource(db: Executor, sourceId: number): Promise<number[]> {
  const rows = await db
    .selectFrom("feed_items")
    .select("story_id")
    .distinct()
    .where("source_id", "=", sourceId)
    .where("story_id", "is not", null)
    .execute();
  return rows.flatMap((row) => (row.story_id === null ? [] : [row.story_id]));
}

export async function setItemsStory(db: Executor, storyId: number, itemIds: number[]): Promise<void> {
  for (const batch of chunks(itemIds)) {
    await db.updateTable("feed_items").set({ story_id: storyId }).where("id", "in", batch).execute();
  }
}

export async function setItemsLinkStatus(
  db: Executor,
  itemIds: number[],
  linkStatus: FeedItemLinkStatus,
): Promise<void> {
  for (const batch of chunks(itemIds)) {
    await db.updateTable("feed_items").set({ link_status: linkStatus }).where("id", "in", batch).execute();
  }
}

/** A report as the desk shows it: the item with its outlet's name and rules. */
export interface DeskItemRow {
  id: number;
  story_id: number | null;
  source_id: number;
  source_name: string;
  source_site_url: string;
  source_url: string;
  source_mode: string;
  source_category_id: number | null;
  source_is_full_text_allowed: number;
  guid: string | null;
  url: string | null;
  title: string;
  summary_html: string;
  summary_text: string;
  content_html: string | null;
  author: string | null;
  categories: string;
  image_url: string | null;
  published_at: string;
  has_real_date: number;
  link_status: FeedItemLinkStatus;
  fetched_at: string;
}

function deskItemsQuery(db: Executor) {
  return db
    .selectFrom("feed_items")
    .innerJoin("sources", "sources.id", "feed_items.source_id")
    .select([
      "feed_items.id",
      "feed_items.story_id",
      "feed_items.source_id",
      "sources.name as source_name",
      "sources.site_url as source_site_url",
      "sources.url as source_url",
      "sources.mode as source_mode",
      "sources.category_id as source_category_id",
      "sources.is_full_text_allowed as source_is_full_text_allowed",
      "feed_items.guid",
      "feed_items.url",
      "feed_items.title",
      "feed_items.summary_html",
      "feed_items.summary_text",
      "feed_items.content_html",
      "feed_items.author",
      "feed_items.categories",
      "feed_items.image_url",
      "feed_items.published_at",
      "feed_items.has_real_date",
      "feed_items.link_status",
      "feed_items.fetched_at",
    ]);
}

/** Every report of the given stories in one query, oldest first within a story. */
export async function listItemsOfStories(db: Executor, storyIds: number[]): Promise<DeskItemRow[]> {
  if (storyIds.length === 0) return [];
  const rows: DeskItemRow[] = [];
  for (const batch of chunks(storyIds)) {
    rows.push(
      ...(await deskItemsQuery(db)
        .where("feed_items.story_id", "in", batch)
        .orderBy("feed_items.published_at")
        .orderBy("feed_items.id")
        .execute()),
    );
  }
  return rows;
}

/** A source's latest items, for its page in the admin. */
export async function listRecentItemsOfSource(
  db: Executor,
  sourceId: number,
  limit: number,
): Promise<DeskItemRow[]> {
  return deskItemsQuery(db)
    .where("feed_items.source_id", "=", sourceId)
    .orderBy("feed_items.published_at", "desc")
    .orderBy("feed_items.id", "desc")
    .limit(limit)
    .execute();
}

// ── stories ────────────────────────────────────────────────────────────────

export async function insertStories(
  db: Executor,
  stories: Insertable<StoriesTable>[],
): Promise<Array<{ id: number; lead_item_id: number }>> {
  const rows: Array<{ id: number; lead_item_id: number }> = [];
  for (const batch of chunks(stories, 100)) {
    rows.push(...(await db.insertInto("stories").values(batch).returning(["id", "lead_item_id"]).execute()));
  }
  return rows;
}

export async function getStoryById(db: Executor, id: number): Promise<StoryRow | undefined> {
  return db.selectFrom("stories").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listStoriesByIds(db: Executor, ids: number[]): Promise<StoryRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("stories").selectAll().where("id", "in", ids).execute();
}

export async function updateStory(
  db: Executor,
  id: number,
  changes: Updateable<StoriesTable>,
): Promise<void> {
  await db.updateTable("stories").set(changes).where("id", "=", id).execute();
}

/**
 * Marks a story published if nobody else has: the conditional UPDATE lets exactly one of two
 * editors pressing "Publish" at once go on to create the article. Returns false for the other.
 */
export async function claimStoryForPublishing(db: Executor, id: number, now: string): Promise<boolean> {
  const row = await db
    .updateTable("stories")
    .set({ status: "published", snoozed_until: null, updated_at: now })
    .where("id", "=", id)
    .where("status", "!=", "published")
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Recomputes what is derived from a story's items: count, first and last report time, and whether
 * a published story has reports awaiting an editor ("more coverage"). One statement for all.
 */
export async function refreshStoryAggregates(db: Executor, storyIds: number[], now: string): Promise<void> {
  for (const batch of chunks(storyIds)) {
    await db
      .updateTable("stories")
      .set((eb) => ({
        // An unpublished story is headed by its first report; a published one keeps the editor's headline.
        title: eb
          .case()
          .when("stories.status", "=", "published")
          .then(eb.ref("stories.title"))
          .else(
            eb.fn.coalesce(
              eb
                .selectFrom("feed_items")
                .select("feed_items.title")
                .whereRef("feed_items.story_id", "=", "stories.id")
                .orderBy("feed_items.published_at")
                .orderBy("feed_items.id")
                .limit(1),
              eb.ref("stories.title"),
            ),
          )
          .end(),
        item_count: eb
          .selectFrom("feed_items")
          .select((sub) => sub.fn.countAll<number>().as("n"))
          .whereRef("feed_items.story_id", "=", "stories.id"),
        first_item_at: eb.fn.coalesce(
          eb
            .selectFrom("feed_items")
            .select((sub) => sub.fn.min("feed_items.published_at").as("first"))
            .whereRef("feed_items.story_id", "=", "stories.id"),
          eb.ref("stories.first_item_at"),
        ),
        last_item_at: eb.fn.coalesce(
          eb
            .selectFrom("feed_items")
            .select((sub) => sub.fn.max("feed_items.published_at").as("last"))
            .whereRef("feed_items.story_id", "=", "stories.id"),
          eb.ref("stories.last_item_at"),
        ),
        has_pending_coverage: eb
          .case()
          .when(
            eb.and([
              eb("stories.status", "=", "published"),
              eb.exists(
                eb
                  .selectFrom("feed_items")
                  .select("feed_items.id")
                  .whereRef("feed_items.story_id", "=", "stories.id")
                  .where("feed_items.link_status", "=", "none"),
              ),
            ]),
          )
          .then(1)
          .else(0)
          .end(),
        updated_at: now,
      }))
      .where("id", "in", batch)
      .execute();
  }
}

/** Snoozed stories whose time has come go back to the desk. */
export async function wakeSnoozedStories(db: Executor, now: string): Promise<number> {
  const result = await db
    .updateTable("stories")
    .set({ status: "new", snoozed_until: null, updated_at: now })
    .where("status", "=", "snoozed")
    .where("snoozed_until", "<=", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Stories left with no reports (their source was deleted) and never published. */
export async function deleteEmptyUnpublishedStories(db: Executor): Promise<void> {
  await db
    .deleteFrom("stories")
    .where("status", "!=", "published")
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("feed_items")
            .select("feed_items.id")
            .whereRef("feed_items.story_id", "=", "stories.id"),
        ),
      ),
    )
    .execute();
}

/** The desk's tabs: "coverage" is published stories with reports awaiting an editor. */
export type DeskTab = StoryStatus | "coverage";

export interface DeskFilter {
  tab: DeskTab;
  sourceId?: number;
  /** Stories with a report from a source filed under this category. */
  categoryId?: number;
}

/** The review desk's one composable list query: a tab plus optional source and category filters. */
export function deskStoriesQuery(db: Executor, filter: DeskFilter) {
  return db
    .selectFrom("stories")
    .$if(filter.tab === "coverage", (qb) =>
      qb.where("stories.has_pending_coverage", "=", 1).where("stories.status", "=", "published"),
    )
    .$if(filter.tab !== "coverage", (qb) => qb.where("stories.status", "=", filter.tab as StoryStatus))
    .$if(filter.sourceId !== undefined, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom("feed_items")
            .select("feed_items.id")
            .whereRef("feed_items.story_id", "=", "stories.id")
            .where("feed_items.source_id", "=", filter.sourceId as number),
        ),
      ),
    )
    .$if(filter.categoryId !== undefined, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom("feed_items")
            .innerJoin("sources", "sources.id", "feed_items.source_id")
            .select("feed_items.id")
            .whereRef("feed_items.story_id", "=", "stories.id")
            .where("sources.category_id", "=", filter.categoryId as number),
        ),
      ),
    );
}

/** One page of the desk, newest report first. */
export async function listDeskStories(
  db: Executor,
  filter: DeskFilter,
  limit: number,
  offset: number,
): Promise<StoryRow[]> {
  return deskStoriesQuery(db, filter)
    .selectAll("stories")
    .orderBy("stories.last_item_at", "desc")
    .orderBy("stories.id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countDeskStories(db: Executor, filter: DeskFilter): Promise<number> {
  const row = await deskStoriesQuery(db, filter)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return toCount(row?.n);
}

/** Stories per status and the "more coverage" count, for the desk's tabs. */
export async function countStoriesByTab(db: Executor): Promise<Record<DeskTab, number>> {
  const counts: Record<DeskTab, number> = { new: 0, snoozed: 0, published: 0, dismissed: 0, coverage: 0 };
  const rows = await db
    .selectFrom("stories")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  for (const row of rows) counts[row.status] = toCount(row.n);
  const coverage = await db
    .selectFrom("stories")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("has_pending_coverage", "=", 1)
    .where("status", "=", "published")
    .executeTakeFirst();
  counts.coverage = toCount(coverage?.n);
  return counts;
}

// ── clustering lock ────────────────────────────────────────────────────────

/**
 * Takes the clustering lock for the rest of the transaction: the UPDATE of the single row
 * blocks every other node's clustering transaction (row lock on PostgreSQL, write lock on
 * SQLite) until this one commits or rolls back.
 */
export async function lockClustering(trx: Executor, now: string): Promise<void> {
  const result = await trx
    .updateTable("clustering_lock")
    .set({ updated_at: now })
    .where("id", "=", 1)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new Error("curation store: clustering lock row is missing");
}
