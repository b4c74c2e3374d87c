// Progressive enhancements for the admin; every page works without this file.
import { message } from "./messages.js";

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
// A single dangerous button inside a larger form (e.g. "Delete permanently" in the editor).
for (const button of document.querySelectorAll("button[data-confirm]")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
}
// "Copy" buttons next to values shown once (a new API token).
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    await navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = message("copied");
  });
}
// Wide screens show the admin menu's links in the bar (admin.css); browsers that cannot style a closed
// disclosure's content (no ::details-content) get the menu opened instead.
const adminMenu = document.querySelector(".admin-menu");
if (adminMenu && !CSS.supports("selector(::details-content)") && matchMedia("(min-width: 641px)").matches)
  adminMenu.open = true;
