import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { adminLanguage, adminPageModel, adminSay, sayProblems, setFlash } from "../accounts/admin-page.js";
import {
  type Actor,
  canAssignAuthor,
  canCreateArticle,
  canDeleteArticle,
  canEditArticle,
  canEditMedia,
  canManagePages,
  canPublishArticle,
  canTrashArticle,
  isEditorOrAbove,
} from "../accounts/permissions.js";
import { listUsers } from "../accounts/service.js";
import { actorOf, allowOnly, denyUnless } from "../accounts/staff-guard.js";
import type { AppContext } from "../context.js";
import { fieldsAsBody, readMultipartForm } from "../infrastructure/multipart.js";
import { field, parseId, parsePageNumber, sendFieldErrors } from "../infrastructure/requests.js";
import { articlePath } from "../lib/permalinks.js";
import { formatSiteDate } from "../lib/site-date.js";
import { slugify } from "../lib/slug.js";
import { getMedia, listRecentMedia, saveImage, thumbnailUrl, updateMediaAlt } from "../media/service.js";
import { searchArticleIds } from "../search/service.js";
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
import {
  PREVIEW_FAILED_HTML,
  PREVIEW_FAILED_MESSAGE,
  renderArticlePreview,
  warmArticlePreview,
} from "./markdown-preview.js";
import { createPage, listParentChoices } from "./pages.js";
import { PREVIEW_LINK_DEFAULT_HOURS } from "./preview/service.js";
import { ARTICLE_PROBLEMS } from "./problems.js";
import { listArticleNotes } from "./review/service.js";
import { editingHolderView } from "./revisions/admin-routes.js";
import { claimArticleEditing, findPendingAutosave } from "./revisions/service.js";
import {
  type ArticleDetail,
  type ArticleSummary,
  countArticlesByStatus,
  createArticle,
  deleteArticle,
  type FieldErrors,
  getArticle,
  isArticleStatus,
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

/** `/admin/articles?…` (or `base`'s) keeping the given filters; empty ones are left out. */
function articleListUrl(filters: ListFilters, page = 1, base = "/admin/articles"): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

function ownershipOf(article: ArticleSummary) {
  return { author_id: article.author.id, status: article.status };
}

/**
 * The newsroom's article list, the editor with its live preview, and the row actions. With
 * `kind: "page"` the same screens list and write pages under `/admin/pages` (editors only),
 * without the fields pages do not have.
 */
const articleAdminRoutes: FastifyPluginAsync<{ ctx: AppContext; kind?: "article" | "page" }> = async (
  app,
  { ctx, kind = "article" },
) => {
  const isPages = kind === "page";
  /** Where this kind's screens live. */
  const collection = isPages ? "/pages" : "/articles";
  const adminBase = `/admin${collection}`;
  /** A stored article of the other kind is not found here. */
  const isOwnKind = (article: ArticleSummary) => article.is_page === isPages;
  if (isPages) allowOnly(app, canManagePages);

  app.get<{ Querystring: ListQuery }>(collection, async function showArticleListPage(request, reply) {
    const actor = actorOf(request);
    const seesEveryone = isEditorOrAbove(actor);
    const query = request.query;
    const requested = query.status;
    const status = isArticleStatus(requested) ? requested : undefined;
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
      countArticlesByStatus(ctx, ownOnly, isPages),
      listArticlesForAdmin(
        ctx,
        {
          status,
          authorId: ownOnly ?? authorFilter,
          categoryId: categoryFilter,
          ids: matchingIds,
          isPage: isPages,
        },
        page,
        ADMIN_ARTICLES_PER_PAGE,
      ),
      seesEveryone ? listUsers(ctx) : Promise.resolve([]),
      listCategories(ctx),
    ]);
    const settings = await ctx.settings.get();
    const lang = await adminLanguage(ctx, request.actor?.language);
    const say = await adminSay(ctx, request, lang);
    const tabs = [
      { key: "", count: counts.draft + counts.pending + counts.scheduled + counts.published },
      { key: "draft", count: counts.draft },
      { key: "pending", count: counts.pending },
      { key: "scheduled", count: counts.scheduled },
      { key: "published", count: counts.published },
      { key: "trashed", count: counts.trashed },
    ].map((tab) => ({
      ...tab,
      name: tab.key || "all",
      url: articleListUrl({ ...filters, status: tab.key }, 1, adminBase),
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
        date_label: formatSiteDate(
          article.status === "published" || article.status === "scheduled"
            ? (article.published_at ?? article.updated_at)
            : article.updated_at,
          "d MMM yyyy, HH:mm",
          settings.timezone,
          lang,
        ),
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
        title: say("articles.list.heading", { kind }),
        section: isPages ? "pages" : "articles",
        is_page: isPages,
        base: adminBase,
        tabs,
        filters,
        rows,
        return_to: articleListUrl(filters, list.page, adminBase),
        authors: staff.map((u) => ({ id: String(u.id), name: u.name })),
        categories: categories.map((c) => ({ id: String(c.id), name: c.name })),
        sees_everyone: seesEveryone,
        page: list.page,
        pages: list.pages,
        total: list.total,
        prev_url: list.page > 1 ? articleListUrl(filters, list.page - 1, adminBase) : "",
        next_url: list.page < list.pages ? articleListUrl(filters, list.page + 1, adminBase) : "",
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
      /** When the form shows the editor's own autosave rather than the stored story. */
      autosavedAt?: string;
    },
  ) {
    const actor = actorOf(request);
    const { article, values, errors } = state;
    // The page's script asks for a live preview as soon as it loads.
    warmArticlePreview();
    const settings = await ctx.settings.get();
    const lang = await adminLanguage(ctx, request.actor?.language);
    const say = await adminSay(ctx, request, lang);
    const now = ctx.now();
    const ownership = article
      ? ownershipOf(article)
      : { author_id: Number(values.author_id) || actor.id, status: "draft" as const };
    const mayPublish = canPublishArticle(actor, ownership);
    const mayAssignAuthor = canAssignAuthor(actor);
    const [categories, tags, media, staff, parents] = await Promise.all([
      listCategories(ctx),
      listTags(ctx),
      listRecentMedia(ctx, RECENT_MEDIA_IN_EDITOR),
      mayAssignAuthor ? listUsers(ctx) : Promise.resolve([]),
      isPages ? listParentChoices(ctx) : Promise.resolve([]),
    ]);
    const featuredId = Number(values.featured_media_id);
    let featured = media.find((m) => m.id === featuredId);
    if (!featured && Number.isInteger(featuredId) && featuredId > 0) {
      const row = await getMedia(ctx, featuredId);
      if (row) featured = { ...row, url: thumbnailUrl(row), thumb: thumbnailUrl(row) };
    }
    const nowLocal = formatSiteDate(now, "yyyy-MM-dd'T'HH:mm", settings.timezone);
    // Both are `yyyy-MM-ddTHH:mm` in the site's zone, so string order is time order.
    const isFutureTime = values.published_at_local !== "" && values.published_at_local > nowLocal;
    const status = article?.status ?? "new";
    const isLive = status === "published" || status === "scheduled";
    const slugForLink = values.slug || article?.slug || "";
    const permalinkDate = article?.published_at ?? now.toISOString();
    // A page's address: its parent's, then its slug (shown as typed; the page's own when empty).
    const parentPath = parents.find((p) => String(p.id) === values.parent_id)?.page_path;
    const pagePrefix = `${ctx.config.siteUrl}${parentPath ? `/${parentPath}` : ""}`;
    const pageSlug = values.slug || (article?.is_page ? article.path.split("/").at(-2) : "");
    const permalink = isPages
      ? pageSlug
        ? `${pagePrefix}/${pageSlug}/`
        : ""
      : slugForLink
        ? ctx.config.siteUrl +
          articlePath({ slug: slugForLink, published_at: permalinkDate }, settings.timezone)
        : "";
    const permalinkPrefix = isPages
      ? pagePrefix
      : ctx.config.siteUrl + articlePath({ slug: "", published_at: permalinkDate }, settings.timezone);
    // Opening a story marks its editor as editing it; someone else seen on it recently is named instead.
    const holder = article ? await claimArticleEditing(ctx, actor, article.id) : undefined;
    const notes = article ? await listArticleNotes(ctx, actor, article.id) : [];
    const model = await adminPageModel(ctx, request, reply, {
      title: article
        ? say("articles.editor.title_edit", { title: article.title })
        : say("articles.editor.heading_new", { kind }),
      section: isPages ? "pages" : "articles",
      is_page: isPages,
      parents: parents
        .filter((p) => p.id !== article?.id)
        .map((p) => ({
          id: String(p.id),
          path: `/${p.page_path}/`,
          title: p.title,
          selected: String(p.id) === values.parent_id,
        })),
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
      values: {
        ...values,
        sources: values.sources.map((row) => ({
          ...row,
          ...sayProblems(say, "articles", ARTICLE_PROBLEMS, {
            url_error: row.url_error,
            name_error: row.name_error,
          }),
        })),
      },
      errors: sayProblems(say, "articles", ARTICLE_PROBLEMS, errors),
      has_errors: Object.keys(errors).length > 0,
      conflict: state.conflict
        ? {
            title: state.conflict.title,
            excerpt: state.conflict.excerpt,
            body: state.conflict.body,
            status: state.conflict.status,
            updated_at: formatSiteDate(
              state.conflict.updated_at,
              "d MMM yyyy, HH:mm:ss",
              settings.timezone,
              lang,
            ),
          }
        : null,
      preview_html: state.previewHtml ?? null,
      editing: holder && !holder.is_me ? editingHolderView(holder, settings.timezone) : null,
      autosaved_at: state.autosavedAt
        ? formatSiteDate(state.autosavedAt, "d MMM yyyy, HH:mm", settings.timezone, lang)
        : null,
      autosave_url: article ? `/admin/articles/${article.id}/autosave` : "/admin/articles/autosave",
      editing_url: article ? `/admin/articles/${article.id}/editing` : "",
      revisions_url: article ? `/admin/articles/${article.id}/revisions` : "",
      notes: Array.isArray(notes)
        ? notes.map((note) => ({
            author_name: note.author_name ?? say("articles.former_staff"),
            created_at: note.created_at,
            when: formatSiteDate(note.created_at, "d MMM yyyy, HH:mm", settings.timezone, lang),
            body: note.body,
          }))
        : [],
      notes_action: article ? `/admin/articles/${article.id}/notes` : "",
      preview_link_hours: PREVIEW_LINK_DEFAULT_HOURS,
      timezone: settings.timezone,
      now_local: nowLocal,
      permalink,
      permalink_prefix: permalinkPrefix.replace(/\/+$/, ""),
      category_names: categories.map((c) => c.name),
      tag_names: tags.map((t) => t.name),
      recent_media: media.map((m) => ({
        id: String(m.id),
        url: m.thumb,
        alt: m.alt,
        name: m.original_name,
        selected: m.id === featuredId,
      })),
      featured: featured ? { id: String(featured.id), url: featured.thumb, alt: featured.alt } : null,
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
        submit_review: !mayPublish && (status === "new" || status === "draft"),
        save_pending: status === "pending",
        publish: mayPublish && !isLive && status !== "trashed",
        schedules: isFutureTime,
        update: isLive && mayPublish,
        unpublish: isLive && mayPublish,
        trash: !!article && status !== "trashed" && canTrashArticle(actor, ownership),
        restore: status === "trashed" && !!article && canEditArticle(actor, ownership),
        delete: status === "trashed" && !!article && canDeleteArticle(actor, ownership),
        preview: status !== "trashed",
      },
    });
    // A multipart form is checked by its Origin (see admin/guard.ts): no token in the address bar.
    const formAction = article ? `${adminBase}/${article.id}/edit` : `${adminBase}/new`;
    return reply
      .code(state.statusCode ?? 200)
      .view("articles/views/editor", { ...model, form_action: formAction });
  }

  app.get(`${collection}/new`, async function showNewArticlePage(request, reply) {
    const actor = actorOf(request);
    if (denyUnless(canCreateArticle(actor), request, reply)) return reply;
    const settings = await ctx.settings.get();
    return renderEditor(request, reply, {
      article: undefined,
      values: blankEditorValues(settings.commentsOpenByDefault, actor.id),
      errors: {},
    });
  });

  app.get<{ Params: { id: string }; Querystring: { saved?: string } }>(
    `${collection}/:id/edit`,
    async function showEditArticlePage(request, reply) {
      const actor = actorOf(request);
      const id = parseId(request.params.id);
      const article = id ? await getArticle(ctx, id) : undefined;
      if (!article || !isOwnKind(article)) return reply.callNotFound();
      if (denyUnless(canEditArticle(actor, ownershipOf(article)), request, reply)) return reply;
      const settings = await ctx.settings.get();
      const values = editorValuesFromArticle(article, settings.timezone);
      // Text typed and autosaved but never saved comes back into the form (`?saved=1` shows the story as stored).
      const autosave = request.query.saved ? undefined : await findPendingAutosave(ctx, actor, article);
      if (autosave)
        Object.assign(values, { title: autosave.title, excerpt: autosave.excerpt, body: autosave.body });
      return renderEditor(request, reply, {
        article,
        values,
        errors: {},
        autosavedAt: autosave?.created_at,
      });
    },
  );

  /** Trash, restore and delete: status changes that do not save what is in the form. */
  async function changeArticleState(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    article: ArticleDetail,
    action: "trash" | "restore" | "delete",
    returnTo: string,
  ) {
    const say = await adminSay(ctx, request);
    if (action === "delete") {
      if (article.status !== "trashed" || !isEditorOrAbove(actor)) {
        setFlash(reply, say("articles.flash.delete_refused"), "error");
        return reply.redirect(returnTo, 303);
      }
      const result = await deleteArticle(ctx, actor, article.id);
      if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
      setFlash(reply, say("articles.flash.deleted", { title: article.title }));
      return reply.redirect(
        articleListUrl({ status: "trashed", author: "", category: "", q: "" }, 1, adminBase),
        303,
      );
    }
    const result =
      action === "trash"
        ? await trashArticle(ctx, actor, article.id)
        : await updateArticle(ctx, actor, article.id, { status: "draft" });
    if ("errors" in result)
      setFlash(
        reply,
        Object.values(sayProblems(say, "articles", ARTICLE_PROBLEMS, result.errors)).join("; "),
        "error",
      );
    else if ("forbidden" in result) setFlash(reply, say("articles.flash.not_allowed"), "error");
    else if (action === "trash") setFlash(reply, say("articles.flash.trashed", { title: article.title }));
    else setFlash(reply, say("articles.flash.restored", { title: article.title }));
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
      const returnTo = action === "trash" ? adminBase : `${adminBase}/${existing.id}/edit`;
      return changeArticleState(request, reply, actor, existing, action, returnTo);
    }
    const values = editorValuesFromForm(body);
    // A preview shows the text; the image is kept only by a save (each preview would store it again).
    if (upload && action !== "preview") {
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
      isPage: isPages,
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
        const problem = await updateMediaAlt(ctx, chosen, values.featured_alt);
        if (problem) return refuse({ featured_alt: problem });
      }
    }
    const result = existing
      ? await updateArticle(ctx, actor, existing.id, mapped.input, {
          ifVersion: editorVersion(values),
          isPage: isPages,
        })
      : isPages
        ? await createPage(ctx, actor, mapped.input)
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
    const lang = await adminLanguage(ctx, request.actor?.language);
    const say = await adminSay(ctx, request, lang);
    if (saved.status === "published")
      setFlash(
        reply,
        say(existing?.status === "published" ? "articles.flash.updated" : "articles.flash.published"),
      );
    else if (saved.status === "scheduled")
      setFlash(
        reply,
        say("articles.flash.scheduled", {
          when: formatSiteDate(saved.published_at!, "EEE d MMM yyyy, HH:mm", settings.timezone, lang),
          zone: settings.timezone,
        }),
      );
    else if (saved.status === "pending")
      setFlash(
        reply,
        say(existing?.status === "pending" ? "articles.flash.still_pending" : "articles.flash.submitted"),
      );
    else setFlash(reply, say(existing ? "articles.flash.draft_saved" : "articles.flash.draft_created"));
    return reply.redirect(`${adminBase}/${saved.id}/edit`, 303);
  }

  app.post(`${collection}/new`, async function createArticleFromForm(request, reply) {
    if (denyUnless(canCreateArticle(actorOf(request)), request, reply)) return reply;
    return submitEditorForm(request, reply, undefined);
  });

  app.post<{ Params: { id: string } }>(
    `${collection}/:id/edit`,
    async function saveArticleFromForm(request, reply) {
      const id = parseId(request.params.id);
      const article = id ? await getArticle(ctx, id) : undefined;
      if (!article || !isOwnKind(article)) return reply.callNotFound();
      if (denyUnless(canEditArticle(actorOf(request), ownershipOf(article)), request, reply)) return reply;
      return submitEditorForm(request, reply, article);
    },
  );

  app.post<{ Params: { id: string; action: string } }>(
    `${collection}/:id/:action`,
    async function changeArticleStatus(request, reply) {
      const action = request.params.action;
      if (action !== "trash" && action !== "restore" && action !== "delete") return reply.callNotFound();
      const id = parseId(request.params.id);
      const article = id ? await getArticle(ctx, id) : undefined;
      if (!article || !isOwnKind(article)) return reply.callNotFound();
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
        request,
        reply,
        actor,
        article,
        action,
        returnTo.startsWith(adminBase) ? returnTo : adminBase,
      );
    },
  );

  // Typing pauses fire a preview each; a flood of them gains nothing but load.
  const previewLimit = { rateLimit: { max: 120, timeWindow: "1 minute" } };
  app.post(
    `${collection}/preview`,
    { config: previewLimit },
    async function previewArticleBody(request, reply) {
      if (denyUnless(canCreateArticle(actorOf(request)), request, reply)) return reply;
      const markdown = field(request.body, "body");
      if (markdown.length > LIMITS.body) return sendFieldErrors(reply, { body: "is too long" });
      const html = await renderArticlePreview(markdown);
      if (html === undefined) return sendFieldErrors(reply, { body: PREVIEW_FAILED_MESSAGE });
      return reply.send({ html });
    },
  );

  // The editor shows the permalink a title will get, by the server's one slug rule and the site's style.
  app.get<{ Querystring: { title?: string } }>(
    `${collection}/slug-preview`,
    { config: previewLimit },
    async function previewSlug(request, reply) {
      const title = String(request.query.title ?? "").slice(0, LIMITS.title);
      return reply.send({ slug: slugify(title, (await ctx.settings.get()).slugStyle) });
    },
  );
};

export default articleAdminRoutes;
