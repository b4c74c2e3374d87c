/** Zone abbreviations seen in RSS dates that V8's Date.parse does not know (it knows UT, GMT, E/C/M/P S/D T). */
// biome-ignore format: a table reads best packed
const ZONE_OFFSETS: Record<string, string> = {
  CET: "+0100", CEST: "+0200", BST: "+0100", WET: "+0000", WEST: "+0100", EET: "+0200",
  EEST: "+0300", MSK: "+0300", IST: "+0530", HKT: "+0800", SGT: "+0800", JST: "+0900",
  KST: "+0900", AEST: "+1000", AEDT: "+1100", NZST: "+1200", NZDT: "+1300",
};

/** An explicit zone at the end: Z, ±hh:mm, ±hhmm, or a zone name V8 knows. */
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2}|\b(?:UTC?|GMT|[ECMP][SD]T))$/;

/**
 * Parses a feed date (RFC 822 as in RSS, RFC 3339 as in Atom and JSON Feed, and common sloppy
 * variants). A date without a zone is read as UTC so the result never depends on the server's
 * time zone. Returns `undefined` when the text is not a date.
 */
export function parseFeedDate(raw: string | undefined): Date | undefined {
  let text = raw?.trim().replace(/\s+/g, " ");
  if (!text) return undefined;
  // "2024-03-06 10:00:00" (SQL style) is read by V8 as local time; make it ISO UTC.
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(text))
    text = `${text.replace(" ", "T")}Z`;
  text = text.replace(/\b([A-Z]{3,4})$/, (zone) => ZONE_OFFSETS[zone] ?? zone);
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) return undefined;
  if (HAS_ZONE.test(text) || /^\d{4}-\d{2}-\d{2}$/.test(text)) return new Date(parsed);
  // V8 read a zone-less date as local time; shift it so it means UTC.
  return new Date(parsed - new Date(parsed).getTimezoneOffset() * 60_000);
}
