import { tz } from "@date-fns/tz";
import { formatInZone } from "./site-date.js";
import { encodeSlug } from "./slug.js";

/** `/YYYY/MM/DD/slug/` (the slug percent-encoded) with the date in the site's zone (as WordPress does); a page's own `/about/team/`. */
export function articlePath(
  article: { slug: string; published_at: string | null; page_path?: string | null },
  timezone: string,
): string {
  if (article.page_path) return `/${article.page_path}/`;
  if (!article.published_at) return `/preview/${encodeSlug(article.slug)}/`;
  const day = formatInZone(new Date(article.published_at), "yyyy/MM/dd", timezone);
  return `/${day}/${encodeSlug(article.slug)}/`;
}

/** The UTC bounds [from, until) of a year, month or day in the site's zone, for date archives. */
export function dateArchiveRange(
  timezone: string,
  year: number,
  month?: number,
  day?: number,
): { from: string; until: string } | undefined {
  if (year < 1970 || year > 9999) return undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  const startLocal = { y: year, m: month ?? 1, d: day ?? 1 };
  if (day !== undefined) {
    const daysInMonth = new Date(Date.UTC(year, startLocal.m, 0)).getUTCDate();
    if (day < 1 || day > daysInMonth) return undefined;
  }
  const end = { ...startLocal };
  if (day !== undefined) end.d += 1;
  else if (month !== undefined) end.m += 1;
  else end.y += 1;
  return { from: zonedMidnightToUtc(startLocal, timezone), until: zonedMidnightToUtc(end, timezone) };
}

/** Midnight of a calendar day in `timezone`, as a UTC ISO string (month/day may overflow). */
function zonedMidnightToUtc(local: { y: number; m: number; d: number }, timezone: string): string {
  const guess = new Date(Date.UTC(local.y, local.m - 1, local.d));
  // The zone's offset at that moment; applying it twice settles days that cross a DST change.
  let utc = guess.getTime();
  for (let i = 0; i < 2; i++) {
    const offsetMinutes = tz(timezone)(utc).getTimezoneOffset();
    utc = guess.getTime() + offsetMinutes * 60_000;
  }
  return new Date(utc).toISOString();
}
