/** WordPress's `YYYY-MM-DD HH:MM:SS` dates, to and from ISO 8601. */

/** The outcome of reading a WordPress date: a UTC instant, WordPress's "no date", or garbage. */
export type WpDateResult = { kind: "valid"; iso: string } | { kind: "zero" } | { kind: "invalid" };

const WP_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** The placeholder WordPress stores when a date is unset (e.g. `post_date_gmt` of a draft). */
export const WP_ZERO_DATE = "0000-00-00 00:00:00";

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Reads a WordPress date as UTC. "" and 0000-00-00… are `zero`; anything that is not a real
 * calendar date (2021-02-30, 24:61) is `invalid` rather than silently rolled over by `Date`.
 */
export function parseWpDate(value: string): WpDateResult {
  const trimmed = value.trim();
  if (trimmed === "" || trimmed.startsWith("0000-00-00")) return { kind: "zero" };
  const match = WP_DATE.exec(trimmed);
  if (!match) return { kind: "invalid" };
  const [, year, month, day, hour = "00", minute = "00", second = "00"] = match;
  const isReal =
    Number(year) >= 1000 &&
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysInMonth(Number(year), Number(month)) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60;
  return isReal
    ? { kind: "valid", iso: `${year}-${month}-${day}T${hour}:${minute}:${second}Z` }
    : { kind: "invalid" };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Formats an ISO instant as WordPress's `YYYY-MM-DD HH:MM:SS` in `timeZone` (UTC by default). */
export function formatWpDate(iso: string | null, timeZone = "UTC"): string {
  if (iso === null) return WP_ZERO_DATE;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return WP_ZERO_DATE;
  if (timeZone === "UTC") return date.toISOString().slice(0, 19).replace("T", " ");
  const parts = formatterFor(timeZone).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((candidate) => candidate.type === type)?.value ?? "00";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")}`;
}

/** Formats an ISO instant as RFC 2822 for RSS `<pubDate>`; "" when there is no date. */
export function formatRssDate(iso: string | null): string {
  if (iso === null) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toUTCString().replace("GMT", "+0000");
}
