import { format } from "date-fns/format";
import type { Db } from "../db/database.js";
import { defaultDateFormat, languageError } from "../lib/languages.js";
import { problemText } from "../lib/problems.js";
import { SLUG_STYLES, type SlugStyle } from "../lib/slug.js";
import { checkText } from "../lib/text-input.js";
import { SITE_PROBLEMS } from "./problems.js";
import { listSettings, upsertSettings } from "./store.js";

/** Site-wide settings with their defaults; stored as one JSON value per key. */
export interface SiteSettings {
  title: string;
  tagline: string;
  /** IANA zone used for the masthead date, permalinks and archives. */
  timezone: string;
  /** date-fns pattern for the masthead and article dates. */
  dateFormat: string;
  postsPerPage: number;
  /** A supported language tag (`ru`, `en-GB`): the theme's strings, dates, `<html lang dir>`, search stemming. */
  language: string;
  /** How new slugs are made from titles; existing slugs never change with it. */
  slugStyle: SlugStyle;
  commentsOpenByDefault: boolean;
  /** Category slugs shown in the masthead navigation, in order. */
  navCategorySlugs: string[];
  /** Full text or only the excerpt in feeds. */
  feedFullText: boolean;
  // Comment moderation (WordPress-compatible defaults).
  commentModeration: "all" | "first-time" | "none";
  commentMaxLinks: number;
  commentModerationKeywords: string[];
  commentDisallowedKeywords: string[];
  commentCloseAfterDays: number;
  commentMaxDepth: number;
  commentNotifyAuthors: boolean;
  /** Where to report a vulnerability (mailto:, https: or tel: URIs), served as /.well-known/security.txt. */
  securityContacts: string[];
  /** The media library image the site's icons are made from (favicon, touch icons); null: the theme's. */
  siteIconMediaId: number | null;
  /** The media library image the masthead shows instead of the title; null: the title. */
  logoMediaId: number | null;
}

export const defaultSettings: SiteSettings = {
  title: "Broadsheet",
  tagline: "News, as it happens",
  timezone: "UTC",
  dateFormat: "EEE. MMM do, yyyy",
  postsPerPage: 10,
  language: "en",
  slugStyle: "unicode",
  commentsOpenByDefault: true,
  navCategorySlugs: [],
  feedFullText: true,
  commentModeration: "first-time",
  commentMaxLinks: 2,
  commentModerationKeywords: [],
  commentDisallowedKeywords: [],
  commentCloseAfterDays: 0,
  commentMaxDepth: 5,
  commentNotifyAuthors: false,
  securityContacts: [],
  siteIconMediaId: null,
  logoMediaId: null,
};

/** At most this many security contacts (RFC 9116 allows several; a handful is plenty). */
export const MAX_SECURITY_CONTACTS = 5;
const SECURITY_CONTACT_PATTERN =
  /^(mailto:[^\s@<>"]+@[^\s@<>"]+|https:\/\/[^\s<>"]+|tel:\+?[0-9][0-9 ()-]*)$/;

export type SettingsField = { [K in keyof SiteSettings]: K }[keyof SiteSettings];

/** Validation errors keyed by setting name. */
export type FieldErrors = Record<string, string>;

/** The time zones a site may choose, UTC included. */
export function timeZoneChoices(): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

/** The machine's own time zone: what a new site starts with unless its admin chooses another. */
export function machineTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isValidTimezone(zone) ? zone : "UTC";
}

export function isValidTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isValidDateFormat(pattern: string): boolean {
  try {
    format(new Date(0), pattern);
    return pattern.length > 0 && pattern.length <= 60;
  } catch {
    return false;
  }
}

/** Checks a partial update; returns the errors per field (empty when valid). */
export function validateSettings(update: Partial<SiteSettings>): FieldErrors {
  const errors: FieldErrors = {};
  if (update.title !== undefined && checkText(errors, "title", update.title.trim(), { max: 100 }))
    if (update.title.trim() === "") errors.title = problemText(SITE_PROBLEMS.title_length, { max: 100 });
  checkText(errors, "tagline", update.tagline, { max: 200 });
  if (update.timezone !== undefined && !isValidTimezone(update.timezone))
    errors.timezone = SITE_PROBLEMS.timezone;
  if (update.dateFormat !== undefined && !isValidDateFormat(update.dateFormat))
    errors.dateFormat = SITE_PROBLEMS.date_format;
  if (
    update.postsPerPage !== undefined &&
    (!Number.isInteger(update.postsPerPage) || update.postsPerPage < 1 || update.postsPerPage > 100)
  )
    errors.postsPerPage = problemText(SITE_PROBLEMS.whole_number_range, { min: 1, max: 100 });
  const language = update.language === undefined ? undefined : languageError(update.language);
  if (language) errors.language = language;
  if (update.slugStyle !== undefined && !SLUG_STYLES.includes(update.slugStyle))
    errors.slugStyle = problemText(SITE_PROBLEMS.slug_style, { styles: SLUG_STYLES.join(", ") });
  if (
    update.commentModeration !== undefined &&
    !["all", "first-time", "none"].includes(update.commentModeration)
  )
    errors.commentModeration = SITE_PROBLEMS.comment_moderation;
  if (
    update.commentMaxLinks !== undefined &&
    (!Number.isInteger(update.commentMaxLinks) || update.commentMaxLinks < 0 || update.commentMaxLinks > 100)
  )
    errors.commentMaxLinks = problemText(SITE_PROBLEMS.whole_number_range, { min: 0, max: 100 });
  if (
    update.commentCloseAfterDays !== undefined &&
    (!Number.isInteger(update.commentCloseAfterDays) || update.commentCloseAfterDays < 0)
  )
    errors.commentCloseAfterDays = SITE_PROBLEMS.close_after_days;
  if (
    update.commentMaxDepth !== undefined &&
    (!Number.isInteger(update.commentMaxDepth) || update.commentMaxDepth < 1 || update.commentMaxDepth > 10)
  )
    errors.commentMaxDepth = problemText(SITE_PROBLEMS.whole_number_range, { min: 1, max: 10 });
  if (
    update.securityContacts !== undefined &&
    (update.securityContacts.length > MAX_SECURITY_CONTACTS ||
      update.securityContacts.some((c) => c.length > 200 || !SECURITY_CONTACT_PATTERN.test(c)))
  )
    errors.securityContacts = problemText(SITE_PROBLEMS.security_contacts, { max: MAX_SECURITY_CONTACTS });
  for (const key of ["siteIconMediaId", "logoMediaId"] as const) {
    const id = update[key];
    if (id !== undefined && id !== null && !(Number.isSafeInteger(id) && id > 0))
      errors[key] = SITE_PROBLEMS.image_id;
  }
  return errors;
}

/**
 * Reads settings through an in-memory copy; `invalidate()` drops it (called on every change,
 * on every node, by the content-change bus).
 */
export class SettingsService {
  private cached: SiteSettings | undefined;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async get(): Promise<SiteSettings> {
    if (this.cached) return this.cached;
    const rows = await listSettings(this.db);
    const stored: Record<string, unknown> = {};
    for (const row of rows) {
      try {
        stored[row.key] = JSON.parse(row.value);
      } catch {
        // A hand-edited value that is not JSON falls back to the default rather than breaking every page.
      }
    }
    const merged = { ...defaultSettings };
    for (const key of Object.keys(defaultSettings) as SettingsField[]) {
      if (key in stored && isStorableAs(defaultSettings[key], stored[key])) {
        (merged as Record<string, unknown>)[key] = stored[key];
      }
    }
    this.cached = merged;
    return merged;
  }

  /** Validates and stores a partial update; returns field errors and stores nothing when invalid. */
  async update(update: Partial<SiteSettings>): Promise<FieldErrors> {
    const errors = validateSettings(update);
    if (Object.keys(errors).length > 0) return errors;
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(update)) {
      if (key in defaultSettings && value !== undefined) values[key] = JSON.stringify(value);
    }
    await upsertSettings(this.db, values, this.now().toISOString());
    this.invalidate();
    return {};
  }

  invalidate(): void {
    this.cached = undefined;
  }
}

/** True when a stored value has the shape of the setting's default (an image id: a number or null). */
function isStorableAs(fallback: unknown, value: unknown): boolean {
  if (fallback === null) return value === null || typeof value === "number";
  return typeof value === typeof fallback;
}

/**
 * The date pattern pages use: the one an admin chose, or, while it is still the English default,
 * the language's own (so a Russian site reads "пт, 4 декабря 2026 г." without touching the pattern).
 */
export function effectiveDateFormat(settings: Pick<SiteSettings, "dateFormat" | "language">): string {
  return settings.dateFormat === defaultSettings.dateFormat
    ? defaultDateFormat(settings.language)
    : settings.dateFormat;
}
