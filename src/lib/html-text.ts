import sanitizeHtml from "sanitize-html";
import { NON_TEXT_TAGS } from "./html-policy.js";

/** Block-level boundaries that must become whitespace when HTML is flattened to text. */
const BLOCK_BOUNDARY =
  /<\/?(?:p|div|br|li|ul|ol|dl|h[1-6]|table|tr|td|th|blockquote|section|article|figure|figcaption|pre|hr|dd|dt)\b[^>]*>/gi;

/** Flattens HTML to plain text: tags and scripts dropped, entities decoded, whitespace collapsed. */
export function htmlToText(html: string): string {
  // Most titles are plain text: skip the HTML parser when there is no tag or entity to handle.
  if (!/[<&]/.test(html)) return html.replace(/\s+/g, " ").trim();
  const escapedText = sanitizeHtml(html.replace(BLOCK_BOUNDARY, " "), {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: NON_TEXT_TAGS,
  });
  // sanitize-html decodes every entity, then re-escapes exactly these in text; undo that.
  return escapedText
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ESCAPES[name])
    .replace(/\s+/g, " ")
    .trim();
}

const ESCAPES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"' };

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
