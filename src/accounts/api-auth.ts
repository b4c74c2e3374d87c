import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { refuseUndecodableJson } from "../lib/text-input.js";
import type { Actor } from "./permissions.js";
import { authenticateApiToken } from "./service.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The identity behind a valid `Authorization: Bearer` token (Admin API only). */
    apiActor: Actor | undefined;
  }
}

const MESSAGES = {
  invalid: "invalid token",
  expired: "token expired",
  revoked: "token revoked",
} as const;

/** Hook for the Admin API child context: a valid bearer token or 401. */
export function requireApiToken(app: FastifyInstance, ctx: AppContext): void {
  if (!app.hasRequestDecorator("apiActor")) app.decorateRequest("apiActor", undefined);
  app.addHook("onRequest", async (request, reply) => {
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      return reply
        .code(401)
        .header("www-authenticate", 'Bearer realm="broadsheet"')
        .send({ error: "missing bearer token" });
    }
    const result = await authenticateApiToken(ctx, match[1]);
    if ("error" in result) {
      return reply
        .code(401)
        .header("www-authenticate", `Bearer realm="broadsheet", error="invalid_token"`)
        .send({ error: MESSAGES[result.error] });
    }
    request.apiActor = result.actor;
  });
  refuseUndecodableJson(app);
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("cache-control", "no-store");
    return payload;
  });
}

export function apiActorOf(request: FastifyRequest): Actor {
  if (!request.apiActor) throw new Error("api: no token actor behind the token guard");
  return request.apiActor;
}
