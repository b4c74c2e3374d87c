import type { ProblemTexts } from "../lib/problems.js";

/**
 * What the curation feature (sources, OPML, the desk) says is wrong, in English (the API's words),
 * by code; the admin shows them in the staff member's language from `curation.problems.<code>`.
 */
export const CURATION_PROBLEMS = {
  address_invalid: "must be an http(s) address",
  mode_invalid: "must be review or publish",
  interval_range: "must be a whole number of minutes from {min} to {max}",
  category_unknown: "is not a known category",
  already_followed: "is already followed as “{name}”",
  not_a_feed: "this address is not a feed ({reason})",
  linked_feeds_unreadable: "the page links to feeds, but none of them could be read",
  no_feed_link: "this page does not link to a feed; enter the feed's own address",
  opml_choose_file: "choose an OPML file",
  opml_too_large: "the file is larger than {megabytes} MB",
  opml_unreadable: "not an OPML file ({reason})",
  opml_no_feeds: "the file lists no feeds (no outline has an xmlUrl)",
  may_not_publish: "only editors may publish from the desk",
  may_not_work_desk: "only editors may work the desk",
  story_already_published: "this story is already published",
  choose_report: "choose at least one report to credit",
  reports_not_in_story: "some chosen reports are not part of this story",
  too_many_reports: "choose at most {max} reports",
  full_text_unavailable: "is only possible for a source licensed for full text that carries it",
  published_stays: "a published story stays published; edit or trash its article",
  snooze_lengths: "snooze for {hours} hours",
  publish_first: "publish the story first",
  choose_new_report: "choose at least one new report",
  article_gone: "the story's article no longer exists",
  too_many_sources: "an article credits at most {max} sources",
  image_not_used: "The image was not used: {reason}",
} as const satisfies ProblemTexts;
