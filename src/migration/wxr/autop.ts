/**
 * A port of WordPress's `wpautop()` (wp-includes/formatting.php): classic-editor posts are stored
 * without paragraph tags and WordPress adds them on every page view, so an import must add them
 * once. The regular expressions follow WordPress's so that posts break into the same paragraphs.
 */

const ALL_BLOCKS =
  "(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|" +
  "blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|" +
  "nav|figure|figcaption|details|menu|summary)";

const BLOCK_OPEN = new RegExp(`(<${ALL_BLOCKS}[\\s/>])`, "g");
const BLOCK_CLOSE = new RegExp(`(</${ALL_BLOCKS}>)`, "g");
const P_AROUND_BLOCK_TAG = new RegExp(`<p>\\s*(</?${ALL_BLOCKS}[^<>]*>)\\s*</p>`, "g");
const P_BEFORE_BLOCK_TAG = new RegExp(`<p>\\s*(</?${ALL_BLOCKS}[^<>]*>)`, "g");
const P_AFTER_BLOCK_TAG = new RegExp(`(</?${ALL_BLOCKS}[^<>]*>)\\s*</p>`, "g");
const BR_AFTER_BLOCK_TAG = new RegExp(`(</?${ALL_BLOCKS}[^<>]*>)\\s*<br />`, "g");
const BR_BEFORE_CLOSING = /<br \/>(\s*<\/?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^<>]*>)/g;

/** Stands in for a newline inside a tag or comment while lines are being turned into `<br />`. */
const NEWLINE_IN_TAG = " <!-- wpnl --> ";

/** Takes `<pre>` blocks out (their newlines are content), leaving `<pre wp-pre-tag-N></pre>`. */
function takeOutPreBlocks(text: string): { text: string; blocks: Map<string, string> } {
  const blocks = new Map<string, string>();
  if (!text.includes("<pre")) return { text, blocks };
  const parts = text.split("</pre>");
  const last = parts.pop() ?? "";
  let result = "";
  for (const part of parts) {
    const start = part.indexOf("<pre");
    if (start === -1) {
      result += part;
      continue;
    }
    const placeholder = `<pre wp-pre-tag-${blocks.size}></pre>`;
    blocks.set(placeholder, `${part.slice(start)}</pre>`);
    result += part.slice(0, start) + placeholder;
  }
  return { text: result + last, blocks };
}

/**
 * WordPress's `/(?<!<br \/>)\s*\n/` → `<br />\n`, line by line: the regex retries a long run of
 * spaces from each of its positions, which a hostile post turns into minutes.
 */
function addLineBreaks(text: string): string {
  const lines = text.split("\n");
  const last = lines.pop() ?? "";
  return lines
    .map((line) => {
      const trimmed = line.trimEnd();
      return trimmed.endsWith("<br />") ? `${trimmed}\n` : `${trimmed}<br />\n`;
    })
    .join("")
    .concat(last);
}

/** Adds `<p>` around blank-line-separated text and `<br />` at single newlines, outside blocks. */
export function autop(input: string): string {
  if (input.trim() === "") return "";
  const { text: withoutPre, blocks } = takeOutPreBlocks(`${input}\n`);
  let text = withoutPre
    .replace(/<br\s*\/?>\s*<br\s*\/?>/g, "\n\n")
    .replace(BLOCK_OPEN, "\n\n$1")
    .replace(BLOCK_CLOSE, "$1\n\n")
    .replace(/(<hr\s*?\/?>)/g, "$1\n\n")
    .replace(/\r\n?/g, "\n")
    // [^<>] rather than WordPress's [^>]: a stray "<" must not scan the rest of the post.
    .replace(/<[^<>]*>/g, (tag) => tag.replaceAll("\n", NEWLINE_IN_TAG));

  if (text.includes("<figcaption")) {
    // WordPress: /\s*(<figcaption[^>]*>)/. Trimming before each split point does the same without
    // the regex rescanning long runs of spaces from every position.
    const parts = text.split(/(?=<figcaption\b)/);
    text = parts.map((part, index) => (index < parts.length - 1 ? part.trimEnd() : part)).join("");
    text = text.replace(/<\/figcaption>\s*/g, "</figcaption>");
  }

  text = text
    .replace(/\n\n+/g, "\n\n")
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph !== "")
    .map((paragraph) => `<p>${paragraph.replace(/^\n+|\n+$/g, "")}</p>\n`)
    .join("");

  text = text
    .replace(/<p>\s*<\/p>/g, "")
    .replace(/<p>([^<]+)<\/(div|address|form)>/g, "<p>$1</p></$2>")
    .replace(P_AROUND_BLOCK_TAG, "$1")
    .replace(/<p>(<li.+?)<\/p>/g, "$1")
    .replace(/<p><blockquote([^<>]*)>/gi, "<blockquote$1><p>")
    .replaceAll("</blockquote></p>", "</p></blockquote>")
    .replace(P_BEFORE_BLOCK_TAG, "$1")
    .replace(P_AFTER_BLOCK_TAG, "$1")
    .replace(/<br>|<br\/>/g, "<br />");
  text = addLineBreaks(text)
    .replace(BR_AFTER_BLOCK_TAG, "$1")
    .replace(BR_BEFORE_CLOSING, "$1")
    .replace(/\n<\/p>$/, "</p>");

  text = text.replace(
    /<pre wp-pre-tag-\d+><\/pre>/g,
    (placeholder) => blocks.get(placeholder) ?? placeholder,
  );
  return text.replaceAll(NEWLINE_IN_TAG, "\n").replaceAll("<!-- wpnl -->", "\n");
}
