import type { FastifyReply, FastifyRequest } from "fastify";

/** Short-lived, signed: "your comment is awaiting moderation", for the reader who wrote it only. */
export const HELD_COMMENT_COOKIE = "bs_comment_held";
/** The reader's name, email and website when they asked to be remembered (cleared on request). */
export const COMMENTER_COOKIE = "bs_commenter";
export const HELD_NOTICE_MINUTES = 10;
export const REMEMBER_COMMENTER_DAYS = 365;
/** A reader sees at most this many of their own held comments per article. */
const HELD_COMMENTS_KEPT = 5;

/** Cookies that make an article page personal: a page cache must neither serve nor store those pages. */
export const PERSONAL_COMMENT_COOKIES = [HELD_COMMENT_COOKIE, COMMENTER_COOKIE] as const;

type CookieRequest = Pick<FastifyRequest, "cookies">;

/**
 * True when the request carries comment state that changes the article page for this reader
 * (a held-comment notice or remembered details). The page cache calls this to bypass itself.
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

/** The details a reader asked us to remember, or undefined. */
export function readRememberedCommenter(request: FastifyRequest): RememberedCommenter | undefined {
  const value = unsigned(request, COMMENTER_COOKIE) as Partial<RememberedCommenter> | undefined;
  if (!value || typeof value.name !== "string" || typeof value.email !== "string") return undefined;
  return { name: value.name, email: value.email, url: typeof value.url === "string" ? value.url : "" };
}

export function rememberCommenter(
  reply: FastifyReply,
  commenter: RememberedCommenter,
  secure: boolean,
): void {
  reply.setCookie(
    COMMENTER_COOKIE,
    JSON.stringify(commenter),
    cookieOptions(secure, REMEMBER_COMMENTER_DAYS * 86_400),
  );
}

export function forgetCommenter(reply: FastifyReply): void {
  reply.clearCookie(COMMENTER_COOKIE, { path: "/" });
}
