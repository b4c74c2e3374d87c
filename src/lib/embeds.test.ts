import { describe, expect, test } from "vitest";
import { bareLinks, describeBareLinks, embedCards, embedOf } from "./embeds.js";
import { describePage, parseOembedResponse } from "./oembed.js";

describe("embed cards", () => {
  test.each([
    [
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10",
      "YouTube",
      "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ],
    ["https://youtu.be/dQw4w9WgXcQ", "YouTube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"],
    [
      "https://www.youtube.com/shorts/abcdef123",
      "YouTube",
      "https://www.youtube-nocookie.com/embed/abcdef123",
    ],
    ["https://vimeo.com/123456", "Vimeo", "https://player.vimeo.com/video/123456?dnt=1"],
    [
      "https://www.tiktok.com/@news/video/7301234567890",
      "TikTok",
      "https://www.tiktok.com/player/v1/7301234567890",
    ],
    [
      "https://soundcloud.com/ledger/episode-4",
      "SoundCloud",
      "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fledger%2Fepisode-4",
    ],
    [
      "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
      "Spotify",
      "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk",
    ],
    ["https://twitter.com/ledger/status/1", "X", undefined],
    ["https://x.com/ledger/status/1", "X", undefined],
    ["https://www.instagram.com/p/Cx1/", "Instagram", undefined],
    ["https://www.youtube.com/@ledger", "YouTube", undefined],
  ])("%s is a %s link with player %s", (href, provider, player) => {
    const embed = embedOf(href);
    expect(embed?.provider?.name).toBe(provider);
    expect(embed?.player).toBe(player);
  });

  test("a bare link to a provider alone in its paragraph becomes a card; nothing loads from the provider", () => {
    const html =
      '<p>Before.</p>\n<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=10" rel="noopener">https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=10</a></p>\n<p>After.</p>';
    const cards = embedCards(html);
    expect(cards).toContain('<figure class="embed embed-youtube">');
    expect(cards).toContain(
      '<a class="embed-link" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=10" rel="noopener"><span class="embed-provider">YouTube</span> <span class="embed-action">Watch on YouTube</span>',
    );
    expect(cards).toContain('data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"');
    expect(cards).not.toMatch(/<iframe|<script|\ssrc=/);
    expect(cards.startsWith("<p>Before.</p>")).toBe(true);
    expect(cards.endsWith("<p>After.</p>")).toBe(true);
  });

  test.each([
    ["a link with words of its own", '<p><a href="https://youtu.be/dQw4w9WgXcQ">the interview</a></p>'],
    [
      "a link inside a sentence",
      '<p>Watch <a href="https://youtu.be/dQw4w9WgXcQ">https://youtu.be/dQw4w9WgXcQ</a> now.</p>',
    ],
    ["a bare link to an unknown site", '<p><a href="https://example.org/x">https://example.org/x</a></p>'],
    ["a link that is not http(s)", '<p><a href="mailto:desk@example.org">mailto:desk@example.org</a></p>'],
  ])("%s stays as it is", (_label, html) => {
    expect(embedCards(html)).toBe(html);
  });

  test("quotes and angle brackets in a provider link stay escaped in the card", () => {
    const href = "https://twitter.com/a/status/1?q=%22x%22&amp;y=&lt;b&gt;";
    const html = `<p><a href="${href}">${href}</a></p>`;
    const cards = embedCards(html);
    expect(cards).toContain('href="https://twitter.com/a/status/1?q=%22x%22&amp;y=&lt;b&gt;"');
    expect(cards).not.toContain("<b>");
  });

  test("what a provider said, written onto a bare link when the story was saved, titles its card", () => {
    const href = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10";
    const html = `<p>Before.</p>\n<p><a href="${href.replace("&", "&amp;")}" rel="noopener">${href.replace("&", "&amp;")}</a></p>`;
    expect(bareLinks(html)).toEqual([href]);
    const described = describeBareLinks(
      html,
      new Map([[href, { providerName: "YouTube", title: 'The "Never" interview' }]]),
    );
    expect(described).toContain(
      'title="The &quot;Never&quot; interview" data-embed-provider="YouTube" rel="noopener"',
    );
    // Described again (a later save), the link is rewritten the same way, not nested.
    expect(
      describeBareLinks(described, new Map([[href, { providerName: "YouTube", title: "x" }]])),
    ).toContain('title="x" data-embed-provider="YouTube"');
    const card = embedCards(described);
    expect(card).toContain('<span class="embed-title">The &quot;Never&quot; interview</span>');
    expect(card).toContain('data-embed-title="The &quot;Never&quot; interview"');
  });

  test("a page's head: its oEmbed link, else its Open Graph name and title, else its title", () => {
    const page = describePage(
      '<head><link rel="alternate" type="application/json+oembed" href="/oembed?u=1&amp;f=json"><meta property="og:title" content="A &amp; B"></head><body><title>no</title></body>',
      "https://paper.example/story",
    );
    expect(page.oembedUrl).toBe("https://paper.example/oembed?u=1&f=json");
    expect(page.description).toEqual({ providerName: "", title: "A & B" });
    expect(describePage("<title> Plain\n title </title>", "https://x.example/").description?.title).toBe(
      "Plain title",
    );
    expect(
      describePage(
        '<link rel="alternate" type="application/json+oembed" href="javascript:alert(1)">',
        "https://x.example/",
      ).oembedUrl,
    ).toBeUndefined();
    expect(parseOembedResponse('{"provider_name":"Vimeo","title":"  Flood   footage "}')).toEqual({
      providerName: "Vimeo",
      title: "Flood footage",
    });
    expect(parseOembedResponse("<html>")).toBeUndefined();
    expect(parseOembedResponse("{}")).toBeUndefined();
  });
});
