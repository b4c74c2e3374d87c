import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

// Editors may mix HTML into Markdown; whatever they write passes this allow-list afterwards.
const articleMarkdown = new MarkdownIt({ html: true, linkify: true, typographer: true });

/** The allow-list for article bodies: rich text, images, tables and figures; nothing that runs. */
export const articleHtmlPolicy: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "sub",
    "sup",
    "small",
    "mark",
    "abbr",
    "cite",
    "q",
    "kbd",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "span",
    "div",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel", "name", "id"],
    img: ["src", "alt", "title", "width", "height", "loading"],
    th: ["colspan", "rowspan", "scope"],
    td: ["colspan", "rowspan"],
    abbr: ["title"],
    ol: ["start", "reversed"],
    h2: ["id"],
    h3: ["id"],
    h4: ["id"],
    code: ["class"],
  },
  allowedClasses: { code: [/^language-[a-z0-9-]+$/] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    a: (tagName, attribs) => {
      const external = /^https?:\/\//i.test(attribs.href ?? "");
      return { tagName, attribs: external ? { ...attribs, rel: "noopener" } : attribs };
    },
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: "lazy" } }),
  },
};

/** Markdown from an editor → sanitised HTML safe to put on a page as it is. */
export function renderArticleMarkdown(markdown: string): string {
  return sanitizeHtml(articleMarkdown.render(markdown), articleHtmlPolicy);
}

/** HTML from outside (imports, feeds) through the same allow-list as article bodies. */
export function sanitizeArticleHtml(html: string): string {
  return sanitizeHtml(html, articleHtmlPolicy);
}

/** The first ~`maxLength` characters of text, cut at a word. */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > maxLength * 0.6 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}
