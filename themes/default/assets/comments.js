// Progressive enhancement of the comment form; everything works without this file.
// Reply links move the form under the comment; the form posts in place and shows the outcome.
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

  const replyTo = (link) => {
    const item = link.closest("li.comment");
    item.querySelector(":scope > .comment-body").after(respond);
    parentInput.value = link.dataset.replyTo;
    heading.textContent = `Reply to ${link.dataset.replyName}`;
    cancel.hidden = false;
    body.focus();
  };
  const cancelReply = () => {
    home.after(respond);
    parentInput.value = "";
    heading.textContent = "Leave a Reply";
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
    say("Sending your comment…");
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
        say("Your comment has been posted.");
        item.scrollIntoView({ block: "nearest" });
      } else if (response.status === 202) {
        body.value = "";
        cancelReply();
        say(result.message ?? "Your comment is awaiting moderation.");
      } else {
        const errors = Object.fromEntries(
          Object.entries(result.fields ?? {}).map(([name, why]) => [name, `${labelOf(name)} ${why}.`]),
        );
        say(result.error ?? "Your comment could not be sent. Please try again.", errors);
      }
    } catch {
      say("Your comment could not be sent: check your connection and try again. Your text is still here.");
    } finally {
      submit.disabled = false;
    }
  });

  const labelOf = (name) =>
    ({ name: "Name", email: "Email", url: "Website", body: "Comment", parent_id: "Reply" })[name] ?? name;
}
