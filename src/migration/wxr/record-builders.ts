/**
 * Turns the raw text of one WXR element group (an author, a term, an item, a comment) into a
 * typed record, checking what WordPress's importer would check. Problems that make an item
 * unusable become a `WxrFailure`; the rest become `WxrIssue`s on the item.
 */

import { decodeSlug } from "../../lib/slug.js";
import { parseWpDate } from "./dates.js";
import type {
  WxrAuthor,
  WxrCategory,
  WxrComment,
  WxrCommentApproval,
  WxrFailure,
  WxrIssue,
  WxrItem,
  WxrSite,
  WxrTag,
  WxrTermRef,
} from "./types.js";

interface RawField {
  value: string;
  line: number;
}

/** The text of each child element of one element group, with the line it started on. */
export class RawFields {
  private readonly fields = new Map<string, RawField>();

  constructor(readonly line: number) {}

  set(key: string, value: string, line: number): void {
    this.fields.set(key, { value, line });
  }

  get(key: string): RawField | undefined {
    return this.fields.get(key);
  }

  /** The element's text, "" when it is absent. */
  text(key: string): string {
    return this.fields.get(key)?.value ?? "";
  }

  /** The element's text without surrounding whitespace (ids, slugs, statuses). */
  trimmed(key: string): string {
    return this.text(key).trim();
  }
}

/** What an item has collected besides its plain child elements. */
export interface ItemDraft {
  fields: RawFields;
  categories: WxrTermRef[];
  postmeta: Record<string, string>;
  oldSlugs: string[];
  comments: WxrComment[];
  issues: WxrIssue[];
}

const COMMENT_APPROVALS: ReadonlySet<string> = new Set(["1", "0", "spam", "trash", "post-trashed"]);

function parseNonNegativeInteger(value: string): number | undefined {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const number = Number(trimmed);
  return Number.isSafeInteger(number) ? number : undefined;
}

/** Reads an optional integer element, noting an issue (and using `fallback`) when it is garbage. */
function integerField(fields: RawFields, key: string, issues: WxrIssue[], fallback = 0): number {
  const field = fields.get(key);
  if (!field || field.value.trim() === "") return fallback;
  const trimmed = field.value.trim();
  const number = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (Number.isSafeInteger(number)) return number;
  issues.push({ field: key, line: field.line, message: `<${key}> is not an integer: "${trimmed}"` });
  return fallback;
}

/** A GMT date with the local date as fallback; garbage in either is an issue. */
function dateFields(
  fields: RawFields,
  gmtKey: string,
  localKey: string,
  issues: WxrIssue[],
): { iso: string | null; source: "gmt" | "local" | "missing" } {
  const gmt = parseWpDate(fields.text(gmtKey));
  if (gmt.kind === "valid") return { iso: gmt.iso, source: "gmt" };
  const local = parseWpDate(fields.text(localKey));
  for (const [key, result] of [
    [gmtKey, gmt],
    [localKey, local],
  ] as const) {
    if (result.kind === "invalid") {
      const field = fields.get(key);
      issues.push({
        field: key,
        line: field?.line ?? fields.line,
        message: `<${key}> is not a valid date: "${field?.value.trim() ?? ""}"`,
      });
    }
  }
  if (local.kind === "valid") return { iso: local.iso, source: "local" };
  return { iso: null, source: "missing" };
}

/** The channel header record. */
export function buildSite(fields: RawFields): WxrSite {
  return {
    kind: "site",
    title: fields.text("title"),
    link: fields.trimmed("link"),
    description: fields.text("description"),
    language: fields.trimmed("language"),
    wxrVersion: fields.trimmed("wp:wxr_version"),
    baseSiteUrl: fields.trimmed("wp:base_site_url"),
    baseBlogUrl: fields.trimmed("wp:base_blog_url"),
  };
}

function failure(
  element: WxrFailure["element"],
  fields: RawFields,
  reason: string,
  label: string,
): WxrFailure {
  return { kind: "failure", element, line: fields.line, reason, label };
}

/** A `wp:author`; a login is required because items name their author by it. */
export function buildAuthor(fields: RawFields): WxrAuthor | WxrFailure {
  const login = fields.trimmed("wp:author_login");
  if (login === "") {
    const label = fields.trimmed("wp:author_display_name") || fields.trimmed("wp:author_email");
    return failure("author", fields, "missing <wp:author_login>", label);
  }
  return {
    kind: "author",
    wpId: parseNonNegativeInteger(fields.text("wp:author_id")) ?? null,
    login,
    email: fields.trimmed("wp:author_email"),
    displayName: fields.text("wp:author_display_name").trim(),
    firstName: fields.text("wp:author_first_name").trim(),
    lastName: fields.text("wp:author_last_name").trim(),
  };
}

/** A channel-level `wp:category`. */
export function buildCategory(fields: RawFields): WxrCategory | WxrFailure {
  const name = fields.text("wp:cat_name").trim();
  const slug = decodeSlug(fields.text("wp:category_nicename")) || name;
  if (slug === "") return failure("category", fields, "missing <wp:category_nicename> and <wp:cat_name>", "");
  const parentSlug = decodeSlug(fields.text("wp:category_parent"));
  return {
    kind: "category",
    wpId: parseNonNegativeInteger(fields.text("wp:term_id")) ?? null,
    slug,
    name: name || slug,
    parentSlug: parentSlug === "" ? null : parentSlug,
    description: fields.text("wp:category_description").trim(),
  };
}

/** A channel-level `wp:tag`. */
export function buildTag(fields: RawFields): WxrTag | WxrFailure {
  const name = fields.text("wp:tag_name").trim();
  const slug = decodeSlug(fields.text("wp:tag_slug")) || name;
  if (slug === "") return failure("tag", fields, "missing <wp:tag_slug> and <wp:tag_name>", "");
  return {
    kind: "tag",
    wpId: parseNonNegativeInteger(fields.text("wp:term_id")) ?? null,
    slug,
    name: name || slug,
    description: fields.text("wp:tag_description").trim(),
  };
}

/** A `wp:comment`, or `undefined` (with an issue on the item) when it has no usable id. */
export function buildComment(fields: RawFields, issues: WxrIssue[]): WxrComment | undefined {
  const wpId = parseNonNegativeInteger(fields.text("wp:comment_id"));
  if (wpId === undefined || wpId === 0) {
    const raw = fields.get("wp:comment_id");
    const reason = raw ? `invalid <wp:comment_id> "${raw.value.trim()}"` : "missing <wp:comment_id>";
    issues.push({ field: "wp:comment", line: fields.line, message: `comment skipped: ${reason}` });
    return undefined;
  }
  const rawApproval = fields.trimmed("wp:comment_approved");
  let approved: WxrCommentApproval = "0";
  if (COMMENT_APPROVALS.has(rawApproval)) {
    approved = rawApproval as WxrCommentApproval;
  } else {
    // An unknown moderation state must not publish a comment nobody approved.
    const line = fields.get("wp:comment_approved")?.line ?? fields.line;
    const message = `comment ${wpId}: unknown <wp:comment_approved> "${rawApproval}", held for moderation`;
    issues.push({ field: "wp:comment_approved", line, message });
  }
  return {
    wpId,
    authorName: fields.text("wp:comment_author").trim(),
    authorEmail: fields.trimmed("wp:comment_author_email"),
    authorUrl: fields.trimmed("wp:comment_author_url"),
    authorIp: fields.trimmed("wp:comment_author_IP"),
    dateGmt: dateFields(fields, "wp:comment_date_gmt", "wp:comment_date", issues).iso,
    content: fields.text("wp:comment_content"),
    approved,
    type: fields.trimmed("wp:comment_type"),
    parentId: integerField(fields, "wp:comment_parent", issues),
    userId: integerField(fields, "wp:comment_user_id", issues),
  };
}

/** An `<item>`; without a positive `wp:post_id` and a `wp:post_type` it is a failure. */
export function buildItem(draft: ItemDraft): WxrItem | WxrFailure {
  const { fields, issues } = draft;
  const title = fields.text("title").trim();
  const label = title || fields.trimmed("link") || fields.trimmed("guid");
  const idField = fields.get("wp:post_id");
  if (!idField) return failure("item", fields, "missing <wp:post_id>", label);
  const wpId = parseNonNegativeInteger(idField.value);
  if (wpId === undefined || wpId === 0) {
    return failure("item", fields, `invalid <wp:post_id> "${idField.value.trim()}"`, label);
  }
  const postType = fields.trimmed("wp:post_type");
  if (postType === "") return failure("item", fields, "missing <wp:post_type>", label);

  let status = fields.trimmed("wp:status");
  if (status === "") {
    issues.push({ field: "wp:status", line: fields.line, message: "missing <wp:status>, read as draft" });
    status = "draft";
  }
  const postDate = dateFields(fields, "wp:post_date_gmt", "wp:post_date", issues);
  if (postDate.source === "missing" && !issues.some((issue) => issue.field.startsWith("wp:post_date"))) {
    issues.push({ field: "wp:post_date", line: fields.line, message: "no post date" });
  }
  const modified = dateFields(fields, "wp:post_modified_gmt", "wp:post_modified", issues);

  return {
    kind: "item",
    line: fields.line,
    wpId,
    postType,
    title,
    link: fields.trimmed("link"),
    guid: fields.trimmed("guid"),
    creatorLogin: fields.trimmed("dc:creator"),
    contentHtml: fields.text("content:encoded"),
    excerptHtml: fields.text("excerpt:encoded"),
    postDateGmt: postDate.iso,
    postDateSource: postDate.source,
    modifiedDateGmt: modified.iso,
    postName: decodeSlug(fields.text("wp:post_name")),
    status,
    parentId: integerField(fields, "wp:post_parent", issues),
    menuOrder: integerField(fields, "wp:menu_order", issues),
    isSticky: fields.trimmed("wp:is_sticky") === "1",
    commentStatus: fields.trimmed("wp:comment_status"),
    pingStatus: fields.trimmed("wp:ping_status"),
    postPassword: fields.text("wp:post_password"),
    categories: draft.categories,
    postmeta: draft.postmeta,
    oldSlugs: draft.oldSlugs,
    attachmentUrl: fields.trimmed("wp:attachment_url"),
    comments: draft.comments,
    // Comments close (and report) before the item does; a report reads best top to bottom.
    issues: issues.sort((a, b) => a.line - b.line),
  };
}
