/**
 * Streaming WXR 1.2 writer: records in, a file WordPress's importer accepts out, laid out as
 * WordPress's own exporter does (same namespaces, element order and CDATA use). One record is
 * formatted at a time and the output's backpressure is honoured, so exports of any size run in
 * flat memory.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { escapeXml } from "../../lib/html-escape.js";
import { formatRssDate, formatWpDate, WP_ZERO_DATE } from "./dates.js";
import {
  OLD_SLUG_META_KEY,
  type WxrAuthor,
  type WxrCategory,
  type WxrComment,
  type WxrPost,
  type WxrSite,
  type WxrTag,
  type WxrWritableRecord,
} from "./types.js";
import { cdata } from "./xml-text.js";

/** An item with every field at its empty value (an attachment's defaults): spread it and set what differs. */
export function blankWxrItem(): Omit<WxrPost, "wpId" | "postType" | "title" | "link" | "guid"> & {
  kind: "item";
} {
  return {
    kind: "item",
    creatorLogin: "",
    contentHtml: "",
    excerptHtml: "",
    postDateGmt: null,
    postDateSource: "missing",
    modifiedDateGmt: null,
    postName: "",
    status: "inherit",
    parentId: 0,
    menuOrder: 0,
    isSticky: false,
    commentStatus: "closed",
    pingStatus: "closed",
    postPassword: "",
    categories: [],
    postmeta: {},
    oldSlugs: [],
    attachmentUrl: "",
    comments: [],
  };
}

/** Options of `writeWxr`. */
export interface WriteWxrOptions {
  /** Time zone of `wp:post_date` and other local dates (the GMT ones are always UTC). */
  timeZone?: string;
  /** Whether to end `output` when done (default true; false to keep e.g. stdout open). */
  end?: boolean;
  /** Written as `<generator>`. */
  generator?: string;
}

const HEADER_COMMENT =
  "<!-- This is a WordPress eXtended RSS file: import it with WordPress's Tools → Import → WordPress. -->";

function element(name: string, content: string): string {
  return `<${name}>${content}</${name}>`;
}

function siteHeader(site: WxrSite, generator: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8" ?>',
    HEADER_COMMENT,
    '<rss version="2.0"',
    '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"',
    '\txmlns:content="http://purl.org/rss/1.0/modules/content/"',
    '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"',
    '\txmlns:dc="http://purl.org/dc/elements/1.1/"',
    '\txmlns:wp="http://wordpress.org/export/1.2/"',
    ">",
    "<channel>",
    `\t${element("title", escapeXml(site.title))}`,
    `\t${element("link", escapeXml(site.link))}`,
    `\t${element("description", escapeXml(site.description))}`,
    `\t${element("language", escapeXml(site.language))}`,
    `\t${element("wp:wxr_version", "1.2")}`,
    `\t${element("wp:base_site_url", escapeXml(site.baseSiteUrl))}`,
    `\t${element("wp:base_blog_url", escapeXml(site.baseBlogUrl))}`,
    `\t${element("generator", escapeXml(generator))}`,
    "",
  ].join("\n");
}

function authorElement(author: WxrAuthor): string {
  const id = author.wpId === null ? "" : element("wp:author_id", String(author.wpId));
  return `\t<wp:author>${id}${element("wp:author_login", cdata(author.login))}${element(
    "wp:author_email",
    cdata(author.email),
  )}${element("wp:author_display_name", cdata(author.displayName))}${element(
    "wp:author_first_name",
    cdata(author.firstName),
  )}${element("wp:author_last_name", cdata(author.lastName))}</wp:author>\n`;
}

function termIdElement(wpId: number | null): string {
  return wpId === null ? "" : `\t\t${element("wp:term_id", String(wpId))}\n`;
}

function categoryElement(category: WxrCategory): string {
  return (
    "\t<wp:category>\n" +
    termIdElement(category.wpId) +
    `\t\t${element("wp:category_nicename", cdata(category.slug))}\n` +
    `\t\t${element("wp:category_parent", cdata(category.parentSlug ?? ""))}\n` +
    `\t\t${element("wp:cat_name", cdata(category.name))}\n` +
    `\t\t${element("wp:category_description", cdata(category.description))}\n` +
    "\t</wp:category>\n"
  );
}

function tagElement(tag: WxrTag): string {
  return (
    "\t<wp:tag>\n" +
    termIdElement(tag.wpId) +
    `\t\t${element("wp:tag_slug", cdata(tag.slug))}\n` +
    `\t\t${element("wp:tag_name", cdata(tag.name))}\n` +
    `\t\t${element("wp:tag_description", cdata(tag.description))}\n` +
    "\t</wp:tag>\n"
  );
}

function commentElement(comment: WxrComment, timeZone: string): string {
  const lines = [
    element("wp:comment_id", String(comment.wpId)),
    element("wp:comment_author", cdata(comment.authorName)),
    element("wp:comment_author_email", cdata(comment.authorEmail)),
    element("wp:comment_author_url", escapeXml(comment.authorUrl)),
    element("wp:comment_author_IP", cdata(comment.authorIp)),
    element("wp:comment_date", cdata(formatWpDate(comment.dateGmt, timeZone))),
    element("wp:comment_date_gmt", cdata(formatWpDate(comment.dateGmt))),
    element("wp:comment_content", cdata(comment.content)),
    element("wp:comment_approved", cdata(comment.approved)),
    element("wp:comment_type", cdata(comment.type)),
    element("wp:comment_parent", String(comment.parentId)),
    element("wp:comment_user_id", String(comment.userId)),
  ];
  return `\t\t<wp:comment>\n${lines.map((line) => `\t\t\t${line}\n`).join("")}\t\t</wp:comment>\n`;
}

function postmetaElement(key: string, value: string): string {
  return `\t\t<wp:postmeta>\n\t\t\t${element("wp:meta_key", cdata(key))}\n\t\t\t${element(
    "wp:meta_value",
    cdata(value),
  )}\n\t\t</wp:postmeta>\n`;
}

/** `wp:post_date` and `wp:post_date_gmt`, keeping WordPress's "floating date" of drafts. */
function postDates(post: WxrPost, timeZone: string): [local: string, gmt: string] {
  switch (post.postDateSource) {
    case "gmt":
      return [formatWpDate(post.postDateGmt, timeZone), formatWpDate(post.postDateGmt)];
    case "local":
      return [formatWpDate(post.postDateGmt), WP_ZERO_DATE];
    default:
      return [WP_ZERO_DATE, WP_ZERO_DATE];
  }
}

function itemElement(post: WxrPost, timeZone: string): string {
  const [postDate, postDateGmt] = postDates(post, timeZone);
  const fields = [
    element("title", cdata(post.title)),
    element("link", escapeXml(post.link)),
    element("pubDate", formatRssDate(post.postDateGmt)),
    element("dc:creator", cdata(post.creatorLogin)),
    `<guid isPermaLink="false">${escapeXml(post.guid)}</guid>`,
    "<description></description>",
    element("content:encoded", cdata(post.contentHtml)),
    element("excerpt:encoded", cdata(post.excerptHtml)),
    element("wp:post_id", String(post.wpId)),
    element("wp:post_date", cdata(postDate)),
    element("wp:post_date_gmt", cdata(postDateGmt)),
    element("wp:post_modified", cdata(formatWpDate(post.modifiedDateGmt, timeZone))),
    element("wp:post_modified_gmt", cdata(formatWpDate(post.modifiedDateGmt))),
    element("wp:comment_status", cdata(post.commentStatus)),
    element("wp:ping_status", cdata(post.pingStatus)),
    element("wp:post_name", cdata(post.postName)),
    element("wp:status", cdata(post.status)),
    element("wp:post_parent", String(post.parentId)),
    element("wp:menu_order", String(post.menuOrder)),
    element("wp:post_type", cdata(post.postType)),
    element("wp:post_password", cdata(post.postPassword)),
    element("wp:is_sticky", post.isSticky ? "1" : "0"),
  ];
  if (post.attachmentUrl !== "") fields.push(element("wp:attachment_url", cdata(post.attachmentUrl)));
  for (const ref of post.categories) {
    const attributes = `domain="${escapeXml(ref.domain)}" nicename="${escapeXml(ref.slug)}"`;
    fields.push(`<category ${attributes}>${cdata(ref.name)}</category>`);
  }
  let nested = "";
  for (const [key, value] of Object.entries(post.postmeta)) nested += postmetaElement(key, value);
  for (const slug of post.oldSlugs) nested += postmetaElement(OLD_SLUG_META_KEY, slug);
  for (const comment of post.comments) nested += commentElement(comment, timeZone);
  return `\t<item>\n${fields.map((field) => `\t\t${field}\n`).join("")}${nested}\t</item>\n`;
}

async function writeChunk(output: Writable, chunk: string): Promise<void> {
  if (!output.write(chunk)) await once(output, "drain");
}

/**
 * Writes `records` to `output` as WXR 1.2. The first record must be the site; the rest are
 * written in the order given (WordPress's order is authors, categories, tags, then items).
 * Resolves once everything is flushed; rejects if the output fails.
 */
export async function writeWxr(
  output: Writable,
  records: AsyncIterable<WxrWritableRecord> | Iterable<WxrWritableRecord>,
  options: WriteWxrOptions = {},
): Promise<void> {
  const timeZone = options.timeZone ?? "UTC";
  let hasHeader = false;
  for await (const record of records) {
    if (!hasHeader) {
      if (record.kind !== "site")
        throw new Error(`writeWxr: the first record must be the site, not ${record.kind}`);
      await writeChunk(output, siteHeader(record, options.generator ?? "Broadsheet"));
      hasHeader = true;
      continue;
    }
    switch (record.kind) {
      case "site":
        throw new Error("writeWxr: only one site record is allowed");
      case "author":
        await writeChunk(output, authorElement(record));
        break;
      case "category":
        await writeChunk(output, categoryElement(record));
        break;
      case "tag":
        await writeChunk(output, tagElement(record));
        break;
      case "item":
        await writeChunk(output, itemElement(record, timeZone));
        break;
    }
  }
  if (!hasHeader) throw new Error("writeWxr: no site record to write");
  await writeChunk(output, "</channel>\n</rss>\n");
  if (options.end ?? true) {
    output.end();
    await finished(output);
  }
}
