import { LANGUAGE_PROBLEM } from "./languages.js";
import type { ProblemTexts } from "./problems.js";
import { TEXT_LENGTH_PROBLEMS, TEXT_PROBLEMS } from "./text-input.js";

/** Problems any feature's input can have, translated under `common.problems` (src/admin/locales). */
export const COMMON_PROBLEMS = {
  ...TEXT_PROBLEMS,
  ...TEXT_LENGTH_PROBLEMS,
  required: "is required",
  language: LANGUAGE_PROBLEM,
} as const satisfies ProblemTexts;
