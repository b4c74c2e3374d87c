import { extractTermFeatures } from "./text-features.js";

/** Items further apart than this (from a story's first or last item) never share a story. */
export const STORY_WINDOW_HOURS = 72;
/**
 * Cosine similarity (TF-IDF over title + summary, against the story's centroid) an item needs to
 * join a story, on top of the shared-name rule below. On the labelled set, reports joining their
 * event's story score 0.23–1.0; with the name rule in place every value from 0.10 to 0.22 gives
 * precision and recall of 1.0 there, and 0.18 sits inside that range.
 */
export const JOIN_SIMILARITY = 0.18;
/**
 * Similarity at which an item joins without sharing any name or number: near-identical wording
 * only, such as one wire story carried by two feeds (1.0). Generic items that share everyday
 * vocabulary reach 0.48 on the labelled set, and on the synthetic corpus a story of generic items
 * becomes an average that every new generic item approaches: at 0.5–0.6 that chain keeps growing.
 */
export const STRONG_JOIN_SIMILARITY = 0.8;
/**
 * How much the words about what happened (names and numbers left out) must overlap, by number
 * of names and numbers shared with the story (index 0–3, 3 meaning three or more). With none, an
 * item can only join above STRONG_JOIN_SIMILARITY. One shared name needs a clear topic overlap:
 * "Port Halden" alone does not make a fish-market award part of the earthquake story. Two need
 * some ("Verdane Gallery, Lisbourne" also hosts an exhibition). Three or more suffice alone:
 * outlets call the same theft "paintings stolen" and "art taken".
 */
export const MIN_TOPIC_SIMILARITY_BY_SHARED_NAMES: readonly [number, number, number, number] = [
  Number.POSITIVE_INFINITY,
  0.1,
  0.05,
  0,
];
/** Most distinctive terms of a story kept in the inverted index used to find candidates. */
export const INDEX_TERMS_PER_STORY = 24;
/** Most distinctive terms of a new item looked up in that index. */
export const QUERY_TERMS_PER_ITEM = 16;
/** Index entries longer than this are skipped when looking up: a term that common identifies no event. */
export const MAX_POSTINGS_PER_TERM = 64;
/** Candidate stories scored per item, those sharing the most distinctive terms first. */
export const MAX_CANDIDATES_PER_ITEM = 24;
/** Terms kept in a story's centroid; the lightest are pruned so memory stays bounded. */
export const CENTROID_MAX_TERMS = 300;
/** Stories whose last item is older than the newest item by this many windows are evicted. */
export const EVICT_AFTER_WINDOWS = 2;

const HOUR_MS = 3_600_000;
/** Relative change in items held after which cached centroid norms are recomputed. */
const NORM_CACHE_DRIFT = 0.02;
/** Evict every this many additions: a sweep is O(stories), so this keeps add() O(1) amortised. */
const EVICT_EVERY_ADDITIONS = 256;

/** What the clusterer reads from a stored item. */
export interface ClusterItem {
  id: string | number;
  title: string;
  summaryText: string;
  publishedAt: string | Date;
  /** Not used for scoring: an outlet's own follow-up, or one item in two feeds, joins the story too. */
  sourceId: string | number;
}

/** Where an item went. */
export interface ClusterAssignment {
  /** The id (as a string) of the item that started the story: stable across rebuilds. */
  storyKey: string;
  /** Similarity to the story it joined; 0 when it started a new story. */
  score: number;
  isNew: boolean;
}

/** Tunables; the defaults are the exported constants. */
export interface StoryClustererOptions {
  windowHours?: number;
  joinSimilarity?: number;
  strongJoinSimilarity?: number;
}

/** An item's term with its frequency weight and the IDF it has at the time of adding. */
interface WeightedTerm {
  term: string;
  tf: number;
  idf: number;
}

interface Story {
  key: string;
  /** Sum of members' L2-normalised term-frequency vectors; IDF is applied when comparing. */
  centroid: Map<string, number>;
  entityTerms: Set<string>;
  memberIds: string[];
  /** Each member's terms, to take them out of document frequencies on eviction. */
  memberTerms: string[][];
  firstAtMs: number;
  lastAtMs: number;
  indexedTerms: string[];
  /** IDF-weighted centroid norms, reused until the story changes or the corpus drifts. */
  norms: { documentCount: number; all: number; topic: number } | undefined;
}

/**
 * Groups items from different outlets about the same event into stories, incrementally.
 * An item joins the most similar story within the time window when their TF-IDF cosine is at
 * least JOIN_SIMILARITY and they share a name or a number (or the cosine reaches
 * STRONG_JOIN_SIMILARITY); otherwise it starts a story. Candidates come from an inverted index
 * over each story's most distinctive terms, so an addition never scans all stories. Document
 * frequencies cover the items held, and stories older than the window × 2 are evicted.
 */
export class StoryClusterer {
  private readonly windowMs: number;
  private readonly joinSimilarity: number;
  private readonly strongJoinSimilarity: number;
  private readonly documentFrequency = new Map<string, number>();
  private documentCount = 0;
  private readonly stories = new Map<string, Story>();
  private readonly index = new Map<string, Set<string>>();
  private readonly storyOfItem = new Map<string, string>();
  private newestAtMs = Number.NEGATIVE_INFINITY;
  private additionsSinceEviction = 0;
  private candidatesScored = 0;

  constructor(options: StoryClustererOptions = {}) {
    this.windowMs = (options.windowHours ?? STORY_WINDOW_HOURS) * HOUR_MS;
    this.joinSimilarity = options.joinSimilarity ?? JOIN_SIMILARITY;
    this.strongJoinSimilarity = options.strongJoinSimilarity ?? STRONG_JOIN_SIMILARITY;
  }

  /** Rebuilds from stored items (any order): replays them oldest first (ties by id) and returns each item's story. */
  static rebuild(
    items: Iterable<ClusterItem>,
    options?: StoryClustererOptions,
  ): { clusterer: StoryClusterer; assignments: Map<string, ClusterAssignment> } {
    const clusterer = new StoryClusterer(options);
    // Ties broken by id so the same items always replay in the same order, whatever order they come in.
    const sorted = [...items].sort(
      (a, b) => toMs(a.publishedAt) - toMs(b.publishedAt) || (String(a.id) < String(b.id) ? -1 : 1),
    );
    const assignments = new Map<string, ClusterAssignment>();
    for (const item of sorted) assignments.set(String(item.id), clusterer.add(item));
    return { clusterer, assignments };
  }

  /** Sizes for monitoring and tests: what is held, and how many candidate stories were scored in total. */
  stats(): {
    stories: number;
    items: number;
    vocabulary: number;
    indexedTerms: number;
    candidatesScored: number;
  } {
    return {
      stories: this.stories.size,
      items: this.storyOfItem.size,
      vocabulary: this.documentFrequency.size,
      indexedTerms: this.index.size,
      candidatesScored: this.candidatesScored,
    };
  }

  /** The story an item was assigned to, while it is held. */
  storyKeyOf(itemId: string | number): string | undefined {
    return this.storyOfItem.get(String(itemId));
  }

  /** Assigns an item to a story, creating one if nothing similar is in the window. Adding an item again returns its story. */
  add(item: ClusterItem): ClusterAssignment {
    const id = String(item.id);
    const known = this.storyOfItem.get(id);
    if (known !== undefined) return { storyKey: known, score: 1, isNew: false };

    const atMs = toMs(item.publishedAt);
    const features = extractTermFeatures(item.title, item.summaryText);
    const vector = normalizedWeights(features);
    for (const term of vector.keys()) {
      this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
    }
    this.documentCount++;
    const entityTerms = [...features].filter(([, feature]) => feature.isEntity).map(([term]) => term);

    // IDF looked up once per term, not once per term per candidate.
    const weightedTerms = [...vector].map(([term, tf]): WeightedTerm => ({ term, tf, idf: this.idf(term) }));
    let best: { story: Story; score: number } | undefined;
    for (const story of this.candidateStories(weightedTerms, atMs)) {
      this.candidatesScored++;
      const { score, topicScore } = this.similarity(weightedTerms, story);
      const sharedNames = countNameConcepts(entityTerms.filter((term) => story.entityTerms.has(term)));
      const minTopic = MIN_TOPIC_SIMILARITY_BY_SHARED_NAMES[Math.min(sharedNames, 3)];
      const qualifies =
        score >= this.strongJoinSimilarity || (score >= this.joinSimilarity && topicScore >= minTopic);
      if (qualifies && (!best || score > best.score)) best = { story, score };
    }

    if (best) {
      this.join(best.story, id, vector, entityTerms, atMs);
    } else {
      const story: Story = {
        key: id,
        centroid: new Map(),
        entityTerms: new Set(),
        memberIds: [],
        memberTerms: [],
        firstAtMs: atMs,
        lastAtMs: atMs,
        indexedTerms: [],
        norms: undefined,
      };
      this.stories.set(id, story);
      this.join(story, id, vector, entityTerms, atMs);
    }
    this.newestAtMs = Math.max(this.newestAtMs, atMs);
    if (++this.additionsSinceEviction >= EVICT_EVERY_ADDITIONS) this.evictOldStories();
    return best
      ? { storyKey: best.story.key, score: best.score, isNew: false }
      : { storyKey: id, score: 0, isNew: true };
  }

  /** Drops stories whose last item is older than the newest item by window × EVICT_AFTER_WINDOWS. */
  evictOldStories(): void {
    this.additionsSinceEviction = 0;
    const horizonMs = this.newestAtMs - this.windowMs * EVICT_AFTER_WINDOWS;
    for (const story of this.stories.values()) {
      if (story.lastAtMs >= horizonMs) continue;
      this.unindex(story);
      this.stories.delete(story.key);
      for (const id of story.memberIds) this.storyOfItem.delete(id);
      for (const terms of story.memberTerms) {
        for (const term of terms) {
          const count = (this.documentFrequency.get(term) ?? 1) - 1;
          if (count <= 0) this.documentFrequency.delete(term);
          else this.documentFrequency.set(term, count);
        }
      }
      this.documentCount -= story.memberIds.length;
    }
  }

  /** Stories in the time window that share the item's most distinctive terms, most shared first. */
  private candidateStories(item: readonly WeightedTerm[], atMs: number): Story[] {
    // Only terms some story is indexed under can find anything; the item's rarest terms are
    // usually its own wording, so choosing among indexed terms keeps the shared ones.
    const queryTerms = item
      .filter(
        ({ term }) => (this.index.get(term)?.size ?? MAX_POSTINGS_PER_TERM + 1) <= MAX_POSTINGS_PER_TERM,
      )
      .sort((a, b) => b.tf * b.idf - a.tf * a.idf || (a.term < b.term ? -1 : 1))
      .slice(0, QUERY_TERMS_PER_ITEM);
    const hits = new Map<string, number>();
    for (const { term } of queryTerms) {
      for (const key of this.index.get(term) ?? []) hits.set(key, (hits.get(key) ?? 0) + 1);
    }
    const inWindow: Array<[Story, number]> = [];
    for (const [key, count] of hits) {
      const story = this.stories.get(key);
      if (story && atMs >= story.firstAtMs - this.windowMs && atMs <= story.lastAtMs + this.windowMs) {
        inWindow.push([story, count]);
      }
    }
    // Most shared terms first; ties by key so the result does not depend on hash order.
    inWindow.sort((a, b) => b[1] - a[1] || (a[0].key < b[0].key ? -1 : 1));
    return inWindow.slice(0, MAX_CANDIDATES_PER_ITEM).map(([story]) => story);
  }

  private join(
    story: Story,
    id: string,
    vector: Map<string, number>,
    entityTerms: string[],
    atMs: number,
  ): void {
    for (const [term, weight] of vector) story.centroid.set(term, (story.centroid.get(term) ?? 0) + weight);
    if (story.centroid.size > CENTROID_MAX_TERMS) pruneLightest(story.centroid, CENTROID_MAX_TERMS);
    for (const term of entityTerms) story.entityTerms.add(term);
    story.memberIds.push(id);
    story.memberTerms.push([...vector.keys()]);
    story.firstAtMs = Math.min(story.firstAtMs, atMs);
    story.lastAtMs = Math.max(story.lastAtMs, atMs);
    story.norms = undefined;
    this.storyOfItem.set(id, story.key);
    this.unindex(story);
    story.indexedTerms = this.topTerms(story.centroid, INDEX_TERMS_PER_STORY);
    for (const term of story.indexedTerms) {
      let postings = this.index.get(term);
      if (!postings) {
        postings = new Set();
        this.index.set(term, postings);
      }
      postings.add(story.key);
    }
  }

  private unindex(story: Story): void {
    for (const term of story.indexedTerms) {
      const postings = this.index.get(term);
      postings?.delete(story.key);
      if (postings?.size === 0) this.index.delete(term);
    }
  }

  /** Smoothed inverse document frequency over the items held. */
  private idf(term: string): number {
    return Math.log((this.documentCount + 1) / ((this.documentFrequency.get(term) ?? 0) + 1)) + 1;
  }

  /**
   * Cosine of the item and the story's centroid after weighting both by IDF (`score`), and the
   * same over words that are not names or numbers (`topicScore`): what happened, not who or where.
   */
  private similarity(item: readonly WeightedTerm[], story: Story): { score: number; topicScore: number } {
    const dot = { all: 0, topic: 0 };
    const itemNorm = { all: 0, topic: 0 };
    for (const { term, tf, idf } of item) {
      const weighted = tf * idf;
      const isTopic = !story.entityTerms.has(term);
      itemNorm.all += weighted * weighted;
      if (isTopic) itemNorm.topic += weighted * weighted;
      const other = story.centroid.get(term);
      if (other === undefined) continue;
      dot.all += weighted * other * idf;
      if (isTopic) dot.topic += weighted * other * idf;
    }
    if (dot.all === 0) return { score: 0, topicScore: 0 };
    const centroidNorm = this.centroidNorms(story);
    const cosine = (d: number, a: number, b: number): number => (a > 0 && b > 0 ? d / Math.sqrt(a * b) : 0);
    return {
      score: cosine(dot.all, itemNorm.all, centroidNorm.all),
      topicScore: cosine(dot.topic, itemNorm.topic, centroidNorm.topic),
    };
  }

  /**
   * The centroid's squared norms under current IDF. Recomputing them is O(centroid) per candidate,
   * the dominant cost, so they are cached until the story changes or the number of items held
   * moves by more than NORM_CACHE_DRIFT (IDF then shifts by well under 1%).
   */
  private centroidNorms(story: Story): { all: number; topic: number } {
    const cached = story.norms;
    if (
      cached &&
      Math.abs(this.documentCount - cached.documentCount) <= cached.documentCount * NORM_CACHE_DRIFT
    ) {
      return cached;
    }
    const norms = { documentCount: this.documentCount, all: 0, topic: 0 };
    for (const [term, weight] of story.centroid) {
      const weighted = weight * this.idf(term);
      norms.all += weighted * weighted;
      if (!story.entityTerms.has(term)) norms.topic += weighted * weighted;
    }
    story.norms = norms;
    return norms;
  }

  /** The `count` terms with the highest TF-IDF weight. */
  private topTerms(vector: Map<string, number>, count: number): string[] {
    return [...vector]
      .map(([term, weight]): [string, number] => [term, weight * this.idf(term)])
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, count)
      .map(([term]) => term);
  }
}

/** Feature weights scaled to unit length, so long summaries do not outweigh short ones. */
function normalizedWeights(features: Map<string, { weight: number }>): Map<string, number> {
  let norm = 0;
  for (const { weight } of features.values()) norm += weight * weight;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const vector = new Map<string, number>();
  for (const [term, { weight }] of features) vector.set(term, weight * scale);
  return vector;
}

/**
 * Distinct names among shared entity terms: a pair ("port_halden") and the words inside it
 * count once, so one place mentioned by both is one piece of evidence, not three.
 */
function countNameConcepts(sharedTerms: string[]): number {
  const pairs = sharedTerms.filter((term) => term.includes("_"));
  const wordsInPairs = new Set(pairs.flatMap((pair) => pair.split("_")));
  return pairs.length + sharedTerms.filter((term) => !term.includes("_") && !wordsInPairs.has(term)).length;
}

function pruneLightest(centroid: Map<string, number>, keep: number): void {
  const kept = [...centroid].sort((a, b) => b[1] - a[1]).slice(0, keep);
  centroid.clear();
  for (const [term, weight] of kept) centroid.set(term, weight);
}

function toMs(value: string | Date): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`story clusterer: invalid publishedAt ${String(value)}`);
  return ms;
}
