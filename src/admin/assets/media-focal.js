// Clicking the picture on an image's page sets its focal point in the number fields (the form works without this).
const picker = document.querySelector("[data-focal-picker]");
const across = document.getElementById("focal_x");
const down = document.getElementById("focal_y");
const mark = picker?.querySelector(".media-focus-mark");

function showMark(x, y) {
  if (!mark) return;
  mark.style.left = `${x * 100}%`;
  mark.style.top = `${y * 100}%`;
  mark.hidden = false;
}

if (picker && across && down) {
  showMark(Number(across.value), Number(down.value));
  picker.addEventListener("click", (event) => {
    const box = picker.querySelector("img").getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
    across.value = x.toFixed(2);
    down.value = y.toFixed(2);
    showMark(x, y);
  });
}
