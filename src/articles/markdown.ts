import MarkdownIt from "markdown-it";
import { type SafeHtml, sanitizeWith } from "../lib/html-policy.js";

// Editors may mix HTML into Markdown; whatever they write passes the article policy afterwards.
const articleMarkdown = new MarkdownIt({ html: true, linkify: true, typographer: true });

/** Markdown from an editor → sanitised HTML safe to put on a page as it is. */
export function renderArticleMarkdown(markdown: string): SafeHtml {
  return sanitizeWith("article", articleMarkdown.render(markdown));
}

/** The first ~`maxLength` characters of text, cut at a word. */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > maxLength * 0.6 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}
