import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { adminPageModel, adminSay, sayProblems, setFlash } from "../accounts/admin-page.js";
import { canArrangeFrontPage } from "../accounts/permissions.js";
import { actorOf, allowOnly } from "../accounts/staff-guard.js";
import type { AppContext } from "../context.js";
import { field, fieldList } from "../infrastructure/requests.js";
import { localDateTimeToUtc, utcToLocalDateTime } from "./editor-form.js";
import { arrangeFrontPage, type FrontPageInput, getFrontPageArrangement, TOP_SLOTS } from "./front-page.js";
import { ARTICLE_PROBLEMS } from "./problems.js";
import { type FieldErrors, getArticle, listPublishedArticles } from "./service.js";

/** Stories offered in each slot: the newest, plus whatever is pinned. */
const CHOICES = 60;

/** What the form shows, as typed: story ids per slot ('' = automatic), times in the site's zone. */
interface FrontPageForm {
  slots: string[];
  expires_at: string;
  breaking_text: string;
  breaking_url: string;
  breaking_expires_at: string;
}

/** The admin's front page screen: numbered slots (drag-and-drop where scripts run), breaking banner. */
const frontPageAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  allowOnly(app, canArrangeFrontPage);

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    form: FrontPageForm,
    errors: FieldErrors,
    statusCode = 200,
  ) {
    const settings = await ctx.settings.get();
    const say = await adminSay(ctx, request);
    const newest = await listPublishedArticles(ctx, {}, 1, CHOICES);
    const chosen = form.slots.map(Number).filter((id) => Number.isInteger(id) && id > 0);
    const missing = chosen.filter((id) => !newest.items.some((story) => story.id === id));
    const pinned = (await Promise.all(missing.map((id) => getArticle(ctx, id)))).flatMap((story) =>
      story ? [story] : [],
    );
    const stories = [...pinned, ...newest.items].map((story) => ({
      id: String(story.id),
      title: story.title,
    }));
    return reply.code(statusCode).view(
      "articles/views/front-page",
      await adminPageModel(ctx, request, reply, {
        title: say("articles.front_page.heading"),
        section: "front-page",
        slots: form.slots.map((value, i) => ({ number: i + 1, value, is_lead: i === 0 })),
        stories,
        values: form,
        errors: sayProblems(say, "articles", ARTICLE_PROBLEMS, errors),
        has_errors: Object.keys(errors).length > 0,
        timezone: settings.timezone,
      }),
    );
  }

  app.get("/front-page", async function showFrontPageScreen(request, reply) {
    const settings = await ctx.settings.get();
    const arrangement = await getFrontPageArrangement(ctx);
    const ids = [arrangement.lead, ...arrangement.top];
    const slots = Array.from({ length: TOP_SLOTS + 1 }, (_, i) => (ids[i] ? String(ids[i]) : ""));
    return render(
      request,
      reply,
      {
        slots,
        expires_at: utcToLocalDateTime(arrangement.expires_at, settings.timezone),
        breaking_text: arrangement.breaking?.text ?? "",
        breaking_url: arrangement.breaking?.url ?? "",
        breaking_expires_at: utcToLocalDateTime(arrangement.breaking?.expires_at ?? null, settings.timezone),
      },
      {},
    );
  });

  app.post("/front-page", async function arrangeFrontPageFromForm(request, reply) {
    const settings = await ctx.settings.get();
    const body = request.body;
    const form: FrontPageForm = {
      slots: Array.from({ length: TOP_SLOTS + 1 }, (_, i) => (fieldList(body, "slot")[i] ?? "").trim()),
      expires_at: field(body, "expires_at").trim(),
      breaking_text: field(body, "breaking_text"),
      breaking_url: field(body, "breaking_url").trim(),
      breaking_expires_at: field(body, "breaking_expires_at").trim(),
    };
    const errors: FieldErrors = {};
    const toUtc = (name: string, local: string) => {
      if (local === "") return null;
      const utc = localDateTimeToUtc(local, settings.timezone);
      if (!utc) errors[name] = ARTICLE_PROBLEMS.date_time;
      return utc ?? null;
    };
    // Slot 1 is the lead; empty slots are left to the newest stories.
    const [leadSlot, ...topSlots] = form.slots.map((value) => (value === "" ? null : Number(value)));
    const input: FrontPageInput = {
      lead: leadSlot,
      top: topSlots.filter((id): id is number => id !== null),
      expires_at: toUtc("expires_at", form.expires_at),
      breaking:
        form.breaking_text.trim() === ""
          ? null
          : {
              text: form.breaking_text,
              url: form.breaking_url,
              expires_at: toUtc("breaking.expires_at", form.breaking_expires_at) ?? "",
            },
    };
    if ([input.lead, ...(input.top ?? [])].some((id) => id !== null && !Number.isInteger(id)))
      errors.top = ARTICLE_PROBLEMS.choose_stories;
    const result = Object.keys(errors).length
      ? { errors }
      : await arrangeFrontPage(ctx, actorOf(request), input);
    if ("forbidden" in result) return reply.code(403).send({ error: result.forbidden });
    if ("errors" in result) return render(request, reply, form, result.errors, 422);
    setFlash(reply, (await adminSay(ctx, request))("articles.flash.front_page_saved"));
    return reply.redirect("/admin/front-page", 303);
  });
};

export default frontPageAdminRoutes;
