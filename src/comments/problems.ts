import type { ProblemTexts } from "../lib/problems.js";
import { FIELD_PROBLEMS } from "./validation.js";

/**
 * What the comments feature says is wrong, in English (the API's words), by code; the admin shows
 * them in the staff member's language from `comments.problems.<code>` (see `sayProblems`).
 */
export const COMMENT_PROBLEMS = {
  ...FIELD_PROBLEMS,
  too_deep: "goes too deep: replies nest at most {max} levels",
  may_not_moderate: "you may not moderate comments",
} as const satisfies ProblemTexts;
