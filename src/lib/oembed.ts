/**
 * What a link's provider says about it, for the embed cards (src/lib/embeds.ts): the provider's
 * name and the title of the video, post or article. Known providers are asked at their oEmbed
 * endpoint; any other page is read for its oEmbed discovery link (`<link rel="alternate"
 * type="application/json+oembed">`), and failing that its Open Graph site name and title.
 * Only parsing lives here; the fetching (guarded, cached) is the caller's.
 */
import { Parser } from "htmlparser2";

export interface EmbedDescription {
  providerName: string;
  title: string;
}

const PROVIDER_NAME_MAX = 100;
const TITLE_MAX = 300;

/** Collapses whitespace and cuts to `max` characters (the lookup table's column widths). */
function tidy(value: unknown, max: number): string {
  if (typeof value !== "string") return "";
  const text = value.replace(/\s+/g, " ").trim();
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The name and title an oEmbed JSON response gives; undefined when it is not one. */
export function parseOembedResponse(body: string): EmbedDescription | undefined {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== "object") return undefined;
  const record = data as Record<string, unknown>;
  const description = {
    providerName: tidy(record.provider_name, PROVIDER_NAME_MAX),
    title: tidy(record.title, TITLE_MAX),
  };
  return description.providerName || description.title ? description : undefined;
}

/** What a page's head tells about it: its oEmbed endpoint, or its Open Graph name and title. */
export interface PageDescription {
  /** Absolute URL of the page's JSON oEmbed endpoint, when it advertises one. */
  oembedUrl: string | undefined;
  /** From `og:site_name` / `og:title`, falling back to `<title>`. */
  description: EmbedDescription | undefined;
}

/** Reads a page's head (link, meta and title elements) for what describes it. */
export function describePage(html: string, pageUrl: string): PageDescription {
  let oembedHref: string | undefined;
  const meta: Record<string, string> = {};
  let inTitle = false;
  let titleText = "";
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === "link" && !oembedHref) {
          const rel = (attributes.rel ?? "").toLowerCase().split(/\s+/);
          if (rel.includes("alternate") && attributes.type?.toLowerCase() === "application/json+oembed")
            oembedHref = attributes.href;
        } else if (name === "meta") {
          const key = (attributes.property ?? attributes.name ?? "").toLowerCase();
          if ((key === "og:site_name" || key === "og:title") && !(key in meta))
            meta[key] = attributes.content ?? "";
        } else if (name === "title") inTitle = true;
      },
      ontext(text) {
        if (inTitle) titleText += text;
      },
      onclosetag(name) {
        if (name === "title") inTitle = false;
        // Everything wanted is in the head; the body can be large.
        if (name === "head") parser.pause();
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();

  let oembedUrl: string | undefined;
  if (oembedHref) {
    try {
      const resolved = new URL(oembedHref, pageUrl);
      if (resolved.protocol === "https:" || resolved.protocol === "http:") oembedUrl = resolved.href;
    } catch {
      oembedUrl = undefined;
    }
  }
  const title = tidy(meta["og:title"] || titleText, TITLE_MAX);
  const providerName = tidy(meta["og:site_name"], PROVIDER_NAME_MAX);
  return { oembedUrl, description: title || providerName ? { providerName, title } : undefined };
}
