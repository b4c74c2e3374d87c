import { describe, expect, test } from "vitest";
import { defaultSettings, type SiteSettings } from "../site/settings.js";
import { assessComment, type CommentSignals } from "./policy.js";

const calm: CommentSignals = {
  name: "Ada Reader",
  email: "ada@example.org",
  url: "",
  body: "I was at the council meeting and the vote was closer than this report suggests.",
  ip: "203.0.113.7",
  linkCount: 0,
  honeypotFilled: false,
  isFirstTime: false,
  recentFromSameIp: 0,
};
const policy: SiteSettings = {
  ...defaultSettings,
  commentModeration: "none",
  commentModerationKeywords: ["casino", " "],
  commentDisallowedKeywords: ["viagra", "203.0.113.66"],
};

describe("assessComment", () => {
  test.each<[string, Partial<CommentSignals>, Partial<SiteSettings>, string, string[]]>([
    ["a calm comment from a known reader is approved", {}, {}, "approved", []],
    [
      "a first-time commenter is held",
      { isFirstTime: true },
      { commentModeration: "first-time" },
      "pending",
      ["first-time commenter"],
    ],
    [
      "a returning commenter is not held under first-time",
      {},
      { commentModeration: "first-time" },
      "approved",
      [],
    ],
    [
      "every comment is held when the site says so",
      {},
      { commentModeration: "all" },
      "pending",
      ["every comment is held (site setting)"],
    ],
    [
      "more links than allowed holds",
      { linkCount: 3, body: `${calm.body} see https://a.example https://b.example https://c.example` },
      {},
      "pending",
      ["3 links (more than 2)"],
    ],
    ["exactly the allowed links pass", { linkCount: 2 }, {}, "approved", []],
    [
      "a moderation keyword in the body holds",
      { body: "Best casino bonus in town, and a fine article too." },
      {},
      "pending",
      ['keyword "casino"'],
    ],
    [
      "a moderation keyword in the website holds",
      { url: "https://casino.example" },
      {},
      "pending",
      ['keyword "casino"'],
    ],
    [
      "a disallowed keyword in the name marks spam",
      { name: "Cheap Viagra" },
      {},
      "spam",
      ['disallowed keyword "viagra"'],
    ],
    ["a disallowed IP marks spam", { ip: "203.0.113.66" }, {}, "spam", ['disallowed keyword "203.0.113.66"']],
    ["a filled honeypot marks spam", { honeypotFilled: true }, {}, "spam", ["honeypot filled"]],
    [
      "a flood from one address holds",
      { recentFromSameIp: 3 },
      {},
      "pending",
      ["flood: 4 comments from one address in 10 minutes"],
    ],
    [
      "a BBCode link holds",
      { body: "Great post [url=http://spam.example]click[/url] thanks for sharing it" },
      {},
      "pending",
      ["BBCode link"],
    ],
    [
      "BBCode, HTML links and a link in the name together mark spam",
      { name: "www.pills.example", body: '[url=http://x.example]x[/url] <a href="http://y.example">y</a>' },
      {},
      "spam",
      ["BBCode link", "HTML link markup", "link in name"],
    ],
  ])("%s", (_name, signals, policyChanges, status, reasons) => {
    const result = assessComment({ ...calm, ...signals }, { ...policy, ...policyChanges });
    expect(result.status).toBe(status);
    for (const reason of reasons) expect(result.reasons).toContain(reason);
    if (reasons.length === 0) expect(result.reasons).toEqual([]);
  });

  test("the score adds up every signal that fired", () => {
    const result = assessComment(
      { ...calm, honeypotFilled: true, isFirstTime: true, linkCount: 5 },
      {
        ...policy,
        commentModeration: "first-time",
      },
    );
    expect(result.score).toBe(105);
    expect(result.reasons).toEqual(["honeypot filled", "5 links (more than 2)", "first-time commenter"]);
  });

  test("shouting and repeated characters alone are noted but not enough to hold", () => {
    const result = assessComment(
      { ...calm, body: "THIS IS THE WORST REPORTING I HAVE EVER SEEN!!!!!!!!!!!!!!!!!!!!!!!" },
      policy,
    );
    expect(result.status).toBe("approved");
    expect(result.reasons).toEqual(["all capitals", "repeated characters"]);
    expect(result.score).toBe(4);
  });
});
