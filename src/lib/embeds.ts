/**
 * Embeds without third parties: a link to a video, post or track standing alone in its paragraph
 * (what the WordPress importer makes of an embed, and what an editor gets by pasting a URL on a
 * line of its own) is shown as a card naming the provider. Nothing is loaded from the provider
 * until the reader asks: for players, a button that themes/default/assets/embeds.js turns into
 * the provider's privacy-enhanced player on click. Without scripts the card is a plain link.
 *
 * Bodies are stored with the plain link (what the HTML policies allow, what feeds carry, what the
 * editor shows); cards are drawn when a page is rendered (`embedCards`, the `embed_cards` filter).
 */
import { escapeHtml } from "../site/html-escape.js";

export interface EmbedProvider {
  name: string;
  /** What the card's link says. */
  action: string;
  /** Hosts (without `www.`) whose links are this provider's. */
  hosts: string[];
  /** The player to load on click, for the URL's path and query; undefined for a link-only card. */
  player?: (url: URL) => string | undefined;
}

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
  },
  { name: "Vimeo", action: "Watch on Vimeo", hosts: ["vimeo.com"], player: vimeoPlayer },
  { name: "TikTok", action: "Watch on TikTok", hosts: ["tiktok.com"], player: tiktokPlayer },
  { name: "SoundCloud", action: "Listen on SoundCloud", hosts: ["soundcloud.com"], player: soundcloudPlayer },
  { name: "Spotify", action: "Listen on Spotify", hosts: ["open.spotify.com"], player: spotifyPlayer },
  { name: "X", action: "View the post on X", hosts: ["twitter.com", "x.com", "mobile.twitter.com"] },
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
 * write it (attributes double-quoted and escaped).
 */
const BARE_LINK_PARAGRAPH = /<p><a href="(https?:\/\/[^"]+)"(?: rel="[^"]*")?>([^<]+)<\/a><\/p>/g;

function decodeAttribute(value: string): string {
  return value
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
}

function card(href: string): string | undefined {
  const embed = embedOf(href);
  if (!embed?.provider) return undefined;
  const { provider, player, url } = embed;
  const shown = `${url.hostname.replace(/^www\./, "")}${url.pathname === "/" ? "" : url.pathname}`;
  const button = player
    ? `<button type="button" class="embed-play" data-embed-src="${escapeHtml(player)}" data-embed-title="${escapeHtml(provider.name)}">Load the ${escapeHtml(provider.name)} player</button>`
    : "";
  return (
    `<figure class="embed embed-${provider.name.toLowerCase()}">` +
    `<a class="embed-link" href="${escapeHtml(href)}" rel="noopener">` +
    `<span class="embed-provider">${escapeHtml(provider.name)}</span> ` +
    `<span class="embed-action">${escapeHtml(provider.action)}</span> ` +
    `<span class="embed-url">${escapeHtml(shown)}</span></a>${button}` +
    (player
      ? `<figcaption class="embed-note">Loading it shares your visit with ${escapeHtml(provider.name)}.</figcaption>`
      : "") +
    "</figure>"
  );
}

/** Sanitised body HTML with each bare link to a known provider drawn as an embed card. */
export function embedCards(html: string): string {
  if (!html.includes("<p><a href=")) return html;
  return html.replace(BARE_LINK_PARAGRAPH, (paragraph, rawHref: string, text: string) => {
    const href = decodeAttribute(rawHref);
    if (decodeAttribute(text).trim() !== href) return paragraph;
    return card(href) ?? paragraph;
  });
}
