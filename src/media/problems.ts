import type { ProblemTexts } from "../lib/problems.js";

/** The formats the pipeline accepts, as the refusals name them. */
const ACCEPTED_FORMATS_TEXT = "JPEG, PNG, GIF, WebP and AVIF";

/**
 * What the media feature says is wrong with a file or its details, in English (the API's words), by
 * code; the admin shows them in the staff member's language from `media.problems.<code>`.
 */
export const MEDIA_PROBLEMS = {
  choose_file: "choose a file",
  file_empty: "the file is empty",
  file_too_large: "the file is larger than {mb} MB",
  upload_too_large: "is larger than {mb} MB",
  heic: "HEIC photos cannot be read here: export the photo as JPEG and upload that",
  not_image: `this file is not an image: only ${ACCEPTED_FORMATS_TEXT} images can be uploaded`,
  format_refused: `{format} files are not accepted: only ${ACCEPTED_FORMATS_TEXT} images can be uploaded`,
  too_many_pixels: "the image is too large: {width}×{height} pixels (at most {megapixels} megapixels)",
  animated: "animated images are not accepted: upload a still image (or link the video)",
  damaged: "the image is damaged or incomplete and cannot be read ({reason})",
  too_small:
    "the image is too small: {width}×{height} pixels, and it must be at least {min_width}×{min_height}",
  focal_range: "must be a number from 0 to 1",
  linked_file: "a linked file cannot be replaced",
} as const satisfies ProblemTexts;
