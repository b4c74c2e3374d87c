import { sql } from "kysely";
import type { Db } from "./database.js";
import { type DialectName, toCount } from "./dialect.js";
import { JSON_FUNCTIONS, parsedJson } from "./json-functions.js";
import { reusableQuery } from "./reusable-query.js";

/**
 * What a story shows on reader pages besides its own row, read on PostgreSQL in the same statement
 * as the row (a JSON value per story), so a page's stories cost no round trips of their own. The
 * articles store reads its pages with it, and the search store its results.
 */

/** What a story shows besides its own row: its terms, source links, author, image and comment count. */
export interface StoryExtras {
  categories: { id: number; name: string; slug: string }[];
  tags: { id: number; name: string; slug: string }[];
  sources: {
    url: string;
    name: string;
    original_author: string | null;
    original_published_at: string | null;
  }[];
  author: { id: number; name: string; slug: string; bio: string } | undefined;
  media:
    | {
        id: number;
        file_name: string;
        mime_type: string;
        width: number | null;
        height: number | null;
        alt: string;
        caption: string;
        credit: string;
        variant_hash: string | null;
        source_url: string | null;
      }
    | undefined;
  /** Approved reader comments. */
  comment_count: number;
}

/**
 * One JSON value with what the story at `alias` shows (see `StoryExtras`, read by `toStoryExtras`):
 * each part an indexed lookup by the story's id, so a page's stories cost no statement of their own.
 */
export function storyExtras(dialect: DialectName, alias: string) {
  const { array, list } = JSON_FUNCTIONS[dialect];
  const s = alias;
  return sql.raw(
    `${array(`
    (select ${list(array("c.id, c.name, c.slug"), "c.name")}
      from article_categories ac join categories c on c.id = ac.category_id where ac.article_id = ${s}.id),
    (select ${list(array("t.id, t.name, t.slug"), "t.name")}
      from article_tags at join tags t on t.id = at.tag_id where at.article_id = ${s}.id),
    (select ${list(array("so.url, so.name, so.original_author, so.original_published_at"), "so.position")}
      from article_sources so where so.article_id = ${s}.id),
    (select ${array("u.id, u.name, u.slug, u.bio")} from users u where u.id = ${s}.author_id),
    (select ${array(`m.id, m.file_name, m.width, m.height, m.alt, m.source_url,
        m.mime_type, m.caption, m.credit, m.variant_hash`)}
      from media m where m.id = ${s}.featured_media_id),
    (select count(*) from comments cm where cm.article_id = ${s}.id and cm.status = 'approved')
  `)}`,
  );
}

type Json = string | number | null;
type ExtrasJson = [
  [number, string, string][],
  [number, string, string][],
  [string, string, string | null, string | null][],
  [number, string, string, string] | null,
  (
    | [
        number,
        string,
        number | null,
        number | null,
        string,
        string | null,
        string,
        string,
        string,
        string | null,
      ]
    | null
  ),
  number,
];

/** Reads `storyExtras`'s JSON (PostgreSQL's JSON times are made ISO here). */
export function toStoryExtras(value: unknown): StoryExtras {
  const [categories, tags, sources, author, media, comments] = parsedJson(value) as ExtrasJson;
  const term = ([id, name, slug]: [number, string, string]) => ({ id, name, slug });
  return {
    categories: categories.map(term),
    tags: tags.map(term),
    sources: sources.map(([url, name, original_author, published]) => ({
      url,
      name,
      original_author,
      original_published_at: published === null ? null : new Date(published).toISOString(),
    })),
    author: author ? { id: author[0], name: author[1], slug: author[2], bio: author[3] } : undefined,
    media: media
      ? {
          id: media[0],
          file_name: media[1],
          width: media[2],
          height: media[3],
          alt: media[4],
          source_url: media[5],
          mime_type: media[6],
          caption: media[7],
          credit: media[8],
          variant_hash: media[9],
        }
      : undefined,
    comment_count: Number(comments as Json),
  };
}

const approvedCommentCounts = reusableQuery((db, params: { articleIds: number[] }) =>
  db
    .selectFrom("comments")
    .select(["article_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("article_id", "in", params.articleIds)
    .where("status", "=", "approved")
    .groupBy("article_id"),
);

/** Approved-comment counts of many stories in one grouped query (0 for none): `comment_count` read on its own. */
export async function countApprovedComments(db: Db, articleIds: number[]): Promise<Map<number, number>> {
  const counts = new Map(articleIds.map((id) => [id, 0]));
  if (articleIds.length === 0) return counts;
  for (const row of await approvedCommentCounts(db, { articleIds }))
    counts.set(row.article_id, toCount(row.n));
  return counts;
}
