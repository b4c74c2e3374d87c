import { generateOpml, type Opml, parseOpml } from "feedsmith";
import type { AppContext } from "../context.js";
import { problemText } from "../lib/problems.js";
import { CURATION_PROBLEMS } from "./problems.js";
import { addSource, listSources, type SourceInput } from "./sources-service.js";

type Ctx = Pick<AppContext, "db" | "now" | "config" | "log" | "curation" | "settings">;

/** Outline attributes beyond OPML 2.0 that carry Broadsheet's per-source settings through a round trip. */
const EXTRA_ATTRIBUTES = [
  "broadsheetMode",
  "broadsheetFullText",
  "broadsheetInterval",
  "broadsheetEnabled",
] as const;
type Outline = Opml.Outline<string, typeof EXTRA_ATTRIBUTES>;
/** Feeds read from one OPML file; a subscription list is dozens to a few hundred. */
export const OPML_MAX_SOURCES = 2000;

/** The sources as an OPML 2.0 subscription list, one folder per category. */
export async function exportSourcesOpml(ctx: Ctx, title: string): Promise<string> {
  const sources = await listSources(ctx);
  const outlineOf = (source: (typeof sources)[number]): Outline => ({
    text: source.name,
    title: source.name,
    type: "rss",
    xmlUrl: source.url,
    ...(source.site_url ? { htmlUrl: source.site_url } : {}),
    ...(source.category_name ? { category: source.category_name } : {}),
    broadsheetMode: source.mode,
    broadsheetFullText: source.is_full_text_allowed ? "true" : "false",
    broadsheetInterval: String(source.fetch_interval_minutes),
    broadsheetEnabled: source.is_enabled ? "true" : "false",
  });
  const folders = new Map<string, Outline[]>();
  const loose: Outline[] = [];
  for (const source of sources) {
    if (!source.category_name) loose.push(outlineOf(source));
    else folders.set(source.category_name, [...(folders.get(source.category_name) ?? []), outlineOf(source)]);
  }
  const outlines: Outline[] = [
    ...[...folders].map(([name, children]) => ({ text: name, title: name, outlines: children })),
    ...loose,
  ];
  return generateOpml(
    { head: { title: `${title} sources`, dateCreated: ctx.now() }, body: { outlines } },
    { extraOutlineAttributes: EXTRA_ATTRIBUTES },
  );
}

export interface OpmlImportResult {
  added: number;
  /** Feeds already followed. */
  skipped: number;
  failed: Array<{ url: string; error: string }>;
}

/** Reads the feeds of an OPML file: every outline with an xmlUrl, its folder as the category. */
export function readOpmlSources(xml: string): SourceInput[] | { error: string } {
  let document: Opml.Document<string, typeof EXTRA_ATTRIBUTES>;
  try {
    document = parseOpml(xml, { extraOutlineAttributes: EXTRA_ATTRIBUTES });
  } catch (error) {
    return {
      error: problemText(CURATION_PROBLEMS.opml_unreadable, {
        reason: error instanceof Error ? error.message : String(error),
      }),
    };
  }
  const found: SourceInput[] = [];
  const walk = (outlines: Outline[] | undefined, folder: string | undefined) => {
    for (const outline of outlines ?? []) {
      if (found.length >= OPML_MAX_SOURCES) return;
      if (outline.xmlUrl) {
        const category =
          outline.category?.split(",")[0]?.replace(/^\/+/, "").split("/").pop()?.trim() || folder;
        const interval = Number(outline.broadsheetInterval);
        found.push({
          url: outline.xmlUrl,
          name: (outline.title || outline.text || "").trim() || undefined,
          site_url: outline.htmlUrl ?? undefined,
          category: category ?? null,
          ...(outline.broadsheetMode === "publish" || outline.broadsheetMode === "review"
            ? { mode: outline.broadsheetMode }
            : {}),
          is_full_text_allowed: outline.broadsheetFullText === "true",
          ...(Number.isInteger(interval) && interval > 0 ? { fetch_interval_minutes: interval } : {}),
          is_enabled: outline.broadsheetEnabled !== "false",
        });
      }
      walk(outline.outlines, outline.xmlUrl ? folder : (outline.title || outline.text || folder)?.trim());
    }
  };
  walk(document.body?.outlines, undefined);
  if (found.length === 0) return { error: CURATION_PROBLEMS.opml_no_feeds };
  return found;
}

/**
 * Adds every feed of an OPML file as a source, without fetching anything now (the scheduler
 * reads them); feeds already followed are skipped, so importing the same file twice is harmless.
 */
export async function importSourcesOpml(
  ctx: Ctx,
  xml: string,
): Promise<OpmlImportResult | { error: string }> {
  const sources = readOpmlSources(xml);
  if ("error" in sources) return sources;
  const result: OpmlImportResult = { added: 0, skipped: 0, failed: [] };
  for (const input of sources) {
    const added = await addSource(ctx, input, { discover: false });
    if ("source" in added) result.added++;
    else if (added.errors.url?.startsWith("is already followed")) result.skipped++;
    else
      result.failed.push({
        url: input.url ?? "",
        error: Object.entries(added.errors)
          .map(([name, why]) => `${name} ${why}`)
          .join("; "),
      });
  }
  return result;
}
