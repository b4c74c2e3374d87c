// Settings page: shows today's masthead date for the date format and zone as they are typed.
import { message } from "./messages.js";

const form = document.querySelector("form[data-settings]");
const pattern = form?.querySelector("#dateFormat");
const zone = form?.querySelector("#timezone");
const output = form?.querySelector("[data-date-example]");

if (pattern && zone && output) {
  let timer;
  const refresh = async () => {
    const query = new URLSearchParams({ dateFormat: pattern.value, timezone: zone.value });
    try {
      const response = await fetch(`/admin/settings/date-example?${query}`, {
        headers: { accept: "application/json" },
        credentials: "same-origin",
      });
      const result = await response.json();
      output.textContent = response.ok ? result.example : message("invalid_date_pattern");
    } catch {
      // Offline: the example is shown again after saving.
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  };
  pattern.addEventListener("input", schedule);
  zone.addEventListener("change", schedule);
}
