/**
 * WordPress → Broadsheet mapping rules, as pure functions over reader records. The import service
 * stores what these return; every judgement call (what a private post becomes, what is skipped)
 * is made here, once, and explained in `notes` where a person should know about it.
 */
import type { ArticleStatus, CommentStatus, Role } from "../../db/schema.js";
import type { SafeHtml } from "../../lib/html-policy.js";
import { htmlToText } from "../../lib/html-text.js";
import { commentHtmlToText, convertPostContent, htmlToExcerptText } from "./content.js";
import { legacyPaths } from "./permalinks.js";
import type { GalleryAttachments } from "./shortcodes.js";
import { normalizeSlug, normalizeSlugWithHashFallback } from "./slug.js";
import type { WxrAuthor, WxrCategory, WxrComment, WxrPost, WxrTag } from "./types.js";

/** What the importer does with an item. */
export type ItemImportKind = "article" | "page" | "attachment" | "skip";

/** Longest manual excerpt kept, in characters; generated ones use `EXCERPT_MAX_CHARS`. */
const MANUAL_EXCERPT_MAX_CHARS = 1000;

/**
 * WordPress status → article status. `private` becomes a draft: Broadsheet has no per-reader
 * visibility, and publishing would show the world what the site kept to its staff. A
 * password-protected post becomes a draft for the same reason. `pending` (awaiting review) and
 * `auto-draft` are drafts; unknown statuses are drafts, so nothing is published by accident.
 */
export function mapPostStatus(wpStatus: string, isPasswordProtected = false): ArticleStatus {
  switch (wpStatus) {
    case "publish":
      return isPasswordProtected ? "draft" : "published";
    case "future":
      return isPasswordProtected ? "draft" : "scheduled";
    case "trash":
      return "trashed";
    default:
      return "draft";
  }
}

/** `wp:comment_approved` → comment status; an unknown value waits for moderation. */
export function mapCommentStatus(approved: string): CommentStatus {
  switch (approved) {
    case "1":
      return "approved";
    case "spam":
      return "spam";
    case "trash":
    case "post-trashed":
      return "trash";
    default:
      return "pending";
  }
}

/**
 * Whether an item is imported and as what. Posts of `articlePostTypes` (default: `post`; add a
 * news site's custom type such as `story`) become articles, pages become articles with
 * `is_page = 1`, attachments become media. Menus, revisions, reusable blocks, templates and
 * auto-drafts (never saved by a person) are skipped, as WordPress's own importer skips them.
 */
export function classifyWxrItem(
  item: Pick<WxrPost, "postType" | "status">,
  articlePostTypes: readonly string[] = ["post"],
): { kind: ItemImportKind; reason?: string } {
  if (item.status === "auto-draft") return { kind: "skip", reason: "auto-draft (never saved)" };
  if (item.postType === "page") return { kind: "page" };
  if (item.postType === "attachment") return { kind: "attachment" };
  if (articlePostTypes.includes(item.postType)) return { kind: "article" };
  return { kind: "skip", reason: `post type "${item.postType}" is not imported` };
}

/** A category or tag reference. */
export interface ImportedTerm {
  slug: string;
  name: string;
}

/** An article or page, ready for the articles service. */
export interface ImportedArticle {
  wpId: number;
  isPage: boolean;
  /** Plain text: WordPress titles may hold entities and inline tags. */
  title: string;
  /** `[a-z0-9-]`; the service still makes it unique. */
  slug: string;
  status: ArticleStatus;
  publishedAt: string | null;
  updatedAt: string | null;
  /** Plain text: the manual excerpt, else the start of the body (what WordPress showed). */
  excerpt: string;
  /** Sanitised HTML. */
  bodyHtml: SafeHtml;
  /** Content that could not be carried over (`[gallery …]`, `reusable block 12`). */
  droppedContent: string[];
  /** Kinds of content changed or left out, one per occurrence (see `ConvertedContent.changed`). */
  changedConstructs: string[];
  authorLogin: string;
  categories: ImportedTerm[];
  tags: ImportedTerm[];
  isSticky: boolean;
  commentsOpen: boolean;
  /** `_thumbnail_id`: the WordPress id of the featured image's attachment. */
  featuredAttachmentWpId: number | null;
  /** Old paths to redirect to the new permalink (see `redirectRules`); only for published items. */
  legacyPaths: string[];
  /** Decisions a person should know about, e.g. "private in WordPress: imported as a draft". */
  notes: string[];
}

/** Options of `mapWxrArticle`. */
export interface MapArticleOptions {
  /** The old site's URL (`WxrSite.baseSiteUrl`), to make root-relative links absolute. */
  siteUrl?: string;
  /** The export's image attachments, which `[gallery]` shortcodes show. */
  attachments?: GalleryAttachments;
}

function uniqueTerms(item: WxrPost, domain: "category" | "post_tag"): ImportedTerm[] {
  const terms = new Map<string, ImportedTerm>();
  for (const ref of item.categories) {
    if (ref.domain !== domain) continue;
    const slug = normalizeSlugWithHashFallback(ref.slug, domain === "category" ? "category" : "tag");
    if (!terms.has(slug)) terms.set(slug, { slug, name: htmlToText(ref.name) || slug });
  }
  return [...terms.values()];
}

function positiveInteger(value: string | undefined): number | null {
  const number = Number(value?.trim());
  return Number.isSafeInteger(number) && number > 0 ? number : null;
}

/** Chooses the publication date, demoting a scheduled post without one to a draft. */
function publicationOf(item: WxrPost, status: ArticleStatus, notes: string[]) {
  if (status === "draft") {
    // A draft's date only means something if an editor fixed it (WordPress then stores GMT).
    return { status, publishedAt: item.postDateSource === "gmt" ? item.postDateGmt : null };
  }
  if (item.postDateGmt === null) {
    notes.push(`no valid post date: imported as a draft instead of ${status}`);
    return { status: "draft" as const, publishedAt: null };
  }
  if (item.postDateSource === "local") {
    notes.push("post date has no GMT value: the site's local time was read as UTC");
  }
  return { status, publishedAt: item.postDateGmt };
}

/** Maps a post or page item (see `classifyWxrItem`) to an article. */
export function mapWxrArticle(item: WxrPost, options: MapArticleOptions = {}): ImportedArticle {
  const notes: string[] = [];
  const isPasswordProtected = item.postPassword !== "";
  const mappedStatus = mapPostStatus(item.status, isPasswordProtected);
  if (item.status === "private") notes.push("private in WordPress: imported as a draft so it stays hidden");
  if (isPasswordProtected && mappedStatus === "draft" && item.status !== "private") {
    notes.push("password-protected in WordPress: imported as a draft so it stays hidden");
  }
  const { status, publishedAt } = publicationOf(item, mappedStatus, notes);

  let title = htmlToText(item.title);
  if (title === "") {
    title = "(untitled)";
    notes.push("no title in WordPress");
  }
  // WordPress appends "__trashed" to the slug of a trashed post to free the original.
  const rawSlug = item.postName.replace(/__trashed(?:-\d+)?$/, "") || item.title;
  const content = convertPostContent(item.contentHtml, {
    siteUrl: options.siteUrl,
    gallery: options.attachments && { attachments: options.attachments, postWpId: item.wpId },
  });
  const excerpt =
    item.excerptHtml.trim() !== ""
      ? htmlToExcerptText(item.excerptHtml, MANUAL_EXCERPT_MAX_CHARS)
      : htmlToExcerptText(item.contentHtml);

  return {
    wpId: item.wpId,
    isPage: item.postType === "page",
    title,
    slug: normalizeSlug(rawSlug, `post-${item.wpId}`),
    status,
    publishedAt,
    updatedAt: item.modifiedDateGmt ?? publishedAt,
    excerpt,
    bodyHtml: content.html,
    droppedContent: content.dropped,
    changedConstructs: content.changed,
    authorLogin: item.creatorLogin,
    categories: uniqueTerms(item, "category"),
    tags: uniqueTerms(item, "post_tag"),
    isSticky: item.isSticky,
    commentsOpen: item.commentStatus === "open",
    featuredAttachmentWpId: positiveInteger(item.postmeta._thumbnail_id),
    legacyPaths: status === "published" ? legacyPaths(item) : [],
    notes,
  };
}

/** A comment, ready for the comments service. */
export interface ImportedComment {
  wpId: number;
  /** The parent's WordPress id; `null` at the top of a thread. */
  parentWpId: number | null;
  status: CommentStatus;
  /** Pingbacks and trackbacks are kept (nothing is lost) but marked, so a theme can set them apart. */
  isPingback: boolean;
  authorName: string;
  /** Lowercased; "" when the commenter gave none. Never shown publicly. */
  authorEmail: string;
  authorUrl: string;
  /** Raw, for the comments service to hash into `ip_hash`: Broadsheet never stores an IP. */
  authorIp: string;
  /** The WordPress user id (`WxrAuthor.wpId`) of a staff comment; `null` for a reader. */
  userWpId: number | null;
  createdAt: string | null;
  /** Plain text with blank lines between paragraphs. */
  body: string;
}

/** Maps a `wp:comment`. */
export function mapWxrComment(comment: WxrComment): ImportedComment {
  const isPingback = comment.type === "pingback" || comment.type === "trackback";
  return {
    wpId: comment.wpId,
    parentWpId: comment.parentId > 0 ? comment.parentId : null,
    status: mapCommentStatus(comment.approved),
    isPingback,
    authorName: htmlToText(comment.authorName) || (isPingback ? comment.authorUrl : "Anonymous"),
    authorEmail: comment.authorEmail.trim().toLowerCase(),
    authorUrl: /^https?:\/\//i.test(comment.authorUrl) ? comment.authorUrl : "",
    authorIp: comment.authorIp,
    userWpId: comment.userId > 0 ? comment.userId : null,
    createdAt: comment.dateGmt,
    body: commentHtmlToText(comment.content),
  };
}

/** A staff account, ready for the accounts service (WXR carries no roles or passwords). */
export interface ImportedAuthor {
  login: string;
  name: string;
  slug: string;
  /** Lowercased; a reserved `.invalid` address when WordPress had none usable. */
  email: string;
  hasPlaceholderEmail: boolean;
  /** Always "author": least privilege, since WXR does not say who was an editor or admin. */
  role: Role;
}

/** Maps a `wp:author`. */
export function mapWxrAuthor(author: WxrAuthor): ImportedAuthor {
  const slug = normalizeSlugWithHashFallback(author.login, "author");
  const email = author.email.trim().toLowerCase();
  const isUsable = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);
  const fullName = `${author.firstName} ${author.lastName}`.trim();
  return {
    login: author.login,
    name: author.displayName || fullName || author.login,
    slug,
    // RFC 2606 reserves .invalid: the placeholder can never reach a real mailbox.
    email: isUsable ? email : `${slug}@wordpress-import.invalid`,
    hasPlaceholderEmail: !isUsable,
    role: "author",
  };
}

/** A category, ready for the articles service; parents are referenced by (normalised) slug. */
export interface ImportedCategory extends ImportedTerm {
  description: string;
  parentSlug: string | null;
}

/** Maps a channel-level `wp:category`. */
export function mapWxrCategory(category: WxrCategory): ImportedCategory {
  return {
    slug: normalizeSlugWithHashFallback(category.slug, "category"),
    name: htmlToText(category.name) || category.slug,
    description: htmlToText(category.description),
    parentSlug:
      category.parentSlug === null ? null : normalizeSlugWithHashFallback(category.parentSlug, "category"),
  };
}

/** Maps a channel-level `wp:tag`. */
export function mapWxrTag(tag: WxrTag): ImportedTerm {
  return {
    slug: normalizeSlugWithHashFallback(tag.slug, "tag"),
    name: htmlToText(tag.name) || tag.slug,
  };
}

/** A media record: the original file stays at its WordPress URL until the importer fetches it. */
export interface ImportedMedia {
  wpId: number;
  sourceUrl: string;
  fileName: string;
  title: string;
  alt: string;
  caption: string;
  parentWpId: number | null;
  uploadedAt: string | null;
}

/** Maps an attachment item. */
export function mapWxrAttachment(item: WxrPost): ImportedMedia {
  const sourceUrl = item.attachmentUrl || item.guid;
  const attachedFile = item.postmeta._wp_attached_file ?? "";
  const fromUrl = (() => {
    try {
      return decodeURIComponent(new URL(sourceUrl).pathname);
    } catch {
      return "";
    }
  })();
  return {
    wpId: item.wpId,
    sourceUrl,
    fileName: (attachedFile || fromUrl).split("/").at(-1) ?? "",
    title: htmlToText(item.title),
    alt: item.postmeta._wp_attachment_image_alt ?? "",
    caption: htmlToText(item.excerptHtml),
    parentWpId: item.parentId > 0 ? item.parentId : null,
    uploadedAt: item.postDateGmt,
  };
}
