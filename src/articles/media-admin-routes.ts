import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { canCreateArticle, canEditMedia } from "../accounts/permissions.js";
import { actorOf, allowOnly, denyUnless } from "../admin/guard.js";
import { fieldsAsBody, readMultipartForm } from "../admin/multipart.js";
import { adminPageModel, setFlash } from "../admin/page-model.js";
import type { AppContext } from "../site/context.js";
import { field, parseId } from "../site/requests.js";
import { getMedia, listRecentMedia, saveImage, updateMediaAlt } from "./media.js";

const MEDIA_PAGE_SIZE = 60;

/** The media library: recent uploads, their alt text, and an upload form. Open to everyone who writes. */
const mediaAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  allowOnly(app, canCreateArticle);

  async function renderMediaPage(
    request: FastifyRequest,
    reply: FastifyReply,
    upload: { alt: string; error: string },
    statusCode = 200,
  ) {
    const media = await listRecentMedia(ctx, MEDIA_PAGE_SIZE);
    const model = await adminPageModel(ctx, request, reply, {
      title: "Media",
      section: "media",
      media: media.map((m) => ({
        id: String(m.id),
        url: m.url,
        alt: m.alt,
        name: m.original_name,
        size: m.width && m.height ? `${m.width}×${m.height}` : "",
        created_at: m.created_at,
      })),
      upload,
      upload_max_mb: Math.round(ctx.config.uploadMaxBytes / 1048576),
    });
    return reply.code(statusCode).view("articles/views/media", {
      ...model,
      upload_action: "/admin/media",
    });
  }

  app.get("/media", async function showMediaPage(request, reply) {
    return renderMediaPage(request, reply, { alt: "", error: "" });
  });

  app.post("/media", async function uploadMedia(request, reply) {
    if (!request.isMultipart())
      return renderMediaPage(request, reply, { alt: "", error: "choose a file" }, 422);
    const form = await readMultipartForm(request, ctx.config.uploadMaxBytes);
    const alt = field(fieldsAsBody(form.fields), "alt");
    let error = "";
    if (!form.file) error = "choose a file";
    else if (form.file.isTooLarge)
      error = `is larger than ${Math.round(ctx.config.uploadMaxBytes / 1048576)} MB`;
    else {
      const saved = await saveImage(
        ctx,
        { data: form.file.data, originalName: form.file.fileName, alt },
        actorOf(request).id,
      );
      if ("error" in saved) error = saved.error;
    }
    if (error) return renderMediaPage(request, reply, { alt, error }, 422);
    setFlash(reply, "Image uploaded.");
    return reply.redirect("/admin/media", 303);
  });

  app.post<{ Params: { id: string } }>("/media/:id/alt", async function saveMediaAlt(request, reply) {
    const id = parseId(request.params.id);
    const media = id ? await getMedia(ctx, id) : undefined;
    if (!media) return reply.callNotFound();
    if (denyUnless(canEditMedia(actorOf(request), media), request, reply)) return reply;
    const problem = await updateMediaAlt(ctx, media.id, field(request.body, "alt"));
    if (problem) {
      setFlash(reply, `The alt text of “${media.original_name}” ${problem}.`, "error");
      return reply.redirect(`/admin/media#media-${media.id}`, 303);
    }
    // Alt text shows on published stories, so their cached pages must be rebuilt.
    await ctx.changes.changed(["all"]);
    setFlash(reply, `Alt text of “${media.original_name}” saved.`);
    return reply.redirect(`/admin/media#media-${media.id}`, 303);
  });
};

export default mediaAdminRoutes;
