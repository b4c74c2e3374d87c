/**
 * A deterministic synthetic WordPress site, as WXR records, for size and speed checks of the
 * reader and writer (`scripts/generate-wxr.ts`) and for tests. Records are generated one at a
 * time, so any size can be streamed without being held in memory.
 */

import { createSeededRandom } from "../../lib/seeded-random.js";
import type { WxrComment, WxrPost, WxrWritableRecord } from "./types.js";
import { blankWxrItem } from "./writer.js";

/** Options of `syntheticWxrRecords`. */
export interface SyntheticSiteOptions {
  posts: number;
  /** Spread evenly over the posts, threaded. */
  comments: number;
}

/** What `syntheticWxrRecords` produces for the given options, for assertions and reports. */
export interface SyntheticSiteCounts {
  authors: number;
  categories: number;
  tags: number;
  posts: number;
  attachments: number;
  comments: number;
}

const AUTHOR_LOGINS = ["editor", "alice", "bruno", "chen", "dagny"];
const TOP_CATEGORIES = ["news", "politics", "business", "culture"];
const SUB_CATEGORIES = ["local", "world", "elections", "markets", "tech", "books", "music", "film"];
const TAG_COUNT = 50;
/** One featured-image attachment per this many posts. */
const POSTS_PER_ATTACHMENT = 10;
const WORDS = (
  "council budget harbour storm election minister market shares report city river bridge school " +
  "hospital museum festival court ruling vote police weather traffic transport housing energy " +
  "prices workers union strike village mayor plan protest science study climate season match " +
  "goal team coach record crowd stadium review album novel theatre gallery history archive"
).split(" ");
const SITE_URL = "https://synthetic.example.com";
const DAY_MS = 86_400_000;
const FIRST_POST_MS = Date.UTC(2015, 0, 1, 8, 0, 0);

/** Counts for the given options. */
export function syntheticSiteCounts(options: SyntheticSiteOptions): SyntheticSiteCounts {
  return {
    authors: AUTHOR_LOGINS.length,
    categories: TOP_CATEGORIES.length + SUB_CATEGORIES.length,
    tags: TAG_COUNT,
    posts: options.posts,
    attachments: Math.ceil(options.posts / POSTS_PER_ATTACHMENT),
    comments: options.comments,
  };
}

function sentence(random: () => number, words: number): string {
  const picked: string[] = [];
  for (let index = 0; index < words; index += 1) picked.push(WORDS[Math.floor(random() * WORDS.length)]);
  const text = picked.join(" ");
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function paragraph(random: () => number): string {
  const sentences: string[] = [];
  for (let index = 0; index < 5; index += 1) sentences.push(sentence(random, 8 + Math.floor(random() * 10)));
  return sentences.join(" ");
}

function classicContent(random: () => number, postId: number, imageUrl: string | undefined): string {
  const parts = [paragraph(random), `${paragraph(random)}\n${sentence(random, 6)}`];
  if (imageUrl) {
    parts.push(
      `[caption id="attachment_${postId}" align="aligncenter" width="800"]<img src="${imageUrl}" alt="" ` +
        `width="800" height="533" /> ${sentence(random, 6)}[/caption]`,
    );
  }
  if (postId % 7 === 0) parts.push(`https://www.youtube.com/watch?v=synthetic${postId}`);
  parts.push(paragraph(random), `<h2>${sentence(random, 4)}</h2>`, paragraph(random));
  return parts.join("\n\n");
}

function blockContent(random: () => number): string {
  const block = (name: string, html: string): string => `<!-- wp:${name} -->\n${html}\n<!-- /wp:${name} -->`;
  return [
    block("paragraph", `<p>${paragraph(random)}</p>`),
    block("heading", `<h2 class="wp-block-heading">${sentence(random, 4)}</h2>`),
    block("paragraph", `<p>${paragraph(random)}</p>`),
    block("quote", `<blockquote class="wp-block-quote"><p>${sentence(random, 10)}</p></blockquote>`),
    block("paragraph", `<p>${paragraph(random)}</p>`),
    block("paragraph", `<p>${paragraph(random)}</p>`),
  ].join("\n\n");
}

function postStatus(index: number): string {
  if (index % 97 === 96) return "future";
  if (index % 71 === 70) return "private";
  if (index % 50 === 49) return "draft";
  return "publish";
}

function basePost(wpId: number, postType: string, dateMs: number): Omit<WxrPost, "title" | "contentHtml"> {
  const iso = new Date(dateMs).toISOString().replace(".000Z", "Z");
  return {
    ...blankWxrItem(),
    wpId,
    postType,
    link: `${SITE_URL}/?p=${wpId}`,
    guid: `${SITE_URL}/?p=${wpId}`,
    creatorLogin: AUTHOR_LOGINS[wpId % AUTHOR_LOGINS.length],
    postDateGmt: iso,
    postDateSource: "gmt",
    modifiedDateGmt: iso,
    status: "publish",
    commentStatus: "open",
    pingStatus: "open",
  };
}

function commentsFor(random: () => number, post: number, first: number, count: number, dateMs: number) {
  const comments: WxrComment[] = [];
  for (let index = 0; index < count; index += 1) {
    const wpId = first + index;
    const isPingback = wpId % 31 === 0;
    comments.push({
      wpId,
      authorName: isPingback ? "Other Site » A post" : `Reader ${wpId % 997}`,
      authorEmail: isPingback ? "" : `reader${wpId % 997}@example.org`,
      authorUrl: isPingback ? `https://other.example/${post}/` : "",
      authorIp: `192.0.2.${wpId % 250}`,
      dateGmt: new Date(dateMs + (index + 1) * 3_600_000).toISOString().replace(".000Z", "Z"),
      content: isPingback
        ? "[&#8230;] a pingback [&#8230;]"
        : `${sentence(random, 12)}\n\n${sentence(random, 8)}`,
      approved: wpId % 29 === 0 ? "spam" : wpId % 13 === 0 ? "0" : "1",
      type: isPingback ? "pingback" : "comment",
      // Every third comment answers the one before it, so threads are a few levels deep.
      parentId: index > 0 && index % 3 !== 0 ? wpId - 1 : 0,
      userId: 0,
    });
  }
  return comments;
}

/** The records of a synthetic site: site, authors, categories, tags, then attachments and posts. */
export function* syntheticWxrRecords(options: SyntheticSiteOptions): Generator<WxrWritableRecord> {
  const random = createSeededRandom(20240115);
  yield {
    kind: "site",
    title: "Synthetic Ledger",
    link: SITE_URL,
    description: "Generated for load tests",
    language: "en-GB",
    wxrVersion: "1.2",
    baseSiteUrl: SITE_URL,
    baseBlogUrl: SITE_URL,
  };
  for (const [index, login] of AUTHOR_LOGINS.entries()) {
    yield {
      kind: "author",
      wpId: index + 1,
      login,
      email: `${login}@synthetic.example.com`,
      displayName: login[0].toUpperCase() + login.slice(1),
      firstName: "",
      lastName: "",
    };
  }
  const categories = [...TOP_CATEGORIES, ...SUB_CATEGORIES];
  for (const [index, slug] of categories.entries()) {
    const parentSlug = index < TOP_CATEGORIES.length ? null : TOP_CATEGORIES[index % TOP_CATEGORIES.length];
    yield { kind: "category", wpId: index + 2, slug, name: slug.toUpperCase(), parentSlug, description: "" };
  }
  for (let index = 0; index < TAG_COUNT; index += 1) {
    yield { kind: "tag", wpId: 100 + index, slug: `topic-${index}`, name: `Topic ${index}`, description: "" };
  }

  let nextCommentId = 1;
  for (let index = 0; index < options.posts; index += 1) {
    const wpId = 1000 + index * 2;
    const dateMs = FIRST_POST_MS + index * (DAY_MS / 4);
    let imageUrl: string | undefined;
    if (index % POSTS_PER_ATTACHMENT === 0) {
      imageUrl = `${SITE_URL}/wp-content/uploads/img-${index}.jpg`;
      const attachment = basePost(wpId + 1, "attachment", dateMs);
      yield {
        ...attachment,
        kind: "item",
        title: `img-${index}`,
        contentHtml: "",
        status: "inherit",
        parentId: wpId,
        attachmentUrl: imageUrl,
        postmeta: { _wp_attached_file: `img-${index}.jpg` },
      };
    }
    const commentCount =
      Math.floor(((index + 1) * options.comments) / options.posts) -
      Math.floor((index * options.comments) / options.posts);
    const title = `${sentence(random, 6).slice(0, -1)} ${index}`;
    const post = basePost(wpId, "post", dateMs);
    yield {
      ...post,
      kind: "item",
      title,
      postName: title.toLowerCase().replaceAll(" ", "-"),
      link: `${SITE_URL}/${new Date(dateMs).toISOString().slice(0, 10).replaceAll("-", "/")}/${index}/`,
      contentHtml: index % 2 === 0 ? classicContent(random, wpId, imageUrl) : blockContent(random),
      status: postStatus(index),
      isSticky: index < 3,
      categories: [
        {
          domain: "category",
          slug: categories[index % categories.length],
          name: categories[index % categories.length].toUpperCase(),
        },
        { domain: "post_tag", slug: `topic-${index % TAG_COUNT}`, name: `Topic ${index % TAG_COUNT}` },
      ],
      postmeta: imageUrl ? { _thumbnail_id: String(wpId + 1) } : {},
      comments: commentsFor(random, wpId, nextCommentId, commentCount, dateMs),
    };
    nextCommentId += commentCount;
  }
}
