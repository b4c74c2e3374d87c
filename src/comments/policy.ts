import type { SiteSettings } from "../site/settings.js";

/** Heuristic points at which a comment is held for a person to look at. */
export const SPAM_SCORE_HOLD = 5;
/** Heuristic points at which a comment goes straight to spam. */
export const SPAM_SCORE_SPAM = 10;
/** Points of a rule that marks spam on its own (honeypot, disallowed keyword). */
const CERTAIN_SPAM_POINTS = 100;
/** Points of a moderation rule (keyword, links, flood): enough to hold, never to mark spam alone. */
const HOLD_POINTS = 5;
/** Comments from one address within the flood window before the next is held. */
export const COMMENT_FLOOD_MAX = 3;
export const COMMENT_FLOOD_WINDOW_MINUTES = 10;

export type CommentVerdict = "approved" | "pending" | "spam";

/** Everything the rules look at; the IP is used here in memory only, never stored. */
export interface CommentSignals {
  name: string;
  email: string;
  url: string;
  body: string;
  ip: string;
  /** Links in the rendered comment. */
  linkCount: number;
  honeypotFilled: boolean;
  /** No approved comment from this email yet. */
  isFirstTime: boolean;
  /** Comments from this address in the flood window, before this one. */
  recentFromSameIp: number;
}

export interface CommentAssessment {
  status: CommentVerdict;
  /** Sum of the points of every signal that fired; stored with the comment. */
  score: number;
  /** Which rules fired, in words a moderator reads ("first-time commenter", `keyword "casino"`). */
  reasons: string[];
}

type Policy = Pick<
  SiteSettings,
  "commentModeration" | "commentMaxLinks" | "commentModerationKeywords" | "commentDisallowedKeywords"
>;

/** The first keyword of the list found in any field or the IP (case-insensitive substring, as WordPress). */
function firstKeywordIn(keywords: string[], haystack: string): string | undefined {
  for (const raw of keywords) {
    const keyword = raw.trim().toLowerCase();
    if (keyword !== "" && haystack.includes(keyword)) return keyword;
  }
  return undefined;
}

interface Heuristic {
  reason: string;
  points: number;
  fires(signals: CommentSignals): boolean;
}

/** Simple content signals that spam has and conversation rarely does. */
const heuristics: Heuristic[] = [
  { reason: "BBCode link", points: 5, fires: (s) => /\[(url|link)[=\]]/i.test(s.body) },
  { reason: "HTML link markup", points: 5, fires: (s) => /<a\s[^>]*href/i.test(s.body) },
  {
    reason: "link in name",
    points: 4,
    fires: (s) => /https?:|www\.|\.(com|net|org|ru|biz|info|xyz|top)\b/i.test(s.name),
  },
  {
    reason: "mostly links",
    points: 3,
    fires: (s) =>
      s.linkCount > 0 &&
      s.body
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "")
        .replace(/https?:\/\/\S+/g, "")
        .replace(/\W+/g, "").length < 20,
  },
  {
    reason: "all capitals",
    points: 2,
    fires: (s) => {
      const letters = s.body.replace(/[^\p{L}]/gu, "");
      return letters.length >= 20 && letters.replace(/[^\p{Lu}]/gu, "").length / letters.length > 0.8;
    },
  },
  { reason: "repeated characters", points: 2, fires: (s) => /(.)\1{19,}/su.test(s.body) },
];

/**
 * Decides what happens to a reader's comment and records why. Certain spam (honeypot,
 * disallowed keyword) and a high heuristic score go to spam; any moderation rule or a middling
 * score holds it; otherwise it is approved. Pure: the caller gathers the signals.
 */
export function assessComment(signals: CommentSignals, policy: Policy): CommentAssessment {
  const reasons: string[] = [];
  let score = 0;
  let certainSpam = false;
  let hold = false;
  const haystack = [signals.name, signals.email, signals.url, signals.body, signals.ip]
    .join("\n")
    .toLowerCase();

  if (signals.honeypotFilled) {
    reasons.push("honeypot filled");
    score += CERTAIN_SPAM_POINTS;
    certainSpam = true;
  }
  const disallowed = firstKeywordIn(policy.commentDisallowedKeywords, haystack);
  if (disallowed !== undefined) {
    reasons.push(`disallowed keyword "${disallowed}"`);
    score += CERTAIN_SPAM_POINTS;
    certainSpam = true;
  }
  const keyword = firstKeywordIn(policy.commentModerationKeywords, haystack);
  if (keyword !== undefined) {
    reasons.push(`keyword "${keyword}"`);
    score += HOLD_POINTS;
    hold = true;
  }
  if (signals.linkCount > policy.commentMaxLinks) {
    reasons.push(`${signals.linkCount} links (more than ${policy.commentMaxLinks})`);
    score += HOLD_POINTS;
    hold = true;
  }
  if (signals.recentFromSameIp >= COMMENT_FLOOD_MAX) {
    reasons.push(
      `flood: ${signals.recentFromSameIp + 1} comments from one address in ${COMMENT_FLOOD_WINDOW_MINUTES} minutes`,
    );
    score += HOLD_POINTS;
    hold = true;
  }
  let heuristicPoints = 0;
  for (const heuristic of heuristics) {
    if (!heuristic.fires(signals)) continue;
    reasons.push(heuristic.reason);
    heuristicPoints += heuristic.points;
  }
  score += heuristicPoints;
  if (heuristicPoints >= SPAM_SCORE_HOLD) hold = true;
  if (policy.commentModeration === "all") {
    reasons.push("every comment is held (site setting)");
    hold = true;
  } else if (policy.commentModeration === "first-time" && signals.isFirstTime) {
    reasons.push("first-time commenter");
    hold = true;
  }

  const status: CommentVerdict =
    certainSpam || heuristicPoints >= SPAM_SCORE_SPAM ? "spam" : hold ? "pending" : "approved";
  return { status, score, reasons };
}
