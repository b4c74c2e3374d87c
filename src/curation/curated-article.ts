/**
 * The body of a curated article: the outlet's own summary (or, for a source licensed for it, its
 * full text) followed by the attribution. Pure functions; the desk service supplies the data.
 */

/** One report credited in the body. */
export interface CreditedReport {
  name: string;
  url: string;
}

/** Escapes plain text so Markdown shows it as written (no emphasis, links, headings or HTML). */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/[\\`*_[\]<>|~&]/g, (char) => `\\${char}`)
      // Block syntax only matters at the start of a line.
      .replace(
        /^(\s*)([#>+=-]|\d+[.)])/gm,
        (_, space: string, marker: string) => `${space}${marker.replace(/([#>+=.)-])$/, "\\$1")}`,
      )
  );
}

/** Plain text (paragraphs separated by blank lines) as escaped Markdown paragraphs. */
export function plainTextToMarkdown(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .map(escapeMarkdown)
    .join("\n\n");
}

/** Percent-encodes what would end a Markdown link destination early. */
function escapeLinkUrl(url: string): string {
  return url.replace(
    /[()<>\s\\]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

function markdownLink(report: CreditedReport): string {
  return `[${escapeMarkdown(report.name)}](${escapeLinkUrl(report.url)})`;
}

function joinNames(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** "Originally reported by A. Also reported by B and C." with each outlet linked. */
export function attributionMarkdown(reports: CreditedReport[]): string {
  if (reports.length === 0) return "";
  const [lead, ...others] = reports;
  const also = others.length ? ` Also reported by ${joinNames(others.map(markdownLink))}.` : "";
  return `*Originally reported by ${markdownLink(lead)}.${also}*`;
}

/**
 * Sanitised HTML (from the parser) as one Markdown HTML block: blank lines would end the block
 * and let the rest be read as Markdown, so they are removed (whitespace between tags is not
 * significant outside <pre>).
 */
export function htmlAsMarkdownBlock(sanitizedHtml: string): string {
  const compact = sanitizedHtml.replace(/\n\s*\n/g, "\n").trim();
  return compact ? `<div class="curated-text">\n${compact}\n</div>` : "";
}

/**
 * The article body: the summary as written by the outlet or rewritten by the editor (plain text),
 * or the licensed full text (sanitised HTML), then the attribution line.
 */
export function buildCuratedBody(input: {
  summaryText: string;
  fullTextHtml?: string;
  reports: CreditedReport[];
}): string {
  const text = input.fullTextHtml
    ? htmlAsMarkdownBlock(input.fullTextHtml)
    : plainTextToMarkdown(input.summaryText);
  return [text, attributionMarkdown(input.reports)].filter(Boolean).join("\n\n");
}
