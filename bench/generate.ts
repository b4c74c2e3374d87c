import { type Insertable, sql, type Transaction } from "kysely";
import type { Db } from "../src/db/database.js";
import type { Database } from "../src/db/schema.js";
import { articlePath } from "../src/lib/permalinks.js";
import { createSeededRandom } from "../src/lib/seeded-random.js";
import { slugify } from "../src/lib/slug.js";

/**
 * Fills an empty, migrated database with a news site's worth of generated content, fast: rows
 * go in as multi-row INSERTs of a few hundred at a time inside one transaction per table, with
 * ids chosen here so joins need no round trip back. The content is deterministic (seeded), so
 * two runs measure the same site.
 */

export interface SiteSize {
  articles: number;
  categories: number;
  authors: number;
  comments: number;
  tags: number;
}

export interface GeneratedSite {
  /** Permalink paths of every published article, newest first. */
  articlePaths: string[];
  /** Id and path of the article the "cached article" scenario hits (the newest one). */
  featuredArticle: { id: number; path: string };
  categorySlugs: string[];
  tagSlugs: string[];
  authorSlugs: string[];
  /** A word that appears in the titles of about one article in 150: a realistic search. */
  searchWord: string;
  /** Ids of every published article, newest first (as `articlePaths`). */
  storyIds: number[];
  /** Held comments, on the newest stories first: what the newsroom scenario approves. */
  pendingCommentIds: number[];
  rows: { users: number; articles: number; categories: number; tags: number; comments: number };
}

/** Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const BATCH_ROWS = 400;
/** Minutes between two generated articles' publication times (10,000 articles ≈ 10 months). */
const ARTICLE_SPACING_MINUTES = 43;

// biome-ignore format: a word list reads better packed
const WORDS = ["council", "budget", "river", "harbour", "election", "market", "school", "hospital", "railway", "bridge",
  "festival", "museum", "league", "station", "weather", "storm", "drought", "vote", "policy", "tariff", "energy",
  "solar", "wind", "grid", "housing", "rent", "wages", "strike", "union", "factory", "port", "airport", "ferry",
  "library", "court", "judge", "inquiry", "report", "minister", "mayor", "senate", "assembly", "district", "county",
  "village", "farm", "harvest", "fishing", "forest", "wildfire", "flood", "coast", "island", "mountain", "valley",
  "science", "research", "vaccine", "clinic", "doctor", "nurse", "teacher", "student", "exam", "university",
  "startup", "investor", "bank", "interest", "inflation", "export", "import", "shipping", "container", "canal",
  "stadium", "final", "season", "coach", "transfer", "record", "champion", "marathon", "cycling", "theatre", "concert",
  "album", "novel", "author", "gallery", "exhibition", "heritage", "castle", "cathedral", "parade", "market", "tram",
  "bus", "cycle", "road", "tunnel", "motorway", "police", "fire", "rescue", "volunteer", "charity", "donation",
  "pension", "tax", "refund", "audit", "contract", "tender", "planning", "permit", "zoning", "water", "sewer", "waste",
  "recycling", "plastic", "ocean", "reef", "whale", "salmon", "orchard", "vineyard", "bakery", "restaurant", "chef",
  "tourism", "hotel", "visitor", "broadband", "satellite", "launch", "telescope", "comet", "eclipse", "museum"];

// biome-ignore format: as above
const TOPICS = ["lighthouse", "glacier", "aqueduct", "monsoon", "quarry", "regatta", "observatory", "viaduct",
  "allotment", "marina", "tramline", "levee", "sawmill", "creamery", "foundry", "brewery", "windfarm", "seawall",
  "boardwalk", "greenhouse", "apiary", "hatchery", "turbine", "reservoir", "causeway", "ropeway", "dockyard",
  "granary", "bandstand", "pavilion", "arboretum", "planetarium", "aquarium", "velodrome", "ice rink", "skatepark",
  "lido", "pier", "funicular", "orchestra", "choir", "carnival", "rodeo", "regiment", "tribunal", "ombudsman",
  "coroner", "lottery", "census", "referendum", "moratorium", "subsidy", "levy", "bailout", "merger", "recall",
  "heatwave", "blizzard", "landslide", "earthquake", "tsunami", "eruption", "outbreak", "shortage", "surplus",
  "boycott"];

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)];

function sentence(random: Random, words: number): string {
  const parts = Array.from({ length: words }, () => pick(random, WORDS));
  const text = parts.join(" ");
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function paragraph(random: Random): string {
  return Array.from({ length: 4 + Math.floor(random() * 3) }, () =>
    sentence(random, 9 + Math.floor(random() * 9)),
  ).join(" ");
}

function capitalise(text: string): string {
  return text.replace(/\b\w/g, (c) => c.toUpperCase());
}

async function insertInBatches<T extends keyof Database & string>(
  trx: Transaction<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    await trx
      .insertInto(table)
      .values(rows.slice(start, start + BATCH_ROWS))
      .execute();
  }
}

/**
 * PostgreSQL serial columns do not see explicitly chosen ids: move each sequence past the
 * highest id so rows the server inserts later (bench comments) get fresh ids.
 */
async function advanceSequences(db: Db, dialect: "sqlite" | "postgres"): Promise<void> {
  if (dialect !== "postgres") return;
  for (const table of ["users", "categories", "tags", "articles", "article_sources", "comments"]) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(
      db,
    );
  }
}

/** Generates the site into `db` (migrated, empty) and returns what the scenarios need to know. */
export async function generateSite(
  db: Db,
  dialect: "sqlite" | "postgres",
  size: SiteSize,
  now: Date,
  timezone = "UTC",
  log: (line: string) => void = () => {},
): Promise<GeneratedSite> {
  const random = createSeededRandom(20260522);
  const nowIso = now.toISOString();

  const users: Insertable<Database["users"]>[] = Array.from({ length: size.authors }, (_, i) => {
    const name = `${pick(random, ["Alex", "Sam", "Jo", "Robin", "Kim", "Lee", "Noor", "Ines", "Tom", "Mia"])} ${capitalise(pick(random, WORDS))}son ${i + 1}`;
    return {
      id: i + 1,
      email: `author${i + 1}@bench.invalid`,
      name,
      slug: slugify(name),
      bio: `${name} covers ${pick(random, WORDS)} and ${pick(random, WORDS)} stories.`,
      role: i === 0 ? "admin" : i < 4 ? "editor" : "author",
      password_hash: null,
      is_disabled: 0,
      created_at: nowIso,
      updated_at: nowIso,
    };
  });

  const categoryNames = [
    "Local",
    "World",
    "Business",
    "Politics",
    "Science",
    "Sport",
    "Culture",
    "Weather",
    "Health",
    "Opinion",
  ];
  const categories: Insertable<Database["categories"]>[] = Array.from({ length: size.categories }, (_, i) => {
    const name = i < categoryNames.length ? categoryNames[i] : `Section ${i + 1}`;
    return {
      id: i + 1,
      name,
      slug: slugify(name),
      description: `${name} news.`,
      parent_id: null,
      // The masthead shows the first eight sections, as a news site's navigation does.
      nav_position: i < 8 ? i + 1 : null,
      created_at: nowIso,
    };
  });

  const tagWords = [...new Set(WORDS)].slice(0, size.tags);
  const tagCount = tagWords.length;
  const tags: Insertable<Database["tags"]>[] = tagWords.map((word, i) => ({
    id: i + 1,
    name: capitalise(word),
    slug: slugify(word),
    created_at: nowIso,
  }));

  const articles: Insertable<Database["articles"]>[] = [];
  const articleCategories: Insertable<Database["article_categories"]>[] = [];
  const articleTags: Insertable<Database["article_tags"]>[] = [];
  const articleSources: Insertable<Database["article_sources"]>[] = [];
  const articlePaths: string[] = [];
  for (let i = 0; i < size.articles; i++) {
    const id = i + 1;
    const topic = TOPICS[i % TOPICS.length];
    const title = capitalise(`${pick(random, WORDS)} ${topic} ${pick(random, WORDS)} ${pick(random, WORDS)}`);
    const slug = `${slugify(title)}-${id}`;
    const paragraphs = Array.from({ length: 5 + Math.floor(random() * 4) }, () => paragraph(random));
    const published = new Date(now.getTime() - (i + 1) * ARTICLE_SPACING_MINUTES * 60_000).toISOString();
    articles.push({
      id,
      title,
      slug,
      excerpt: `${paragraphs[0].slice(0, 277)}…`,
      body: paragraphs.join("\n\n"),
      body_html: paragraphs.map((p) => `<p>${p}</p>`).join("\n"),
      status: "published",
      published_at: published,
      created_at: published,
      updated_at: published,
      author_id: 1 + (i % size.authors),
      featured_media_id: null,
      comments_open: 1,
      is_page: 0,
      is_sticky: 0,
    });
    articlePaths.push(articlePath({ slug, published_at: published }, timezone));
    if (size.categories > 0)
      articleCategories.push({ article_id: id, category_id: 1 + (i % size.categories) });
    if (tagCount > 0) {
      const first = Math.floor(random() * tagCount);
      const second = (first + 1 + Math.floor(random() * Math.max(1, tagCount - 1))) % tagCount;
      articleTags.push({ article_id: id, tag_id: first + 1 });
      if (second !== first) articleTags.push({ article_id: id, tag_id: second + 1 });
    }
    // A third of the stories are curated: they carry a "Source link".
    if (i % 3 === 0)
      articleSources.push({
        article_id: id,
        position: 0,
        url: `https://wire.example/${slug}`,
        name: pick(random, ["Wire Service", "Harbour Gazette", "Valley Times", "The Courier"]),
        original_author: null,
        original_published_at: published,
      });
  }

  // Comments are drawn first, then numbered oldest first (as a live site writes them), so a
  // reply always comes after the comment it answers.
  const drawn = Array.from({ length: size.comments }, () => {
    // Newer stories draw more comments: a product of two uniforms skews the pick towards the front.
    const articleIndex = Math.floor(random() * random() * size.articles);
    const ageMs = (articleIndex + 1) * ARTICLE_SPACING_MINUTES * 60_000;
    const afterPublishMs = Math.floor(random() * Math.min(ageMs - 1, 3 * 86_400_000));
    return { articleIndex, created: new Date(now.getTime() - ageMs + afterPublishMs).toISOString() };
  }).sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  const comments: Insertable<Database["comments"]>[] = [];
  const lastCommentOf = new Map<number, number>();
  for (const [i, { articleIndex, created }] of drawn.entries()) {
    const id = i + 1;
    const articleId = articleIndex + 1;
    const parent = random() < 0.25 ? lastCommentOf.get(articleId) : undefined;
    const reader = Math.floor(random() * 5000);
    const body = sentence(random, 8 + Math.floor(random() * 20));
    comments.push({
      id,
      article_id: articleId,
      parent_id: parent ?? null,
      user_id: null,
      status: random() < 0.95 ? "approved" : "pending",
      status_before_trash: null,
      name: `Reader ${reader}`,
      email: `reader${reader}@bench.invalid`,
      url: "",
      body,
      body_html: `<p>${body}</p>`,
      ip_hash: "",
      user_agent: "bench",
      spam_score: 0,
      moderation_reasons: "[]",
      notify_replies: 0,
      notified_at: null,
      created_at: created,
      updated_at: created,
    });
    lastCommentOf.set(articleId, id);
  }

  const started = performance.now();
  await db.transaction().execute(async (trx) => {
    await insertInBatches(trx, "users", users);
    await insertInBatches(trx, "categories", categories);
    await insertInBatches(trx, "tags", tags);
    await insertInBatches(trx, "articles", articles);
    log(`  ${articles.length} articles`);
    await insertInBatches(trx, "article_categories", articleCategories);
    await insertInBatches(trx, "article_tags", articleTags);
    await insertInBatches(trx, "article_sources", articleSources);
    await insertInBatches(trx, "comments", comments);
    log(`  ${comments.length} comments`);
  });
  await advanceSequences(db, dialect);
  log(`  inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  return {
    articlePaths,
    featuredArticle: { id: 1, path: articlePaths[0] ?? "/" },
    categorySlugs: categories.map((c) => c.slug as string),
    tagSlugs: tags.map((t) => t.slug as string),
    authorSlugs: users.map((u) => u.slug as string),
    searchWord: TOPICS[3],
    storyIds: articles.map((a) => a.id as number),
    pendingCommentIds: comments
      .filter((c) => c.status === "pending")
      .sort((a, b) => (a.article_id as number) - (b.article_id as number))
      .map((c) => c.id as number),
    rows: {
      users: users.length,
      articles: articles.length,
      categories: categories.length,
      tags: tags.length,
      comments: comments.length,
    },
  };
}
