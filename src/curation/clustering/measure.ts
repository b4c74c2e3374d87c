/**
 * Throughput and memory of the curation pipeline on a synthetic corpus: 10,000 items in 100 RSS
 * feeds, parsed + cleaned (parseFeed) and then clustered (StoryClusterer), with the pairwise
 * precision/recall the generator's own labels allow. Run: `npx tsx src/curation/clustering/measure.ts`.
 * Numbers only; nothing here asserts timing.
 */
import { performance } from "node:perf_hooks";
import { escapeHtml } from "../../lib/html-escape.js";
import { createSeededRandom } from "../../lib/seeded-random.js";
import { type ParsedItem, parseFeed } from "../parser/parse-feed.js";
import { StoryClusterer } from "./story-clusterer.js";

const ITEM_COUNT = 10_000;
const FEED_COUNT = 100;
const OUTLETS = 40;
const DAYS = 30;
const GENERIC_SHARE = 0.3;

const random = createSeededRandom(20240513);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
const SYLLABLES = [
  "kal",
  "dor",
  "ven",
  "mar",
  "tis",
  "bro",
  "len",
  "sa",
  "rik",
  "o",
  "thu",
  "nel",
  "gar",
  "vi",
];
const properName = (): string => {
  const word = Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(SYLLABLES)).join("");
  return word[0].toUpperCase() + word.slice(1);
};

interface EventType {
  titles: string[];
  summaries: string[];
  words: Record<string, string[]>;
}

/** Each placeholder {word} is replaced by a random synonym, so outlets word one event differently. */
const EVENT_TYPES: EventType[] = [
  {
    titles: [
      "{quake} {hits} {place}, {n} {dead}",
      "{n} {dead} as {quake} {hits} {place}",
      "{place} {quake}: {person} declares emergency",
    ],
    summaries: [
      "The magnitude {m} {quake} {hits} {place} before dawn. {person} said {n} people had died.",
      "Rescuers in {place} searched collapsed buildings after the {m} {quake}, {person} said.",
    ],
    words: {
      quake: ["earthquake", "quake", "tremor"],
      hits: ["strikes", "hits", "rocks", "shakes"],
      dead: ["dead", "killed", "die"],
    },
  },
  {
    titles: [
      "{workers} at {org} walk out over pay",
      "{org} {strike} halts services in {place}",
      "{person} says {strike} at {org} will last {n} hours",
    ],
    summaries: [
      "{workers} at {org} in {place} began a {n}-hour {strike} after rejecting a {m}% offer, {person} said.",
      "Services run by {org} stopped as the {strike} led by {person} spread across {place}.",
    ],
    words: { workers: ["Drivers", "Crews", "Staff", "Nurses"], strike: ["strike", "walkout", "stoppage"] },
  },
  {
    titles: [
      "{org} to buy {org2} for {m} billion",
      "{org2} shareholders back {org} takeover",
      "Regulator to review {org} deal for {org2}",
    ],
    summaries: [
      "{org} agreed to {acquire} {org2} for {m} billion, chief executive {person} announced.",
      "The {m} billion {deal} between {org} and {org2} will be examined by regulators, {person} said.",
    ],
    words: { acquire: ["acquire", "buy", "take over"], deal: ["deal", "merger", "takeover"] },
  },
  {
    titles: [
      "{fire} forces {n} to flee {place}",
      "{place} {fire} grows to {m} hectares",
      "Crews battle {fire} near {place}",
    ],
    summaries: [
      "Fire chief {person} ordered {n} residents of {place} to leave as the {fire} spread over {m} hectares.",
      "Firefighters worked overnight near {place}, {person} said, as the {fire} jumped a highway.",
    ],
    words: { fire: ["wildfire", "blaze", "forest fire", "bushfire"] },
  },
  {
    titles: [
      "{person} wins {place} election with {m}% of the vote",
      "{place} votes: {person} claims victory",
      "{person} faces coalition talks in {place}",
    ],
    summaries: [
      "{person} took {m} per cent of the vote in {place}, results showed, ahead of {person2}.",
      "Supporters of {person} celebrated in {place} as results put her party far ahead of {person2}.",
    ],
    words: {},
  },
];

/** Everyday news, assembled from shared vocabulary so items overlap in words but report nothing in common. */
// biome-ignore format: packed word lists read better
const GENERIC_PARTS = {
  subject: ["Officials", "The council", "Police", "Investors", "Forecasters", "The government", "Residents", "Traders", "The ministry", "Shoppers"],
  verb: ["expect", "review", "warn about", "welcome", "question", "plan", "announce", "delay", "discuss"],
  object: ["new parking rules", "higher prices", "the budget", "road repairs", "school funding", "interest rates", "heavy rain", "inflation data", "hospital waiting times", "energy bills", "bus timetables", "the plan"],
  detail: ["again", "amid concerns", "after delays", "for families", "in the north", "in the south", "near the centre", "for commuters", "ahead of summer"],
  when: ["on Monday", "this week", "next month", "in the coming weeks", "later this year", "on Friday"],
};

function genericSentence(): string {
  const { subject, verb, object, detail, when } = GENERIC_PARTS;
  return `${pick(subject)} ${pick(verb)} ${pick(object)} ${pick(detail)} ${pick(when)}, officials said.`;
}

interface SyntheticItem {
  label: string;
  outlet: number;
  publishedAtMs: number;
  title: string;
  summaryHtml: string;
}

function fill(template: string, values: Record<string, string>, words: Record<string, string[]>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) =>
    words[key] ? pick(words[key]) : (values[key] ?? key),
  );
}

function generateCorpus(): SyntheticItem[] {
  const start = Date.parse("2024-05-01T00:00:00Z");
  const items: SyntheticItem[] = [];
  let eventNumber = 0;
  while (items.length < ITEM_COUNT) {
    const publishedAtMs = start + random() * DAYS * 86_400_000;
    if (random() < GENERIC_SHARE) {
      const { subject, verb, object, detail } = GENERIC_PARTS;
      items.push({
        label: `generic-${items.length}`,
        outlet: Math.floor(random() * OUTLETS),
        publishedAtMs,
        title: `${pick(subject)} ${pick(verb)} ${pick(object)} ${pick(detail)}`,
        summaryHtml: `<p>${genericSentence()} ${genericSentence()}</p>`,
      });
      continue;
    }
    const type = pick(EVENT_TYPES);
    const values = {
      place: `${properName()}${random() < 0.5 ? ` ${properName()}` : ""}`,
      person: `${properName()} ${properName()}`,
      person2: `${properName()} ${properName()}`,
      org: `${properName()} ${pick(["Bank", "Lines", "Group", "Energy", "Health"])}`,
      org2: `${properName()} ${pick(["Savings", "Holdings", "Foods", "Motors"])}`,
      n: String(10 + Math.floor(random() * 990)),
      m: (1 + random() * 80).toFixed(1),
    };
    const label = `event-${eventNumber++}`;
    const reports = 2 + Math.floor(random() * 5);
    for (let r = 0; r < reports && items.length < ITEM_COUNT; r++) {
      const summary = escapeHtml(fill(pick(type.summaries), values, type.words));
      items.push({
        label,
        outlet: Math.floor(random() * OUTLETS),
        publishedAtMs: publishedAtMs + random() * 36 * 3_600_000,
        title: fill(pick(type.titles), values, type.words),
        summaryHtml: `<p>${summary} <a href="/more?utm_source=rss">Read more</a> <img src="/img/${items.length}.jpg"></p>`,
      });
    }
  }
  return items;
}

/** Spreads the corpus over FEED_COUNT RSS 2.0 documents, as the fetcher would hand them over. */
function toFeeds(items: SyntheticItem[]): Array<{ url: string; xml: string; labels: string[] }> {
  const feeds = Array.from({ length: FEED_COUNT }, (_, f) => ({
    url: `https://outlet${f}.example/feed`,
    entries: [] as string[],
    labels: [] as string[],
  }));
  items.forEach((item, index) => {
    const feed = feeds[index % FEED_COUNT];
    feed.labels.push(item.label);
    feed.entries.push(
      `<item><title>${escapeHtml(item.title)}</title><link>/story/${index}?utm_campaign=x</link><guid isPermaLink="false">item-${index}</guid>` +
        `<pubDate>${new Date(item.publishedAtMs).toUTCString()}</pubDate><description><![CDATA[${item.summaryHtml}]]></description></item>`,
    );
  });
  return feeds.map((feed) => ({
    url: feed.url,
    labels: feed.labels,
    xml: `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Outlet</title><link>${feed.url}</link>${feed.entries.join("")}</channel></rss>`,
  }));
}

/** Pairwise precision and recall from cluster/label counts, in O(items). */
function pairwiseScores(labels: string[], clusters: string[]): { precision: number; recall: number } {
  const pairs = (counts: Map<string, number>): number =>
    [...counts.values()].reduce((sum, n) => sum + (n * (n - 1)) / 2, 0);
  const count = (keys: string[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
  };
  const both = pairs(count(labels.map((label, i) => `${label}\u0000${clusters[i]}`)));
  return { precision: both / pairs(count(clusters)), recall: both / pairs(count(labels)) };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
/** CPU time of this process: on a busy machine it measures the work, where wall time also counts waiting. */
const cpuMs = ({ user, system }: NodeJS.CpuUsage): number => (user + system) / 1000;
const perSecond = (count: number, ms: number): string =>
  `${Math.round((count / ms) * 1000).toLocaleString("en")} items/s`;

const feeds = toFeeds(generateCorpus());
const heapBefore = process.memoryUsage().heapUsed;

const parseCpu = process.cpuUsage();
const parseStart = performance.now();
const parsed: Array<{ item: ParsedItem; label: string; sourceId: string }> = [];
for (const feed of feeds) {
  const result = parseFeed({
    body: Buffer.from(feed.xml),
    url: feed.url,
    fetchedAt: new Date("2024-06-01T00:00:00Z"),
  });
  for (const [i, item] of result.items.entries())
    parsed.push({ item, label: feed.labels[i], sourceId: feed.url });
}
const parseMs = performance.now() - parseStart;
const parseCpuMs = cpuMs(process.cpuUsage(parseCpu));

const clusterCpu = process.cpuUsage();
const clusterStart = performance.now();
const { clusterer, assignments } = StoryClusterer.rebuild(
  parsed.map(({ item, sourceId }) => ({
    id: item.dedupKey,
    title: item.title,
    summaryText: item.summaryText,
    publishedAt: item.publishedAt,
    sourceId,
  })),
);
const clusterMs = performance.now() - clusterStart;
const clusterCpuMs = cpuMs(process.cpuUsage(clusterCpu));
const heapAfter = process.memoryUsage().heapUsed;

const scores = pairwiseScores(
  parsed.map(({ label }) => label),
  parsed.map(({ item }) => assignments.get(item.dedupKey)?.storyKey ?? item.dedupKey),
);
const stats = clusterer.stats();
const count = parsed.length;
console.log(`items: ${count} in ${feeds.length} feeds over ${DAYS} days`);
console.log(`parsed + cleaned: ${perSecond(count, parseMs)} wall, ${perSecond(count, parseCpuMs)} CPU`);
console.log(`clustered:        ${perSecond(count, clusterMs)} wall, ${perSecond(count, clusterCpuMs)} CPU`);
console.log(
  `end to end:       ${perSecond(count, parseMs + clusterMs)} wall, ${perSecond(count, parseCpuMs + clusterCpuMs)} CPU`,
);
console.log(`held after eviction: ${stats.stories} stories, ${stats.items} items, ${stats.vocabulary} terms`);
console.log(`candidate stories scored per item: ${(stats.candidatesScored / count).toFixed(1)}`);
console.log(
  `heap: +${mb(heapAfter - heapBefore)} while parsing and clustering; rss ${mb(process.memoryUsage().rss)}`,
);
console.log(
  `synthetic pairwise precision ${scores.precision.toFixed(3)}, recall ${scores.recall.toFixed(3)}`,
);
