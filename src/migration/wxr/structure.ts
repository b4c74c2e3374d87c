/**
 * The shape of a WXR file as the reader walks it: which namespaces mean what, which elements
 * open a group (an item, a comment…), and which child elements' text each group keeps.
 */
import type { SaxesTagNS } from "saxes";

const NAMESPACE_ALIASES: ReadonlyArray<[RegExp, string]> = [
  [/^https?:\/\/wordpress\.org\/export\/1\.[0-2]\/$/, "wp"],
  [/^https?:\/\/wordpress\.org\/export\/1\.[0-2]\/excerpt\/$/, "excerpt"],
  [/^http:\/\/purl\.org\/rss\/1\.0\/modules\/content\/$/, "content"],
  [/^http:\/\/purl\.org\/dc\/elements\/1\.1\/$/, "dc"],
];

/** Where the reader is: the element group whose children it is reading. */
export type Scope =
  | "document"
  | "rss"
  | "channel"
  | "author"
  | "category"
  | "tag"
  | "item"
  | "postmeta"
  | "comment";

/** Child elements whose text each scope keeps; everything else is skipped unread. */
export const FIELDS: Record<Scope, ReadonlySet<string>> = {
  document: new Set(),
  rss: new Set(),
  channel: new Set([
    "title",
    "link",
    "description",
    "language",
    "wp:wxr_version",
    "wp:base_site_url",
    "wp:base_blog_url",
  ]),
  author: new Set([
    "wp:author_id",
    "wp:author_login",
    "wp:author_email",
    "wp:author_display_name",
    "wp:author_first_name",
    "wp:author_last_name",
  ]),
  category: new Set([
    "wp:term_id",
    "wp:category_nicename",
    "wp:category_parent",
    "wp:cat_name",
    "wp:category_description",
  ]),
  tag: new Set(["wp:term_id", "wp:tag_slug", "wp:tag_name", "wp:tag_description"]),
  item: new Set([
    "title",
    "link",
    "guid",
    "dc:creator",
    "content:encoded",
    "excerpt:encoded",
    "wp:post_id",
    "wp:post_date",
    "wp:post_date_gmt",
    "wp:post_modified",
    "wp:post_modified_gmt",
    "wp:comment_status",
    "wp:ping_status",
    "wp:post_name",
    "wp:status",
    "wp:post_parent",
    "wp:menu_order",
    "wp:post_type",
    "wp:post_password",
    "wp:is_sticky",
    "wp:attachment_url",
    "category",
  ]),
  postmeta: new Set(["wp:meta_key", "wp:meta_value"]),
  comment: new Set([
    "wp:comment_id",
    "wp:comment_author",
    "wp:comment_author_email",
    "wp:comment_author_url",
    "wp:comment_author_IP",
    "wp:comment_date",
    "wp:comment_date_gmt",
    "wp:comment_content",
    "wp:comment_approved",
    "wp:comment_type",
    "wp:comment_parent",
    "wp:comment_user_id",
  ]),
};

/** Element groups that open a new scope, by the scope they appear in. */
export const CHILD_SCOPES: Partial<Record<Scope, Record<string, Scope>>> = {
  document: { rss: "rss" },
  rss: { channel: "channel" },
  channel: { "wp:author": "author", "wp:category": "category", "wp:tag": "tag", item: "item" },
  item: { "wp:postmeta": "postmeta", "wp:comment": "comment" },
};

/** Channel children that end the header: the site record must be out before them. */
export const AFTER_HEADER: ReadonlySet<string> = new Set([
  "wp:author",
  "wp:category",
  "wp:tag",
  "wp:term",
  "item",
]);

/** Namespace URI → key prefix; a file uses a handful of URIs, millions of times. */
const prefixCache = new Map<string, string>();

/** `wp:post_id`-style key of an element: a known namespace alias, else `{uri}local`. */
export function elementKey(tag: SaxesTagNS): string {
  if (tag.uri === "") return tag.local;
  let prefix = prefixCache.get(tag.uri);
  if (prefix === undefined) {
    const alias = NAMESPACE_ALIASES.find(([pattern]) => pattern.test(tag.uri))?.[1];
    prefix = alias === undefined ? `{${tag.uri}}` : `${alias}:`;
    prefixCache.set(tag.uri, prefix);
  }
  return prefix + tag.local;
}
