import type { ArticleStatus } from "../db/schema.js";
import { isValidSlug } from "../site/slug.js";

export type FieldErrors = Record<string, string>;

export const ARTICLE_STATUSES: readonly ArticleStatus[] = ["draft", "scheduled", "published", "trashed"];
export const LIMITS = {
  title: 300,
  slug: 200,
  excerpt: 1000,
  body: 500_000,
  categories: 20,
  tags: 50,
  sources: 20,
  sourceName: 200,
  sourceUrl: 2000,
} as const;

export interface SourceLinkInput {
  url: string;
  name: string;
  original_author?: string | null;
  original_published_at?: string | null;
}

/** What the editor form and the Admin API send; absent fields are left as they are on update. */
export interface ArticleInput {
  title?: string;
  slug?: string;
  excerpt?: string;
  body?: string;
  status?: string;
  published_at?: string | null;
  categories?: string[];
  tags?: string[];
  sources?: SourceLinkInput[];
  comments_open?: boolean;
  author_email?: string;
  author_id?: number;
  featured_media_id?: number | null;
  is_page?: boolean;
  is_sticky?: boolean;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && !!url.hostname;
  } catch {
    return false;
  }
}

/** Reads an ISO 8601 date (a bare date, or a time without zone, is taken as UTC); undefined when invalid. */
export function parseDate(value: string): Date | undefined {
  // ISO 8601 with a date; a bare date or a local time without zone is read as UTC.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value))
    return undefined;
  const date = new Date(
    /[T ]/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value.replace(" ", "T")}Z` : value,
  );
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Field errors for an article write; `creating` requires a title. Pure: no database access. */
export function validateArticleInput(input: ArticleInput, creating: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (creating || input.title !== undefined) {
    const title = (input.title ?? "").trim();
    if (title === "") errors.title = "is required";
    else if (title.length > LIMITS.title) errors.title = `must be at most ${LIMITS.title} characters`;
  }
  if (input.slug !== undefined && input.slug !== "" && !isValidSlug(input.slug))
    errors.slug = "may contain only lowercase letters, digits and single dashes (at most 200 characters)";
  if (input.excerpt !== undefined && input.excerpt.length > LIMITS.excerpt)
    errors.excerpt = `must be at most ${LIMITS.excerpt} characters`;
  if (input.body !== undefined && input.body.length > LIMITS.body)
    errors.body = "is too long (500,000 characters at most)";
  if (input.status !== undefined && !(ARTICLE_STATUSES as readonly string[]).includes(input.status))
    errors.status = "must be draft, scheduled, published or trashed";
  if (input.published_at !== undefined && input.published_at !== null && input.published_at !== "") {
    if (!parseDate(input.published_at)) errors.published_at = "must be an ISO 8601 date and time";
  }
  if (input.status === "scheduled" && !input.published_at)
    errors.published_at = "is required to schedule an article";
  if (input.categories !== undefined) {
    if (!Array.isArray(input.categories) || input.categories.some((c) => typeof c !== "string"))
      errors.categories = "must be a list of names";
    else if (input.categories.length > LIMITS.categories) errors.categories = `at most ${LIMITS.categories}`;
    else if (input.categories.some((c) => c.trim().length > 100))
      errors.categories = "each name at most 100 characters";
  }
  if (input.tags !== undefined) {
    if (!Array.isArray(input.tags) || input.tags.some((c) => typeof c !== "string"))
      errors.tags = "must be a list of names";
    else if (input.tags.length > LIMITS.tags) errors.tags = `at most ${LIMITS.tags}`;
    else if (input.tags.some((c) => c.trim().length > 100)) errors.tags = "each name at most 100 characters";
  }
  if (input.sources !== undefined) {
    if (!Array.isArray(input.sources)) errors.sources = "must be a list of {url, name}";
    else if (input.sources.length > LIMITS.sources) errors.sources = `at most ${LIMITS.sources} source links`;
    else
      input.sources.forEach((source, i) => {
        if (typeof source?.url !== "string" || !isHttpUrl(source.url) || source.url.length > LIMITS.sourceUrl)
          errors[`sources[${i}].url`] = "must be an http(s) URL";
        if (
          typeof source?.name !== "string" ||
          source.name.trim() === "" ||
          source.name.length > LIMITS.sourceName
        )
          errors[`sources[${i}].name`] = `must be 1 to ${LIMITS.sourceName} characters`;
        if (source?.original_published_at && !parseDate(source.original_published_at))
          errors[`sources[${i}].original_published_at`] = "must be an ISO 8601 date and time";
      });
  }
  return errors;
}
