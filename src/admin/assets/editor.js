// The story editor's enhancements: live preview, permalink, schedule label, source rows and
// comma-separated term suggestions. Without this file the form still does all of it by round trips.
const form = document.querySelector("form[data-editor]");

function slugify(text) {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/g, "");
}

function setUpLivePreview() {
  const source = form.querySelector("[data-preview-source]");
  const target = form.querySelector("[data-preview-target]");
  const token = form.querySelector('input[name="_csrf"]')?.value ?? "";
  if (!source || !target) return;
  let timer;
  let latest = 0;
  const refresh = async () => {
    const request = ++latest;
    try {
      const response = await fetch("/admin/articles/preview", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": token },
        body: JSON.stringify({ body: source.value }),
        credentials: "same-origin",
      });
      if (request !== latest) return;
      if (response.status === 422) {
        const { fields } = await response.json();
        target.textContent = `This story ${fields?.body ?? "cannot be previewed"}.`;
        return;
      }
      if (!response.ok) return;
      const { html } = await response.json();
      // The server returns HTML already passed through the article allow-list.
      target.innerHTML = html || '<p class="hint">Nothing to preview yet.</p>';
      target.closest(".preview-pane")?.removeAttribute("data-preview-empty");
    } catch {
      // Offline or signed out: the "Preview" button still works by a round trip.
    }
  };
  source.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  target.closest(".preview-pane")?.classList.add("is-live");
  refresh();
}

function setUpPermalink() {
  const slug = form.querySelector("#slug");
  const title = form.querySelector("#title");
  const output = form.querySelector("[data-permalink]");
  if (!slug || !title || !output) return;
  const prefix = slug.dataset.permalinkPrefix;
  const update = () => {
    const value = slug.value.trim() || slugify(title.value);
    output.textContent = value ? `${prefix}/${value}/` : `${prefix}/…/`;
  };
  slug.addEventListener("input", update);
  title.addEventListener("input", update);
}

function setUpScheduleLabel() {
  const input = form.querySelector("[data-schedule]");
  const button = form.querySelector("[data-publish-button]");
  if (!input || !button) return;
  const nowLocal = input.dataset.nowLocal ?? "";
  input.addEventListener("input", () => {
    button.textContent = input.value && input.value > nowLocal ? "Schedule" : "Publish";
  });
}

function setUpSourceRows() {
  const list = form.querySelector("[data-source-rows]");
  const add = form.querySelector("[data-add-source]");
  if (!list || !add) return;
  add.hidden = false;
  add.addEventListener("click", () => {
    const rows = list.querySelectorAll(".source-row");
    const copy = rows[rows.length - 1].cloneNode(true);
    const n = rows.length + 1;
    for (const error of copy.querySelectorAll(".field-error")) error.remove();
    for (const input of copy.querySelectorAll("input")) {
      const base = input.name;
      input.value = "";
      input.id = `${base}_${n}`;
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
    for (const label of copy.querySelectorAll("label")) {
      label.htmlFor = label.htmlFor.replace(/_\d+$/, `_${n}`);
    }
    list.append(copy);
    copy.querySelector("input")?.focus();
  });
}

// A datalist suggests whole values; for "World, Pol" it should offer "World, Politics".
function setUpTermSuggestions() {
  for (const input of form.querySelectorAll("[data-term-input]")) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) continue;
    const names = [...list.options].map((option) => option.value);
    input.addEventListener("input", () => {
      const cut = input.value.lastIndexOf(",");
      const head = cut >= 0 ? `${input.value.slice(0, cut + 1).trimEnd()} ` : "";
      const chosen = new Set(
        head
          .split(",")
          .map((name) => name.trim().toLowerCase())
          .filter(Boolean),
      );
      list.replaceChildren(
        ...names
          .filter((name) => !chosen.has(name.toLowerCase()))
          .map((name) => {
            const option = document.createElement("option");
            option.value = head + name;
            return option;
          }),
      );
    });
  }
}

if (form) {
  setUpLivePreview();
  setUpPermalink();
  setUpScheduleLabel();
  setUpSourceRows();
  setUpTermSuggestions();
}
