// Interface strings in the page's language (`<meta name="admin-messages">`, from the admin catalogue's
// `admin.script` section), with `{name}` values filled in.
const messages = JSON.parse(
  document.querySelector('meta[name="admin-messages"]')?.getAttribute("content") || "{}",
);

export const message = (key, values = {}) =>
  (messages[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
