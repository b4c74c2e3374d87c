import type { ArticleStatus } from "../db/schema.js";
import { problemText } from "../lib/problems.js";
import { isValidSlug } from "../lib/slug.js";
import { checkText, textProblem } from "../lib/text-input.js";
import { ARTICLE_PROBLEMS } from "./problems.js";

export type FieldErrors = Record<string, string>;

export const ARTICLE_STATUSES: readonly ArticleStatus[] = [
  "draft",
  "pending",
  "scheduled",
  "published",
  "trashed",
];

/** Whether `value` names an article status (a query parameter or an input field). */
export function isArticleStatus(value: unknown): value is ArticleStatus {
  return (ARTICLE_STATUSES as readonly unknown[]).includes(value);
}

/** What a refused status is told: every status there is. */
export const STATUS_PROBLEM = ARTICLE_PROBLEMS.status_invalid;
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
  sourceAuthor: 200,
  termName: 100,
  authorEmail: 254,
} as const;

/** Earliest and latest years a date may name: four-digit years, read back alike on both databases. */
export const YEAR_RANGE = { min: 1000, max: 9999 } as const;

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
  /** A page's parent page; null puts it at the top level. */
  parent_id?: number | null;
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
  if (Number.isNaN(date.getTime())) return undefined;
  const year = date.getUTCFullYear();
  return year >= YEAR_RANGE.min && year <= YEAR_RANGE.max ? date : undefined;
}

const DATE_PROBLEM = problemText(ARTICLE_PROBLEMS.date_range, YEAR_RANGE);

/** Field errors for an article write; `creating` requires a title. Pure: no database access. */
export function validateArticleInput(input: ArticleInput, creating: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (creating || input.title !== undefined) {
    const title = (input.title ?? "").trim();
    if (checkText(errors, "title", title, { max: LIMITS.title }) && title === "")
      errors.title = "is required";
  }
  if (input.slug !== undefined && input.slug !== "" && !isValidSlug(input.slug))
    errors.slug = problemText(ARTICLE_PROBLEMS.slug_invalid, { max: LIMITS.slug });
  checkText(errors, "excerpt", input.excerpt, { max: LIMITS.excerpt, column: "text", multiline: true });
  checkText(errors, "body", input.body, { max: LIMITS.body, column: "text", multiline: true });
  checkText(errors, "author_email", input.author_email, { max: LIMITS.authorEmail });
  if (input.status !== undefined && !isArticleStatus(input.status)) errors.status = STATUS_PROBLEM;
  if (input.published_at !== undefined && input.published_at !== null && input.published_at !== "") {
    if (!parseDate(input.published_at)) errors.published_at = DATE_PROBLEM;
  }
  if (input.status === "scheduled" && !input.published_at)
    errors.published_at = ARTICLE_PROBLEMS.schedule_needs_time;
  for (const [field, names, max] of [
    ["categories", input.categories, LIMITS.categories],
    ["tags", input.tags, LIMITS.tags],
  ] as const) {
    if (names === undefined) continue;
    if (!Array.isArray(names) || names.some((c) => typeof c !== "string"))
      errors[field] = "must be a list of names";
    else if (names.length > max) errors[field] = problemText(ARTICLE_PROBLEMS.at_most, { max });
    else
      for (const name of names) {
        const problem = textProblem(name.trim(), { max: LIMITS.termName });
        if (problem) {
          errors[field] = `each name ${problem}`;
          break;
        }
      }
  }
  if (input.sources !== undefined) {
    if (!Array.isArray(input.sources)) errors.sources = "must be a list of {url, name}";
    else if (input.sources.length > LIMITS.sources) errors.sources = `at most ${LIMITS.sources} source links`;
    else
      input.sources.forEach((source, i) => {
        const at = `sources[${i}]`;
        if (
          typeof source?.url !== "string" ||
          !checkText(errors, `${at}.url`, source.url, { max: LIMITS.sourceUrl, column: "text" }) ||
          !isHttpUrl(source.url)
        )
          errors[`${at}.url`] ??= ARTICLE_PROBLEMS.http_url;
        const nameLength = problemText(ARTICLE_PROBLEMS.name_length, { max: LIMITS.sourceName });
        if (typeof source?.name !== "string") errors[`${at}.name`] = nameLength;
        else if (
          checkText(errors, `${at}.name`, source.name.trim(), { max: LIMITS.sourceName }) &&
          source.name.trim() === ""
        )
          errors[`${at}.name`] = nameLength;
        checkText(errors, `${at}.original_author`, source?.original_author?.trim(), {
          max: LIMITS.sourceAuthor,
        });
        if (source?.original_published_at && !parseDate(source.original_published_at))
          errors[`${at}.original_published_at`] = DATE_PROBLEM;
      });
  }
  return errors;
}
