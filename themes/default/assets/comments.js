// Progressive enhancement of the comment form; everything works without this file.

// Interface strings in the page's language (`<meta name="theme-messages">`, from the theme's catalogues).
const messages = JSON.parse(
  document.querySelector('meta[name="theme-messages"]')?.getAttribute("content") || "{}",
);
const message = (key, values = {}) =>
  (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );

// Reply links move the form under the comment; the form posts in place and shows the outcome;
// a reader's remembered name, email and website are filled in from a cookie only this browser reads.
const area = document.querySelector("[data-comments]");
const respond = area?.querySelector("[data-comment-respond]");
const form = respond?.querySelector("[data-comment-form]");

if (area && respond && form) {
  const home = document.createComment("comment form home");
  respond.before(home);
  const parentInput = form.querySelector("[data-parent-id]");
  const heading = respond.querySelector("[data-reply-heading]");
  const cancel = respond.querySelector("[data-cancel-reply]");
  const status = form.querySelector("[data-comment-status]");
  const body = form.querySelector("textarea[name=body]");
  const submit = form.querySelector("button[type=submit]");
  const forget = respond.querySelector("[data-comment-forget]");

  // The server never puts remembered details in the page (that keeps it cacheable for everyone),
  // so they come from the reader's own cookie: JSON, percent-encoded, set when they ticked
  // "Save my name…". Anything odd in it is ignored; it only ever fills in the form.
  const readRemembered = () => {
    const prefix = `${form.dataset.rememberedCookie}=`;
    const pair = document.cookie.split(/;\s*/).find((part) => part.startsWith(prefix));
    if (!form.dataset.rememberedCookie || !pair || pair.length > 4096) return undefined;
    try {
      const value = JSON.parse(decodeURIComponent(pair.slice(prefix.length)));
      if (typeof value?.name !== "string" || typeof value.email !== "string") return undefined;
      return { name: value.name, email: value.email, url: typeof value.url === "string" ? value.url : "" };
    } catch {
      return undefined;
    }
  };
  const showForget = () => {
    if (forget) forget.hidden = readRemembered() === undefined;
  };
  const remembered = readRemembered();
  const detailInputs = ["name", "email", "url"]
    .map((name) => form.querySelector(`input[name="${name}"]`))
    .filter((input) => input !== null);
  // A form handed back after a rejected post (or restored by the browser) keeps what is in it.
  if (remembered && detailInputs.length > 0 && detailInputs.every((input) => input.value === "")) {
    for (const input of detailInputs) {
      const value = remembered[input.name];
      input.value = input.maxLength > 0 ? value.slice(0, input.maxLength) : value;
    }
    const rememberBox = form.querySelector('input[name="remember"]');
    if (rememberBox) rememberBox.checked = true;
  }
  showForget();

  const replyTo = (link) => {
    const item = link.closest("li.comment");
    item.querySelector(":scope > .comment-body").after(respond);
    parentInput.value = link.dataset.replyTo;
    heading.textContent = message("reply_to", { name: link.dataset.replyName });
    cancel.hidden = false;
    body.focus();
  };
  const cancelReply = () => {
    home.after(respond);
    parentInput.value = "";
    heading.textContent = message("leave_reply");
    cancel.hidden = true;
  };

  area.addEventListener("click", (event) => {
    const link = event.target.closest(".comment-reply-link");
    if (link) {
      event.preventDefault();
      replyTo(link);
    } else if (event.target.closest("[data-cancel-reply]")) {
      event.preventDefault();
      cancelReply();
    }
  });

  const say = (message, errors = {}) => {
    status.replaceChildren();
    for (const old of form.querySelectorAll(".field-error[data-js]")) old.remove();
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    if (message) {
      const p = document.createElement("p");
      p.className = "comment-form-message";
      p.textContent = message;
      status.append(p);
    }
    for (const [name, why] of Object.entries(errors)) {
      const input = form.querySelector(`[name="${name}"]`);
      const note = document.createElement("span");
      note.className = "field-error";
      note.dataset.js = "";
      note.id = `comment-error-${name}-js`;
      note.textContent = why;
      if (input && input.type !== "hidden") {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", note.id);
        input.after(note);
      } else {
        status.append(note);
      }
    }
  };

  const insertComment = (comment) => {
    const template = document.createElement("template");
    template.innerHTML = comment.html.trim();
    const item = template.content.firstElementChild;
    let list = area.querySelector("[data-comment-list]");
    const parent = comment.parent_id ? document.getElementById(`comment-${comment.parent_id}`) : null;
    if (parent) {
      list = parent.querySelector(":scope > ol.children");
      if (!list) {
        list = document.createElement("ol");
        list.className = "children";
        parent.append(list);
      }
    }
    list.hidden = false;
    list.append(item);
    return item;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    say(message("sending"));
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
      });
      const result = await response.json().catch(() => ({}));
      if (response.status === 201 && result.comment) {
        const item = insertComment(result.comment);
        body.value = "";
        cancelReply();
        say(message("posted"));
        showForget();
        item.scrollIntoView({ block: "nearest" });
      } else if (response.status === 202) {
        body.value = "";
        cancelReply();
        say(result.message ?? message("posted"));
        showForget();
      } else {
        // The server words each problem in the site's language.
        const errors = result.messages ?? {};
        say(result.error ?? message("failed"), errors);
      }
    } catch {
      say(message("offline"));
    } finally {
      submit.disabled = false;
    }
  });
}
