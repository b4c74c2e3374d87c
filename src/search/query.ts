import { foldText, wordsOf } from "../db/search-text.js";

/**
 * The reader's query language, parsed once and compiled for each database:
 * `words` (all must match), `"quoted phrases"`, `-excluded` words or phrases, `word*` prefixes,
 * and (for as-you-type) a prefix match on the last word. Anything else is a plain word: quotes
 * that never close, stray operators, FTS syntax (`NEAR(`, `title:`, `AND OR NOT`) and SQL
 * metacharacters are read as text, so no query can fail.
 */

/** Longest query (characters) considered; the rest is ignored. */
export const MAX_QUERY_CHARS = 500;
/** Most terms (words or phrases) considered. */
export const MAX_QUERY_TERMS = 12;
/** Longest word considered; longer ones are cut (no real word is this long). */
export const MAX_WORD_CHARS = 60;
/** Shortest word that is prefix-matched; a one-letter prefix would match nearly everything. */
export const MIN_PREFIX_CHARS = 2;

export interface SearchTerm {
  /** One word, or several for a phrase; as typed (lower-cased), not folded. */
  words: string[];
  isExcluded: boolean;
  isPrefix: boolean;
}

export interface ParsedQuery {
  /** Terms that must match; empty means there is nothing to search for. */
  required: SearchTerm[];
  excluded: SearchTerm[];
}

export interface ParseOptions {
  /** Treat the last bare word as a prefix ("elect" finds "election"). */
  prefixLastWord?: boolean;
}

function termOf(raw: string, isExcluded: boolean, isPrefix: boolean): SearchTerm | undefined {
  const words = wordsOf(raw.toLowerCase()).map((w) => w.slice(0, MAX_WORD_CHARS));
  if (words.length === 0) return undefined;
  const last = words[words.length - 1];
  return { words, isExcluded, isPrefix: isPrefix && foldText(last).length >= MIN_PREFIX_CHARS };
}

/** Parses a reader's query; never throws. */
export function parseQuery(input: string, options: ParseOptions = {}): ParsedQuery {
  // Brackets and list punctuation separate words; hyphens, apostrophes, dots and the like join
  // them into one token, which is matched as a phrase ("e-mail", "don't", "U.S.").
  const text = input.slice(0, MAX_QUERY_CHARS).replace(/[()[\]{}<>,;!?|^~=+]/g, " ");
  const terms: Array<SearchTerm & { isBare: boolean }> = [];
  let i = 0;
  while (i < text.length && terms.length < MAX_QUERY_TERMS) {
    const char = text[i];
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    let isExcluded = false;
    if (char === "-" && i + 1 < text.length && !/\s/.test(text[i + 1])) {
      isExcluded = true;
      i++;
    }
    if (text[i] === '"') {
      // A phrase runs to the closing quote, or to the end when the quote never closes.
      const close = text.indexOf('"', i + 1);
      const end = close === -1 ? text.length : close;
      const raw = text.slice(i + 1, end);
      i = end + 1;
      const isPrefix = text[i] === "*";
      if (isPrefix) i++;
      const term = termOf(raw, isExcluded, isPrefix);
      if (term) terms.push({ ...term, isBare: false });
      continue;
    }
    let end = i;
    while (end < text.length && !/\s/.test(text[end]) && text[end] !== '"') end++;
    const raw = text.slice(i, end);
    i = end;
    const term = termOf(raw, isExcluded, /\*$/.test(raw));
    // "e-mail" or "don't" is one token of several words: matched as a phrase, like the index sees it.
    if (term) terms.push({ ...term, isBare: !/\*$/.test(raw) });
  }
  const required = terms.filter((t) => !t.isExcluded);
  const last = required[required.length - 1];
  if (options.prefixLastWord && last?.isBare && !last.isPrefix) {
    last.isPrefix = foldText(last.words[last.words.length - 1]).length >= MIN_PREFIX_CHARS;
  }
  const strip = ({ isBare: _bare, ...term }: SearchTerm & { isBare: boolean }): SearchTerm => term;
  return { required: required.map(strip), excluded: terms.filter((t) => t.isExcluded).map(strip) };
}

/** True when the query has something to search for. */
export function isSearchable(query: ParsedQuery): boolean {
  return query.required.length > 0;
}

/** Every word the reader asked for (folded), with whether it is a prefix, for highlighting. */
export function wantedWords(query: ParsedQuery): { exact: string[]; prefixes: string[] } {
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const term of query.required) {
    term.words.forEach((word, index) => {
      const folded = foldText(word);
      if (term.isPrefix && index === term.words.length - 1) prefixes.add(folded);
      else exact.add(folded);
    });
  }
  return { exact: [...exact], prefixes: [...prefixes] };
}

// ── SQLite FTS5 ─────────────────────────────────────────────────────────────

function fts5Phrase(term: SearchTerm): string {
  // Words hold only letters, digits and marks, so a double-quoted string cannot be broken out of.
  return `"${term.words.join(" ")}"${term.isPrefix ? "*" : ""}`;
}

/**
 * An FTS5 MATCH expression: `"a" AND "b c" AND "d"* NOT "e"`. FTS5 folds case and diacritics
 * itself (unicode61 remove_diacritics 2), so words go in as typed. `titleOnly` limits the match
 * to the title column (as-you-type suggestions).
 */
export function toFts5Match(query: ParsedQuery, options: { titleOnly?: boolean } = {}): string {
  const positive = query.required.map(fts5Phrase).join(" AND ");
  const negative = query.excluded.map((t) => ` NOT ${fts5Phrase(t)}`).join("");
  const expression = `${positive}${negative}`;
  return options.titleOnly ? `{title} : (${expression})` : expression;
}

// ── PostgreSQL ──────────────────────────────────────────────────────────────

function tsqueryPhrase(term: SearchTerm, weight: string): string {
  const lexemes = term.words.flatMap((word) => wordsOf(foldText(word)));
  if (lexemes.length === 0) return "";
  const parts = lexemes.map((lexeme, index) => {
    const isPrefix = term.isPrefix && index === lexemes.length - 1;
    // Lexemes are letters and digits only, so quoting them in tsquery syntax is safe.
    return `'${lexeme}'${isPrefix || weight ? ":" : ""}${isPrefix ? "*" : ""}${weight}`;
  });
  return parts.length === 1 ? parts[0] : `(${parts.join(" <-> ")})`;
}

/**
 * A `to_tsquery('simple', …)` expression over folded words: `'a' & ('b' <-> 'c') & 'd':* & !'e'`.
 * We compile our own rather than use websearch_to_tsquery because that has no prefix matching
 * and folds no diacritics; one parser keeps the syntax identical on both databases.
 * `titleOnly` restricts every lexeme to weight A (the title).
 */
export function toTsquery(query: ParsedQuery, options: { titleOnly?: boolean } = {}): string {
  const weight = options.titleOnly ? "A" : "";
  const positive = query.required.map((t) => tsqueryPhrase(t, weight)).filter(Boolean);
  if (positive.length === 0) return "";
  const negative = query.excluded
    .map((t) => tsqueryPhrase(t, weight))
    .filter(Boolean)
    .map((p) => `!${p}`);
  return [...positive, ...negative].join(" & ");
}
