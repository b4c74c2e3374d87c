/**
 * Records of a WordPress eXtended RSS (WXR 1.0–1.2) export, as the streaming reader yields them
 * and the writer accepts them. Values are WordPress's own, decoded from XML but not yet mapped to
 * Broadsheet's rules (that is `mapping.ts`): statuses are raw WordPress strings, HTML is unsanitised.
 */

/** The channel header: emitted once, before any author, term or item. */
export interface WxrSite {
  kind: "site";
  title: string;
  link: string;
  description: string;
  language: string;
  /** `wp:wxr_version`, one of "1.0", "1.1", "1.2". */
  wxrVersion: string;
  baseSiteUrl: string;
  baseBlogUrl: string;
}

/** A `wp:author` (a WordPress user who wrote something in the export). */
export interface WxrAuthor {
  kind: "author";
  /** `wp:author_id`; `null` when absent (WXR 1.0 has no ids). */
  wpId: number | null;
  login: string;
  email: string;
  displayName: string;
  firstName: string;
  lastName: string;
}

/** A channel-level `wp:category`; slugs are percent-decoded (`caf%c3%a9` → `café`). */
export interface WxrCategory {
  kind: "category";
  wpId: number | null;
  /** `wp:category_nicename`. */
  slug: string;
  name: string;
  /** The parent's nicename, `null` for a top-level category. */
  parentSlug: string | null;
  description: string;
}

/** A channel-level `wp:tag`. */
export interface WxrTag {
  kind: "tag";
  wpId: number | null;
  slug: string;
  name: string;
  description: string;
}

/** A `<category domain=… nicename=…>` reference inside an item. */
export interface WxrTermRef {
  domain: "category" | "post_tag";
  slug: string;
  name: string;
}

/** A `wp:comment` inside an item. */
export interface WxrComment {
  wpId: number;
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  authorIp: string;
  /** ISO 8601 UTC from `wp:comment_date_gmt`, else `wp:comment_date`; `null` when neither is valid. */
  dateGmt: string | null;
  content: string;
  /** `wp:comment_approved`: "1", "0", "spam", "trash" or "post-trashed". */
  approved: WxrCommentApproval;
  /** `wp:comment_type`: "" or "comment" for comments, "pingback", "trackback", or a plugin's type. */
  type: string;
  /** The parent comment's `wpId`, 0 at the top of a thread. */
  parentId: number;
  /** The commenter's WordPress user id, 0 for a guest. */
  userId: number;
}

export type WxrCommentApproval = "1" | "0" | "spam" | "trash" | "post-trashed";

/**
 * Where `postDateGmt` came from: `gmt` is `wp:post_date_gmt`; `local` is `wp:post_date` read as UTC
 * because WordPress leaves the GMT date at 0000-00-00 for drafts whose date was never fixed; the
 * site's time zone is not in the export, so the offset cannot be corrected here. `missing`: neither.
 */
export type WxrDateSource = "gmt" | "local" | "missing";

/** One `<item>`: a post, page, attachment or any other post type, with its comments. */
export interface WxrPost {
  wpId: number;
  /** `wp:post_type`: "post", "page", "attachment", "nav_menu_item", "revision", a custom type… */
  postType: string;
  title: string;
  /** The old permalink, as WordPress served it. */
  link: string;
  guid: string;
  /** `dc:creator`: the author's login. */
  creatorLogin: string;
  contentHtml: string;
  excerptHtml: string;
  postDateGmt: string | null;
  postDateSource: WxrDateSource;
  modifiedDateGmt: string | null;
  /** `wp:post_name`, percent-decoded. */
  postName: string;
  /** `wp:status`: "publish", "future", "draft", "pending", "private", "trash", "inherit", "auto-draft". */
  status: string;
  parentId: number;
  menuOrder: number;
  isSticky: boolean;
  /** "open" or "closed". */
  commentStatus: string;
  pingStatus: string;
  /** Non-empty for a password-protected post (the reader password, not a user credential). */
  postPassword: string;
  categories: WxrTermRef[];
  /** Only the keys in `KEPT_POSTMETA_KEYS`; the rest (often large serialised PHP) is skipped. */
  postmeta: Record<string, string>;
  /** Every `_wp_old_slug` value: former slugs whose URLs still deserve a redirect. */
  oldSlugs: string[];
  /** `wp:attachment_url`, the original file URL of an attachment; "" otherwise. */
  attachmentUrl: string;
  comments: WxrComment[];
}

/** Something wrong in an item that did not stop it from being read. */
export interface WxrIssue {
  /** The element concerned, e.g. `wp:post_date_gmt`. */
  field: string;
  line: number;
  message: string;
}

/** A readable item; `line` is where its `<item>` opened. */
export interface WxrItem extends WxrPost {
  kind: "item";
  line: number;
  issues: WxrIssue[];
}

/** An element that could not be read (e.g. an item without `wp:post_id`); the import goes on. */
export interface WxrFailure {
  kind: "failure";
  element: "item" | "author" | "category" | "tag";
  line: number;
  reason: string;
  /** What identifies it for a person reading the report (title, login, slug), when known. */
  label: string;
}

/** Everything `readWxr` yields, in document order. */
export type WxrRecord = WxrSite | WxrAuthor | WxrCategory | WxrTag | WxrItem | WxrFailure;

/** Everything `writeWxr` accepts; an item needs no line or issues. */
export type WxrWritableRecord = WxrSite | WxrAuthor | WxrCategory | WxrTag | (WxrPost & { kind: "item" });

/** Postmeta keys the reader keeps. */
export const KEPT_POSTMETA_KEYS: ReadonlySet<string> = new Set([
  "_thumbnail_id",
  "_wp_attached_file",
  "_wp_attachment_image_alt",
  "_wp_page_template",
]);

/** The postmeta key whose values the reader collects into `oldSlugs`. */
export const OLD_SLUG_META_KEY = "_wp_old_slug";

/** A file that cannot be read as WXR at all; `line` is where the problem was found. */
export class WxrError extends Error {
  override readonly name = "WxrError";
  constructor(
    message: string,
    readonly line: number,
    readonly column?: number,
  ) {
    super(message);
  }
}
