// Search-as-you-type for search boxes: progressive enhancement of any
// <form role="search" action="/search"> holding an <input name="q">. Without this script the form
// still submits to /search. Opt a box out with data-suggest="off". Follows the ARIA combobox
// pattern: arrow keys move through the suggestions, Enter opens one, Escape closes the list.

// Interface strings in the page's language (`<meta name="theme-messages">`, from the theme's catalogues).
const messages = JSON.parse(
  document.querySelector('meta[name="theme-messages"]')?.getAttribute("content") || "{}",
);
const message = (key, values = {}) =>
  (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );

const MIN_CHARS = 2;
const DEBOUNCE_MS = 150;
let instances = 0;

function enhance(input) {
  const form = input.form;
  if (!form || input.dataset.suggest === "off" || input.dataset.suggestReady) return;
  input.dataset.suggestReady = "1";
  instances += 1;
  const listId = `search-suggest-${instances}`;

  const host = input.parentElement;
  host.classList.add("search-suggest-host");
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "search-suggest";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", message("suggested"));
  list.hidden = true;
  host.appendChild(list);

  const status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  host.appendChild(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("autocomplete", "off");

  const cache = new Map();
  let timer;
  let controller;
  let active = -1;

  const options = () => Array.from(list.querySelectorAll('[role="option"]'));

  function close() {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function select(index) {
    const items = options();
    if (items.length === 0) return;
    active = (index + items.length) % items.length;
    for (const [i, item] of items.entries())
      item.setAttribute("aria-selected", i === active ? "true" : "false");
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  function option(id, href, fill) {
    const item = document.createElement("li");
    item.id = id;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    const link = document.createElement("a");
    link.href = href;
    link.tabIndex = -1;
    fill(link);
    item.appendChild(link);
    return item;
  }

  function render(query, suggestions) {
    if (input.value.trim() !== query) return;
    list.replaceChildren();
    active = -1;
    suggestions.forEach((suggestion, i) => {
      list.appendChild(
        option(`${listId}-${i}`, suggestion.url, (link) => {
          // title_html is built by the server: the title HTML-escaped, matched words in <mark>.
          link.innerHTML = suggestion.title_html;
        }),
      );
    });
    const all = option(`${listId}-all`, `/search?q=${encodeURIComponent(query)}`, (link) => {
      link.textContent = message("see_all", { query });
    });
    all.classList.add("search-suggest-all");
    list.appendChild(all);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent =
      suggestions.length === 0
        ? message("no_suggestions")
        : message("suggestions_found", {
            count: suggestions.length.toLocaleString(document.documentElement.lang),
          });
  }

  async function fetchSuggestions(query) {
    if (cache.has(query)) return render(query, cache.get(query));
    controller?.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`/search/suggest?q=${encodeURIComponent(query)}`, {
        headers: { accept: "application/json" },
        signal: controller.signal,
      });
      if (!response.ok) return;
      const body = await response.json();
      const suggestions = Array.isArray(body.suggestions) ? body.suggestions : [];
      cache.set(query, suggestions);
      render(query, suggestions);
    } catch (error) {
      // An aborted request was superseded by newer typing; a network failure just means no list.
      if (error.name !== "AbortError") close();
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < MIN_CHARS) {
      controller?.abort();
      close();
      return;
    }
    timer = setTimeout(() => fetchSuggestions(query), DEBOUNCE_MS);
  });

  // A box behind a disclosure button (the masthead's, on small screens) takes focus as it opens and
  // closes again on Escape, handing focus back to the button.
  const disclosure = form.closest("details");
  disclosure?.addEventListener("toggle", () => {
    if (disclosure.open) input.focus();
  });

  input.addEventListener("keydown", (event) => {
    if (list.hidden) {
      if (event.key === "ArrowDown" && input.value.trim().length >= MIN_CHARS) {
        event.preventDefault();
        fetchSuggestions(input.value.trim());
      } else if (event.key === "Escape" && disclosure?.open) {
        event.preventDefault();
        disclosure.open = false;
        disclosure.querySelector("summary")?.focus();
      }
      return;
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      select(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      select(active - 1);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      const link = options()[active]?.querySelector("a");
      if (link) window.location.assign(link.href);
    }
  });

  // Keep focus in the box while a suggestion is clicked, so the click lands before the list closes.
  list.addEventListener("mousedown", (event) => event.preventDefault());
  input.addEventListener("blur", () => close());
  form.addEventListener("submit", () => close());
}

for (const input of document.querySelectorAll('form[role="search"] input[name="q"]')) enhance(input);
