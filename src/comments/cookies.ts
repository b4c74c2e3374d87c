import type { FastifyReply, FastifyRequest } from "fastify";

/** Short-lived, signed: "your comment is awaiting moderation", for the reader who wrote it only. */
export const HELD_COMMENT_COOKIE = "bs_comment_held";
/**
 * The reader's name, email and website when they asked to be remembered: readable by the page's
 * script (not HttpOnly, not signed), which fills the form from it. The server never reads what is
 * in it, so article pages stay the same for everyone and cacheable (themes/default/assets/comments.js).
 */
export const COMMENTER_COOKIE = "bs_commenter";
export const HELD_NOTICE_MINUTES = 10;
export const REMEMBER_COMMENTER_DAYS = 365;
/**
 * Largest remembered-details cookie value we set, in bytes once encoded: browsers silently drop
 * a cookie whose name and value pass 4096 bytes. The longest valid details (non-Latin name and
 * email at their limits) take about 3,600.
 */
export const REMEMBERED_COMMENTER_MAX_BYTES = 3800;
/** A reader sees at most this many of their own held comments per article. */
const HELD_COMMENTS_KEPT = 5;

/**
 * Cookies that make an article page personal: a page cache must neither serve nor store those
 * pages. The remembered-details cookie is not one: only the reader's browser reads it.
 */
export const PERSONAL_COMMENT_COOKIES = [HELD_COMMENT_COOKIE] as const;

type CookieRequest = Pick<FastifyRequest, "cookies">;

/**
 * True when the request carries comment state that changes the article page for this reader
 * (a held-comment notice). A cache in front of the site calls this to bypass itself.
 */
export function hasPersonalCommentState(request: CookieRequest): boolean {
  return PERSONAL_COMMENT_COOKIES.some((name) => Boolean(request.cookies?.[name]));
}

function unsigned(request: FastifyRequest, name: string): unknown {
  const raw = request.cookies[name];
  if (!raw) return undefined;
  const result = request.unsignCookie(raw);
  if (!result.valid || !result.value) return undefined;
  try {
    return JSON.parse(result.value);
  } catch {
    return undefined;
  }
}

function cookieOptions(secure: boolean, maxAgeSeconds: number) {
  return { path: "/", httpOnly: true, sameSite: "lax" as const, secure, signed: true, maxAge: maxAgeSeconds };
}

export interface HeldComments {
  articleId: number;
  commentIds: number[];
}

/** The reader's own held comments named by a valid cookie, or undefined. */
export function readHeldComments(request: FastifyRequest): HeldComments | undefined {
  const value = unsigned(request, HELD_COMMENT_COOKIE) as { a?: unknown; c?: unknown } | undefined;
  if (!value || !Number.isInteger(value.a) || !Array.isArray(value.c)) return undefined;
  const commentIds = value.c.filter((id): id is number => Number.isInteger(id)).slice(0, HELD_COMMENTS_KEPT);
  return { articleId: value.a as number, commentIds };
}

/** Adds a held comment to the reader's notice cookie (one article at a time). */
export function rememberHeldComment(
  request: FastifyRequest,
  reply: FastifyReply,
  articleId: number,
  commentId: number,
  secure: boolean,
): void {
  const existing = readHeldComments(request);
  const ids = existing?.articleId === articleId ? existing.commentIds : [];
  const value = JSON.stringify({ a: articleId, c: [commentId, ...ids].slice(0, HELD_COMMENTS_KEPT) });
  reply.setCookie(HELD_COMMENT_COOKIE, value, cookieOptions(secure, HELD_NOTICE_MINUTES * 60));
}

export interface RememberedCommenter {
  name: string;
  email: string;
  url: string;
}

/** Bytes the remembered-details value takes once percent-encoded (as the cookie is sent). */
function encodedLength(commenter: RememberedCommenter): number {
  return encodeURIComponent(JSON.stringify(commenter)).length;
}

/**
 * Stores the reader's details in a cookie their browser's script reads to fill the form next
 * time. Deliberately not HttpOnly: it holds only what the reader typed, for the reader, and the
 * server never reads what is in it. Too long to store whole, the website goes first; if even
 * that is not enough, nothing is remembered (and an older copy is cleared).
 */
export function rememberCommenter(
  reply: FastifyReply,
  commenter: RememberedCommenter,
  secure: boolean,
): void {
  let kept: RememberedCommenter = { name: commenter.name, email: commenter.email, url: commenter.url };
  if (encodedLength(kept) > REMEMBERED_COMMENTER_MAX_BYTES) kept = { ...kept, url: "" };
  if (encodedLength(kept) > REMEMBERED_COMMENTER_MAX_BYTES) {
    forgetCommenter(reply, secure);
    return;
  }
  // JSON, percent-encoded by setCookie (encodeURIComponent): comments.js decodes it the same way.
  reply.setCookie(COMMENTER_COOKIE, JSON.stringify(kept), {
    ...rememberedCookieOptions(secure),
    maxAge: REMEMBER_COMMENTER_DAYS * 86_400,
  });
}

function rememberedCookieOptions(secure: boolean) {
  return { path: "/", httpOnly: false, sameSite: "lax" as const, secure, signed: false };
}

/** Clears the remembered-details cookie. */
export function forgetCommenter(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(COMMENTER_COOKIE, rememberedCookieOptions(secure));
}
