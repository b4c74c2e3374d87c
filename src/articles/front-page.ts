import { type Actor, canArrangeFrontPage } from "../accounts/permissions.js";
import type { AppContext } from "../context.js";
import { lockForTransaction } from "../db/dialect.js";
import { isLinkUrl, LINK_URL_RULE } from "../lib/link-url.js";
import { problemText } from "../lib/problems.js";
import { checkText } from "../lib/text-input.js";
import { ARTICLE_PROBLEMS } from "./problems.js";
import { sharedUntilChange } from "./shared-until-change.js";
import * as store from "./store.js";
import { type FieldErrors, parseDate } from "./validation.js";

/**
 * The editors' front page: a chosen lead, the top stories in order (pins, which may expire
 * together at `expires_at`) and a breaking-news banner with its own expiry. Page 1 fills what is
 * not chosen with the newest stories (the newest pinned "sticky" story still leads when no lead
 * is chosen). A change evicts only what shows it (`front-page`).
 */

type Ctx = Pick<AppContext, "db" | "now" | "changes" | "sharedReads">;

/** Numbered slots beside the lead. */
export const TOP_SLOTS = 4;
const BREAKING_TEXT_MAX = 200;
const BREAKING_URL_MAX = 2000;

export interface BreakingNews {
  text: string;
  /** An http(s) address or a path on this site; "" for a banner without a link. */
  url: string;
  expires_at: string;
}

export interface FrontPageArrangement {
  lead: number | null;
  top: number[];
  /** When the pins lapse (null: until changed). */
  expires_at: string | null;
  breaking: BreakingNews | null;
}

/** What `PUT /api/admin/front-page` and the admin form send. */
export interface FrontPageInput {
  lead?: number | null;
  top?: number[];
  expires_at?: string | null;
  breaking?: { text?: string; url?: string; expires_at?: string } | null;
}

/** The stored arrangement, read once per content change (every front page render needs it). */
const storedArrangement = sharedUntilChange(
  async (ctx: Pick<Ctx, "db" | "changes" | "sharedReads">, _request: null) => {
    const [slots, banner] = await Promise.all([
      store.listFrontPageSlots(ctx.db),
      store.getBreakingNews(ctx.db),
    ]);
    return { slots, banner };
  },
  () => 0,
);

/** The arrangement in force now: pins and banner past their time are left out. */
export async function getFrontPageArrangement(ctx: Ctx): Promise<FrontPageArrangement> {
  const now = ctx.now().toISOString();
  const { slots, banner } = await storedArrangement(ctx, null);
  const live = slots.filter((slot) => slot.expires_at === null || slot.expires_at > now);
  return {
    lead: live.find((slot) => slot.position === 0)?.article_id ?? null,
    top: live.filter((slot) => slot.position > 0).map((slot) => slot.article_id),
    expires_at: live[0]?.expires_at ?? null,
    breaking:
      banner && banner.expires_at > now
        ? { text: banner.text, url: banner.url, expires_at: new Date(banner.expires_at).toISOString() }
        : null,
  };
}

/** Field errors of an arrangement that need no database (ids, times, banner text). */
export function validateArrangement(input: FrontPageInput, now: Date): FieldErrors {
  const errors: FieldErrors = {};
  const top = input.top ?? [];
  if (top.length > TOP_SLOTS) errors.top = problemText(ARTICLE_PROBLEMS.top_at_most, { max: TOP_SLOTS });
  const ids = [input.lead, ...top].filter((id): id is number => typeof id === "number");
  if (new Set(ids).size !== ids.length) errors.top = ARTICLE_PROBLEMS.story_twice;
  const future = (value: string) => {
    const date = parseDate(value);
    return date && date.getTime() > now.getTime() ? date : undefined;
  };
  if (input.expires_at && !future(input.expires_at)) errors.expires_at = ARTICLE_PROBLEMS.future_time;
  const breaking = input.breaking;
  if (breaking) {
    const text = (breaking.text ?? "").trim();
    if (checkText(errors, "breaking.text", text, { max: BREAKING_TEXT_MAX }) && text === "")
      errors["breaking.text"] = ARTICLE_PROBLEMS.banner_text;
    const url = (breaking.url ?? "").trim();
    if (checkText(errors, "breaking.url", url, { max: BREAKING_URL_MAX }) && url !== "" && !isLinkUrl(url))
      errors["breaking.url"] = LINK_URL_RULE;
    if (!breaking.expires_at || !future(breaking.expires_at))
      errors["breaking.expires_at"] = ARTICLE_PROBLEMS.future_time;
  }
  return errors;
}

/**
 * Replaces the arrangement (editors and admins): every story named must be published, each once.
 * Writes under the front page's lock, so two editors saving at once end with one arrangement whole.
 */
export async function arrangeFrontPage(
  ctx: Ctx,
  actor: Actor,
  input: FrontPageInput,
): Promise<{ arrangement: FrontPageArrangement } | { errors: FieldErrors } | { forbidden: string }> {
  if (!canArrangeFrontPage(actor)) return { forbidden: "only editors may arrange the front page" };
  const now = ctx.now();
  const errors = validateArrangement(input, now);
  if (Object.keys(errors).length) return { errors };
  const lead = input.lead ?? null;
  const top = input.top ?? [];
  const ids = lead === null ? top : [lead, ...top];
  const published = new Set(
    (
      await store.listPublishedArticles(
        ctx.db,
        { onlyIds: ids },
        { limit: Math.max(ids.length, 1), offset: 0 },
      )
    ).map((row) => row.id),
  );
  if (lead !== null && !published.has(lead)) errors.lead = ARTICLE_PROBLEMS.published_story;
  const missing = top.filter((id) => !published.has(id));
  if (missing.length)
    errors.top = problemText(ARTICLE_PROBLEMS.published_stories, { ids: missing.join(", ") });
  if (Object.keys(errors).length) return { errors };
  const nowIso = now.toISOString();
  const expiresAt = input.expires_at ? parseDate(input.expires_at)!.toISOString() : null;
  await ctx.db.transaction().execute(async (trx) => {
    await lockForTransaction(trx, "front-page");
    await store.replaceFrontPageSlots(
      trx,
      [
        ...(lead === null ? [] : [{ position: 0, article_id: lead }]),
        ...top.map((article_id, i) => ({ position: i + 1, article_id })),
      ].map((slot) => ({ ...slot, expires_at: expiresAt, updated_by: actor.id, updated_at: nowIso })),
    );
    await store.replaceBreakingNews(
      trx,
      input.breaking
        ? {
            text: (input.breaking.text ?? "").trim(),
            url: (input.breaking.url ?? "").trim(),
            expires_at: parseDate(input.breaking.expires_at!)!.toISOString(),
            updated_by: actor.id,
            updated_at: nowIso,
          }
        : undefined,
    );
  });
  await ctx.changes.changed(["front-page"]);
  return { arrangement: await getFrontPageArrangement(ctx) };
}

/** Takes down pins and a banner whose time is up; run by the schedule timer on every node. */
export async function expireFrontPageItems(ctx: Ctx): Promise<number> {
  const removed = await store.deleteExpiredFrontPageItems(ctx.db, ctx.now().toISOString());
  if (removed) await ctx.changes.changed(["front-page"]);
  return removed;
}
