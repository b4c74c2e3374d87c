import { STOP_WORDS } from "./stop-words.js";

/** Weight of a title token relative to a summary token: headlines carry the event. */
export const TITLE_WEIGHT = 1.5;
/** Weight of a name (capitalised mid-sentence, or a multi-word name) relative to a plain word. */
export const NAME_WEIGHT = 2;
/** Weight of a distinctive number (two or more digits or a decimal, not a year). */
export const NUMBER_WEIGHT = 1.5;

/** One term of a text: its weighted frequency and whether it names something (entity). */
export interface TermFeature {
  weight: number;
  isEntity: boolean;
}

interface Token {
  /** Lower-cased, diacritics folded, stemmed; numbers without thousands separators. */
  term: string;
  isNumber: boolean;
  isCapitalised: boolean;
  /** First token of a sentence, where capitals say nothing. */
  isSentenceStart: boolean;
  /** Only whitespace separates it from the previous token, so they can form a name. */
  isAdjacent: boolean;
  inTitle: boolean;
}

const TOKEN = /\p{N}+(?:[.,:]\p{N}+)*|\p{L}+(?:['’]\p{L}+)*/gu;
const SENTENCE_BREAK = /[.!?:;"“”«»()[\]|–—]/;

/**
 * The weighted terms of a news item: words lower-cased, folded, stop-words dropped and lightly
 * stemmed; names (capitalised tokens in running text, multi-word names as `a_b` pairs) and
 * distinctive numbers weighted up; title words weighted up. Frequencies are sub-linear.
 */
export function extractTermFeatures(title: string, summary: string): Map<string, TermFeature> {
  const tokens = [...tokenize(title, true), ...tokenize(summary, false)];
  const isTitleCase = isMostlyCapitalised(tokens.filter((token) => token.inTitle));
  // A capital means "name" only mid-sentence, and not in a Title Case headline.
  const nameTerms = new Set(
    tokens
      .filter((t) => t.isCapitalised && !t.isNumber && !t.isSentenceStart && !(t.inTitle && isTitleCase))
      .map((t) => t.term),
  );
  const isName = (token: Token): boolean =>
    !token.isNumber && token.isCapitalised && nameTerms.has(token.term);

  // Multi-word names: "Port Halden" → port_halden. A sentence-initial first word counts when
  // the next word is a name ("Ilse Marenko said…" at the start of a summary).
  const isNamePair = (first: Token | undefined, second: Token | undefined): boolean => {
    if (!first || !second?.isAdjacent || first.inTitle !== second.inTitle) return false;
    if (!isName(second) || first.isNumber || !first.isCapitalised) return false;
    return isName(first) || first.isSentenceStart;
  };

  const counts = new Map<string, { count: number; multiplier: number; isEntity: boolean }>();
  const add = (term: string, multiplier: number, isEntity: boolean): void => {
    const entry = counts.get(term);
    if (entry) {
      entry.count++;
      entry.multiplier = Math.max(entry.multiplier, multiplier);
      entry.isEntity ||= isEntity;
    } else {
      counts.set(term, { count: 1, multiplier, isEntity });
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const place = token.inTitle ? TITLE_WEIGHT : 1;
    if (token.isNumber) {
      const isDistinctive = isDistinctiveNumber(token.term);
      add(token.term, place * (isDistinctive ? NUMBER_WEIGHT : 1), isDistinctive);
      continue;
    }
    const name = isName(token);
    // Words of a multi-word name get plain weight: the pair below carries the name, so "Port
    // Halden" counts as one strong feature rather than three.
    const inNamePair = name && (isNamePair(tokens[i - 1], token) || isNamePair(token, tokens[i + 1]));
    add(token.term, place * (name && !inNamePair ? NAME_WEIGHT : 1), name);
    if (isNamePair(tokens[i - 1], token))
      add(`${tokens[i - 1].term}_${token.term}`, place * NAME_WEIGHT, true);
  }
  const features = new Map<string, TermFeature>();
  for (const [term, { count, multiplier, isEntity }] of counts) {
    features.set(term, { weight: (1 + Math.log(count)) * multiplier, isEntity });
  }
  return features;
}

function tokenize(text: string, inTitle: boolean): Token[] {
  const tokens: Token[] = [];
  let previousEnd = 0;
  let isSentenceStart = true;
  let isAfterDroppedWord = false;
  for (const match of text.matchAll(TOKEN)) {
    const raw = match[0];
    const gap = text.slice(previousEnd, match.index);
    if (previousEnd > 0 && SENTENCE_BREAK.test(gap)) isSentenceStart = true;
    // A dropped word in between breaks a name: "Bank of England" is not "bank_england".
    const isAdjacent = previousEnd > 0 && !isAfterDroppedWord && /^\s*$/.test(gap);
    previousEnd = match.index + raw.length;
    const isNumber = /^\p{N}/u.test(raw);
    const term = isNumber ? raw.replace(/,(?=\p{N}{3})/gu, "") : normalizeWord(raw);
    const startsSentence = isSentenceStart;
    isSentenceStart = false;
    isAfterDroppedWord = !term;
    if (!term) continue;
    tokens.push({
      term,
      isNumber,
      isCapitalised: /^\p{Lu}/u.test(raw),
      isSentenceStart: startsSentence,
      isAdjacent: tokens.length > 0 && isAdjacent,
      inTitle,
    });
  }
  return tokens;
}

/**
 * A word as a term: folded, lower-cased, possessive dropped, stemmed; "" for stop-words and
 * single letters.
 */
export function normalizeWord(word: string): string {
  const folded = foldDiacritics(word.toLowerCase())
    .replace(/['’]s$/, "")
    .replace(/['’]/g, "");
  if (folded.length < 2 || STOP_WORDS.has(folded)) return "";
  return stemWord(folded);
}

/** "Łódź café" → "lodz cafe". */
export function foldDiacritics(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/ß/g, "ss")
    .replace(/æ/g, "ae")
    .replace(/ø/g, "o")
    .replace(/ł/g, "l")
    .replace(/đ/g, "d");
}

/**
 * A light English stemmer (plural, -ed, -ing, final e) so "strikes", "striking" and "strike"
 * meet. Deliberately weak: over-stemming merges unrelated words, which costs precision.
 */
export function stemWord(word: string): string {
  if (word.length <= 3) return word;
  let stem = word;
  if (stem.endsWith("ies") && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (stem.endsWith("sses")) stem = stem.slice(0, -2);
  else if (stem.endsWith("s") && !/(?:ss|us|is)$/.test(stem)) stem = stem.slice(0, -1);
  if (stem.endsWith("ing") && stem.length > 5) stem = undoubleConsonant(stem.slice(0, -3));
  else if (stem.endsWith("ed") && stem.length > 4) stem = undoubleConsonant(stem.slice(0, -2));
  if (stem.endsWith("e") && stem.length > 4) stem = stem.slice(0, -1);
  return stem;
}

function undoubleConsonant(stem: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(stem) && !/(?:ll|ss|zz)$/.test(stem) ? stem.slice(0, -1) : stem;
}

/** Two or more digits or a decimal, but not a year: "12", "6.1", "4800" yes; "3", "2024" no. */
function isDistinctiveNumber(term: string): boolean {
  if (/^(?:19|20)\d{2}$/.test(term)) return false;
  return term.length >= 2;
}

/** True for a Title Case headline, where capitals mark every word rather than names. */
function isMostlyCapitalised(titleTokens: Token[]): boolean {
  const words = titleTokens.filter((token) => !token.isNumber && token.term.length > 3);
  if (words.length < 3) return false;
  return words.filter((token) => token.isCapitalised).length / words.length >= 0.7;
}
