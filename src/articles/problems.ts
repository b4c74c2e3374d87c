import type { ProblemTexts } from "../lib/problems.js";

/**
 * What the articles feature says is wrong with a story, a page, a category or the front page, in
 * English (the API's words), by code; the admin shows them in the staff member's language from
 * `articles.problems.<code>` (see `sayProblems`).
 */
export const ARTICLE_PROBLEMS = {
  slug_invalid:
    "may contain only lower-case letters (of any script), digits and single dashes (at most {max} characters)",
  slug_taken: "is already used by another article",
  slug_used: "is already used",
  status_invalid: "must be draft, pending, scheduled, published or trashed",
  schedule_needs_time: "is required to schedule an article",
  date_time: "must be a date and time",
  future_time: "must be an ISO 8601 time in the future",
  name_length: "must be 1 to {max} characters",
  at_most: "at most {max}",
  http_url: "must be an http(s) URL",
  choose_image: "choose an image from the list",
  choose_staff: "choose a staff member",
  choose_page: "choose a page from the list",
  choose_category: "choose a category from the list",
  category_exists: "a category with this name exists",
  category_loop: "cannot be the category itself or one of its subcategories",
  own_parent: "a category cannot be its own parent",
  nav_position: "must be a whole number from 0 to {max}, or empty",
  top_at_most: "at most {max} stories",
  story_twice: "names a story twice (each story shows once)",
  banner_text: "is required for a banner",
  lead_image_alt:
    "the lead image has no alt text: describe it for readers who cannot see it before publishing",
  may_not_trash: "you may not trash this article",
  date_range: "must be an ISO 8601 date and time in the years {min} to {max}",
  correction_published_only: "only a published story takes corrections",
  choose_stories: "choose stories from the lists",
  published_story: "must be a published story",
  published_stories: "must be published stories (not {ids})",
  note_empty: "is empty",
  too_long: "is too long",
} as const satisfies ProblemTexts;
