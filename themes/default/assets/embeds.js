// Click-to-load players for embed cards (src/lib/embeds.ts): nothing is fetched from a video or
// audio provider until the reader presses the card's button. Without this script the card is a link.

// Interface strings in the page's language (`<meta name="theme-messages">`, from the theme's catalogues).
const messages = JSON.parse(
  document.querySelector('meta[name="theme-messages"]')?.getAttribute("content") || "{}",
);
const message = (key, values = {}) =>
  (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );

for (const button of document.querySelectorAll(".embed-play[data-embed-src]")) {
  button.addEventListener("click", () => {
    // The page's Content-Security-Policy (frame-src) admits only the providers' player origins.
    const src = button.getAttribute("data-embed-src") ?? "";
    if (!src.startsWith("https://")) return;
    const frame = document.createElement("iframe");
    frame.src = src;
    frame.title = message("player", {
      title: button.getAttribute("data-embed-title") ?? message("embedded"),
    });
    frame.className = "embed-frame";
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.loading = "lazy";
    const card = button.closest(".embed");
    card?.classList.add("is-playing");
    button.replaceWith(frame);
    frame.focus();
  });
}
