// Drag-and-drop for the front page's numbered slots. The form works without it: each slot is a
// select, and the order of the slots in the page is the order the server reads.
const list = document.querySelector("[data-front-slots]");
// The slots' names in the staff member's language (`data-messages`, from the admin catalogue).
const messages = JSON.parse(list?.dataset.messages || "{}");

function renumber() {
  for (const [i, slot] of [...list.querySelectorAll("[data-front-slot]")].entries()) {
    slot.querySelector("[data-slot-label]").textContent =
      i === 0 ? (messages.lead ?? "") : (messages.top_story ?? "").replace("{number}", String(i));
  }
}

if (list) {
  let dragged = null;
  for (const slot of list.querySelectorAll("[data-front-slot]")) {
    slot.draggable = true;
    slot.addEventListener("dragstart", (event) => {
      dragged = slot;
      slot.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
    });
    slot.addEventListener("dragend", () => {
      slot.classList.remove("is-dragging");
      dragged = null;
      renumber();
    });
    slot.addEventListener("dragover", (event) => {
      if (!dragged || dragged === slot) return;
      event.preventDefault();
      const box = slot.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? slot.nextSibling : slot);
    });
  }
}
