import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { DEVICE_COOKIE, SESSION_COOKIE, secureCookies } from "../infrastructure/requests.js";
import { DEVICE_COOKIE_DAYS, newDeviceToken, SESSION_LIFETIME_DAYS, startSession } from "./service.js";

/** Starts a session for the user and sets its cookie (HttpOnly, SameSite=Lax, Secure over HTTPS). */
export async function openSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: number,
): Promise<void> {
  const { token } = await startSession(ctx, userId, request.headers["user-agent"] ?? "");
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: secureCookies(ctx, request),
    maxAge: SESSION_LIFETIME_DAYS * 86_400,
  });
}

/** Marks this browser as one the user signed in with: a later account lock does not apply to it. */
export function rememberDevice(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: number,
): void {
  reply.setCookie(DEVICE_COOKIE, newDeviceToken(userId), {
    path: "/admin",
    httpOnly: true,
    sameSite: "strict",
    secure: secureCookies(ctx, request),
    signed: true,
    maxAge: DEVICE_COOKIE_DAYS * 86_400,
  });
}

/** The browser's device-cookie value when its signature holds, else undefined. */
export function deviceToken(request: FastifyRequest): string | undefined {
  const raw = request.cookies[DEVICE_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}
