// The story editor's enhancements: live preview, permalink, schedule label, source rows,
// comma-separated term suggestions, autosave with an unsaved-changes guard, who else is editing,
// and images dropped or pasted into the story.
// Without this file the form still does all of it by round trips (autosave aside).
const form = document.querySelector("form[data-editor]");
const csrfToken = form?.querySelector('input[name="_csrf"]')?.value ?? "";
// What the editor says, in the staff member's language (`data-messages`, from the admin catalogue).
const messages = JSON.parse(form?.dataset.messages || "{}");
const message = (key, values = {}) =>
  (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
const AUTOSAVE_EVERY_MS = 10_000;
const EDITING_PING_EVERY_MS = 20_000;

/** A JSON POST to the admin with the form's CSRF token; `keepalive` lets it finish as the page goes. */
function postJson(url, data, keepalive = false) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrfToken },
    body: JSON.stringify(data),
    credentials: "same-origin",
    keepalive,
  });
}

function setUpLivePreview() {
  const source = form.querySelector("[data-preview-source]");
  const target = form.querySelector("[data-preview-target]");
  if (!source || !target) return;
  let timer;
  let latest = 0;
  const refresh = async () => {
    const request = ++latest;
    try {
      const response = await postJson("/admin/articles/preview", { body: source.value });
      if (request !== latest) return;
      if (response.status === 422) {
        const { fields } = await response.json();
        target.textContent = fields?.body
          ? message("preview_problem", { problem: fields.body })
          : message("cannot_preview");
        return;
      }
      if (!response.ok) return;
      const { html } = await response.json();
      // The server returns HTML already passed through the article allow-list.
      if (html) target.innerHTML = html;
      else {
        const hint = document.createElement("p");
        hint.className = "hint";
        hint.textContent = message("nothing_to_preview");
        target.replaceChildren(hint);
      }
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
  let timer;
  let latest = 0;
  const show = (value) => {
    output.textContent = value ? `${prefix}/${value}/` : `${prefix}/…/`;
  };
  // The slug a title gets comes from the server, which holds the one slug rule and the site's style.
  const slugOfTitle = async () => {
    const request = ++latest;
    try {
      // The editor lives under its collection (/admin/articles/… or /admin/pages/…), as does the preview.
      const collection = location.pathname.split("/").slice(0, 3).join("/");
      const response = await fetch(`${collection}/slug-preview?title=${encodeURIComponent(title.value)}`, {
        headers: { accept: "application/json" },
        credentials: "same-origin",
      });
      if (request !== latest || !response.ok || slug.value.trim()) return;
      show((await response.json()).slug);
    } catch {
      // Offline: the permalink line keeps its last value.
    }
  };
  const update = () => {
    if (slug.value.trim()) return show(slug.value.trim());
    clearTimeout(timer);
    timer = setTimeout(slugOfTitle, 250);
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
    button.textContent = message(input.value && input.value > nowLocal ? "schedule" : "publish");
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

// Typed text goes to the server every AUTOSAVE_EVERY_MS and when the page is left; leaving with
// text the server does not have yet asks first. A new story becomes a draft at its first autosave.
function setUpAutosave() {
  const status = form.querySelector("[data-autosave-status]");
  const version = form.querySelector('input[name="version"]');
  const value = (name) => form.querySelector(`[name="${name}"]`)?.value ?? "";
  let url = form.dataset.autosaveUrl;
  if (!url || !status || !version) return;
  let edits = 0;
  let savedEdits = 0;
  let inFlight = false;
  let submitting = false;
  const hasUnsaved = () => edits !== savedEdits;
  const noteEdit = () => {
    edits += 1;
    status.textContent = message("unsaved");
  };
  form.addEventListener("input", noteEdit);
  form.addEventListener("change", noteEdit);
  form.addEventListener("submit", () => {
    submitting = true;
  });
  const save = async (keepalive = false) => {
    if (!hasUnsaved() || inFlight || submitting) return;
    const isNew = !form.dataset.editingUrl;
    const data = {
      title: value("title"),
      excerpt: value("excerpt"),
      body: value("body"),
      version: version.value,
    };
    // A new story is kept once it has a title (a draft needs one).
    if (isNew && !data.title.trim()) return;
    const at = edits;
    inFlight = true;
    try {
      const response = await postJson(url, data, keepalive);
      const result = await response.json().catch(() => ({}));
      if (!response.ok) {
        const why = result.fields
          ? Object.entries(result.fields)
              .map(([k, v]) => `${k} ${v}`)
              .join("; ")
          : result.error;
        status.textContent = message("not_autosaved", { problem: why ?? response.status });
        return;
      }
      savedEdits = at;
      if (result.edit_url) {
        form.action = result.edit_url;
        form.dataset.editingUrl = result.editing_url;
        url = result.autosave_url;
        version.value = String(result.version);
        history.replaceState(null, "", result.edit_url);
      }
      status.textContent = message(result.is_stale ? "saved_stale" : "saved", { time: result.saved_label });
      if (hasUnsaved()) status.textContent += message("more_changes");
    } catch {
      status.textContent = message("unreachable");
    } finally {
      inFlight = false;
    }
  };
  setInterval(save, AUTOSAVE_EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save(true);
  });
  window.addEventListener("pagehide", () => save(true));
  window.addEventListener("beforeunload", (event) => {
    if (!hasUnsaved() || submitting) return;
    event.preventDefault();
    event.returnValue = "";
  });
  return () => save();
}

// "Maya is editing since 10:42", refreshed while the editor is open, with a "Take over" button.
function setUpEditingNotice() {
  const notice = document.querySelector("[data-editing-notice]");
  const text = notice?.querySelector("[data-editing-text]");
  if (!notice || !text) return;
  const ping = async (takeOver = false) => {
    const url = form.dataset.editingUrl;
    if (!url) return;
    try {
      const response = await postJson(url, takeOver ? { take_over: "1" } : {});
      if (!response.ok) return;
      const { holder } = await response.json();
      const isSomeoneElse = holder && !holder.is_me;
      notice.hidden = !isSomeoneElse;
      text.textContent = isSomeoneElse
        ? message("editing_since", { name: holder.name, since: holder.since_label })
        : "";
    } catch {
      // Offline: the notice stays as it was.
    }
  };
  notice.querySelector("form[data-take-over]")?.addEventListener("submit", (event) => {
    event.preventDefault();
    ping(true);
  });
  setInterval(ping, EDITING_PING_EVERY_MS);
  window.addEventListener("pagehide", () => {
    if (form.dataset.editingUrl) postJson(`${form.dataset.editingUrl}/release`, {}, true).catch(() => {});
  });
}

// "Preview on the site" shows what is typed: the autosave goes first, then the new tab opens it.
/** The image files among dropped or pasted items. */
function imageFiles(transfer) {
  return [...(transfer?.files ?? [])].filter((file) => file.type.startsWith("image/"));
}

// Images dropped or pasted into the story are uploaded to the library and put in as Markdown at the
// cursor, with the caret left in the empty alt text so the writer describes the image next.
function setUpImageDrop() {
  const body = form.querySelector("textarea[data-image-drop]");
  const status = form.querySelector("[data-image-drop-status]");
  if (!body || !status) return;
  status.hidden = false;
  const announce = (key, values) => {
    status.textContent = message(key, values);
  };
  const upload = async (file) => {
    announce("uploading", { name: file.name });
    const data = new FormData();
    data.append("file", file, file.name);
    try {
      const response = await fetch(body.dataset.imageDrop, {
        method: "POST",
        headers: { accept: "application/json", "x-csrf-token": csrfToken },
        body: data,
        credentials: "same-origin",
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        announce("upload_failed", { name: file.name, problem: answer.fields?.file ?? response.statusText });
        return;
      }
      const markdown = `![](${answer.images[0].url})`;
      const at = body.selectionStart;
      const before = body.value.slice(0, at);
      const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
      body.setRangeText(`${lead}${markdown}\n\n`, at, body.selectionEnd, "end");
      const altAt = at + lead.length + 2;
      body.focus();
      body.setSelectionRange(altAt, altAt);
      body.dispatchEvent(new Event("input", { bubbles: true }));
      announce("uploaded", { name: file.name });
    } catch {
      announce("upload_failed", { name: file.name, problem: "" });
    }
  };
  const take = async (event, transfer) => {
    const files = imageFiles(transfer);
    if (files.length === 0) return;
    event.preventDefault();
    for (const file of files) await upload(file);
  };
  body.addEventListener("dragover", (event) => {
    if ([...(event.dataTransfer?.types ?? [])].includes("Files")) event.preventDefault();
  });
  body.addEventListener("drop", (event) => {
    // The caret follows the pointer, so the image lands where it was dropped.
    body.focus();
    take(event, event.dataTransfer);
  });
  body.addEventListener("paste", (event) => take(event, event.clipboardData));

  // A file dropped anywhere on the featured-image panel goes into its upload field.
  const panel = form.querySelector("[data-featured-drop]");
  const input = panel?.querySelector('input[type="file"]');
  if (!panel || !input) return;
  panel.addEventListener("dragover", (event) => {
    if ([...(event.dataTransfer?.types ?? [])].includes("Files")) {
      event.preventDefault();
      panel.classList.add("is-drop-target");
    }
  });
  panel.addEventListener("dragleave", () => panel.classList.remove("is-drop-target"));
  panel.addEventListener("drop", (event) => {
    panel.classList.remove("is-drop-target");
    const files = imageFiles(event.dataTransfer);
    if (files.length === 0) return;
    event.preventDefault();
    const chosen = new DataTransfer();
    chosen.items.add(files[0]);
    input.files = chosen.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

function setUpThemePreview(save) {
  const link = document.querySelector("a[data-theme-preview]");
  link?.addEventListener("click", async (event) => {
    event.preventDefault();
    const tab = window.open("about:blank", "_blank");
    await save();
    if (tab) tab.location.href = link.href;
    else window.location.href = link.href;
  });
}

if (form) {
  setUpThemePreview(setUpAutosave() ?? (async () => {}));
  setUpEditingNotice();
  setUpLivePreview();
  setUpPermalink();
  setUpScheduleLabel();
  setUpSourceRows();
  setUpTermSuggestions();
  setUpImageDrop();
}
