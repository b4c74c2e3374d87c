import { isValidEmail, normaliseEmail } from "../accounts/service.js";
import { checkText } from "../site/text-input.js";

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
      errors.name = "is required";

    if (checkText(errors, "email", email, { max: COMMENT_LIMITS.email })) {
      if (email === "") errors.email = "is required";
      else if (!isValidEmail(email)) errors.email = "must be a valid email address, like you@example.com";
    }

    if (checkText(errors, "url", url, { max: COMMENT_LIMITS.url }) && url !== "") {
      const website = normaliseWebsite(url);
      if (website === undefined) errors.url = "must be a web address starting with http:// or https://";
      else if (website.length > COMMENT_LIMITS.url)
        errors.url = `must be at most ${COMMENT_LIMITS.url} characters`;
      else url = website;
    }
  }

  if (
    checkText(errors, "body", body, { max: COMMENT_LIMITS.body, column: "text", multiline: true }) &&
    body.trim() === ""
  )
    errors.body = "is required";

  return { errors, clean: { name, email, url, body } };
}

/** "Name is required." — the sentence a form shows for one field error. */
export function fieldErrorSentence(field: string, why: string): string {
  return `${FIELD_LABELS[field] ?? field} ${why}.`;
}
