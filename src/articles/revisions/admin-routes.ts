import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { adminLanguage, adminPageModel, adminSay, setFlash } from "../../accounts/admin-page.js";
import { actorOf } from "../../accounts/staff-guard.js";
import type { AppContext } from "../../context.js";
import { field, parseId, sendFieldErrors, wantsJson } from "../../infrastructure/requests.js";
import { formatSiteDate } from "../../lib/site-date.js";
import { createArticle } from "../service.js";
import { KEEP_LATEST_REVISIONS } from "./record.js";
import {
  autosaveArticle,
  claimArticleEditing,
  type EditingHolder,
  findEditableArticle,
  getArticleRevision,
  listArticleRevisions,
  releaseArticleEditing,
  restoreArticleRevision,
} from "./service.js";
import { diffText } from "./text-diff.js";

type IdParams = { id: string };
type RevisionParams = { id: string; rev: string };

function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: { notFound: true } | { forbidden: string },
) {
  if ("forbidden" in refusal) return reply.code(403).send({ error: refusal.forbidden });
  if (wantsJson(request)) return reply.code(404).send({ error: "not found" });
  return reply.callNotFound();
}

/** "Maya is editing since 10:42" as the editor shows it, in the site's zone. */
export function editingHolderView(holder: EditingHolder | undefined, timezone: string) {
  if (!holder) return null;
  return {
    name: holder.name,
    since: holder.since,
    since_label: formatSiteDate(holder.since, "HH:mm", timezone),
    is_me: holder.is_me,
  };
}

/** The revisions screen, the editor's autosave, and who is editing a story. */
const revisionAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Params: IdParams; Querystring: { rev?: string } }>(
    "/articles/:id/revisions",
    async function showRevisionsPage(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.callNotFound();
      const actor = actorOf(request);
      const list = await listArticleRevisions(ctx, actor, id);
      if (!("revisions" in list)) return refuse(request, reply, list);
      const settings = await ctx.settings.get();
      const chosenId = parseId(request.query.rev ?? "") ?? list.revisions[0]?.id;
      const chosen = chosenId ? await getArticleRevision(ctx, actor, id, chosenId) : undefined;
      const revision = chosen && "revision" in chosen ? chosen.revision : undefined;
      const article = list.article;
      const lang = await adminLanguage(ctx, request.actor?.language);
      const say = await adminSay(ctx, request, lang);
      const when = (iso: string) => formatSiteDate(iso, "d MMM yyyy, HH:mm:ss", settings.timezone, lang);
      return reply.view(
        "articles/views/revisions",
        await adminPageModel(ctx, request, reply, {
          title: say("articles.revisions.heading", { title: article.title }),
          section: "articles",
          article: { id: article.id, title: article.title, status: article.status, version: article.version },
          revisions: list.revisions.map((r) => ({
            id: r.id,
            created_at: r.created_at,
            when: when(r.created_at),
            author_name: r.author_name ?? say("articles.former_staff"),
            kind: r.kind,
            status: r.status,
            title: r.title,
            url: `/admin/articles/${article.id}/revisions?rev=${r.id}`,
            current: r.id === revision?.id,
          })),
          pruned: list.pruned.count,
          keep_latest: KEEP_LATEST_REVISIONS,
          chosen: revision
            ? {
                id: revision.id,
                when: when(revision.created_at),
                author_name: revision.author_name ?? say("articles.former_staff"),
                title_diff: diffText(revision.title, article.title),
                body_diff: diffText(revision.body, article.body),
                is_current: revision.title === article.title && revision.body === article.body,
                restore_action: `/admin/articles/${article.id}/revisions/${revision.id}/restore`,
              }
            : null,
        }),
      );
    },
  );

  app.post<{ Params: RevisionParams }>(
    "/articles/:id/revisions/:rev/restore",
    async function restoreRevision(request, reply) {
      const id = parseId(request.params.id);
      const rev = parseId(request.params.rev);
      if (id === undefined || rev === undefined) return reply.callNotFound();
      const version = Number(field(request.body, "version"));
      const result = await restoreArticleRevision(ctx, actorOf(request), id, rev, {
        ifVersion: Number.isInteger(version) && version > 0 ? version : undefined,
      });
      if ("notFound" in result || "forbidden" in result) return refuse(request, reply, result);
      const say = await adminSay(ctx, request);
      if ("conflict" in result) {
        setFlash(reply, say("articles.flash.restore_conflict"), "error");
        return reply.redirect(`/admin/articles/${id}/revisions?rev=${rev}`, 303);
      }
      if ("errors" in result) {
        setFlash(
          reply,
          say("articles.flash.not_restored", { problems: Object.values(result.errors).join("; ") }),
          "error",
        );
        return reply.redirect(`/admin/articles/${id}/revisions?rev=${rev}`, 303);
      }
      setFlash(reply, say("articles.flash.revision_restored"));
      return reply.redirect(`/admin/articles/${id}/edit`, 303);
    },
  );

  // Every ten seconds per open editor at most; a runaway script gains nothing.
  const autosaveLimit = { rateLimit: { max: 60, timeWindow: "1 minute" } };

  app.post<{ Params: IdParams }>(
    "/articles/:id/autosave",
    { config: autosaveLimit },
    async function autosaveStory(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.code(404).send({ error: "not found" });
      const body = request.body;
      const result = await autosaveArticle(ctx, actorOf(request), id, {
        title: field(body, "title"),
        excerpt: field(body, "excerpt"),
        body: field(body, "body"),
        baseVersion: Number(field(body, "version")) || 0,
      });
      if ("errors" in result) return sendFieldErrors(reply, result.errors);
      if (!("revisionId" in result)) return refuse(request, reply, result);
      const settings = await ctx.settings.get();
      return reply.send({
        revision_id: result.revisionId,
        saved_at: result.savedAt,
        saved_label: formatSiteDate(result.savedAt, "HH:mm", settings.timezone),
        is_stale: result.isStale,
      });
    },
  );

  // A new story is kept as a draft by its first autosave; later ones are revisions of that draft.
  app.post("/articles/autosave", { config: autosaveLimit }, async function autosaveNewStory(request, reply) {
    const body = request.body;
    const result = await createArticle(ctx, actorOf(request), {
      title: field(body, "title"),
      excerpt: field(body, "excerpt"),
      body: field(body, "body"),
      status: "draft",
    });
    if ("errors" in result) return sendFieldErrors(reply, result.errors);
    if (!("article" in result)) return reply.code(403).send({ error: "forbidden" });
    const settings = await ctx.settings.get();
    const article = result.article;
    await claimArticleEditing(ctx, actorOf(request), article.id);
    return reply.code(201).send({
      id: article.id,
      version: article.version,
      edit_url: `/admin/articles/${article.id}/edit`,
      autosave_url: `/admin/articles/${article.id}/autosave`,
      editing_url: `/admin/articles/${article.id}/editing`,
      saved_at: article.updated_at,
      saved_label: formatSiteDate(article.updated_at, "HH:mm", settings.timezone),
    });
  });

  app.post<{ Params: IdParams }>("/articles/:id/editing", async function markEditing(request, reply) {
    const id = parseId(request.params.id);
    if (id === undefined) return reply.callNotFound();
    const actor = actorOf(request);
    const access = await findEditableArticle(ctx, actor, id);
    if (!("article" in access)) return refuse(request, reply, access);
    const takeOver = field(request.body, "take_over") !== "";
    const holder = await claimArticleEditing(ctx, actor, id, { takeOver });
    if (!wantsJson(request)) {
      if (takeOver) setFlash(reply, (await adminSay(ctx, request))("articles.flash.took_over"));
      return reply.redirect(`/admin/articles/${id}/edit`, 303);
    }
    const settings = await ctx.settings.get();
    return reply.send({ holder: editingHolderView(holder, settings.timezone) });
  });

  app.post<{ Params: IdParams }>(
    "/articles/:id/editing/release",
    async function releaseEditing(request, reply) {
      const id = parseId(request.params.id);
      if (id === undefined) return reply.code(404).send({ error: "not found" });
      await releaseArticleEditing(ctx, actorOf(request), id);
      return reply.code(204).send();
    },
  );
};

export default revisionAdminRoutes;
