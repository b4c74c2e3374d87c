import { escapeHtml } from "../lib/html-escape.js";

/** Highlighted words in search results: the markers the database puts around them, and their HTML. */

const MARK_START = "\uE000";
const MARK_END = "\uE001";
/** Private-use characters the database puts around matched words; never present in article text. */
export const HIGHLIGHT_MARKERS = { start: MARK_START, end: MARK_END } as const;

/** True when a database-highlighted text has at least one marked match. */
export function hasHighlight(marked: string): boolean {
  return marked.includes(MARK_START);
}

/**
 * HTML for a highlighted text: everything escaped, then the markers turned into `<mark>`.
 * Unbalanced markers (a snippet cut inside a match) are closed or dropped.
 */
export function highlightToHtml(marked: string): string {
  let html = "";
  let open = false;
  for (const part of marked.split(/([\uE000\uE001])/)) {
    if (part === MARK_START) {
      if (!open) html += "<mark>";
      open = true;
    } else if (part === MARK_END) {
      if (open) html += "</mark>";
      open = false;
    } else html += escapeHtml(part);
  }
  return open ? `${html}</mark>` : html;
}

/** Removes the highlight markers (for plain-text uses such as JSON suggestions). */
export function stripHighlight(marked: string): string {
  return marked.replace(/[\uE000\uE001]/g, "");
}
