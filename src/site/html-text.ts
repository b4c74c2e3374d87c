import sanitizeHtml from "sanitize-html";

/** Content dropped with its tag rather than kept as text. */
export const NON_TEXT_TAGS = [
  "script",
  "style",
  "textarea",
  "option",
  "noscript",
  "title",
  "template",
  "svg",
  "math",
];

/** Block-level boundaries that must become whitespace when HTML is flattened to text. */
const BLOCK_BOUNDARY =
  /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|blockquote|section|article|figure|figcaption|pre|hr|dd|dt)\b[^>]*>/gi;

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
