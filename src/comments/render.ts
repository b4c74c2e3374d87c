import { createHash } from "node:crypto";
import MarkdownIt from "markdown-it";
import { type SafeHtml, sanitizeWith } from "../lib/html-policy.js";

/**
 * Comments take a Markdown subset — emphasis, links, quotes, code — and never raw HTML: a
 * reader's `<script>` shows as text. Only explicit http(s) links become links ("bbc.co.uk" in a
 * sentence stays text), so the link count the spam rules use matches what readers see.
 */
const commentMarkdown = new MarkdownIt("zero", { html: false, linkify: true, breaks: true }).enable([
  "emphasis",
  "link",
  "autolink",
  "linkify",
  "blockquote",
  "code",
  "fence",
  "backticks",
  "newline",
  "escape",
  "entity",
]);
commentMarkdown.linkify.set({ fuzzyLink: false, fuzzyEmail: false });

/** A reader's Markdown → sanitised HTML safe to put on a page as it is. */
export function renderCommentMarkdown(markdown: string): SafeHtml {
  // Belt and braces after Markdown: the comment policy allows only what the subset produces.
  return sanitizeWith("comment", commentMarkdown.render(markdown));
}

/** Links in rendered comment HTML (the "more than N links" rule). */
export function countLinks(html: string): number {
  return (html.match(/<a\s/g) ?? []).length;
}

/** Up to two initials for the avatar ("Ada Lovelace" → "AL"); "?" when the name has no letters. */
export function initialsOf(name: string): string {
  const words: string[] = name.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return "?";
  const firstLetter = (word: string) => [...word][0] ?? "";
  const first = firstLetter(words[0]);
  const last = words.length > 1 ? firstLetter(words.at(-1) ?? "") : "";
  return (first + last).toLocaleUpperCase();
}

/** Number of avatar colours the theme defines (`.avatar-hue-0` … `.avatar-hue-5`, see partials/avatar.liquid). */
export const AVATAR_HUES = 6;

/** A stable avatar colour from the name (never the email, which must not be inferable). */
function avatarHueOf(name: string): number {
  return createHash("sha256").update(name.toLowerCase()).digest()[0] % AVATAR_HUES;
}

/** Names whose avatar is kept: every view of a thread asks for the same commenters' avatars. */
const AVATARS_KEPT = 10_000;
const avatarByName = new Map<string, { initials: string; hue: number }>();

/** A commenter's avatar (initials and colour), worked out once per name. */
export function avatarOf(name: string): { initials: string; hue: number } {
  let avatar = avatarByName.get(name);
  if (!avatar) {
    avatar = { initials: initialsOf(name), hue: avatarHueOf(name) };
    if (avatarByName.size >= AVATARS_KEPT) avatarByName.clear();
    avatarByName.set(name, avatar);
  }
  return avatar;
}
