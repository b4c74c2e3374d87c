/**
 * Embeds without third parties: a link to a video, post or track standing alone in its paragraph
 * (what the WordPress importer makes of an embed, and what an editor gets by pasting a URL on a
 * line of its own) is shown as a card naming the provider. Nothing is loaded from the provider
 * until the reader asks: for players, a button that themes/default/assets/embeds.js turns into
 * the provider's privacy-enhanced player on click. Without scripts the card is a plain link.
 *
 * Bodies are stored with the plain link (what the HTML policies allow, what feeds carry, what the
 * editor shows); cards are drawn when a page is rendered (`embedCards`, the `embed_cards` filter).
 * When a story is saved, what each bare link's provider says about it (src/lib/oembed.ts) is
 * written onto the link (`describeBareLinks`): its title as `title`, the provider's name as
 * `data-embed-provider`, so a card shows the title without a lookup at render time and any page
 * that publishes oEmbed or Open Graph gets a card too.
 */
import { escapeHtml } from "./html-escape.js";
import type { EmbedDescription } from "./oembed.js";

export interface EmbedProvider {
  name: string;
  /** What the card's link says. */
  action: string;
  /** Hosts (without `www.`) whose links are this provider's. */
  hosts: string[];
  /** The player to load on click, for the URL's path and query; undefined for a link-only card. */
  player?: (url: URL) => string | undefined;
  /** The provider's oEmbed endpoint for a link (asked when a story is saved); undefined when it has none open to all. */
  oembed?: (href: string) => string;
}

const oembedAt = (endpoint: string) => (href: string) => `${endpoint}${encodeURIComponent(href)}`;

const YOUTUBE_ID = /^[\w-]{6,20}$/;
const NUMERIC_ID = /^\d{1,20}$/;

function youtubePlayer(url: URL): string | undefined {
  const host = url.hostname.replace(/^www\.|^m\./, "");
  const id =
    host === "youtu.be"
      ? url.pathname.slice(1)
      : url.pathname === "/watch"
        ? (url.searchParams.get("v") ?? "")
        : (/^\/(?:shorts|embed|live)\/([^/]+)/.exec(url.pathname)?.[1] ?? "");
  return YOUTUBE_ID.test(id) ? `https://www.youtube-nocookie.com/embed/${id}` : undefined;
}

function vimeoPlayer(url: URL): string | undefined {
  const id = /^\/(?:video\/)?(\d+)/.exec(url.pathname)?.[1];
  return id ? `https://player.vimeo.com/video/${id}?dnt=1` : undefined;
}

function tiktokPlayer(url: URL): string | undefined {
  const id = /^\/@[^/]+\/video\/(\d+)/.exec(url.pathname)?.[1];
  return id && NUMERIC_ID.test(id) ? `https://www.tiktok.com/player/v1/${id}` : undefined;
}

function spotifyPlayer(url: URL): string | undefined {
  const match = /^\/(track|album|playlist|episode|show|artist)\/([A-Za-z0-9]{8,40})/.exec(url.pathname);
  return match ? `https://open.spotify.com/embed/${match[1]}/${match[2]}` : undefined;
}

function soundcloudPlayer(url: URL): string | undefined {
  if (url.pathname.split("/").filter(Boolean).length < 2) return undefined;
  return `https://w.soundcloud.com/player/?url=${encodeURIComponent(`https://soundcloud.com${url.pathname}`)}`;
}

export const EMBED_PROVIDERS: EmbedProvider[] = [
  {
    name: "YouTube",
    action: "Watch on YouTube",
    hosts: ["youtube.com", "m.youtube.com", "youtu.be"],
    player: youtubePlayer,
    oembed: oembedAt("https://www.youtube.com/oembed?format=json&url="),
  },
  {
    name: "Vimeo",
    action: "Watch on Vimeo",
    hosts: ["vimeo.com"],
    player: vimeoPlayer,
    oembed: oembedAt("https://vimeo.com/api/oembed.json?url="),
  },
  {
    name: "TikTok",
    action: "Watch on TikTok",
    hosts: ["tiktok.com"],
    player: tiktokPlayer,
    oembed: oembedAt("https://www.tiktok.com/oembed?url="),
  },
  {
    name: "SoundCloud",
    action: "Listen on SoundCloud",
    hosts: ["soundcloud.com"],
    player: soundcloudPlayer,
    oembed: oembedAt("https://soundcloud.com/oembed?format=json&url="),
  },
  {
    name: "Spotify",
    action: "Listen on Spotify",
    hosts: ["open.spotify.com"],
    player: spotifyPlayer,
    oembed: oembedAt("https://open.spotify.com/oembed?url="),
  },
  {
    name: "X",
    action: "View the post on X",
    hosts: ["twitter.com", "x.com", "mobile.twitter.com"],
    oembed: oembedAt("https://publish.twitter.com/oembed?omit_script=true&url="),
  },
  // Instagram's oEmbed needs an app token; its cards name the provider without a title.
  { name: "Instagram", action: "View on Instagram", hosts: ["instagram.com"] },
];

/** The origins players are loaded from: the page's Content-Security-Policy `frame-src`. */
export const EMBED_PLAYER_ORIGINS = [
  "https://www.youtube-nocookie.com",
  "https://player.vimeo.com",
  "https://www.tiktok.com",
  "https://w.soundcloud.com",
  "https://open.spotify.com",
];

const PROVIDER_BY_HOST = new Map(EMBED_PROVIDERS.flatMap((p) => p.hosts.map((host) => [host, p] as const)));

/** What a bare link is: its provider (if known) and player (if it has one). */
export function embedOf(
  href: string,
): { provider: EmbedProvider | undefined; player: string | undefined; url: URL } | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  const provider = PROVIDER_BY_HOST.get(url.hostname.replace(/^www\./, ""));
  return { provider, player: provider?.player?.(url), url };
}

/**
 * A paragraph holding nothing but a link whose text is its own address, as the HTML policies
 * write it (attributes double-quoted and escaped) or as `describeBareLinks` rewrites it.
 */
const BARE_LINK_PARAGRAPH = /<p><a href="(https?:\/\/[^"]+)"((?: [a-z-]+="[^"]*")*)>([^<]+)<\/a><\/p>/g;
const ATTRIBUTE = / ([a-z-]+)="([^"]*)"/g;

function decodeAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function attributesOf(source: string): Map<string, string> {
  return new Map([...source.matchAll(ATTRIBUTE)].map((m) => [m[1]!, decodeAttribute(m[2]!)]));
}

/** Each bare-link paragraph of sanitised HTML: its address and what is written on its link. */
function replaceBareLinks(
  html: string,
  replace: (href: string, attributes: Map<string, string>, paragraph: string) => string,
): string {
  if (!html.includes("<p><a href=")) return html;
  return html.replace(
    BARE_LINK_PARAGRAPH,
    (paragraph, rawHref: string, rawAttributes: string, text: string) => {
      const href = decodeAttribute(rawHref);
      if (decodeAttribute(text).trim() !== href) return paragraph;
      return replace(href, attributesOf(rawAttributes), paragraph);
    },
  );
}

/** The addresses of a body's bare-link paragraphs, the links a story's save looks up. */
export function bareLinks(html: string): string[] {
  const found = new Set<string>();
  replaceBareLinks(html, (href, _attributes, paragraph) => {
    found.add(href);
    return paragraph;
  });
  return [...found];
}

/** Writes what providers said (by address) onto a body's bare links; links not in `known` are left as they are. */
export function describeBareLinks(html: string, known: ReadonlyMap<string, EmbedDescription>): string {
  return replaceBareLinks(html, (href, attributes, paragraph) => {
    const description = known.get(href);
    if (!description) return paragraph;
    const rel = attributes.get("rel");
    return (
      `<p><a href="${escapeHtml(href)}"` +
      (description.title ? ` title="${escapeHtml(description.title)}"` : "") +
      (description.providerName ? ` data-embed-provider="${escapeHtml(description.providerName)}"` : "") +
      (rel ? ` rel="${escapeHtml(rel)}"` : "") +
      `>${escapeHtml(href)}</a></p>`
    );
  });
}

function card(href: string, attributes: Map<string, string>): string | undefined {
  const embed = embedOf(href);
  if (!embed) return undefined;
  const { provider, url } = embed;
  const title = attributes.get("title") ?? "";
  // A page no provider below knows becomes a card only when it described itself.
  const providerName = provider?.name ?? attributes.get("data-embed-provider") ?? "";
  if (!provider && !title && !providerName) return undefined;
  const host = url.hostname.replace(/^www\./, "");
  const shown = `${host}${url.pathname === "/" ? "" : url.pathname}`;
  const player = embed.player;
  const named = providerName || host;
  const button = player
    ? `<button type="button" class="embed-play" data-embed-src="${escapeHtml(player)}" data-embed-title="${escapeHtml(title || named)}">Load the ${escapeHtml(named)} player</button>`
    : "";
  return (
    `<figure class="embed embed-${provider ? provider.name.toLowerCase() : "page"}">` +
    `<a class="embed-link" href="${escapeHtml(href)}" rel="noopener">` +
    `<span class="embed-provider">${escapeHtml(named)}</span> ` +
    (title ? `<span class="embed-title">${escapeHtml(title)}</span> ` : "") +
    (provider ? `<span class="embed-action">${escapeHtml(provider.action)}</span> ` : "") +
    `<span class="embed-url">${escapeHtml(shown)}</span></a>${button}` +
    (player
      ? `<figcaption class="embed-note">Loading it shares your visit with ${escapeHtml(named)}.</figcaption>`
      : "") +
    "</figure>"
  );
}

/** Sanitised body HTML with each bare link to a known provider, or to a page that described itself, drawn as a card. */
export function embedCards(html: string): string {
  return replaceBareLinks(html, (href, attributes, paragraph) => card(href, attributes) ?? paragraph);
}
