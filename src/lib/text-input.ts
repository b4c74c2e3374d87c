import type { FastifyInstance } from "fastify";
import { problemText } from "./problems.js";

/**
 * The rules every text a person types goes through, in the Admin API and the admin and reader
 * forms alike, so both databases get only what they can store and a reader's name cannot spoof
 * text direction: no NUL or other control characters, no lone surrogates or bytes that were not
 * UTF-8, no bidi overrides, and lengths counted as a reader sees them (emoji sequences such as
 * 👩‍👩‍👧, flags and skin tones count once) within the size of the column the text goes into.
 */

export type FieldErrors = Record<string, string>;

export interface TextRule {
  /** Most user-perceived characters (grapheme clusters); for a `varchar(n)` column this is n. */
  max: number;
  /**
   * Where the text is stored. `varchar` (the default) also bounds code points by `max`, as
   * PostgreSQL counts them: 300 family emoji are 300 characters to a reader but 1,500 to the column.
   */
  column?: "varchar" | "text";
  /** Line breaks and tabs allowed (story bodies, comments, descriptions). */
  multiline?: boolean;
}

// A decoder puts U+FFFD where bytes were not UTF-8; a lone surrogate cannot be stored or encoded at all.
const UNDECODABLE = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Embeddings, overrides and isolates: they reorder how the text around them is shown. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
// C0 and C1 controls (NUL included), DEL, and in one-line text the invisible spaces that spoof a name.
// Zero-width joiners and non-joiners (U+200C, U+200D) stay: emoji sequences and many scripts need them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const LINE_CONTROLS = /[\u0000-\u001F\u007F-\u009F\u200B\u2060-\u2064\uFEFF]/;
// Multi-line text may have line breaks and tabs, nothing else below space.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const BODY_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** C0 and C1 control characters and DEL, as a pattern source. */
const CONTROLS_SOURCE = "[\\u0000-\\u001F\\u007F-\\u009F]";

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Characters as a reader counts them: an emoji sequence or a letter with its accents is one. */
export function countCharacters(text: string): number {
  // Plain ASCII (most text) without CR: one character per code unit.
  if (/^[\u0020-\u007E\n\t]*$/.test(text)) return text.length;
  let count = 0;
  for (const _ of graphemes.segment(text)) count += 1;
  return count;
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

const UNSTORABLE = new RegExp(
  `${CONTROLS_SOURCE}|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]`,
  "g",
);

/**
 * Text that did not come from a person typing (an upload's file name) made storable: control
 * characters and lone surrogates dropped, at most `maxCodePoints` code points kept whole.
 */
export function storableText(text: string, maxCodePoints: number): string {
  return Array.from(text.replace(UNSTORABLE, "")).slice(0, maxCodePoints).join("");
}

/** True when the text holds U+FFFD (bytes that were not UTF-8) or a lone surrogate. */
export function isUndecodable(text: string): boolean {
  return UNDECODABLE.test(text);
}

/** The problems `textProblem` names besides length, by a key a translation can use. */
export const TEXT_PROBLEMS = {
  undecodable: "contains characters that are not valid UTF-8",
  direction: "must not contain text-direction control characters",
  control: "contains control characters",
} as const;

/** Too long for the field or for its column (`{max}`: the limit, grouped as in English). */
export const TEXT_LENGTH_PROBLEMS = {
  too_long: "must be at most {max} characters",
  too_long_to_store:
    "is too long to store: at most {max} characters, and some emoji or accented letters count as several",
} as const;

/** What is wrong with `value` under `rule` ("must be at most 300 characters"), or undefined. */
export function textProblem(value: string, rule: TextRule): string | undefined {
  if (UNDECODABLE.test(value)) return TEXT_PROBLEMS.undecodable;
  if (BIDI_CONTROLS.test(value)) return TEXT_PROBLEMS.direction;
  if ((rule.multiline ? BODY_CONTROLS : LINE_CONTROLS).test(value)) return TEXT_PROBLEMS.control;
  if (value.length > rule.max) {
    if (countCharacters(value) > rule.max)
      return problemText(TEXT_LENGTH_PROBLEMS.too_long, { max: rule.max.toLocaleString("en") });
    if ((rule.column ?? "varchar") === "varchar" && countCodePoints(value) > rule.max)
      return problemText(TEXT_LENGTH_PROBLEMS.too_long_to_store, { max: rule.max.toLocaleString("en") });
  }
  return undefined;
}

/** Adds `field`'s problem to `errors` (unless it already has one); true when the value is fine. */
export function checkText(
  errors: FieldErrors,
  field: string,
  value: string | null | undefined,
  rule: TextRule,
): boolean {
  if (value === undefined || value === null || typeof value !== "string" || errors[field])
    return !errors[field];
  const problem = textProblem(value, rule);
  if (problem) errors[field] = problem;
  return problem === undefined;
}

/** Paths (`title`, `sources[0].name`) of the strings inside a parsed JSON body that were not valid UTF-8. */
function undecodableFields(value: unknown, path: string, found: string[]): string[] {
  if (typeof value === "string") {
    if (UNDECODABLE.test(value)) found.push(path || "body");
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) undecodableFields(item, `${path}[${i}]`, found);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value))
      undecodableFields(item, path ? `${path}.${key}` : key, found);
  }
  return found;
}

/**
 * Refuses a JSON body with bytes that are not UTF-8 (decoded as U+FFFD) or lone surrogates with
 * 400, naming each field, before any route sees it: what the API stores is always valid text.
 */
export function refuseUndecodableJson(app: FastifyInstance): void {
  app.addHook("preValidation", async (request, reply) => {
    if (request.body === undefined || request.body === null || typeof request.body !== "object") return;
    const fields = undecodableFields(request.body, "", []);
    if (fields.length === 0) return;
    return reply.code(400).send({
      error: "the request body is not valid UTF-8",
      fields: Object.fromEntries(fields.map((f) => [f, "is not valid UTF-8 text"])),
    });
  });
}

const PATH_CONTROLS = new RegExp(CONTROLS_SOURCE);

/**
 * Answers 404 for a path whose parameters hold control characters (`/2026/12/04/a%00b/`) or
 * bytes that were not UTF-8: no slug or id has them, and PostgreSQL refuses NUL outright.
 */
export function refuseControlCharactersInPaths(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    const params = request.params as Record<string, unknown> | undefined;
    if (!params) return;
    for (const value of Object.values(params))
      if (typeof value === "string" && (PATH_CONTROLS.test(value) || UNDECODABLE.test(value)))
        return reply.callNotFound();
  });
}
