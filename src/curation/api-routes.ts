import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { apiActorOf, requireApiToken } from "../accounts/api-auth.js";
import { canCurate } from "../accounts/permissions.js";
import type { AppContext } from "../context.js";
import { parseId, parsePageNumber, sendFieldErrors } from "../infrastructure/requests.js";
import {
  type DeskStory,
  dismissStory,
  getDeskStory,
  handleCoverage,
  listDesk,
  type PublishInput,
  parseDeskTab,
  publishStory,
  restoreStory,
  SNOOZE_HOURS,
  type StoryActionResult,
  snoozeStory,
} from "./desk-service.js";
import { fetchSource } from "./fetch-service.js";
import {
  addSource,
  deleteSource,
  getSource,
  listSources,
  type SourceInput,
  type SourceView,
  updateSource,
} from "./sources-service.js";

/** A source in the Admin API. */
export function sourceJson(source: SourceView) {
  return {
    id: source.id,
    url: source.url,
    site_url: source.site_url,
    name: source.name,
    category: source.category_name,
    mode: source.mode,
    full_text_allowed: source.is_full_text_allowed,
    fetch_interval_minutes: source.fetch_interval_minutes,
    enabled: source.is_enabled,
    status: source.status,
    last_error: source.last_error,
    consecutive_failures: source.consecutive_failures,
    last_fetched_at: source.last_fetched_at,
    last_success_at: source.last_success_at,
    next_fetch_at: source.next_fetch_at,
    fetch_count: source.fetch_count,
    not_modified_count: source.not_modified_count,
    not_modified_ratio: source.not_modified_ratio,
    items_added: source.items_added_count,
    last_items_added: source.last_items_added,
    created_at: source.created_at,
  };
}

/** A desk story in the Admin API. */
export function storyJson(story: DeskStory) {
  return {
    id: story.id,
    title: story.title,
    status: story.status,
    snoozed_until: story.snoozed_until,
    article_id: story.article_id,
    has_pending_coverage: story.has_pending_coverage,
    first_item_at: story.first_item_at,
    last_item_at: story.last_item_at,
    also_reported_by: story.also_reported_by,
    items: story.items.map((item) => ({
      id: item.id,
      source_id: item.source_id,
      source_name: item.source_name,
      title: item.title,
      url: item.url,
      published_at: item.published_at,
      author: item.author,
      summary: item.summary_text,
      image_url: item.image_url,
      link_status: item.link_status,
    })),
  };
}

type JsonObject = Record<string, unknown>;

function isObject(body: unknown): body is JsonObject {
  return typeof body === "object" && body !== null && !Array.isArray(body);
}

/** Reads one field of a source body into `input`; returns why it is wrong, if it is. */
function readSourceField(key: string, value: unknown, input: SourceInput): string | undefined {
  switch (key) {
    case "url":
    case "name":
    case "site_url":
    case "mode":
      if (typeof value !== "string") return key === "mode" ? "must be review or publish" : "must be a string";
      input[key] = value;
      return undefined;
    case "category":
      if (typeof value !== "string" && value !== null) return "must be a category name or null";
      input.category = value;
      return undefined;
    case "full_text_allowed":
      if (typeof value !== "boolean") return "must be true or false";
      input.is_full_text_allowed = value;
      return undefined;
    case "enabled":
      if (typeof value !== "boolean") return "must be true or false";
      input.is_enabled = value;
      return undefined;
    case "fetch_interval_minutes":
      if (typeof value !== "number") return "must be a number of minutes";
      input.fetch_interval_minutes = value;
      return undefined;
    default:
      return "is not a known field";
  }
}

/** A source body as service input, or the fields that are wrong. */
function parseSourceBody(body: unknown): { input: SourceInput } | { fields: Record<string, string> } {
  if (!isObject(body)) return { fields: { body: 'must be a JSON object like {"url": "https://…/feed"}' } };
  const input: SourceInput = {};
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    const error = readSourceField(key, value, input);
    if (error) fields[key] = error;
  }
  return Object.keys(fields).length ? { fields } : { input };
}

function parseItemIds(value: unknown): number[] | undefined {
  if (!Array.isArray(value) || value.some((id) => !Number.isInteger(id) || (id as number) < 1))
    return undefined;
  return value as number[];
}

function sendActionResult(reply: FastifyReply, result: StoryActionResult, ctx: AppContext, storyId: number) {
  if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
  if ("notFound" in result) return reply.code(404).send({ error: "story not found" });
  if ("error" in result) return reply.code(409).send({ error: result.error });
  return getDeskStory(ctx, storyId).then((story) => reply.send(story ? storyJson(story) : {}));
}

/** Admin API for sources and the review desk (bearer token, editors and admins). */
const curationApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireApiToken(app, ctx);
  app.addHook("preHandler", async (request, reply) => {
    if (!canCurate(apiActorOf(request))) return reply.code(403).send({ error: "forbidden" });
  });

  app.get("/sources", async function listApiSources() {
    return { sources: (await listSources(ctx)).map(sourceJson) };
  });

  app.get<{ Params: { id: string } }>("/sources/:id", async function showApiSource(request, reply) {
    const id = parseId(request.params.id);
    const source = id ? await getSource(ctx, id) : undefined;
    if (!source) return reply.code(404).send({ error: "source not found" });
    return sourceJson(source);
  });

  app.post<{ Body: unknown }>("/sources", async function createApiSource(request, reply) {
    const parsed = parseSourceBody(request.body);
    if ("fields" in parsed) return sendFieldErrors(reply, parsed.fields, 400);
    const result = await addSource(ctx, parsed.input);
    if ("errors" in result) return sendFieldErrors(reply, result.errors);
    return reply.code(201).send(sourceJson(result.source));
  });

  app.patch<{ Params: { id: string }; Body: unknown }>(
    "/sources/:id",
    async function updateApiSource(request, reply) {
      const id = parseId(request.params.id);
      if (!id) return reply.code(404).send({ error: "source not found" });
      const parsed = parseSourceBody(request.body);
      if ("fields" in parsed) return sendFieldErrors(reply, parsed.fields, 400);
      const result = await updateSource(ctx, id, parsed.input);
      if ("notFound" in result) return reply.code(404).send({ error: "source not found" });
      if ("errors" in result) return sendFieldErrors(reply, result.errors);
      return sourceJson(result.source);
    },
  );

  app.delete<{ Params: { id: string } }>("/sources/:id", async function deleteApiSource(request, reply) {
    const id = parseId(request.params.id);
    const result = id ? await deleteSource(ctx, id) : { notFound: true as const };
    if ("notFound" in result) return reply.code(404).send({ error: "source not found" });
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>("/sources/:id/fetch", async function fetchApiSource(request, reply) {
    const id = parseId(request.params.id);
    const report = id ? await fetchSource(ctx, id) : undefined;
    if (!report) return reply.code(404).send({ error: "source not found" });
    if (report.status === "busy")
      return reply
        .code(409)
        .send({ error: "the source is being fetched right now", added: 0, status: "busy" });
    return {
      added: report.added,
      status: report.status,
      not_modified: report.notModified,
      last_error: report.error,
      next_fetch_at: report.nextFetchAt,
    };
  });

  app.get<{ Querystring: { status?: string; source_id?: string; category_id?: string; page?: string } }>(
    "/stories",
    async function listApiStories(request, reply) {
      const tab = parseDeskTab(request.query.status);
      if (!tab)
        return sendFieldErrors(
          reply,
          { status: "must be new, coverage, snoozed, published or dismissed" },
          400,
        );
      const page = parsePageNumber(request.query.page);
      if (!page) return sendFieldErrors(reply, { page: "must be a whole number from 1" }, 400);
      const sourceId = request.query.source_id ? parseId(request.query.source_id) : undefined;
      if (request.query.source_id && !sourceId)
        return sendFieldErrors(reply, { source_id: "must be a source id" }, 400);
      const categoryId = request.query.category_id ? parseId(request.query.category_id) : undefined;
      if (request.query.category_id && !categoryId)
        return sendFieldErrors(reply, { category_id: "must be a category id" }, 400);
      const desk = await listDesk(ctx, { tab, sourceId, categoryId }, page);
      return {
        stories: desk.stories.map(storyJson),
        counts: desk.counts,
        page: desk.page,
        pages: desk.pages,
        total: desk.total,
      };
    },
  );

  app.get<{ Params: { id: string } }>("/stories/:id", async function showApiStory(request, reply) {
    const id = parseId(request.params.id);
    const story = id ? await getDeskStory(ctx, id) : undefined;
    if (!story) return reply.code(404).send({ error: "story not found" });
    return storyJson(story);
  });

  app.post<{ Params: { id: string }; Body: unknown }>(
    "/stories/:id/publish",
    async function publishApiStory(request, reply) {
      const id = parseId(request.params.id);
      if (!id) return reply.code(404).send({ error: "story not found" });
      const body = request.body;
      if (!isObject(body))
        return sendFieldErrors(reply, { body: 'must be a JSON object like {"item_ids": [1, 2]}' }, 400);
      const fields: Record<string, string> = {};
      const known = ["item_ids", "title", "summary", "category", "use_full_text", "use_image", "status"];
      for (const key of Object.keys(body)) if (!known.includes(key)) fields[key] = "is not a known field";
      const itemIds = parseItemIds(body.item_ids);
      if (!itemIds) fields.item_ids = "must be a list of report ids";
      for (const key of ["title", "summary", "category"])
        if (body[key] !== undefined && typeof body[key] !== "string") fields[key] = "must be a string";
      for (const key of ["use_full_text", "use_image"])
        if (body[key] !== undefined && typeof body[key] !== "boolean") fields[key] = "must be true or false";
      if (body.status !== undefined && body.status !== "published" && body.status !== "draft")
        fields.status = "must be published or draft";
      if (Object.keys(fields).length) return sendFieldErrors(reply, fields, 400);
      const input: PublishInput = {
        item_ids: itemIds as number[],
        title: body.title as string | undefined,
        summary: body.summary as string | undefined,
        category: body.category as string | undefined,
        use_full_text: body.use_full_text as boolean | undefined,
        use_image: body.use_image as boolean | undefined,
        status: body.status as PublishInput["status"],
      };
      const result = await publishStory(ctx, apiActorOf(request), id, input);
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      if ("notFound" in result) return reply.code(404).send({ error: "story not found" });
      if ("errors" in result) return sendFieldErrors(reply, result.errors);
      return reply.code(201).send({
        article: { id: result.article.id, url: result.article.url, status: result.article.status },
        warnings: result.warnings,
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    "/stories/:id/dismiss",
    async function dismissApiStory(request, reply) {
      const id = parseId(request.params.id);
      if (!id) return reply.code(404).send({ error: "story not found" });
      return sendActionResult(reply, await dismissStory(ctx, apiActorOf(request), id), ctx, id);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/stories/:id/restore",
    async function restoreApiStory(request, reply) {
      const id = parseId(request.params.id);
      if (!id) return reply.code(404).send({ error: "story not found" });
      return sendActionResult(reply, await restoreStory(ctx, apiActorOf(request), id), ctx, id);
    },
  );

  app.post<{ Params: { id: string }; Body: unknown }>(
    "/stories/:id/snooze",
    async function snoozeApiStory(request, reply) {
      const id = parseId(request.params.id);
      if (!id) return reply.code(404).send({ error: "story not found" });
      const hours = isObject(request.body) ? request.body.hours : undefined;
      if (typeof hours !== "number")
        return sendFieldErrors(reply, { hours: `must be one of ${SNOOZE_HOURS.join(", ")}` }, 400);
      return sendActionResult(reply, await snoozeStory(ctx, apiActorOf(request), id, hours), ctx, id);
    },
  );

  app.post<{ Params: { id: string }; Body: unknown }>(
    "/stories/:id/coverage",
    async function handleApiCoverage(request, reply) {
      const id = parseId(request.params.id);
      if (!id) return reply.code(404).send({ error: "story not found" });
      const body = isObject(request.body) ? request.body : {};
      const itemIds = parseItemIds(body.item_ids);
      const action = body.action;
      const fields: Record<string, string> = {};
      if (!itemIds) fields.item_ids = "must be a list of report ids";
      if (action !== "accept" && action !== "decline") fields.action = "must be accept or decline";
      if (Object.keys(fields).length) return sendFieldErrors(reply, fields, 400);
      const result = await handleCoverage(
        ctx,
        apiActorOf(request),
        id,
        itemIds as number[],
        action as "accept" | "decline",
      );
      return sendActionResult(reply, result, ctx, id);
    },
  );
};

export default curationApiRoutes;
