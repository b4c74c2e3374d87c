import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import {
  adminLanguage,
  adminPageModel,
  adminSay,
  sayProblem,
  sayProblems,
  setFlash,
} from "../accounts/admin-page.js";
import { listCategories } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import { readMultipartForm } from "../infrastructure/multipart.js";
import { field, parseId } from "../infrastructure/requests.js";
import { problemText } from "../lib/problems.js";
import { formatSiteDate } from "../lib/site-date.js";
import { fetchSource } from "./fetch-service.js";
import { DEFAULT_FETCH_INTERVAL_MINUTES } from "./fetcher/schedule.js";
import { exportSourcesOpml, importSourcesOpml } from "./opml.js";
import { CURATION_PROBLEMS } from "./problems.js";
import {
  addSource,
  deleteSource,
  getSource,
  listRecentItemsOfSource,
  listSources,
  type SourceInput,
  type SourceView,
  setSourceEnabled,
  updateSource,
} from "./sources-service.js";

/** Largest OPML file accepted: a subscription list of thousands of feeds is well under this. */
const OPML_MAX_BYTES = 2 * 1024 * 1024;

/** The sources form's fields as service input (checkboxes absent mean off). */
function sourceInputOf(body: unknown): SourceInput {
  const interval = field(body, "fetch_interval_minutes").trim();
  const categoryId = field(body, "category_id");
  return {
    url: field(body, "url").trim(),
    name: field(body, "name"),
    site_url: field(body, "site_url"),
    category_id: categoryId === "" ? null : (parseId(categoryId) ?? -1),
    mode: field(body, "mode") || "review",
    is_full_text_allowed: field(body, "is_full_text_allowed") === "1",
    fetch_interval_minutes:
      interval === ""
        ? DEFAULT_FETCH_INTERVAL_MINUTES
        : /^\d+$/.test(interval)
          ? Number(interval)
          : Number.NaN,
  };
}

function formValues(input: SourceInput) {
  return {
    url: input.url ?? "",
    name: input.name ?? "",
    site_url: input.site_url ?? "",
    category_id: input.category_id ?? "",
    mode: input.mode ?? "review",
    is_full_text_allowed: input.is_full_text_allowed ?? false,
    fetch_interval_minutes: Number.isFinite(input.fetch_interval_minutes)
      ? input.fetch_interval_minutes
      : DEFAULT_FETCH_INTERVAL_MINUTES,
  };
}

const emptyValues = formValues({ mode: "review", fetch_interval_minutes: DEFAULT_FETCH_INTERVAL_MINUTES });

/** A source's health as the sources table shows it; `status_key` names its state under `curation.statuses`. */
function healthModel(source: SourceView, timezone: string, language: string) {
  const label = (iso: string | null) => (iso ? formatSiteDate(iso, "d MMM, HH:mm", timezone, language) : "—");
  return {
    ...source,
    status_key: source.is_enabled ? source.status : "disabled",
    status_class: !source.is_enabled
      ? "trashed"
      : source.status === "ok"
        ? "published"
        : source.status === "pending"
          ? "draft"
          : "scheduled",
    not_modified_percent: Math.round(source.not_modified_ratio * 100),
    last_fetched_label: label(source.last_fetched_at),
    next_fetch_label: source.is_enabled ? label(source.next_fetch_at) : "—",
    edit_url: `/admin/sources/${source.id}`,
  };
}

/** The sources pages: list with health, add, edit, enable/disable, fetch now, delete, OPML. */
const sourcesAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  async function renderSourcesPage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values: ReturnType<typeof formValues>; errors: Record<string, string>; import_error?: string },
    statusCode = 200,
  ) {
    const [sources, categories, settings, language] = await Promise.all([
      listSources(ctx),
      listCategories(ctx),
      ctx.settings.get(),
      adminLanguage(ctx, request.actor?.language),
    ]);
    const say = await adminSay(ctx, request, language);
    const model = await adminPageModel(ctx, request, reply, {
      title: say("admin.layout.sources"),
      section: "sources",
      lang: language,
      sources: sources.map((s) => healthModel(s, settings.timezone, language)),
      categories: categories.map((c) => ({ id: c.id, name: c.name })),
      values: form.values,
      errors: sayProblems(say, "curation", CURATION_PROBLEMS, form.errors),
      import_error: form.import_error
        ? sayProblem(say, "curation", CURATION_PROBLEMS, form.import_error)
        : "",
    });
    return reply.code(statusCode).view("curation/views/sources", {
      ...model,
      import_action: "/admin/sources/opml",
    });
  }

  app.get("/sources", async function showSourcesPage(request, reply) {
    return renderSourcesPage(request, reply, { values: emptyValues, errors: {} });
  });

  app.post("/sources", async function addSourceFromForm(request, reply) {
    const input = sourceInputOf(request.body);
    const result = await addSource(ctx, input);
    if ("errors" in result)
      return renderSourcesPage(request, reply, { values: formValues(input), errors: result.errors }, 422);
    setFlash(
      reply,
      (await adminSay(ctx, request))("curation.flash.source_added", {
        name: result.source.name,
        url: result.source.url,
      }),
    );
    return reply.redirect("/admin/sources", 303);
  });

  app.get("/sources/opml", async function exportSourcesOpmlFile(_request, reply) {
    const settings = await ctx.settings.get();
    const xml = await exportSourcesOpml(ctx, settings.title);
    return reply
      .header("content-type", "text/x-opml; charset=utf-8")
      .header("content-disposition", 'attachment; filename="broadsheet-sources.opml"')
      .send(xml);
  });

  app.post("/sources/opml", async function importSourcesOpmlFile(request, reply) {
    let error = "";
    let summary = "";
    if (!request.isMultipart()) error = CURATION_PROBLEMS.opml_choose_file;
    else {
      const form = await readMultipartForm(request, OPML_MAX_BYTES);
      if (!form.file) error = CURATION_PROBLEMS.opml_choose_file;
      else if (form.file.isTooLarge)
        error = problemText(CURATION_PROBLEMS.opml_too_large, { megabytes: OPML_MAX_BYTES / 1048576 });
      else {
        const result = await importSourcesOpml(ctx, form.file.data.toString("utf8"));
        if ("error" in result) error = result.error;
        else {
          const say = await adminSay(ctx, request);
          summary = say("curation.flash.opml_imported", { added: result.added, skipped: result.skipped });
          if (result.failed.length)
            summary += ` ${say("curation.flash.opml_failed", {
              failures: result.failed.map((f) => `${f.url} (${f.error})`).join("; "),
            })}`;
        }
      }
    }
    if (error)
      return renderSourcesPage(request, reply, { values: emptyValues, errors: {}, import_error: error }, 422);
    setFlash(reply, summary);
    return reply.redirect("/admin/sources", 303);
  });

  async function renderSourcePage(
    request: FastifyRequest,
    reply: FastifyReply,
    source: SourceView,
    form: { values: ReturnType<typeof formValues>; errors: Record<string, string> },
    statusCode = 200,
  ) {
    const [categories, settings, items, language] = await Promise.all([
      listCategories(ctx),
      ctx.settings.get(),
      listRecentItemsOfSource(ctx, source.id),
      adminLanguage(ctx, request.actor?.language),
    ]);
    const say = await adminSay(ctx, request, language);
    return reply.code(statusCode).view(
      "curation/views/source",
      await adminPageModel(ctx, request, reply, {
        title: say("curation.source.title", { name: source.name }),
        section: "sources",
        lang: language,
        source: healthModel(source, settings.timezone, language),
        categories: categories.map((c) => ({ id: c.id, name: c.name })),
        values: form.values,
        errors: sayProblems(say, "curation", CURATION_PROBLEMS, form.errors),
        items: items.map((item) => ({
          ...item,
          published_label: formatSiteDate(
            item.published_at,
            "d MMM yyyy, HH:mm",
            settings.timezone,
            language,
          ),
          story_url: item.story_id ? `/admin/desk/stories/${item.story_id}` : "",
        })),
      }),
    );
  }

  app.get<{ Params: { id: string } }>("/sources/:id", async function showSourcePage(request, reply) {
    const id = parseId(request.params.id);
    const source = id ? await getSource(ctx, id) : undefined;
    if (!source) return reply.callNotFound();
    return renderSourcePage(request, reply, source, {
      values: formValues({ ...source, category_id: source.category_id }),
      errors: {},
    });
  });

  app.post<{ Params: { id: string } }>("/sources/:id", async function updateSourceFromForm(request, reply) {
    const id = parseId(request.params.id);
    const source = id ? await getSource(ctx, id) : undefined;
    if (!source) return reply.callNotFound();
    const input = sourceInputOf(request.body);
    const result = await updateSource(ctx, source.id, input);
    if ("notFound" in result) return reply.callNotFound();
    if ("errors" in result)
      return renderSourcePage(
        request,
        reply,
        source,
        { values: formValues(input), errors: result.errors },
        422,
      );
    setFlash(
      reply,
      (await adminSay(ctx, request))("curation.flash.source_saved", { name: result.source.name }),
    );
    return reply.redirect(`/admin/sources/${source.id}`, 303);
  });

  /** Back to the page the button was on: the list or the source's own page. */
  function sourceReturnPath(body: unknown, id: number): string {
    return field(body, "return_to") === "source" ? `/admin/sources/${id}` : "/admin/sources";
  }

  app.post<{ Params: { id: string } }>("/sources/:id/fetch", async function fetchSourceNow(request, reply) {
    const id = parseId(request.params.id);
    const report = id ? await fetchSource(ctx, id) : undefined;
    if (!id || !report) return reply.callNotFound();
    const say = await adminSay(ctx, request);
    if (report.status === "busy") setFlash(reply, say("curation.flash.fetch_busy"), "error");
    else if (report.error)
      setFlash(reply, say("curation.flash.fetch_failed", { error: report.error }), "error");
    else if (report.notModified) setFlash(reply, say("curation.flash.fetch_unchanged"));
    else setFlash(reply, say("curation.flash.fetched", { count: report.added }));
    return reply.redirect(sourceReturnPath(request.body, id), 303);
  });

  for (const [action, isEnabled] of [
    ["enable", true],
    ["disable", false],
  ] as const) {
    app.post<{ Params: { id: string } }>(
      `/sources/:id/${action}`,
      async function switchSource(request, reply) {
        const id = parseId(request.params.id);
        const result = id ? await setSourceEnabled(ctx, id, isEnabled) : { notFound: true as const };
        if (!id || "notFound" in result) return reply.callNotFound();
        const say = await adminSay(ctx, request);
        if ("errors" in result)
          setFlash(
            reply,
            Object.values(sayProblems(say, "curation", CURATION_PROBLEMS, result.errors)).join("; "),
            "error",
          );
        else
          setFlash(
            reply,
            say(isEnabled ? "curation.flash.enabled" : "curation.flash.disabled", {
              name: result.source.name,
            }),
          );
        return reply.redirect(sourceReturnPath(request.body, id), 303);
      },
    );
  }

  app.post<{ Params: { id: string } }>(
    "/sources/:id/delete",
    async function deleteSourceFromForm(request, reply) {
      const id = parseId(request.params.id);
      const source = id ? await getSource(ctx, id) : undefined;
      if (!source) return reply.callNotFound();
      await deleteSource(ctx, source.id);
      setFlash(reply, (await adminSay(ctx, request))("curation.flash.deleted", { name: source.name }));
      return reply.redirect("/admin/sources", 303);
    },
  );
};

export default sourcesAdminRoutes;
