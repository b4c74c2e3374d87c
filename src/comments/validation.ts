import { isValidEmail, normaliseEmail } from "../accounts/service.js";
import { checkText, TEXT_PROBLEMS } from "../lib/text-input.js";

/** Longest accepted value of each field, in characters. */
export const COMMENT_LIMITS = { name: 100, email: 254, url: 200, body: 10_000 } as const;

/** Field name → what is wrong with it ("is required"); empty when the input is fine. */
export type FieldErrors = Record<string, string>;

/**
 * What is wrong with a field, as the API says it (English, after the field's name). Readers are
 * told the same in the site's language: see `readerFieldError`.
 */
export const FIELD_PROBLEMS = {
  required: "is required",
  email: "must be a valid email address, like you@example.com",
  website: "must be a web address starting with http:// or https://",
  duplicate: "is the same as a comment you already sent on this story",
  parent_missing: "is not to a comment on this story",
  parent_held: "is to a comment that is not published",
} as const;

/** Why a comment was sent back, as the API says it; readers are told in the site's language (`comments.form_errors.*`). */
export const FORM_PROBLEMS = {
  closed: "Comments are closed on this story.",
  invalid: "Your comment was not sent. Please correct what is marked below.",
  duplicate: "Duplicate comment: it looks as though you have already said that.",
} as const;

export interface CommentFields {
  name: string;
  email: string;
  url: string;
  body: string;
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
    // Checked before spaces are collapsed, which would hide a tab or line break in a name.
    if (checkText(errors, "name", input.name.trim(), { max: COMMENT_LIMITS.name }) && name === "")
      errors.name = FIELD_PROBLEMS.required;

    if (checkText(errors, "email", email, { max: COMMENT_LIMITS.email })) {
      if (email === "") errors.email = FIELD_PROBLEMS.required;
      else if (!isValidEmail(email)) errors.email = FIELD_PROBLEMS.email;
    }

    if (checkText(errors, "url", url, { max: COMMENT_LIMITS.url }) && url !== "") {
      const website = normaliseWebsite(url);
      if (website === undefined) errors.url = FIELD_PROBLEMS.website;
      else if (website.length > COMMENT_LIMITS.url)
        errors.url = `must be at most ${COMMENT_LIMITS.url} characters`;
      else url = website;
    }
  }

  if (
    checkText(errors, "body", body, { max: COMMENT_LIMITS.body, column: "text", multiline: true }) &&
    body.trim() === ""
  )
    errors.body = FIELD_PROBLEMS.required;

  return { errors, clean: { name, email, url, body } };
}

/**
 * The sentence a reader sees for one field's problem, in the site's language: `say` is the theme's
 * messages (`comments.errors.*`, with the field's label from `comments.*`). A problem with no
 * message of its own (a control character typed into a name) reads as the general one.
 */
export function readerFieldError(
  say: (key: string, values?: Record<string, unknown>) => string,
  field: string,
  why: string,
): string {
  const label = say(`comments.${READER_FIELD_LABELS[field] ?? "comment"}`);
  const known = Object.entries({ ...FIELD_PROBLEMS, ...TEXT_PROBLEMS }).find(([, text]) => text === why)?.[0];
  if (known) return say(`comments.errors.${known}`, { field: label });
  const limit = /at most ([\d,]+) (characters|levels)/.exec(why);
  if (limit)
    return say(`comments.errors.${limit[2] === "levels" ? "too_deep" : "too_long"}`, {
      field: label,
      max: Number(limit[1].replace(/,/g, "")),
    });
  return say("comments.errors.invalid", { field: label });
}

/** Each field's label among the theme's `comments.*` messages. */
const READER_FIELD_LABELS: Record<string, string> = {
  name: "name",
  email: "email",
  url: "website",
  body: "comment",
  parent_id: "reply",
};
