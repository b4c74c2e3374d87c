/**
 * Looks up what the providers of a story's bare links say about them (oEmbed, or a page's own
 * Open Graph description) when the story is saved, so its embed cards show a title and pages of
 * any publisher get a card. Lookups go through the guarded fetcher, are bounded in number and time
 * (a save never waits on a slow provider for more than a few seconds), happen before the save's
 * transaction (no row stays locked during a fetch) and are kept in `embed_lookups`: a link is asked
 * about once a month, however often the story is saved.
 */

import type { AppContext } from "../context.js";
import { bareLinks, describeBareLinks, embedOf } from "../lib/embeds.js";
import { buildUserAgent, guardedFetch } from "../lib/fetch/guarded-fetch.js";
import { describePage, type EmbedDescription, parseOembedResponse } from "../lib/oembed.js";
import * as store from "./store.js";

/** Links looked up per save; the rest wait for a later save. */
const LOOKUPS_PER_SAVE = 5;
/** How long a save waits for all its lookups together. */
const LOOKUP_BUDGET_MS = 4000;
/** How long what a provider said is trusted before it is asked again. */
const LOOKUP_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Longest link looked up (`embed_lookups.url`). */
const LOOKUP_URL_MAX = 2000;
/** A page's head is near its start; a larger body is not read for a description. */
const PAGE_MAX_BYTES = 1024 * 1024;

type LookupCtx = Pick<AppContext, "db" | "config" | "now">;

async function fetchText(ctx: LookupCtx, url: string, accept: string, signal: AbortSignal): Promise<string> {
  const response = await guardedFetch(url, {
    userAgent: buildUserAgent(ctx.config.siteUrl),
    accept,
    allowPrivate: ctx.config.allowPrivateFetch,
    maxBodyBytes: PAGE_MAX_BYTES,
    maxRedirects: 3,
    signal,
  });
  return response.body.toString("utf8");
}

/** What a link's provider says about it; undefined when nothing could be learnt. */
async function lookUp(
  ctx: LookupCtx,
  href: string,
  signal: AbortSignal,
): Promise<EmbedDescription | undefined> {
  const embed = embedOf(href);
  if (!embed) return undefined;
  const json = "application/json";
  if (embed.provider) {
    const endpoint = embed.provider.oembed?.(href);
    return endpoint ? parseOembedResponse(await fetchText(ctx, endpoint, json, signal)) : undefined;
  }
  const page = describePage(await fetchText(ctx, href, "text/html", signal), href);
  if (page.oembedUrl) {
    // A broken endpoint still leaves the page's own description.
    const answer = await fetchText(ctx, page.oembedUrl, json, signal).catch(() => "");
    return parseOembedResponse(answer) ?? page.description;
  }
  return page.description;
}

/**
 * Sanitised body HTML with what providers say written onto its bare links (`describeBareLinks`).
 * Links unknown and not answered within the budget are left plain and asked about on a later save.
 */
export async function describeEmbedLinks(ctx: LookupCtx, html: string): Promise<string> {
  const links = bareLinks(html).filter((href) => href.length <= LOOKUP_URL_MAX);
  if (links.length === 0) return html;
  const now = ctx.now();
  const stored = await store.getEmbedLookups(ctx.db, links);
  const known = new Map<string, EmbedDescription>();
  const fresh = new Set<string>();
  for (const row of stored) {
    if (row.provider_name || row.title)
      known.set(row.url, { providerName: row.provider_name, title: row.title });
    if (now.getTime() - new Date(row.fetched_at).getTime() < LOOKUP_TTL_MS) fresh.add(row.url);
  }
  if (ctx.config.embedLookups) {
    const signal = AbortSignal.timeout(LOOKUP_BUDGET_MS);
    const wanted = links.filter((href) => !fresh.has(href)).slice(0, LOOKUPS_PER_SAVE);
    await Promise.all(
      wanted.map(async (href) => {
        const description = await lookUp(ctx, href, signal).catch(() => undefined);
        // Out of time: not an answer, ask again next save.
        if (signal.aborted && !description) return;
        if (description) known.set(href, description);
        await store.saveEmbedLookup(ctx.db, {
          url: href,
          provider_name: description?.providerName ?? "",
          title: description?.title ?? "",
          fetched_at: now.toISOString(),
        });
      }),
    );
  }
  return describeBareLinks(html, known);
}
