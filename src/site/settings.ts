import { format } from "date-fns/format";
import type { Db } from "../db/database.js";
import { formatInZone } from "./site-date.js";
import { listSettings, upsertSettings } from "./store.js";
import { checkText } from "./text-input.js";

/** Site-wide settings with their defaults; stored as one JSON value per key. */
export interface SiteSettings {
  title: string;
  tagline: string;
  /** IANA zone used for the masthead date, permalinks and archives. */
  timezone: string;
  /** date-fns pattern for the masthead and article dates. */
  dateFormat: string;
  postsPerPage: number;
  language: string;
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
}

export const defaultSettings: SiteSettings = {
  title: "Broadsheet",
  tagline: "News, as it happens",
  timezone: "UTC",
  dateFormat: "EEE. MMM do, yyyy",
  postsPerPage: 10,
  language: "en",
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
    if (update.title.trim() === "") errors.title = "must be 1 to 100 characters";
  checkText(errors, "tagline", update.tagline, { max: 200 });
  if (update.timezone !== undefined && !isValidTimezone(update.timezone))
    errors.timezone = "must be an IANA time zone such as Europe/London";
  if (update.dateFormat !== undefined && !isValidDateFormat(update.dateFormat))
    errors.dateFormat = "is not a valid date pattern (for example EEE. MMM do, yyyy)";
  if (
    update.postsPerPage !== undefined &&
    (!Number.isInteger(update.postsPerPage) || update.postsPerPage < 1 || update.postsPerPage > 100)
  )
    errors.postsPerPage = "must be a whole number from 1 to 100";
  if (update.language !== undefined && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(update.language))
    errors.language = "must be a language tag such as en or en-GB";
  if (
    update.commentModeration !== undefined &&
    !["all", "first-time", "none"].includes(update.commentModeration)
  )
    errors.commentModeration = "must be all, first-time or none";
  if (
    update.commentMaxLinks !== undefined &&
    (!Number.isInteger(update.commentMaxLinks) || update.commentMaxLinks < 0 || update.commentMaxLinks > 100)
  )
    errors.commentMaxLinks = "must be a whole number from 0 to 100";
  if (
    update.commentCloseAfterDays !== undefined &&
    (!Number.isInteger(update.commentCloseAfterDays) || update.commentCloseAfterDays < 0)
  )
    errors.commentCloseAfterDays = "must be 0 (never) or a number of days";
  if (
    update.commentMaxDepth !== undefined &&
    (!Number.isInteger(update.commentMaxDepth) || update.commentMaxDepth < 1 || update.commentMaxDepth > 10)
  )
    errors.commentMaxDepth = "must be a whole number from 1 to 10";
  if (
    update.securityContacts !== undefined &&
    (update.securityContacts.length > MAX_SECURITY_CONTACTS ||
      update.securityContacts.some((c) => c.length > 200 || !SECURITY_CONTACT_PATTERN.test(c)))
  )
    errors.securityContacts = `must be up to ${MAX_SECURITY_CONTACTS} lines, each a mailto:, https:// or tel: address`;
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
      if (key in stored && typeof stored[key] === typeof defaultSettings[key]) {
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

/** Formats a moment in the site's zone, e.g. the masthead's "Sun. May 22nd, 2022". */
export function formatSiteDate(date: Date | string, pattern: string, timezone: string): string {
  return formatInZone(typeof date === "string" ? new Date(date) : date, pattern, timezone);
}
