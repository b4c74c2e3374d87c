import { diffWordsWithSpace } from "diff";

/** A run of text that both versions share, or that only the older or the newer one has. */
export interface DiffSegment {
  change: "same" | "removed" | "added";
  text: string;
}

/** Past this many milliseconds a diff gives up and shows the two versions whole (huge rewrites). */
const DIFF_TIMEOUT_MS = 500;

/**
 * The word-by-word changes from `older` to `newer`, for the revisions screen: shared text once,
 * removed and added words marked. When the texts are too far apart to diff in time, the whole
 * older text is shown removed and the newer added.
 */
export function diffText(older: string, newer: string): DiffSegment[] {
  if (older === newer) return older ? [{ change: "same", text: older }] : [];
  const changes = diffWordsWithSpace(older, newer, { timeout: DIFF_TIMEOUT_MS });
  if (!changes)
    return [
      { change: "removed" as const, text: older },
      { change: "added" as const, text: newer },
    ].filter((segment) => segment.text !== "");
  return changes.map((part) => ({
    change: part.added ? "added" : part.removed ? "removed" : "same",
    text: part.value,
  }));
}
