/**
 * The search index's text form, shared by the index writer, the query compiler and the migration
 * that built the index. Pure functions, no I/O.
 *
 * Folding is "Unicode decomposition, drop the combining marks, lower-case": the same rule
 * SQLite's unicode61 tokenizer applies with `remove_diacritics 2`, done here so PostgreSQL
 * (which may not have the unaccent extension) folds identically: "Café" and "cafe" meet.
 */

/** Longest body text (characters) put into the index; PostgreSQL caps a tsvector at 1 MB. */
export const MAX_INDEXED_BODY_CHARS = 300_000;

const COMBINING_MARKS = /\p{M}+/gu;
/** A word: a letter or digit, then letters, digits and combining marks. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

/** Lower-cased text with diacritics removed ("Ça Crée" → "ca cree"). */
export function foldText(text: string): string {
  return text.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase();
}

/** The words of a text as the tokenizers see them (punctuation splits words). */
export function wordsOf(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Folded words joined by single spaces: what PostgreSQL indexes, so its parser sees only plain words. */
export function foldedWords(text: string): string {
  return wordsOf(foldText(text)).join(" ");
}

const BLOCK_BOUNDARY =
  /<\/?(?:p|div|br|hr|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|td|th|figure|figcaption|section|article|header|footer|aside)\b/gi;

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/**
 * Plain text of sanitised article HTML for the index: tags dropped, block boundaries kept as
 * spaces (so "</p><p>" does not glue two words together), entities decoded.
 */
export function plainTextOfHtml(html: string): string {
  return html
    .replace(BLOCK_BOUNDARY, " $&")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === "#") {
        const code =
          name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : " ";
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The `from` and `to` strings of a SQL `translate()` that folds single characters the way
 * `foldText` does, for matching PostgreSQL's own lexemes of the original text (used to find
 * the words to highlight). Characters that fold to more than one character are left out.
 */
export function foldingTranslation(): { from: string; to: string } {
  let from = "";
  let to = "";
  const ranges: Array<[number, number]> = [
    [0x00c0, 0x024f], // Latin-1 Supplement, Latin Extended-A and -B
    [0x0370, 0x03ff], // Greek
    [0x0400, 0x04ff], // Cyrillic
    [0x1e00, 0x1eff], // Latin Extended Additional (Vietnamese)
  ];
  for (const [start, end] of ranges) {
    for (let code = start; code <= end; code++) {
      const char = String.fromCharCode(code);
      const folded = foldText(char);
      if (folded.length === 1 && folded !== char) {
        from += char;
        to += folded;
      }
    }
  }
  return { from, to };
}
