import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { apiActorOf, requireApiToken } from "../accounts/api-auth.js";
import { canEditMedia } from "../accounts/permissions.js";
import type { AppContext } from "../context.js";
import { fieldsAsBody, readMultipartForm } from "../infrastructure/multipart.js";
import { field, parseId, parsePageNumber, sendFieldErrors } from "../infrastructure/requests.js";
import {
  deleteImage,
  getMedia,
  listMediaLibrary,
  type MediaDetails,
  type MediaRow,
  mediaUrl,
  saveImage,
  updateMediaDetails,
} from "./service.js";
import { CONTENT_TYPES, variantKey, variantSpecs } from "./variants.js";

/** An image in the Admin API: its own address, details and every variant (absolute URLs). */
function mediaJson(base: string, media: MediaRow) {
  return {
    id: media.id,
    url: media.source_url ?? base + mediaUrl(media.file_name),
    width: media.width,
    height: media.height,
    alt: media.alt,
    caption: media.caption,
    credit: media.credit,
    focal_x: media.focal_x,
    focal_y: media.focal_y,
    original_name: media.original_name,
    uploaded_by: media.uploaded_by,
    created_at: media.created_at,
    variants: variantSpecs(media).map((spec) => ({
      width: spec.width,
      height: spec.height,
      crop: spec.crop,
      type: CONTENT_TYPES[spec.format],
      url: base + mediaUrl(variantKey(media, spec)),
    })),
  };
}

const DETAIL_FIELDS = ["alt", "caption", "credit", "focal_x", "focal_y"] as const;

/** A PATCH body as details, or the problems with it by field. */
function parseDetails(body: unknown): { details: MediaDetails } | { fields: Record<string, string> } {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { fields: { body: 'must be a JSON object like {"alt": "…"}' } };
  const fields: Record<string, string> = {};
  const details: MediaDetails = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "focal_x" || key === "focal_y") {
      if (typeof value === "number") details[key] = value;
      else fields[key] = "must be a number from 0 to 1";
    } else if (key === "alt" || key === "caption" || key === "credit") {
      if (typeof value === "string") details[key] = value;
      else fields[key] = "must be a string";
    } else fields[key] = `is not a known field (${DETAIL_FIELDS.join(", ")})`;
  }
  return Object.keys(fields).length > 0 ? { fields } : { details };
}

/** Admin API for the media library (bearer token): upload, list and search, read, change, delete. */
const mediaApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireApiToken(app, ctx);
  const base = ctx.config.siteUrl;

  async function mediaOr404(id: string, reply: FastifyReply): Promise<MediaRow | undefined> {
    const parsed = parseId(id);
    const media = parsed ? await getMedia(ctx, parsed) : undefined;
    if (!media) reply.code(404).send({ error: "image not found" });
    return media;
  }

  app.post("/media", async function uploadApiMedia(request, reply) {
    if (!request.isMultipart())
      return sendFieldErrors(reply, { file: "send multipart/form-data with the image in `file`" }, 400);
    const form = await readMultipartForm(request, ctx.config.uploadMaxBytes);
    const body = fieldsAsBody(form.fields);
    if (!form.file) return sendFieldErrors(reply, { file: "is required" }, 400);
    if (form.file.isTooLarge)
      return sendFieldErrors(
        reply,
        { file: `is larger than ${Math.round(ctx.config.uploadMaxBytes / 1048576)} MB` },
        413,
      );
    const saved = await saveImage(
      ctx,
      {
        data: form.file.data,
        originalName: form.file.fileName,
        alt: field(body, "alt"),
        caption: field(body, "caption"),
        credit: field(body, "credit"),
      },
      apiActorOf(request).id,
    );
    if ("error" in saved) return sendFieldErrors(reply, { file: saved.error }, 422);
    const media = await getMedia(ctx, saved.media.id);
    return reply.code(201).send(media ? mediaJson(base, media) : { id: saved.media.id });
  });

  app.get<{ Querystring: { q?: string; page?: string } }>(
    "/media",
    async function listApiMedia(request, reply) {
      const page = parsePageNumber(request.query.page);
      if (!page) return sendFieldErrors(reply, { page: "must be a whole number from 1" }, 400);
      const library = await listMediaLibrary(ctx, { q: (request.query.q ?? "").slice(0, 200), page });
      return reply.send({
        media: library.items.map((m) => mediaJson(base, m)),
        page: library.page,
        pages: library.pages,
        total: library.total,
      });
    },
  );

  app.get<{ Params: { id: string } }>("/media/:id", async function showApiMedia(request, reply) {
    const media = await mediaOr404(request.params.id, reply);
    return media ? reply.send(mediaJson(base, media)) : reply;
  });

  app.patch<{ Params: { id: string } }>("/media/:id", async function updateApiMedia(request, reply) {
    const media = await mediaOr404(request.params.id, reply);
    if (!media) return reply;
    if (!canEditMedia(apiActorOf(request), media))
      return reply.code(403).send({ error: "only the image's uploader or an editor may change it" });
    const parsed = parseDetails(request.body);
    if ("fields" in parsed) return sendFieldErrors(reply, parsed.fields, 400);
    const result = await updateMediaDetails(ctx, media, parsed.details);
    if ("errors" in result) return sendFieldErrors(reply, result.errors, 422);
    const updated = await getMedia(ctx, media.id);
    return updated
      ? reply.send(mediaJson(base, updated))
      : reply.code(404).send({ error: "image not found" });
  });

  app.delete<{ Params: { id: string }; Querystring: { confirm?: string } }>(
    "/media/:id",
    async function deleteApiMedia(request, reply) {
      const media = await mediaOr404(request.params.id, reply);
      if (!media) return reply;
      if (!canEditMedia(apiActorOf(request), media))
        return reply.code(403).send({ error: "only the image's uploader or an editor may delete it" });
      const result = await deleteImage(ctx, media, request.query.confirm === "true");
      if ("usedIn" in result)
        return reply.code(409).send({
          error: `used in ${result.usedIn} ${result.usedIn === 1 ? "story" : "stories"}: send ?confirm=true to delete it anyway`,
          used_in: result.usedIn,
        });
      return reply.code(204).send();
    },
  );
};

export default mediaApiRoutes;
