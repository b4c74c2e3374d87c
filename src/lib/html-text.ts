import { Parser } from "htmlparser2";
import { NON_TEXT_TAGS } from "./html-policy.js";

/** Block-level boundaries that must become whitespace when HTML is flattened to text. */
const BLOCK_BOUNDARY =
  /<\/?(?:p|div|br|li|ul|ol|dl|h[1-6]|table|tr|td|th|blockquote|section|article|figure|figcaption|pre|hr|dd|dt)\b[^>]*>/gi;

const SKIPPED_TAGS: ReadonlySet<string> = new Set(NON_TEXT_TAGS);

/**
 * Flattens HTML to plain text: tags and scripts dropped, entities decoded, whitespace collapsed.
 * The parser's text events alone (a sanitiser building markup to throw away was most of the cost
 * of a story page's standfirst check).
 */
export function htmlToText(html: string): string {
  // Most titles are plain text: skip the HTML parser when there is no tag or entity to handle.
  if (!/[<&]/.test(html)) return html.replace(/\s+/g, " ").trim();
  let text = "";
  // Inside a tag whose content is not text (script, style, svg…): how many elements deep.
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (skipping > 0) skipping += 1;
        else if (SKIPPED_TAGS.has(name)) skipping = 1;
      },
      onclosetag() {
        if (skipping > 0) skipping -= 1;
      },
      ontext(chunk) {
        if (skipping === 0) text += chunk;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html.replace(BLOCK_BOUNDARY, " "));
  return text.replace(/\s+/g, " ").trim();
}

/**
 * At most `maxChars` characters of text, ellipsis included: cut at the last word boundary when
 * that keeps most of the text (else mid-word), never inside a surrogate pair, without trailing
 * punctuation before the "…".
 */
export function truncateAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let cut = text.slice(0, maxChars - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const lastSpace = cut.lastIndexOf(" ");
  if (lastSpace > maxChars * 0.6) cut = cut.slice(0, lastSpace);
  return `${cut.replace(/[\s,;:.–—-]+$/, "")}…`;
}
