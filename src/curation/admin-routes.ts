import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import {
  adminLanguage,
  adminPageModel,
  adminSay,
  sayProblem,
  sayProblems,
  setFlash,
} from "../accounts/admin-page.js";
import { canCurate } from "../accounts/permissions.js";
import { actorOf, allowOnly, denyUnless } from "../accounts/staff-guard.js";
import { getArticle } from "../articles/service.js";
import { listCategories } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import { field, fieldList, parseId, parsePageNumber } from "../infrastructure/requests.js";
import type { Say } from "../lib/problems.js";
import { formatSiteDate } from "../lib/site-date.js";
import {
  DESK_TABS,
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
import { CURATION_PROBLEMS } from "./problems.js";
import sourcesAdminRoutes from "./sources-admin-routes.js";
import { listSources } from "./sources-service.js";
import type { DeskTab } from "./store.js";

function deskUrl(tab: DeskTab, sourceId?: number, categoryId?: number, page = 1): string {
  const params = new URLSearchParams();
  if (tab !== "new") params.set("status", tab);
  if (sourceId !== undefined) params.set("source", String(sourceId));
  if (categoryId !== undefined) params.set("category", String(categoryId));
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `/admin/desk?${query}` : "/admin/desk";
}

/** Where to go back to after a desk action: the desk view it was taken from, never off the admin. */
function deskReturnPath(body: unknown): string {
  const raw = field(body, "return_to");
  return /^\/admin\/desk(\?[^\s]*)?$/.test(raw) ? raw : "/admin/desk";
}

/** Dates of a story and its reports as the newsroom reads them, in the site's time zone and the page's language. */
function storyModel(story: DeskStory, timezone: string, language: string) {
  const label = (iso: string) => formatSiteDate(iso, "d MMM yyyy, HH:mm", timezone, language);
  const outlets = new Set(story.items.map((item) => item.source_id)).size;
  return {
    ...story,
    outlet_count: outlets,
    last_item_label: label(story.last_item_at),
    snoozed_until_label: story.snoozed_until ? label(story.snoozed_until) : "",
    pending_items: story.items.filter((item) => item.link_status === "none"),
    items: story.items.map((item) => ({
      ...item,
      published_label: label(item.published_at),
      summary_excerpt:
        item.summary_text.length > 280 ? `${item.summary_text.slice(0, 279).trimEnd()}…` : item.summary_text,
    })),
    page_url: `/admin/desk/stories/${story.id}`,
  };
}

/** The review desk, the story page (publish / more coverage) and, registered here, the sources pages. */
const curationAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  allowOnly(app, canCurate);

  app.get<{ Querystring: { status?: string; source?: string; category?: string; page?: string } }>(
    "/desk",
    async function showDeskPage(request, reply) {
      const tab = parseDeskTab(request.query.status) ?? "new";
      const page = parsePageNumber(request.query.page) ?? 1;
      const sourceId = parseId(request.query.source);
      const categoryId = parseId(request.query.category);
      const [desk, sources, categories, settings, language] = await Promise.all([
        listDesk(ctx, { tab, sourceId, categoryId }, page),
        listSources(ctx),
        listCategories(ctx),
        ctx.settings.get(),
        adminLanguage(ctx, request.actor?.language),
      ]);
      return reply.view(
        "curation/views/desk",
        await adminPageModel(ctx, request, reply, {
          title: (await adminSay(ctx, request, language))("admin.layout.desk"),
          section: "desk",
          lang: language,
          tab,
          tabs: DESK_TABS.map((t) => ({
            key: t,
            count: desk.counts[t],
            url: deskUrl(t, sourceId, categoryId),
            current: t === tab,
          })),
          filters: { source: sourceId ?? "", category: categoryId ?? "" },
          is_filtered: sourceId !== undefined || categoryId !== undefined,
          clear_url: deskUrl(tab),
          sources: sources.map((s) => ({ id: s.id, name: s.name })),
          categories: categories.map((c) => ({ id: c.id, name: c.name })),
          has_sources: sources.length > 0,
          stories: desk.stories.map((story) => storyModel(story, settings.timezone, language)),
          snooze_hours: SNOOZE_HOURS,
          page: desk.page,
          pages: desk.pages,
          total: desk.total,
          prev_url: desk.page > 1 ? deskUrl(tab, sourceId, categoryId, desk.page - 1) : "",
          next_url: desk.page < desk.pages ? deskUrl(tab, sourceId, categoryId, desk.page + 1) : "",
          return_to: deskUrl(tab, sourceId, categoryId, desk.page),
        }),
      );
    },
  );

  async function renderStoryPage(
    request: FastifyRequest,
    reply: FastifyReply,
    story: DeskStory,
    form: { values?: Record<string, unknown>; errors?: Record<string, string> } = {},
    statusCode = 200,
  ) {
    const [categories, sources, settings, language] = await Promise.all([
      listCategories(ctx),
      listSources(ctx),
      ctx.settings.get(),
      adminLanguage(ctx, request.actor?.language),
    ]);
    const say = await adminSay(ctx, request, language);
    const lead = story.items.find((item) => item.link_status !== "declined") ?? story.items[0];
    const sourceCategory = lead?.source_category_id
      ? (categories.find((c) => c.id === lead.source_category_id)?.name ?? "")
      : "";
    // The category is the editor's choice; the source's is offered, not filled in.
    const defaults = {
      title: story.title,
      summary: lead?.summary_text ?? "",
      category: "",
      item_ids: story.items.filter((item) => item.link_status !== "declined").map((item) => item.id),
      use_full_text: false,
      use_image: false,
    };
    const values = { ...defaults, ...(form.values ?? {}) };
    const licensed = lead
      ? sources.find((s) => s.id === lead.source_id)?.is_full_text_allowed === true
      : false;
    return reply.code(statusCode).view(
      "curation/views/story",
      await adminPageModel(ctx, request, reply, {
        title: say(
          story.status === "published" ? "curation.story.title_coverage" : "curation.story.title_publish",
          {
            title: story.title,
          },
        ),
        section: "desk",
        lang: language,
        story: storyModel(story, settings.timezone, language),
        values,
        errors: sayProblems(say, "curation", CURATION_PROBLEMS, form.errors ?? {}),
        categories: categories.map((c) => c.name),
        suggested_category: sourceCategory,
        article_status: story.article_id ? ((await getArticle(ctx, story.article_id))?.status ?? "") : "",
        can_use_full_text: licensed && Boolean(lead?.has_full_text),
        can_use_image: licensed && Boolean(lead?.image_url),
        lead_source_name: lead?.source_name ?? "",
        article_edit_url: story.article_id ? `/admin/articles/${story.article_id}/edit` : "",
        snooze_hours: SNOOZE_HOURS,
        return_to: "/admin/desk",
      }),
    );
  }

  app.get<{ Params: { id: string } }>("/desk/stories/:id", async function showStoryPage(request, reply) {
    const id = parseId(request.params.id);
    const story = id ? await getDeskStory(ctx, id) : undefined;
    if (!story) return reply.callNotFound();
    return renderStoryPage(request, reply, story);
  });

  app.post<{ Params: { id: string } }>(
    "/desk/stories/:id/publish",
    async function publishDeskStory(request, reply) {
      const id = parseId(request.params.id);
      const story = id ? await getDeskStory(ctx, id) : undefined;
      if (!story) return reply.callNotFound();
      const body = request.body;
      const input: PublishInput = {
        item_ids: fieldList(body, "item_ids").flatMap((raw) => parseId(raw) ?? []),
        title: field(body, "title"),
        summary: field(body, "summary"),
        category: field(body, "category"),
        use_full_text: field(body, "use_full_text") === "1",
        use_image: field(body, "use_image") === "1",
        // "Save as draft" and "Open in editor" both make a draft; only the second opens it.
        status: ["draft", "edit"].includes(field(body, "action") ?? "") ? "draft" : "published",
      };
      const result = await publishStory(ctx, actorOf(request), story.id, input);
      if ("forbidden" in result) {
        denyUnless(false, request, reply);
        return reply;
      }
      if ("notFound" in result) return reply.callNotFound();
      if ("errors" in result) {
        return renderStoryPage(request, reply, story, { values: { ...input }, errors: result.errors }, 422);
      }
      const say = await adminSay(ctx, request);
      const done = say(input.status === "published" ? "curation.flash.published" : "curation.flash.drafted", {
        title: input.title || story.title,
      });
      const warnings = result.warnings.map((warning) =>
        sayProblem(say, "curation", CURATION_PROBLEMS, warning),
      );
      setFlash(reply, [done, ...warnings].join(" "), warnings.length ? "error" : "success");
      if (input.status === "published") return reply.redirect(result.article.path, 303);
      if (field(body, "action") === "edit")
        return reply.redirect(`/admin/articles/${result.article.id}/edit`, 303);
      return reply.redirect("/admin/desk", 303);
    },
  );

  /** Flashes how a desk action went (`done`: the success message's key and values) and goes back. */
  async function reportAction(
    request: FastifyRequest,
    reply: FastifyReply,
    result: StoryActionResult,
    done: Parameters<Say>,
  ) {
    const say = await adminSay(ctx, request);
    const problem = (why: string) => sayProblem(say, "curation", CURATION_PROBLEMS, why);
    if ("forbidden" in result) setFlash(reply, problem(result.forbidden), "error");
    else if ("notFound" in result) setFlash(reply, say("curation.flash.story_gone"), "error");
    else if ("error" in result)
      setFlash(reply, say("curation.flash.nothing_changed", { problem: problem(result.error) }), "error");
    else setFlash(reply, say(...done));
    return reply.redirect(deskReturnPath(request.body), 303);
  }

  app.post<{ Params: { id: string } }>(
    "/desk/stories/:id/dismiss",
    async function dismissDeskStory(request, reply) {
      const id = parseId(request.params.id) ?? 0;
      const result = await dismissStory(ctx, actorOf(request), id);
      return reportAction(request, reply, result, ["curation.flash.dismissed"]);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/desk/stories/:id/snooze",
    async function snoozeDeskStory(request, reply) {
      const id = parseId(request.params.id) ?? 0;
      const hours = Number(field(request.body, "hours"));
      const result = await snoozeStory(ctx, actorOf(request), id, hours);
      return reportAction(request, reply, result, ["curation.flash.snoozed", { hours }]);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/desk/stories/:id/restore",
    async function restoreDeskStory(request, reply) {
      const id = parseId(request.params.id) ?? 0;
      const result = await restoreStory(ctx, actorOf(request), id);
      return reportAction(request, reply, result, ["curation.flash.restored"]);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/desk/stories/:id/coverage",
    async function handleDeskCoverage(request, reply) {
      const id = parseId(request.params.id) ?? 0;
      const action = field(request.body, "action") === "decline" ? "decline" : "accept";
      const itemIds = fieldList(request.body, "item_ids").flatMap((raw) => parseId(raw) ?? []);
      const result = await handleCoverage(ctx, actorOf(request), id, itemIds, action);
      const count = "changed" in result ? (result.changed ?? 0) : 0;
      const done = action === "accept" ? "curation.flash.coverage_added" : "curation.flash.coverage_left_off";
      return reportAction(request, reply, result, [done, { count }]);
    },
  );

  await app.register(sourcesAdminRoutes, { ctx });
};

export default curationAdminRoutes;
