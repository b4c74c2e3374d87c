import type { FastifyPluginAsync } from "fastify";
import { apiActorOf, requireApiToken } from "../accounts/api-auth.js";
import { canViewArticle, seesEveryonesArticles } from "../accounts/permissions.js";
import {
  type ArticleInput,
  createArticle,
  deleteArticle,
  getArticle,
  getPublishedArticleBySlug,
  isArticleStatus,
  listArticlesForAdmin,
  listPublishedArticles,
  STATUS_PROBLEM,
  updateArticle,
} from "../articles/service.js";
import { getCategoryBySlug, getTagBySlug } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import { outageOf } from "../db/failures.js";
import { MAX_ROW_ID, parseId, parsePageNumber, sendFieldErrors } from "../infrastructure/requests.js";
import { schemaErrorsToFields } from "../infrastructure/schema-errors.js";
import { sendOutage } from "../pages/outage.js";
import { internalErrorBody, logUnhandledError } from "../pages/site-routes.js";
import { searchArticleIds } from "../search/service.js";
import correctionsApiRoutes from "./corrections-routes.js";
import frontPageApiRoutes from "./front-page-routes.js";
import pagesApiRoutes from "./pages-routes.js";
import {
  adminArticleJson,
  adminArticleSummaryJson,
  articleEtag,
  publicArticleJson,
  versionFromIfMatch,
} from "./serializers.js";
import { sendStale, sendWriteResult } from "./write-results.js";

const articleBodySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    title: { type: "string" },
    slug: { type: "string" },
    excerpt: { type: "string" },
    body: { type: "string" },
    status: { type: "string" },
    published_at: { type: ["string", "null"] },
    categories: { type: "array", items: { type: "string" } },
    tags: { type: "array", items: { type: "string" } },
    sources: {
      type: "array",
      items: {
        type: "object",
        properties: {
          url: { type: "string" },
          name: { type: "string" },
          original_author: { type: ["string", "null"] },
          original_published_at: { type: ["string", "null"] },
        },
      },
    },
    comments_open: { type: "boolean" },
    author_email: { type: "string" },
    featured_media_id: { type: ["integer", "null"], minimum: 1, maximum: MAX_ROW_ID },
    is_page: { type: "boolean" },
    is_sticky: { type: "boolean" },
  },
} as const;

/** Content API (public, read-only) and Admin API (bearer token) for articles. */
const apiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { page?: string; category?: string; tag?: string; per_page?: string } }>(
    "/articles",
    async function listPublicArticles(request, reply) {
      const page = parsePageNumber(request.query.page);
      if (!page) return sendFieldErrors(reply, { page: "must be a whole number from 1" }, 400);
      const perPage = request.query.per_page ? parsePageNumber(request.query.per_page) : undefined;
      if (perPage === undefined && request.query.per_page)
        return sendFieldErrors(reply, { per_page: "must be 1 to 100" }, 400);
      const filter: { categoryId?: number; tagId?: number } = {};
      if (request.query.category) {
        const category = await getCategoryBySlug(ctx, request.query.category);
        if (!category) return reply.send({ articles: [], page, pages: 1, total: 0 });
        filter.categoryId = category.id;
      }
      if (request.query.tag) {
        const tag = await getTagBySlug(ctx, request.query.tag);
        if (!tag) return reply.send({ articles: [], page, pages: 1, total: 0 });
        filter.tagId = tag.id;
      }
      const result = await listPublishedArticles(
        ctx,
        filter,
        page,
        perPage ? Math.min(perPage, 100) : undefined,
      );
      return reply.header("cache-control", "public, max-age=60").send({
        articles: result.items.map(publicArticleJson),
        page: result.page,
        pages: result.pages,
        total: result.total,
      });
    },
  );

  app.get<{ Params: { slug: string } }>("/articles/:slug", async function showPublicArticle(request, reply) {
    const article = await getPublishedArticleBySlug(ctx, request.params.slug);
    if (!article) return reply.code(404).send({ error: "article not found" });
    return reply
      .header("cache-control", "public, max-age=60")
      .send({ ...publicArticleJson(article), html: article.html });
  });

  await app.register(
    async (admin) => {
      requireApiToken(admin, ctx);
      admin.setSchemaErrorFormatter((errors) => {
        const error = new Error("validation failed") as Error & { fields: Record<string, string> };
        error.fields = schemaErrorsToFields(errors);
        return error;
      });
      admin.setErrorHandler(
        async (error: Error & { statusCode?: number; fields?: Record<string, string> }, request, reply) => {
          if (error.fields) return sendFieldErrors(reply, error.fields, 400);
          if (error.statusCode && error.statusCode < 500)
            return reply.code(error.statusCode).send({ error: error.message });
          const outage = outageOf(error);
          if (outage) return sendOutage(admin, ctx, request, reply, outage);
          logUnhandledError(request, reply, error);
          return reply.code(500).send(internalErrorBody(request));
        },
      );

      admin.get<{ Querystring: { status?: string; page?: string; q?: string } }>(
        "/articles",
        async function listAdminArticles(request, reply) {
          const page = parsePageNumber(request.query.page);
          if (!page) return sendFieldErrors(reply, { page: "must be a whole number from 1" }, 400);
          const status = request.query.status || undefined;
          if (status !== undefined && !isArticleStatus(status))
            return sendFieldErrors(reply, { status: STATUS_PROBLEM }, 400);
          // The same search as the newsroom's list: the full-text index, unpublished stories included.
          const q = (request.query.q ?? "").trim();
          const ids = q ? await searchArticleIds(ctx, q, { includeUnpublished: true }) : undefined;
          // Authors and contributors list their own stories, as in the newsroom.
          const actor = apiActorOf(request);
          const result = await listArticlesForAdmin(
            ctx,
            {
              status,
              ids,
              authorId: seesEveryonesArticles(actor) ? undefined : actor.id,
              isPage: false,
            },
            page,
          );
          return reply.send({
            articles: result.items.map(adminArticleSummaryJson),
            page: result.page,
            pages: result.pages,
            total: result.total,
          });
        },
      );

      admin.post<{ Body: ArticleInput }>(
        "/articles",
        { schema: { body: articleBodySchema } },
        async function createApiArticle(request, reply) {
          return sendWriteResult(reply, await createArticle(ctx, apiActorOf(request), request.body), 201);
        },
      );

      admin.get<{ Params: { id: string } }>("/articles/:id", async function showApiArticle(request, reply) {
        const id = parseId(request.params.id);
        const article = id ? await getArticle(ctx, id) : undefined;
        const actor = apiActorOf(request);
        if (
          !article ||
          article.is_page ||
          !canViewArticle(actor, { author_id: article.author.id, status: article.status })
        )
          return reply.code(404).send({ error: "article not found" });
        return reply.header("etag", articleEtag(article)).send(adminArticleJson(article));
      });

      admin.patch<{ Params: { id: string }; Body: ArticleInput }>(
        "/articles/:id",
        { schema: { body: articleBodySchema } },
        async function updateApiArticle(request, reply) {
          const id = parseId(request.params.id);
          if (id === undefined) return reply.code(404).send({ error: "article not found" });
          const ifVersion = versionFromIfMatch(request.headers["if-match"]);
          return sendWriteResult(
            reply,
            await updateArticle(ctx, apiActorOf(request), id, request.body, { ifVersion, isPage: false }),
            200,
          );
        },
      );

      admin.delete<{ Params: { id: string } }>(
        "/articles/:id",
        async function deleteApiArticle(request, reply) {
          const id = parseId(request.params.id);
          if (id === undefined) return reply.code(404).send({ error: "article not found" });
          const ifVersion = versionFromIfMatch(request.headers["if-match"]);
          const result = await deleteArticle(ctx, apiActorOf(request), id, { ifVersion, isPage: false });
          if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
          if ("notFound" in result) return reply.code(404).send({ error: "article not found" });
          if ("conflict" in result) return sendStale(reply, result.conflict);
          return reply.code(204).send();
        },
      );

      await admin.register(pagesApiRoutes, { ctx });
      await admin.register(frontPageApiRoutes, { ctx });
      await admin.register(correctionsApiRoutes, { ctx });
    },
    { prefix: "/admin" },
  );
};

export default apiRoutes;
