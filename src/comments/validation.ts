import { isValidEmail, normaliseEmail } from "../accounts/service.js";

/** Longest accepted value of each field, in characters. */
export const COMMENT_LIMITS = { name: 100, email: 254, url: 200, body: 10_000 } as const;

/** Field name → what is wrong with it ("is required"); empty when the input is fine. */
export type FieldErrors = Record<string, string>;

/** How the form names each field when it says what is wrong. */
export const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  email: "Email",
  url: "Website",
  body: "Comment",
  parent_id: "Reply",
  article_id: "Article",
};

export interface CommentFields {
  name: string;
  email: string;
  url: string;
  body: string;
}

// A decoder substitutes U+FFFD for bytes that are not UTF-8; a lone surrogate cannot be encoded at all.
const INVALID_TEXT = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// One-line fields: no control characters, and no invisible or direction-changing characters that spoof a name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const LINE_CONTROLS = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;
// The comment may have line breaks and tabs, nothing else below space.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const BODY_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

function textProblem(value: string, controls: RegExp): string | undefined {
  if (INVALID_TEXT.test(value)) return "contains characters that are not valid UTF-8";
  if (controls.test(value)) return "contains control characters";
  return undefined;
}

/**
 * A website as typed, made absolute ("example.com" → "https://example.com"); undefined when it is
 * not an http(s) address (`javascript:`, `data:`, a bare word).
 */
export function normaliseWebsite(raw: string): string | undefined {
  const typed = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(typed) ? typed : `https://${typed.replace(/^\/+/, "")}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    if (!url.hostname.includes(".") && url.hostname !== "localhost") return undefined;
    if (url.username || url.password) return undefined;
    return withScheme;
  } catch {
    return undefined;
  }
}

/**
 * Checks a reader's fields and returns them cleaned (trimmed, email lowercased, website made
 * absolute, line endings normalised). `staff` skips name, email and website: they come from the account.
 */
export function validateCommentFields(
  input: CommentFields,
  options: { staff: boolean },
): { errors: FieldErrors; clean: CommentFields } {
  const errors: FieldErrors = {};
  const name = input.name.trim().replace(/\s+/g, " ");
  const email = normaliseEmail(input.email);
  const body = input.body.replace(/\r\n?/g, "\n").replace(/\s+$/, "");
  let url = input.url.trim();

  if (!options.staff) {
    const nameProblem = textProblem(input.name, LINE_CONTROLS);
    if (nameProblem) errors.name = nameProblem;
    else if (name === "") errors.name = "is required";
    else if (name.length > COMMENT_LIMITS.name)
      errors.name = `must be at most ${COMMENT_LIMITS.name} characters`;

    const emailProblem = textProblem(input.email, LINE_CONTROLS);
    if (emailProblem) errors.email = emailProblem;
    else if (email === "") errors.email = "is required";
    else if (email.length > COMMENT_LIMITS.email)
      errors.email = `must be at most ${COMMENT_LIMITS.email} characters`;
    else if (!isValidEmail(email)) errors.email = "must be a valid email address, like you@example.com";

    const urlProblem = textProblem(input.url, LINE_CONTROLS);
    if (urlProblem) errors.url = urlProblem;
    else if (url !== "") {
      const website = normaliseWebsite(url);
      if (website === undefined) errors.url = "must be a web address starting with http:// or https://";
      else if (website.length > COMMENT_LIMITS.url)
        errors.url = `must be at most ${COMMENT_LIMITS.url} characters`;
      else url = website;
    }
  }

  const bodyProblem = textProblem(input.body, BODY_CONTROLS);
  if (bodyProblem) errors.body = bodyProblem;
  else if (body.trim() === "") errors.body = "is required";
  else if (body.length > COMMENT_LIMITS.body)
    errors.body = `must be at most ${COMMENT_LIMITS.body.toLocaleString("en")} characters (yours has ${body.length.toLocaleString("en")})`;

  return { errors, clean: { name, email, url, body } };
}

/** "Name is required." — the sentence a form shows for one field error. */
export function fieldErrorSentence(field: string, why: string): string {
  return `${FIELD_LABELS[field] ?? field} ${why}.`;
}
