import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import {
  type Actor,
  canAssignAuthor,
  canCreateArticle,
  canDeleteArticle,
  canEditArticle,
  canEditMedia,
  canPublishArticle,
  canTrashArticle,
  isEditorOrAbove,
} from "../accounts/permissions.js";
import { listUsers } from "../accounts/service.js";
import { actorOf, denyUnless } from "../admin/guard.js";
import { fieldsAsBody, readMultipartForm } from "../admin/multipart.js";
import { adminPageModel, setFlash } from "../admin/page-model.js";
import type { ArticleStatus } from "../db/schema.js";
import { searchArticleIds } from "../search/service.js";
import type { AppContext } from "../site/context.js";
import { field, parseId, parsePageNumber, sendFieldErrors } from "../site/requests.js";
import { formatSiteDate } from "../site/settings.js";
import {
  articleInputFromEditor,
  attachSourceErrors,
  blankEditorValues,
  type EditorAction,
  type EditorValues,
  editorValuesFromArticle,
  editorValuesFromForm,
  editorVersion,
  parseEditorAction,
} from "./editor-form.js";
import { PREVIEW_FAILED_HTML, PREVIEW_FAILED_MESSAGE, renderArticlePreview } from "./markdown-preview.js";
import { getMedia, listRecentMedia, saveImage, updateMediaAlt } from "./media.js";
import { articlePath } from "./permalinks.js";
import {
  ARTICLE_STATUSES,
  type ArticleDetail,
  type ArticleSummary,
  countArticlesByStatus,
  createArticle,
  deleteArticle,
  type FieldErrors,
  getArticle,
  LIMITS,
  listArticlesForAdmin,
  trashArticle,
  updateArticle,
  validateArticleInput,
} from "./service.js";
import { listCategories, listTags } from "./taxonomy.js";

export const ADMIN_ARTICLES_PER_PAGE = 20;
const RECENT_MEDIA_IN_EDITOR = 24;
const MAX_SEARCH_LENGTH = 200;

type ListQuery = { status?: string; author?: string; category?: string; q?: string; page?: string };

interface ListFilters {
  status: string;
  author: string;
  category: string;
  q: string;
}

/** `/admin/articles?…` keeping the given filters; empty ones are left out. */
function articleListUrl(filters: ListFilters, page = 1): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `/admin/articles?${query}` : "/admin/articles";
}

function ownershipOf(article: ArticleSummary) {
  return { author_id: article.author.id, status: article.status };
}

/** The newsroom's article list, the editor with its live preview, and the row actions. */
const articleAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: ListQuery }>("/articles", async function showArticleListPage(request, reply) {
    const actor = actorOf(request);
    const seesEveryone = isEditorOrAbove(actor);
    const query = request.query;
    const status = (ARTICLE_STATUSES as readonly string[]).includes(query.status ?? "")
      ? (query.status as ArticleStatus)
      : undefined;
    const authorFilter = seesEveryone ? parseId(query.author ?? "") : undefined;
    const categoryFilter = parseId(query.category ?? "");
    const q = (query.q ?? "").trim().slice(0, MAX_SEARCH_LENGTH);
    const page = parsePageNumber(query.page) ?? 1;
    const ownOnly = seesEveryone ? undefined : actor.id;
    const filters: ListFilters = {
      status: status ?? "",
      author: authorFilter ? String(authorFilter) : "",
      category: categoryFilter ? String(categoryFilter) : "",
      q,
    };
    // The newsroom searches with the readers' full-text index, drafts and scheduled stories included.
    const matchingIds = q ? await searchArticleIds(ctx, q, { includeUnpublished: true }) : undefined;
    const [counts, list, staff, categories] = await Promise.all([
      countArticlesByStatus(ctx, ownOnly),
      listArticlesForAdmin(
        ctx,
        {
          status,
          authorId: ownOnly ?? authorFilter,
          categoryId: categoryFilter,
          ids: matchingIds,
        },
        page,
        ADMIN_ARTICLES_PER_PAGE,
      ),
      seesEveryone ? listUsers(ctx) : Promise.resolve([]),
      listCategories(ctx),
    ]);
    const settings = await ctx.settings.get();
    const tabs = [
      { key: "", label: "All", count: counts.draft + counts.scheduled + counts.published },
      { key: "draft", label: "Drafts", count: counts.draft },
      { key: "scheduled", label: "Scheduled", count: counts.scheduled },
      { key: "published", label: "Published", count: counts.published },
      { key: "trashed", label: "Trash", count: counts.trashed },
    ].map((tab) => ({
      ...tab,
      url: articleListUrl({ ...filters, status: tab.key }),
      current: tab.key === filters.status,
    }));
    const rows = list.items.map((article) => {
      const ownership = ownershipOf(article);
      const isTrashed = article.status === "trashed";
      return {
        id: article.id,
        title: article.title,
        status: article.status,
        author_name: article.author.name,
        categories: article.categories.map((c) => c.name).join(", "),
        date_label:
          article.status === "published" || article.status === "scheduled"
            ? formatSiteDate(
                article.published_at ?? article.updated_at,
                "d MMM yyyy, HH:mm",
                settings.timezone,
              )
            : formatSiteDate(article.updated_at, "d MMM yyyy, HH:mm", settings.timezone),
        date_iso: article.published_at ?? article.updated_at,
        view_path: article.status === "published" ? article.path : "",
        can_edit: canEditArticle(actor, ownership),
        can_trash: !isTrashed && canTrashArticle(actor, ownership),
        can_restore: isTrashed && canEditArticle(actor, ownership),
        can_delete: isTrashed && canDeleteArticle(actor, ownership),
      };
    });
    return reply.view(
      "articles/views/article-list",
      await adminPageModel(ctx, request, reply, {
        title: "Articles",
        section: "articles",
        tabs,
        filters,
        rows,
        return_to: articleListUrl(filters, list.page),
        authors: staff.map((u) => ({ id: String(u.id), name: u.name })),
        categories: categories.map((c) => ({ id: String(c.id), name: c.name })),
        sees_everyone: seesEveryone,
        page: list.page,
        pages: list.pages,
        total: list.total,
        prev_url: list.page > 1 ? articleListUrl(filters, list.page - 1) : "",
        next_url: list.page < list.pages ? articleListUrl(filters, list.page + 1) : "",
      }),
    );
  });

  /** Everything the editor view needs around the values and errors. */
  async function renderEditor(
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      article: ArticleDetail | undefined;
      values: EditorValues;
      errors: FieldErrors;
      previewHtml?: string;
      statusCode?: number;
      /** The stored article when this form's save was refused as made from an older version. */
      conflict?: ArticleDetail;
    },
  ) {
    const actor = actorOf(request);
    const { article, values, errors } = state;
    const settings = await ctx.settings.get();
    const now = ctx.now();
    const ownership = article
      ? ownershipOf(article)
      : { author_id: Number(values.author_id) || actor.id, status: "draft" as const };
    const mayPublish = canPublishArticle(actor, ownership);
    const mayAssignAuthor = canAssignAuthor(actor);
    const [categories, tags, media, staff] = await Promise.all([
      listCategories(ctx),
      listTags(ctx),
      listRecentMedia(ctx, RECENT_MEDIA_IN_EDITOR),
      mayAssignAuthor ? listUsers(ctx) : Promise.resolve([]),
    ]);
    const featuredId = Number(values.featured_media_id);
    let featured = media.find((m) => m.id === featuredId);
    if (!featured && Number.isInteger(featuredId) && featuredId > 0) {
      const row = await getMedia(ctx, featuredId);
      if (row) featured = { ...row, url: `/media/${row.file_name}` };
    }
    const nowLocal = formatSiteDate(now, "yyyy-MM-dd'T'HH:mm", settings.timezone);
    // Both are `yyyy-MM-ddTHH:mm` in the site's zone, so string order is time order.
    const isFutureTime = values.published_at_local !== "" && values.published_at_local > nowLocal;
    const status = article?.status ?? "new";
    const isLive = status === "published" || status === "scheduled";
    const slugForLink = values.slug || article?.slug || "";
    const permalinkDate = article?.published_at ?? now.toISOString();
    const permalink = slugForLink
      ? ctx.config.siteUrl +
        articlePath({ slug: slugForLink, published_at: permalinkDate }, settings.timezone)
      : "";
    const permalinkPrefix =
      ctx.config.siteUrl + articlePath({ slug: "", published_at: permalinkDate }, settings.timezone);
    const model = await adminPageModel(ctx, request, reply, {
      title: article ? `Edit “${article.title}”` : "New story",
      section: "articles",
      article: article
        ? {
            id: article.id,
            status: article.status,
            url: article.status === "published" ? article.path : "",
            author_name: article.author.name,
            updated_at: article.updated_at,
          }
        : null,
      status,
      values,
      errors,
      has_errors: Object.keys(errors).length > 0,
      conflict: state.conflict
        ? {
            title: state.conflict.title,
            excerpt: state.conflict.excerpt,
            body: state.conflict.body,
            status: state.conflict.status,
            updated_at: formatSiteDate(state.conflict.updated_at, "d MMM yyyy, HH:mm:ss", settings.timezone),
          }
        : null,
      preview_html: state.previewHtml ?? null,
      timezone: settings.timezone,
      now_local: nowLocal,
      permalink,
      permalink_prefix: permalinkPrefix.replace(/\/+$/, ""),
      category_names: categories.map((c) => c.name),
      tag_names: tags.map((t) => t.name),
      recent_media: media.map((m) => ({
        id: String(m.id),
        url: m.url,
        alt: m.alt,
        name: m.original_name,
        selected: m.id === featuredId,
      })),
      featured: featured ? { id: String(featured.id), url: featured.url, alt: featured.alt } : null,
      authors: staff
        .filter((u) => u.is_disabled === 0 || String(u.id) === values.author_id)
        .map((u) => ({
          id: String(u.id),
          name: u.name,
          role: u.role,
          selected: String(u.id) === values.author_id,
        })),
      may_assign_author: mayAssignAuthor,
      upload_max_mb: Math.round(ctx.config.uploadMaxBytes / 1048576),
      limits: LIMITS,
      buttons: {
        save_draft: !isLive && status !== "trashed",
        submit_only: !mayPublish && status !== "trashed",
        publish: mayPublish && !isLive && status !== "trashed",
        publish_label: isFutureTime ? "Schedule" : "Publish",
        update: isLive && mayPublish,
        unpublish: isLive && mayPublish,
        trash: !!article && status !== "trashed" && canTrashArticle(actor, ownership),
        restore: status === "trashed" && !!article && canEditArticle(actor, ownership),
        delete: status === "trashed" && !!article && canDeleteArticle(actor, ownership),
        preview: status !== "trashed",
      },
    });
    // A multipart form is checked by its Origin (see admin/guard.ts): no token in the address bar.
    const formAction = article ? `/admin/articles/${article.id}/edit` : "/admin/articles/new";
    return reply
      .code(state.statusCode ?? 200)
      .view("articles/views/editor", { ...model, form_action: formAction });
  }

  app.get("/articles/new", async function showNewArticlePage(request, reply) {
    const actor = actorOf(request);
    if (denyUnless(canCreateArticle(actor), request, reply)) return reply;
    const settings = await ctx.settings.get();
    return renderEditor(request, reply, {
      article: undefined,
      values: blankEditorValues(settings.commentsOpenByDefault, actor.id),
      errors: {},
    });
  });

  app.get<{ Params: { id: string } }>(
    "/articles/:id/edit",
    async function showEditArticlePage(request, reply) {
      const actor = actorOf(request);
      const id = parseId(request.params.id);
      const article = id ? await getArticle(ctx, id) : undefined;
      if (!article) return reply.callNotFound();
      if (denyUnless(canEditArticle(actor, ownershipOf(article)), request, reply)) return reply;
      const settings = await ctx.settings.get();
      return renderEditor(request, reply, {
        article,
        values: editorValuesFromArticle(article, settings.timezone),
        errors: {},
      });
    },
  );

  /** Trash, restore and delete: status changes that do not save what is in the form. */
  async function changeArticleState(
    reply: FastifyReply,
    actor: Actor,
    article: ArticleDetail,
    action: "trash" | "restore" | "delete",
    returnTo: string,
  ) {
    if (action === "delete") {
      if (article.status !== "trashed" || !isEditorOrAbove(actor)) {
        setFlash(reply, "Only an editor can delete an article, and only from the trash.", "error");
        return reply.redirect(returnTo, 303);
      }
      const result = await deleteArticle(ctx, actor, article.id);
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      setFlash(reply, `“${article.title}” was deleted permanently.`);
      return reply.redirect(articleListUrl({ status: "trashed", author: "", category: "", q: "" }), 303);
    }
    const result =
      action === "trash"
        ? await trashArticle(ctx, actor, article.id)
        : await updateArticle(ctx, actor, article.id, { status: "draft" });
    if ("errors" in result) setFlash(reply, Object.values(result.errors).join("; "), "error");
    else if ("forbidden" in result) setFlash(reply, "Your role does not allow this.", "error");
    else if (action === "trash") setFlash(reply, `“${article.title}” was moved to the trash.`);
    else setFlash(reply, `“${article.title}” was restored as a draft.`);
    return reply.redirect(returnTo, 303);
  }

  /** Handles every button of the editor form, for a new article or a stored one. */
  async function submitEditorForm(
    request: FastifyRequest,
    reply: FastifyReply,
    existing: ArticleDetail | undefined,
  ) {
    const actor = actorOf(request);
    const settings = await ctx.settings.get();
    const errors: FieldErrors = {};
    let body: unknown = request.body;
    let upload: Awaited<ReturnType<typeof readMultipartForm>>["file"];
    if (request.isMultipart()) {
      const form = await readMultipartForm(request, ctx.config.uploadMaxBytes);
      body = fieldsAsBody(form.fields);
      upload = form.file;
      for (const name of form.truncatedFields) errors[name] = "is too long";
    }
    const action: EditorAction = parseEditorAction(body) ?? (existing ? "update" : "save_draft");
    if (existing && (action === "trash" || action === "restore" || action === "delete")) {
      const returnTo = action === "trash" ? "/admin/articles" : `/admin/articles/${existing.id}/edit`;
      return changeArticleState(reply, actor, existing, action, returnTo);
    }
    const values = editorValuesFromForm(body);
    if (upload) {
      if (upload.isTooLarge)
        errors.featured_image = `is larger than ${Math.round(ctx.config.uploadMaxBytes / 1048576)} MB`;
      else {
        const saved = await saveImage(
          ctx,
          { data: upload.data, originalName: upload.fileName, alt: values.featured_alt },
          actor.id,
        );
        // A good image is kept even when the rest of the form is refused, so it need not be chosen again.
        if ("error" in saved) errors.featured_image = saved.error;
        else values.featured_media_id = String(saved.media.id);
      }
    }
    if (action === "preview") {
      return renderEditor(request, reply, {
        article: existing,
        values,
        errors,
        previewHtml: (await renderArticlePreview(values.body)) ?? PREVIEW_FAILED_HTML,
        statusCode: Object.keys(errors).length ? 422 : 200,
      });
    }
    const mapped = articleInputFromEditor(values, action, settings.timezone, {
      existingStatus: existing?.status,
      includeAuthor: canAssignAuthor(actor),
    });
    Object.assign(errors, mapped.errors);
    const refuse = (fieldErrors: FieldErrors) =>
      renderEditor(request, reply, {
        article: existing,
        values,
        errors: attachSourceErrors(values, fieldErrors),
        statusCode: 422,
      });
    if (Object.keys(errors).length)
      return refuse({ ...validateArticleInput(mapped.input, !existing), ...errors });

    const mediaId = mapped.input.featured_media_id;
    if (mediaId && !upload) {
      const chosen = await getMedia(ctx, mediaId);
      if (chosen && chosen.alt !== values.featured_alt.trim()) {
        // Choosing someone else's image is fine; rewriting its alt text is for its uploader or an editor.
        if (!canEditMedia(actor, chosen))
          return refuse({ featured_alt: "can be changed only by the image's uploader or an editor" });
        const problem = await updateMediaAlt(ctx, mediaId, values.featured_alt);
        if (problem) return refuse({ featured_alt: problem });
      }
    }
    const result = existing
      ? await updateArticle(ctx, actor, existing.id, mapped.input, { ifVersion: editorVersion(values) })
      : await createArticle(ctx, actor, mapped.input);
    if ("forbidden" in result) {
      denyUnless(false, request, reply);
      return reply;
    }
    if ("notFound" in result) return reply.callNotFound();
    if ("conflict" in result) {
      // Nothing typed is lost: the form keeps the editor's text and now carries the stored version,
      // so saving again replaces theirs knowingly; their version is shown beside it to merge from.
      return renderEditor(request, reply, {
        article: result.conflict,
        values: { ...values, version: String(result.conflict.version) },
        errors: {},
        conflict: result.conflict,
        statusCode: 409,
      });
    }
    if ("errors" in result) {
      const fieldErrors = { ...result.errors };
      if (fieldErrors.author_email) {
        fieldErrors.author_id = fieldErrors.author_email;
        delete fieldErrors.author_email;
      }
      if (fieldErrors.featured_media_id) {
        fieldErrors.featured_image = fieldErrors.featured_media_id;
        delete fieldErrors.featured_media_id;
      }
      return refuse(fieldErrors);
    }
    const saved = result.article;
    if (saved.status === "published")
      setFlash(
        reply,
        existing?.status === "published" ? "Changes published." : "Published. It is live on the site.",
      );
    else if (saved.status === "scheduled")
      setFlash(
        reply,
        `Scheduled for ${formatSiteDate(saved.published_at!, "EEE d MMM yyyy, HH:mm", settings.timezone)} (${settings.timezone}).`,
      );
    else setFlash(reply, existing ? "Draft saved." : "Draft created.");
    return reply.redirect(`/admin/articles/${saved.id}/edit`, 303);
  }

  app.post("/articles/new", async function createArticleFromForm(request, reply) {
    if (denyUnless(canCreateArticle(actorOf(request)), request, reply)) return reply;
    return submitEditorForm(request, reply, undefined);
  });

  app.post<{ Params: { id: string } }>(
    "/articles/:id/edit",
    async function saveArticleFromForm(request, reply) {
      const id = parseId(request.params.id);
      const article = id ? await getArticle(ctx, id) : undefined;
      if (!article) return reply.callNotFound();
      if (denyUnless(canEditArticle(actorOf(request), ownershipOf(article)), request, reply)) return reply;
      return submitEditorForm(request, reply, article);
    },
  );

  app.post<{ Params: { id: string; action: string } }>(
    "/articles/:id/:action",
    async function changeArticleStatus(request, reply) {
      const action = request.params.action;
      if (action !== "trash" && action !== "restore" && action !== "delete") return reply.callNotFound();
      const id = parseId(request.params.id);
      const article = id ? await getArticle(ctx, id) : undefined;
      if (!article) return reply.callNotFound();
      const actor = actorOf(request);
      const ownership = ownershipOf(article);
      const allowed =
        action === "restore"
          ? canEditArticle(actor, ownership)
          : action === "delete"
            ? canDeleteArticle(actor, ownership)
            : canTrashArticle(actor, ownership);
      if (denyUnless(allowed, request, reply)) return reply;
      const returnTo = field(request.body, "return_to");
      return changeArticleState(
        reply,
        actor,
        article,
        action,
        returnTo.startsWith("/admin/articles") ? returnTo : "/admin/articles",
      );
    },
  );

  // Typing pauses fire a preview each; a flood of them gains nothing but load.
  const previewLimit = { rateLimit: { max: 120, timeWindow: "1 minute" } };
  app.post("/articles/preview", { config: previewLimit }, async function previewArticleBody(request, reply) {
    if (denyUnless(canCreateArticle(actorOf(request)), request, reply)) return reply;
    const markdown = field(request.body, "body");
    if (markdown.length > LIMITS.body) return sendFieldErrors(reply, { body: "is too long" });
    const html = await renderArticlePreview(markdown);
    if (html === undefined) return sendFieldErrors(reply, { body: PREVIEW_FAILED_MESSAGE });
    return reply.send({ html });
  });
};

export default articleAdminRoutes;
