import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { adminPageModel, adminSay, sayProblem, sayProblems, setFlash } from "../accounts/admin-page.js";
import { canCreateArticle, canEditMedia } from "../accounts/permissions.js";
import { actorOf, allowOnly, denyUnless } from "../accounts/staff-guard.js";
import type { AppContext } from "../context.js";
import { fieldsAsBody, readMultipartForm } from "../infrastructure/multipart.js";
import { field, parseId, parsePageNumber, sendFieldErrors, wantsJson } from "../infrastructure/requests.js";
import { problemText } from "../lib/problems.js";
import { MEDIA_PROBLEMS } from "./problems.js";
import {
  countStoriesUsing,
  deleteImage,
  getMedia,
  imageModel,
  listMediaLibrary,
  type MediaDetails,
  type MediaRow,
  mediaDetailsProblems,
  replaceImage,
  saveImage,
  thumbnailUrl,
  updateMediaDetails,
} from "./service.js";

/** Files one upload form may carry. */
const MAX_FILES_PER_UPLOAD = 20;

/** The details a form sent: a field left out is unchanged; a focal field must be a number. */
function detailsFromForm(body: unknown): MediaDetails {
  const sent = (name: string) => typeof body === "object" && body !== null && name in body;
  const details: MediaDetails = {};
  for (const name of ["alt", "caption", "credit"] as const) if (sent(name)) details[name] = field(body, name);
  for (const name of ["focal_x", "focal_y"] as const) {
    const raw = field(body, name).trim();
    if (raw !== "") details[name] = Number(raw);
  }
  return details;
}

/**
 * The media library: a searchable grid, several uploads at once, and a page per image to edit its
 * alt text, caption, credit and focal point, replace its file or delete it. Open to everyone who
 * writes; changing an image is for its uploader or an editor.
 */
const mediaAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  allowOnly(app, canCreateArticle);
  const maxMb = Math.round(ctx.config.uploadMaxBytes / 1048576);

  async function renderLibrary(
    request: FastifyRequest<{ Querystring: { q?: string; page?: string } }>,
    reply: FastifyReply,
    upload: { alt: string; caption: string; credit: string },
    errors: Record<string, string> = {},
    statusCode = 200,
  ) {
    const say = await adminSay(ctx, request);
    const q = (request.query.q ?? "").slice(0, 200);
    const page = parsePageNumber(request.query.page) ?? 1;
    const library = await listMediaLibrary(ctx, { q, page });
    const model = await adminPageModel(ctx, request, reply, {
      title: say("admin.layout.media"),
      section: "media",
      q,
      page: library.page,
      pages: library.pages,
      total: library.total,
      media: library.items.map((m) => ({
        id: String(m.id),
        url: imageModel(m).url,
        thumb: thumbnailUrl(m),
        alt: m.alt,
        name: m.original_name,
        size: m.width && m.height ? `${m.width}×${m.height}` : "",
        created_at: m.created_at,
      })),
      upload,
      errors: sayProblems(say, "media", MEDIA_PROBLEMS, errors),
      upload_max_mb: maxMb,
    });
    return reply.code(statusCode).view("media/views/library", { ...model, upload_action: "/admin/media" });
  }

  async function renderImagePage(
    request: FastifyRequest,
    reply: FastifyReply,
    media: MediaRow,
    state: { values?: MediaDetails; errors?: Record<string, string>; confirmDelete?: boolean },
    statusCode = 200,
  ) {
    const say = await adminSay(ctx, request);
    const image = imageModel(media);
    const values = state.values ?? {};
    const model = await adminPageModel(ctx, request, reply, {
      title: say("media.image.title", { name: media.original_name }),
      section: "media",
      image: {
        id: String(media.id),
        url: image.url,
        preview: image.full?.src ?? image.url,
        name: media.original_name,
        size: media.width && media.height ? `${media.width}×${media.height}` : "",
        is_linked: media.source_url !== null,
        alt: values.alt ?? media.alt,
        caption: values.caption ?? media.caption,
        credit: values.credit ?? media.credit,
        focal_x: String(values.focal_x ?? media.focal_x),
        focal_y: String(values.focal_y ?? media.focal_y),
      },
      used_in: await countStoriesUsing(ctx, media),
      confirm_delete: state.confirmDelete === true,
      errors: sayProblems(say, "media", MEDIA_PROBLEMS, state.errors ?? {}),
      upload_max_mb: maxMb,
    });
    return reply.code(statusCode).view("media/views/image", model);
  }

  /** The image named in the URL when the actor may change it; otherwise the reply is sent. */
  async function changeableMedia(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
    const id = parseId(request.params.id);
    const media = id ? await getMedia(ctx, id) : undefined;
    if (!media) {
      reply.callNotFound();
      return undefined;
    }
    if (denyUnless(canEditMedia(actorOf(request), media), request, reply)) return undefined;
    return media;
  }

  app.get<{ Querystring: { q?: string; page?: string } }>(
    "/media",
    async function showMediaPage(request, reply) {
      return renderLibrary(request, reply, { alt: "", caption: "", credit: "" });
    },
  );

  app.post<{ Querystring: { q?: string; page?: string } }>(
    "/media",
    async function uploadMedia(request, reply) {
      const blank = { alt: "", caption: "", credit: "" };
      if (!request.isMultipart())
        return renderLibrary(request, reply, blank, { file: MEDIA_PROBLEMS.choose_file }, 422);
      const form = await readMultipartForm(request, ctx.config.uploadMaxBytes, MAX_FILES_PER_UPLOAD);
      const body = fieldsAsBody(form.fields);
      const details = {
        alt: field(body, "alt"),
        caption: field(body, "caption"),
        credit: field(body, "credit"),
      };
      // Refused by field before any file is read, so the form can say which one is wrong.
      const detailProblems = mediaDetailsProblems(details);
      if (Object.keys(detailProblems).length > 0 && !wantsJson(request))
        return renderLibrary(request, reply, details, detailProblems, 422);
      if (form.files.length === 0)
        return renderLibrary(request, reply, details, { file: MEDIA_PROBLEMS.choose_file }, 422);
      // The services' English reasons: the JSON API keeps them, the page says them in the staff member's language.
      const refused: { fileName: string; why: string }[] = [];
      const uploadedImages: { id: number; url: string }[] = [];
      for (const file of form.files) {
        const saved = file.isTooLarge
          ? { error: problemText(MEDIA_PROBLEMS.upload_too_large, { mb: maxMb }) }
          : await saveImage(
              ctx,
              { data: file.data, originalName: file.fileName, ...details },
              actorOf(request).id,
            );
        if ("error" in saved) refused.push({ fileName: file.fileName, why: saved.error });
        else uploadedImages.push({ id: saved.media.id, url: saved.media.url });
      }
      const uploaded = uploadedImages.length;
      const refusals = (sayWhy: (why: string) => string) =>
        refused.map(({ fileName, why }) =>
          form.files.length > 1 ? `${fileName}: ${sayWhy(why)}` : sayWhy(why),
        );
      const english = (why: string) => why;
      // The editor's drag-and-drop asks for JSON, to put the images' addresses into the story.
      if (wantsJson(request)) {
        if (uploaded === 0) return sendFieldErrors(reply, { file: refusals(english).join("; ") });
        return reply.code(201).send({ images: uploadedImages, refused: refusals(english) });
      }
      const say = await adminSay(ctx, request);
      const sayWhy = (why: string) => sayProblem(say, "media", MEDIA_PROBLEMS, why);
      if (uploaded === 0)
        return renderLibrary(request, reply, details, { file: refusals(sayWhy).join("; ") }, 422);
      if (refused.length > 0)
        setFlash(
          reply,
          say("media.flash.partly_uploaded", { count: uploaded, refused: refusals(sayWhy).join("; ") }),
          "error",
        );
      else setFlash(reply, say("media.flash.uploaded", { count: uploaded }));
      return reply.redirect("/admin/media", 303);
    },
  );

  app.get<{ Params: { id: string } }>("/media/:id", async function showImagePage(request, reply) {
    const id = parseId(request.params.id);
    const media = id ? await getMedia(ctx, id) : undefined;
    if (!media) return reply.callNotFound();
    return renderImagePage(request, reply, media, {});
  });

  app.post<{ Params: { id: string } }>("/media/:id", async function saveMediaDetails(request, reply) {
    const media = await changeableMedia(request, reply);
    if (!media) return reply;
    const details = detailsFromForm(request.body);
    const result = await updateMediaDetails(ctx, media, details);
    if ("errors" in result)
      return renderImagePage(request, reply, media, { values: details, errors: result.errors }, 422);
    setFlash(reply, (await adminSay(ctx, request))("media.flash.saved", { name: media.original_name }));
    return reply.redirect(`/admin/media/${media.id}`, 303);
  });

  app.post<{ Params: { id: string } }>("/media/:id/replace", async function replaceMediaFile(request, reply) {
    const media = await changeableMedia(request, reply);
    if (!media) return reply;
    const form = request.isMultipart()
      ? await readMultipartForm(request, ctx.config.uploadMaxBytes)
      : undefined;
    let error = "";
    if (!form?.file) error = MEDIA_PROBLEMS.choose_file;
    else if (form.file.isTooLarge) error = problemText(MEDIA_PROBLEMS.upload_too_large, { mb: maxMb });
    else {
      const result = await replaceImage(ctx, media, form.file.data);
      if ("errors" in result) error = Object.values(result.errors)[0];
    }
    if (error) return renderImagePage(request, reply, media, { errors: { file: error } }, 422);
    setFlash(reply, (await adminSay(ctx, request))("media.flash.replaced", { name: media.original_name }));
    return reply.redirect(`/admin/media/${media.id}`, 303);
  });

  app.post<{ Params: { id: string } }>("/media/:id/delete", async function deleteMedia(request, reply) {
    const media = await changeableMedia(request, reply);
    if (!media) return reply;
    const result = await deleteImage(ctx, media, field(request.body, "confirm") === "yes");
    if ("usedIn" in result) return renderImagePage(request, reply, media, { confirmDelete: true }, 409);
    setFlash(reply, (await adminSay(ctx, request))("media.flash.deleted", { name: media.original_name }));
    return reply.redirect("/admin/media", 303);
  });
};

export default mediaAdminRoutes;
