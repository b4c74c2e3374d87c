import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteShorthandOptions,
} from "fastify";

/** The largest body a form anyone may post (sign-in, setup, sign-out, …) can send. */
export const PUBLIC_FORM_MAX_BYTES = 16 * 1024;
/** JSON deeper than this is refused before it is parsed; no API shape comes close. */
export const JSON_MAX_DEPTH = 32;

const FORM_TYPE = "application/x-www-form-urlencoded";

function refuseUnlessForm(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
  const type = (request.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type === FORM_TYPE) return done();
  reply
    .code(415)
    .header("cache-control", "no-store")
    .type("text/plain; charset=utf-8")
    .send("This form is sent as application/x-www-form-urlencoded.");
}

/**
 * Route options for a form anyone may post: the body is at most PUBLIC_FORM_MAX_BYTES and a web
 * form (anything else is refused with 415 before a byte of it is read or parsed), and the route is
 * rate-limited per address.
 */
export function publicFormRoute(rateLimit: { max: number; timeWindow: string }): RouteShorthandOptions {
  return { bodyLimit: PUBLIC_FORM_MAX_BYTES, onRequest: refuseUnlessForm, config: { rateLimit } };
}

/** Why a JSON text nests deeper than `maxDepth`, or undefined; strings are skipped, nothing is parsed. */
export function jsonDepthProblem(text: string, maxDepth = JSON_MAX_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return `JSON nested deeper than ${maxDepth} levels`;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return undefined;
}

/**
 * Replaces Fastify's JSON body parser with one that refuses deep nesting (400) before parsing,
 * then parses as Fastify does (prototype-poisoning keys are an error).
 */
export function limitJsonNesting(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const problem = jsonDepthProblem(body as string);
    if (problem) {
      done(Object.assign(new Error(problem), { statusCode: 400 }) as FastifyError, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}
