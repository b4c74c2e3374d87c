/**
 * WordPress post HTML → the clean, sanitised HTML Broadsheet stores. Classic-editor content gets
 * WordPress's paragraphs (`autop.ts`); block-editor content loses its `<!-- wp:… -->` comments;
 * both lose shortcodes and iframes (`shortcodes.ts`). Whatever comes out has passed the
 * `imported` HTML policy (src/lib/html-policy.ts): no script, style, iframe, event handler or
 * `javascript:` URL.
 */
import sanitizeHtml from "sanitize-html";
import { embedOf } from "../../lib/embeds.js";
import { decodeBasicEntities, escapeHtml } from "../../lib/html-escape.js";
import { NON_TEXT_TAGS, type SafeHtml, sanitizeWith } from "../../lib/html-policy.js";
import { htmlToText, truncateAtWord } from "../../lib/html-text.js";
import { autop } from "./autop.js";
import { closerCache, replaceEnclosed } from "./enclosed.js";
import {
  convertCaptions,
  convertEmbeds,
  convertMediaShortcodes,
  type GallerySource,
  linkParagraph,
  removeCaptions,
} from "./shortcodes.js";

/** Sanitised HTML, and a note for each piece of content that could not be carried over. */
export interface ConvertedContent {
  html: SafeHtml;
  /** E.g. `[gallery ids="4,5"]`, `reusable block 12`, `wp:latest-posts`. */
  dropped: string[];
  /**
   * What was changed or left out, one entry per occurrence, by kind (`[gallery] shortcode`,
   * `<script>`, `style attribute`, `<iframe> shown as a link`), for the import report.
   */
  changed: string[];
}

/** Options of `convertPostContent`. */
export interface ConvertContentOptions {
  /** The old site's URL: root-relative links and images (`/wp-content/…`) are made absolute to it. */
  siteUrl?: string;
  /** The export's attachments, for `[gallery]`; without them galleries are dropped and reported. */
  gallery?: GallerySource;
}

/** Default length of a generated excerpt, in characters. */
export const EXCERPT_MAX_CHARS = 300;

// Patterns stop at the next "<!--" or "[" where they can, and spans with a closing tag go
// through replaceEnclosed: a hostile post must not make any of them scan quadratically.
/** A block's JSON attributes: WordPress escapes `--` inside them, so they never contain `-->`. */
const BLOCK_ATTRIBUTES = String.raw`(\s+\{(?:(?!-->|<!--)[\s\S])*?\})?`;
const BLOCK_COMMENT = /<!--\s+\/?wp:(?:(?!<!--)[\s\S])*?-->/g;
const EMBED_BLOCK_OPEN = new RegExp(
  String.raw`<!--\s+wp:(embed|core-embed\/[a-z0-9-]+)${BLOCK_ATTRIBUTES}\s+-->`,
  "g",
);
const SELF_CLOSING_BLOCK = new RegExp(
  String.raw`<!--\s+wp:([a-z0-9-]+(?:\/[a-z0-9-]+)?)${BLOCK_ATTRIBUTES}\s+\/-->`,
  "g",
);
/** Blocks WordPress leaves out of generated excerpts (`excerpt_remove_blocks`): media, code, layout. */
const NON_TEXT_BLOCK_OPEN = new RegExp(
  String.raw`<!--\s+wp:(image|gallery|embed|core-embed\/[a-z0-9-]+|video|audio|file|code|cover|media-text|buttons|separator|spacer)\b${BLOCK_ATTRIBUTES}\s+-->`,
  "g",
);
const closingBlock = closerCache((name) => new RegExp(String.raw`<!--\s+\/wp:${name}\s+-->`, "g"));
const MORE_OR_NEXTPAGE = /<!--(?:more|nextpage)\b(?:(?!<!--)[\s\S])*?-->/g;
const PRE_OPEN = /<pre\b/gi;
const PRE_CLOSE = /<\/pre\s*>/gi;
const IFRAME_OPEN = /<iframe\b[^<>]*>/gi;
const IFRAME_CLOSE = /<\/iframe\s*>/gi;
const LINK_OPEN = /<a\b[^<>]*>/gi;
const LINK_CLOSE = /<\/a\s*>/gi;
const SOURCE_ATTRIBUTE = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')/i;
const HREF_ATTRIBUTE = /\shref\s*=\s*(?:"([^"]*)"|'([^']*)')/i;
/** Whether the content was written in the block editor (Gutenberg). */
export function isBlockContent(html: string): boolean {
  return /<!--\s+wp:/.test(html);
}

function blockEmbedUrl(attributesJson: string | undefined, inner: string): string | undefined {
  if (attributesJson) {
    try {
      const attributes: unknown = JSON.parse(attributesJson);
      if (typeof attributes === "object" && attributes !== null && "url" in attributes) {
        if (typeof attributes.url === "string" && /^https?:\/\//i.test(attributes.url)) return attributes.url;
      }
    } catch {
      // Malformed block attributes: fall back to the URL WordPress also prints inside the block.
    }
  }
  return /https?:\/\/[^\s<>"]+/i.exec(inner.replace(/<[^<>]*>/g, " "))?.[0];
}

/** Embed blocks → link paragraphs; reusable and dynamic blocks are reported; comments go. */
function convertBlocks(html: string, dropped: string[]): string {
  const withEmbeds = replaceEnclosed(
    html,
    EMBED_BLOCK_OPEN,
    (opener) => closingBlock(opener[1]),
    (opener, inner) => {
      const url = blockEmbedUrl(opener[2], inner);
      if (url === undefined) return inner;
      const caption = /<figcaption[^<>]*>([\s\S]*?)<\/figcaption>/i.exec(inner)?.[1]?.trim();
      const link = linkParagraph(url);
      return caption ? `<figure>${link}<figcaption>${caption}</figcaption></figure>` : link;
    },
  );
  return withEmbeds
    .replace(SELF_CLOSING_BLOCK, (_match, name: string, attributesJson: string | undefined) => {
      // A self-closing block has no saved HTML: WordPress renders it (or, for wp:block, the
      // reusable block it points to) on each request, so there is nothing to import.
      const ref = name === "block" ? /"ref"\s*:\s*(\d+)/.exec(attributesJson ?? "")?.[1] : undefined;
      dropped.push(ref === undefined ? `wp:${name}` : `reusable block ${ref}`);
      return "";
    })
    .replace(BLOCK_COMMENT, "");
}

function attributeValue(tag: string, pattern: RegExp): string | undefined {
  const match = pattern.exec(tag);
  return match ? decodeBasicEntities(match[1] ?? match[2] ?? "") : undefined;
}

/**
 * An `<iframe>` becomes a link to what it showed: for a video or post (YouTube, X…) pages draw
 * an embed card; anything else (a map, a form) is noted in `changed`.
 */
function iframesToLinks(html: string, changed: string[]): string {
  return replaceEnclosed(
    html,
    IFRAME_OPEN,
    () => IFRAME_CLOSE,
    (opener) => {
      const source = attributeValue(opener[0], SOURCE_ATTRIBUTE) ?? "";
      const url = source.startsWith("//") ? `https:${source}` : source;
      const isLink = /^https?:\/\//i.test(url);
      if (!isLink) changed.push("<iframe> without an address");
      else if (!embedOf(url)?.provider) changed.push("<iframe> shown as a link");
      return isLink ? linkParagraph(url) : "";
    },
  );
}

/** The kind of a dropped piece: `[gallery ids="4"]` → `[gallery] shortcode`. */
function droppedKind(dropped: string): string {
  const shortcode = /^\[(\w+)/.exec(dropped)?.[1];
  if (shortcode) return `[${shortcode}] shortcode`;
  if (dropped.startsWith("reusable block")) return "reusable block";
  return `${dropped} block`;
}

/**
 * Replaces `<pre>` blocks with placeholders so no rewrite touches code samples. The placeholder
 * is delimited by NUL, which `convertPostContent` removes from its input, so content cannot forge one.
 */
function protectPreformatted(html: string): { text: string; restore: (text: string) => string } {
  const blocks: string[] = [];
  const text = replaceEnclosed(
    html,
    PRE_OPEN,
    () => PRE_CLOSE,
    (opener, inner, closer) => `\u0000${blocks.push(opener[0] + inner + closer[0]) - 1}\u0000`,
  );
  const restore = (value: string): string =>
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the placeholder's delimiter
    value.replace(/\u0000(\d+)\u0000/g, (_match, index: string) => blocks[Number(index)] ?? "");
  return { text, restore };
}

/**
 * Converts a post's `content:encoded` to sanitised HTML, following WordPress's own order:
 * embeds, then paragraphs (classic content only), then shortcodes.
 */
export function convertPostContent(raw: string, options: ConvertContentOptions = {}): ConvertedContent {
  const dropped: string[] = [];
  const changed: string[] = [];
  const normalized = raw.replace(/\r\n?/g, "\n").replaceAll("\u0000", "");
  const isBlocks = isBlockContent(normalized);
  const { text: protectedText, restore } = protectPreformatted(normalized);
  let text = isBlocks ? convertBlocks(protectedText, dropped) : protectedText;
  text = convertEmbeds(text, !isBlocks);
  text = convertCaptions(text);
  text = convertMediaShortcodes(text, dropped, options.gallery);
  text = iframesToLinks(text, changed).replace(MORE_OR_NEXTPAGE, "");
  // Removed block comments leave blank lines; between blocks they mean nothing.
  text = isBlocks ? restore(text.replace(/\n\s*\n/g, "\n")) : autop(restore(text));
  const html = sanitizeWith("imported", text, {
    baseUrl: options.siteUrl,
    onRemoved: (what) => changed.push(what),
  });
  return { html, dropped, changed: [...dropped.map(droppedKind), ...changed] };
}

const CORE_SHORTCODE = /\[(\[?)\/?(?:embed|gallery|playlist|audio|video)\b[^\][]*\](\]?)/g;

/**
 * Plain-text excerpt from an excerpt or a post body: the part before `<!--more-->`, without
 * media blocks, block comments or core shortcodes (a caption goes with its image, as in
 * WordPress's `strip_shortcodes`), truncated at a word to `maxChars`.
 */
export function htmlToExcerptText(html: string, maxChars = EXCERPT_MAX_CHARS): string {
  const teaser = html.split(/<!--more\b/)[0] ?? "";
  const withoutMedia = replaceEnclosed(
    teaser,
    NON_TEXT_BLOCK_OPEN,
    (opener) => closingBlock(opener[1]),
    () => " ",
  );
  const text = removeCaptions(withoutMedia.replace(BLOCK_COMMENT, " ")).replace(
    CORE_SHORTCODE,
    (match, open: string, close: string) => (open === "[" && close === "]" ? match.slice(1, -1) : " "),
  );
  return truncateAtWord(htmlToText(text), maxChars);
}

/**
 * A comment's text with its paragraphs (blank lines) and line breaks kept, for Broadsheet's
 * plain comments. Links keep their address: `text (https://…)` unless the text is the address.
 */
export function commentHtmlToText(html: string): string {
  const withLinks = replaceEnclosed(
    html.replace(/\r\n?/g, "\n"),
    LINK_OPEN,
    () => LINK_CLOSE,
    (opener, inner) => {
      const text = htmlToText(inner);
      const url = (attributeValue(opener[0], HREF_ATTRIBUTE) ?? "").trim();
      const isShown = /^(?:https?:|mailto:)/i.test(url) && text !== url;
      // Re-escaped: the tags around it are stripped next, and "a < b" must stay text.
      return escapeHtml(isShown ? `${text} (${url})` : text);
    },
  );
  const withBreaks = withLinks
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*/gi, "\n\n")
    .replace(/<\/(?:blockquote|li|div|h[1-6])>/gi, "$&\n");
  const stripped = sanitizeHtml(withBreaks, {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: NON_TEXT_TAGS,
  });
  return decodeBasicEntities(stripped)
    .split("\n")
    .map((line) => line.replace(/[ \t\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
