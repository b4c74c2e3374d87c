import { tz } from "@date-fns/tz";
import { format } from "date-fns/format";
import { dateLocale } from "./languages.js";

/**
 * Fast formatting of moments in the site's zone with date-fns patterns, identical to
 * `format(date, pattern, { in: tz(zone) })` (English): the zone's offset comes from one cached
 * `Intl.DateTimeFormat` per zone (kept per day) and each pattern is compiled once. date-fns builds a `TZDate` and re-reads the
 * zone's offset several times per call (about 25 µs); a page formats dozens of dates.
 * Patterns with tokens outside the common set below are handed to date-fns unchanged.
 */

interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  /** 0–23 */
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

type Piece = string | ((clock: WallClock) => string);

// biome-ignore format: tables read better packed
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const pad = (value: number, width: number) => String(value).padStart(width, "0");

/** English ordinals as date-fns writes them: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st. */
function ordinal(n: number): string {
  const rem100 = n % 100;
  if (rem100 > 20 || rem100 < 10) {
    if (rem100 % 10 === 1) return `${n}st`;
    if (rem100 % 10 === 2) return `${n}nd`;
    if (rem100 % 10 === 3) return `${n}rd`;
  }
  return `${n}th`;
}

const hour12 = (c: WallClock) => c.hour % 12 || 12;

/** The tokens handled here; anything else makes the whole pattern go to date-fns. */
const TOKENS: Record<string, (c: WallClock) => string> = {
  y: (c) => String(c.year),
  yy: (c) => pad(c.year % 100, 2),
  yyyy: (c) => pad(c.year, 4),
  M: (c) => String(c.month),
  MM: (c) => pad(c.month, 2),
  MMM: (c) => MONTHS[c.month - 1].slice(0, 3),
  MMMM: (c) => MONTHS[c.month - 1],
  d: (c) => String(c.day),
  dd: (c) => pad(c.day, 2),
  do: (c) => ordinal(c.day),
  E: (c) => DAYS[c.weekday].slice(0, 3),
  EE: (c) => DAYS[c.weekday].slice(0, 3),
  EEE: (c) => DAYS[c.weekday].slice(0, 3),
  EEEE: (c) => DAYS[c.weekday],
  H: (c) => String(c.hour),
  HH: (c) => pad(c.hour, 2),
  h: (c) => String(hour12(c)),
  hh: (c) => pad(hour12(c), 2),
  m: (c) => String(c.minute),
  mm: (c) => pad(c.minute, 2),
  s: (c) => String(c.second),
  ss: (c) => pad(c.second, 2),
  a: (c) => (c.hour < 12 ? "AM" : "PM"),
  aa: (c) => (c.hour < 12 ? "AM" : "PM"),
};

// date-fns' own tokenizer: a letter run, an ordinal ("do"), a quoted literal, or any one character.
const TOKEN_PATTERN = /[yYQqMLwIdDecihHKkms]o|(\w)\1*|''|'(''|[^'])+('|$)|./g;

/** The pattern as literal strings and field writers, or undefined when date-fns must format it. */
function compile(pattern: string): Piece[] | undefined {
  const pieces: Piece[] = [];
  for (const token of pattern.match(TOKEN_PATTERN) ?? []) {
    if (token === "''") pieces.push("'");
    else if (token.startsWith("'")) {
      const inner = token.endsWith("'") && token.length > 1 ? token.slice(1, -1) : token.slice(1);
      pieces.push(inner.replace(/''/g, "'"));
    } else if (/^[a-zA-Z]/.test(token)) {
      const writer = TOKENS[token];
      if (!writer) return undefined;
      pieces.push(writer);
    } else pieces.push(token);
  }
  return pieces;
}

const compiled = new Map<string, Piece[] | null>();
const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(zone: string): Intl.DateTimeFormat {
  let formatter = wallClockFormats.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    wallClockFormats.set(zone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at `time` in ms, read from Intl; undefined outside years 1000–9999. */
function exactOffset(zone: string, time: number): number | undefined {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of wallClockFormat(zone).formatToParts(time)) {
    if (part.type === "era") return undefined;
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  if (fields.year < 1000 || fields.year > 9999 || fields.hour > 23) return undefined;
  const { year, month, day, hour, minute, second } = fields;
  return Date.UTC(year, month - 1, day, hour, minute, second) - Math.floor(time / 1000) * 1000;
}

const DAY_MS = 86_400_000;
/** Per zone: UTC day number → the offset all that day, or NaN for a day the offset changes. */
const offsetsByDay = new Map<string, Map<number, number>>();

/**
 * The zone's offset at `time`. Offsets change at most twice a year, so one is kept per UTC day
 * once the day's first and last second agree; a day with a change is read exactly each time.
 */
function offsetAt(zone: string, time: number): number | undefined {
  let days = offsetsByDay.get(zone);
  if (!days) {
    days = new Map();
    offsetsByDay.set(zone, days);
  }
  const day = Math.floor(time / DAY_MS);
  const held = days.get(day);
  if (held !== undefined) return Number.isNaN(held) ? exactOffset(zone, time) : held;
  const first = exactOffset(zone, day * DAY_MS);
  const last = exactOffset(zone, day * DAY_MS + DAY_MS - 1000);
  if (first === undefined || last === undefined) return exactOffset(zone, time);
  if (days.size > 20_000) days.clear();
  days.set(day, first === last ? first : Number.NaN);
  return first === last ? first : exactOffset(zone, time);
}

/** The wall clock in `zone` at `date`, or undefined when Intl cannot say (then date-fns formats). */
function wallClock(date: Date, zone: string): WallClock | undefined {
  const offset = zone === "UTC" ? 0 : offsetAt(zone, date.getTime());
  if (offset === undefined) return undefined;
  const wall = new Date(date.getTime() + offset);
  const year = wall.getUTCFullYear();
  if (year < 1000 || year > 9999) return undefined;
  return {
    year,
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    weekday: wall.getUTCDay(),
  };
}

/** `format(date, pattern, { in: tz(zone) })`, faster; throws as date-fns does for a bad pattern. */
export function formatInZone(date: Date, pattern: string, zone: string): string {
  let pieces = compiled.get(pattern);
  if (pieces === undefined) {
    pieces = compile(pattern) ?? null;
    // Patterns come from settings and templates: a handful per site, but bound it all the same.
    if (compiled.size > 200) compiled.clear();
    compiled.set(pattern, pieces);
  }
  let clock: WallClock | undefined;
  try {
    clock = pieces && !Number.isNaN(date.getTime()) ? wallClock(date, zone) : undefined;
  } catch {
    // A zone Intl does not know: date-fns decides what that gives.
    clock = undefined;
  }
  if (!pieces || !clock) return format(date, pattern, { in: tz(zone) });
  let out = "";
  for (const piece of pieces) out += typeof piece === "string" ? piece : piece(clock);
  return out;
}

/**
 * Formats a moment in the site's zone and language, e.g. the masthead's "Sun. May 22nd, 2022" or
 * "пт, 4 декабря 2026 г.". English goes through the fast formatter; other languages through
 * date-fns with their locale.
 */
export function formatSiteDate(
  date: Date | string,
  pattern: string,
  timezone: string,
  language = "en",
): string {
  const moment = typeof date === "string" ? new Date(date) : date;
  const locale = dateLocale(language);
  return locale
    ? format(moment, pattern, { in: tz(timezone), locale })
    : formatInZone(moment, pattern, timezone);
}
