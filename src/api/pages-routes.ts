import type { FastifyPluginAsync } from "fastify";
import { apiActorOf } from "../accounts/api-auth.js";
import { canManagePages } from "../accounts/permissions.js";
import { createPage, deletePage, getPage, listPages, type PageInput, updatePage } from "../articles/pages.js";
import { isArticleStatus, STATUS_PROBLEM } from "../articles/service.js";
import type { AppContext } from "../context.js";
import { MAX_ROW_ID, parseId, parsePageNumber, sendFieldErrors } from "../infrastructure/requests.js";
import { adminPageJson, adminPageSummaryJson, articleEtag, versionFromIfMatch } from "./serializers.js";
import { sendStale, sendWriteResult } from "./write-results.js";

const pageBodySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    title: { type: "string" },
    slug: { type: "string" },
    excerpt: { type: "string" },
    body: { type: "string" },
    status: { type: "string" },
    published_at: { type: ["string", "null"] },
    author_email: { type: "string" },
    featured_media_id: { type: ["integer", "null"], minimum: 1, maximum: MAX_ROW_ID },
    parent_id: { type: ["integer", "null"], minimum: 1, maximum: MAX_ROW_ID },
  },
} as const;

const NOT_FOUND = "page not found";
const FORBIDDEN = { error: "only editors may write pages" };

/**
 * Admin API for pages (`/api/admin/pages`): the articles' shapes without categories, tags, sources
 * and comments; registered inside the Admin API's context (token, error shapes).
 */
const pagesApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { status?: string; page?: string } }>(
    "/pages",
    async function listApiPages(request, reply) {
      if (!canManagePages(apiActorOf(request))) return reply.code(403).send(FORBIDDEN);
      const page = parsePageNumber(request.query.page);
      if (!page) return sendFieldErrors(reply, { page: "must be a whole number from 1" }, 400);
      const status = request.query.status || undefined;
      if (status !== undefined && !isArticleStatus(status))
        return sendFieldErrors(reply, { status: STATUS_PROBLEM }, 400);
      const result = await listPages(ctx, { status }, page);
      return reply.send({
        pages: result.items.map(adminPageSummaryJson),
        page: result.page,
        page_count: result.pages,
        total: result.total,
      });
    },
  );

  app.post<{ Body: PageInput }>(
    "/pages",
    { schema: { body: pageBodySchema } },
    async function createApiPage(request, reply) {
      const result = await createPage(ctx, apiActorOf(request), request.body);
      return sendWriteResult(reply, result, 201, adminPageJson, NOT_FOUND);
    },
  );

  app.get<{ Params: { id: string } }>("/pages/:id", async function showApiPage(request, reply) {
    if (!canManagePages(apiActorOf(request))) return reply.code(403).send(FORBIDDEN);
    const id = parseId(request.params.id);
    const page = id ? await getPage(ctx, id) : undefined;
    if (!page) return reply.code(404).send({ error: NOT_FOUND });
    return reply.header("etag", articleEtag(page)).send(adminPageJson(page));
  });

  app.patch<{ Params: { id: string }; Body: PageInput }>(
    "/pages/:id",
    { schema: { body: pageBodySchema } },
    async function updateApiPage(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.code(404).send({ error: NOT_FOUND });
      const ifVersion = versionFromIfMatch(request.headers["if-match"]);
      const result = await updatePage(ctx, apiActorOf(request), id, request.body, { ifVersion });
      return sendWriteResult(reply, result, 200, adminPageJson, NOT_FOUND);
    },
  );

  app.delete<{ Params: { id: string } }>("/pages/:id", async function deleteApiPage(request, reply) {
    const id = parseId(request.params.id);
    if (id === undefined) return reply.code(404).send({ error: NOT_FOUND });
    const ifVersion = versionFromIfMatch(request.headers["if-match"]);
    const result = await deletePage(ctx, apiActorOf(request), id, { ifVersion });
    if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
    if ("notFound" in result) return reply.code(404).send({ error: NOT_FOUND });
    if ("conflict" in result) return sendStale(reply, result.conflict, adminPageJson);
    return reply.code(204).send();
  });
};

export default pagesApiRoutes;
