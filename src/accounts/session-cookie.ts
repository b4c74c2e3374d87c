import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../site/context.js";
import { SESSION_COOKIE } from "../site/requests.js";
import { SESSION_LIFETIME_DAYS, startSession } from "./service.js";

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
    secure: request.protocol === "https",
    maxAge: SESSION_LIFETIME_DAYS * 86_400,
  });
}
