import { TZDate, tz } from "@date-fns/tz";
import { format } from "date-fns/format";
import { field, fieldList } from "../infrastructure/requests.js";
import { ARTICLE_PROBLEMS } from "./problems.js";
import type { ArticleDetail, ArticleInput, FieldErrors, SourceLinkInput } from "./service.js";

/** Rows of source links the form always offers, so a story can be given three without JavaScript. */
export const MIN_SOURCE_ROWS = 3;

/** The buttons of the editor; each is a `name="action"` submit button. */
export const EDITOR_ACTIONS = [
  "save_draft",
  "submit_review",
  "publish",
  "update",
  "unpublish",
  "preview",
  "trash",
  "restore",
  "delete",
] as const;
export type EditorAction = (typeof EDITOR_ACTIONS)[number];

export interface SourceRow {
  url: string;
  name: string;
  url_error: string;
  name_error: string;
}

/** What the editor form shows: exactly what was typed (or stored), as strings. */
export interface EditorValues {
  title: string;
  slug: string;
  excerpt: string;
  body: string;
  /** Comma-separated names. */
  categories: string;
  tags: string;
  /** `yyyy-MM-ddTHH:mm` in the site's zone, or ''. */
  published_at_local: string;
  featured_media_id: string;
  featured_alt: string;
  comments_open: boolean;
  author_id: string;
  sources: SourceRow[];
  /** A page's parent page id ('' at the top level; pages only). */
  parent_id: string;
  /** The article version the form was opened at ('' for a new story): a newer save is a conflict. */
  version: string;
}

/** Splits "Politics, World ,  " into ["Politics", "World"]. */
export function splitNames(text: string): string[] {
  return text
    .split(",")
    .map((name) => name.replace(/\s+/g, " ").trim())
    .filter((name) => name !== "");
}

/** A `datetime-local` value read in `timezone` → UTC ISO; undefined when it is not a valid time. */
export function localDateTimeToUtc(local: string, timezone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const zoned = new TZDate(year, month - 1, day, hour, minute, second, timezone);
  // Rejects 31 February and the like, which Date would roll over into the next month.
  if (zoned.getDate() !== day || zoned.getMonth() !== month - 1) return undefined;
  const time = zoned.getTime();
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A UTC instant → the `datetime-local` value showing it in `timezone`. */
export function utcToLocalDateTime(iso: string | null, timezone: string): string {
  return iso ? format(new Date(iso), "yyyy-MM-dd'T'HH:mm", { in: tz(timezone) }) : "";
}

function withMinimumRows(rows: SourceRow[]): SourceRow[] {
  const padded = [...rows];
  // Always one spare row beyond what is filled in, and never fewer than MIN_SOURCE_ROWS.
  const wanted = Math.max(MIN_SOURCE_ROWS, rows.filter((r) => r.url || r.name).length + 1);
  while (padded.length < wanted) padded.push({ url: "", name: "", url_error: "", name_error: "" });
  return padded;
}

/** The form of a new story, with the site's defaults. */
export function blankEditorValues(commentsOpenByDefault: boolean, authorId: number): EditorValues {
  return {
    title: "",
    slug: "",
    excerpt: "",
    body: "",
    categories: "",
    tags: "",
    published_at_local: "",
    featured_media_id: "",
    featured_alt: "",
    comments_open: commentsOpenByDefault,
    author_id: String(authorId),
    sources: withMinimumRows([]),
    parent_id: "",
    version: "",
  };
}

/** The form of a stored article. */
export function editorValuesFromArticle(article: ArticleDetail, timezone: string): EditorValues {
  return {
    title: article.title,
    slug: article.slug,
    excerpt: article.excerpt,
    body: article.body,
    categories: article.categories.map((c) => c.name).join(", "),
    tags: article.tags.map((t) => t.name).join(", "),
    published_at_local: utcToLocalDateTime(article.published_at, timezone),
    featured_media_id: article.featured_image ? String(article.featured_image.id) : "",
    featured_alt: article.featured_image?.alt ?? "",
    comments_open: article.comments_open,
    author_id: String(article.author.id),
    sources: withMinimumRows(
      article.sources.map((s) => ({ url: s.url, name: s.name, url_error: "", name_error: "" })),
    ),
    parent_id: article.parent_id ? String(article.parent_id) : "",
    version: String(article.version),
  };
}

/** The form as the browser sent it (a parsed urlencoded or multipart body). */
export function editorValuesFromForm(body: unknown): EditorValues {
  const urls = fieldList(body, "source_url");
  const names = fieldList(body, "source_name");
  const rows: SourceRow[] = [];
  for (let i = 0; i < Math.max(urls.length, names.length); i++)
    rows.push({ url: urls[i] ?? "", name: names[i] ?? "", url_error: "", name_error: "" });
  return {
    title: field(body, "title"),
    slug: field(body, "slug").trim(),
    excerpt: field(body, "excerpt"),
    body: field(body, "body"),
    categories: field(body, "categories"),
    tags: field(body, "tags"),
    published_at_local: field(body, "published_at").trim(),
    featured_media_id: field(body, "featured_media_id").trim(),
    featured_alt: field(body, "featured_alt"),
    comments_open: field(body, "comments_open") === "on",
    author_id: field(body, "author_id").trim(),
    sources: withMinimumRows(rows),
    parent_id: field(body, "parent_id").trim(),
    version: field(body, "version").trim(),
  };
}

export function parseEditorAction(body: unknown): EditorAction | undefined {
  const action = field(body, "action");
  return (EDITOR_ACTIONS as readonly string[]).includes(action) ? (action as EditorAction) : undefined;
}

/**
 * The service input for what the form says, plus errors only the form can make (an unreadable
 * time). `existingStatus` is the stored status when editing; blank rows of source links are skipped.
 */
export function articleInputFromEditor(
  values: EditorValues,
  action: EditorAction,
  timezone: string,
  options: { existingStatus?: string; includeAuthor: boolean; isPage?: boolean },
): { input: ArticleInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const input: ArticleInput = {
    title: values.title,
    slug: values.slug,
    excerpt: values.excerpt,
    body: values.body,
    categories: splitNames(values.categories),
    tags: splitNames(values.tags),
    comments_open: values.comments_open,
    featured_media_id: values.featured_media_id ? Number(values.featured_media_id) : null,
  };
  if (input.featured_media_id !== null && !Number.isInteger(input.featured_media_id)) {
    errors.featured_image = ARTICLE_PROBLEMS.choose_image;
    input.featured_media_id = null;
  }
  if (options.includeAuthor && values.author_id) {
    const authorId = Number(values.author_id);
    if (Number.isInteger(authorId)) input.author_id = authorId;
    else errors.author_id = ARTICLE_PROBLEMS.choose_staff;
  }
  // A published story whose time was cleared keeps its time rather than being re-dated to now.
  const isLive = options.existingStatus === "published" || options.existingStatus === "scheduled";
  if (values.published_at_local) {
    const utc = localDateTimeToUtc(values.published_at_local, timezone);
    if (utc) input.published_at = utc;
    else errors.published_at = ARTICLE_PROBLEMS.date_time;
  } else if (!isLive) {
    input.published_at = null;
  }
  if (action === "publish") input.status = "published";
  else if (action === "save_draft" || action === "unpublish") input.status = "draft";
  else if (action === "submit_review") input.status = "pending";
  else if (action === "update" && !options.existingStatus) input.status = "draft";
  input.sources = values.sources
    .filter((row) => row.url.trim() !== "" || row.name.trim() !== "")
    .map((row): SourceLinkInput => ({ url: row.url.trim(), name: row.name.trim() }));
  if (options.isPage) {
    // A page has no categories, tags, sources or comments; it has a place under a parent.
    const { categories, tags, sources, comments_open, ...pageInput } = input;
    const parentId = values.parent_id ? Number(values.parent_id) : null;
    if (parentId !== null && !Number.isInteger(parentId)) errors.parent_id = ARTICLE_PROBLEMS.choose_page;
    return { input: { ...pageInput, parent_id: Number.isInteger(parentId) ? parentId : null }, errors };
  }
  return { input, errors };
}

/**
 * Service errors keyed `sources[i].url` (i counting only filled rows) put back on the rows the
 * editor typed them in; returns the remaining errors.
 */
export function attachSourceErrors(values: EditorValues, errors: FieldErrors): FieldErrors {
  const rest: FieldErrors = {};
  const filled = values.sources.filter((row) => row.url.trim() !== "" || row.name.trim() !== "");
  for (const [key, message] of Object.entries(errors)) {
    const match = /^sources\[(\d+)\]\.(url|name)$/.exec(key);
    const row = match ? filled[Number(match[1])] : undefined;
    if (match && row) {
      if (match[2] === "url") row.url_error = message;
      else row.name_error = message;
    } else rest[key] = message;
  }
  return rest;
}

/** The version a submitted form was opened at; `undefined` when it carries none, -1 when unreadable. */
export function editorVersion(values: EditorValues): number | undefined {
  if (values.version === "") return undefined;
  return /^\d{1,9}$/.test(values.version) ? Number(values.version) : -1;
}
