import type { ProblemTexts } from "../lib/problems.js";

/**
 * What the accounts feature says is wrong, in English (the API's words), by code; the admin shows
 * them in the staff member's language from `accounts.problems.<code>` (see `sayProblems`).
 */
export const ACCOUNT_PROBLEMS = {
  email_invalid: "must be a valid email address",
  email_taken: "is already used by another account",
  name_length: "must be 1 to {max} characters",
  role_invalid: "must be admin, editor, author or contributor",
  last_admin: "the last admin cannot be demoted or disabled",
  no_such_user: "no such user",
  password_short: "must be at least {min} characters",
  password_mismatch: "does not match the password",
  password_wrong: "is not right",
  password_check_locked: "cannot be checked now: too many failed attempts; try again later",
  choose_staff: "choose an active staff member",
  choose_lifetime: "choose one of the options",
  timezone_invalid: "must be one of the time zones in the list",
  link_expired: "this link has expired or was already used: ask for a new one",
  link_used: "this link was already used: ask for a new one",
  login_failed: "Wrong email or password.",
  login_locked: "Too many failed sign-ins. Try again in {minutes} minutes.",
} as const satisfies ProblemTexts;
