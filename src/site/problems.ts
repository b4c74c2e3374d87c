import { LINK_URL_RULE } from "../lib/link-url.js";
import type { ProblemTexts } from "../lib/problems.js";

/**
 * What is wrong with the site's settings, its icon and logo, or its menus, in English (the Admin
 * API's words), by code; the Settings page shows them in the staff member's language from
 * `admin.problems.<code>` (the Settings page is the admin's).
 */
export const SITE_PROBLEMS = {
  title_length: "must be 1 to {max} characters",
  timezone: "must be an IANA time zone such as Europe/London",
  date_format: "is not a valid date pattern (for example EEE. MMM do, yyyy)",
  whole_number_range: "must be a whole number from {min} to {max}",
  slug_style: "must be one of {styles}",
  comment_moderation: "must be all, first-time or none",
  close_after_days: "must be 0 (never) or a number of days",
  security_contacts: "must be up to {max} lines, each a mailto:, https:// or tel: address",
  image_id: "must be the id of an image in the media library, or null for none",
  nav_positions: "positions must be whole numbers from 1",
  image_missing: "is not an image in the media library",
  image_linked: "is a linked file: upload the image to use it here",
  icon_too_small:
    "is too small: {width}×{height} pixels, and the icon must be at least {min_width}×{min_height}",
  menu_too_long: "must have at most {max} items",
  item_kind: "must be category, page or link",
  required_for_link: "is required for a link",
  link_url: LINK_URL_RULE,
  must_name: "must name a {kind}",
  names_no: "names no {kind}",
  position: "must be a whole number from 1",
  add_kind: "must be a category, a page or a custom link",
  choose_target: "choose the {kind} to add",
  changed_meanwhile: "was changed by someone else since you opened it; it is shown as it is now",
  target_deleted: "names a category or page that was deleted a moment ago",
} as const satisfies ProblemTexts;
