import { field, fieldList, parseId } from "../infrastructure/requests.js";
import { problemText } from "../lib/problems.js";
import type { FieldErrors } from "../lib/text-input.js";
import type { MenuLink } from "../pages/menus.js";
import { MENU_ITEM_KINDS, type MenuItem, type MenuName, menuVersion } from "../site/menus-service.js";
import { SITE_PROBLEMS } from "../site/problems.js";
import { menuField } from "./menus-service.js";

/**
 * The menus editor of the Settings page, one form per menu that works without scripts: a row per
 * item (position, label, a link's address, remove) and an "add" row. Every submit sends the whole
 * menu and the version it showed; a rejected one comes back exactly as typed.
 */

/** One item's row as typed. */
export interface MenuFormRow {
  kind: string;
  /** The category's or page's id ('' for a link). */
  id: string;
  url: string;
  label: string;
  position: string;
  remove: boolean;
}

/** What one menu's form holds, as typed. */
export interface MenuForm {
  rows: MenuFormRow[];
  add: { kind: string; category: string; page: string; label: string; url: string };
  /** `menuVersion` of the menu the form was opened on. */
  version: string;
}

const NO_ADDITION: MenuForm["add"] = { kind: "", category: "", page: "", label: "", url: "" };

/** The form of a menu as stored: labels left empty where they follow the target's name. */
export function menuFormFromStored(links: readonly MenuLink[]): MenuForm {
  return {
    rows: links.map((link, i) => ({
      kind: link.kind,
      id: link.id === null ? "" : String(link.id),
      url: link.url ?? "",
      label: link.label ?? "",
      position: String(i + 1),
      remove: false,
    })),
    add: NO_ADDITION,
    version: menuVersion(links.map(({ kind, id, url, label }) => ({ kind, id, url, label }))),
  };
}

export function menuFormFromBody(body: unknown): MenuForm {
  const kinds = fieldList(body, "item_kind");
  const ids = fieldList(body, "item_id");
  const urls = fieldList(body, "item_url");
  const labels = fieldList(body, "item_label");
  const positions = fieldList(body, "item_position");
  const removed = new Set(fieldList(body, "remove"));
  return {
    rows: kinds.map((kind, i) => ({
      kind,
      id: ids[i] ?? "",
      url: urls[i] ?? "",
      label: labels[i] ?? "",
      position: (positions[i] ?? "").trim(),
      remove: removed.has(String(i)),
    })),
    add: {
      kind: field(body, "add_kind"),
      category: field(body, "add_category"),
      page: field(body, "add_page"),
      label: field(body, "add_label"),
      url: field(body, "add_url"),
    },
    version: field(body, "version"),
  };
}

/** Where an item of the submitted menu came from: a row (by index) or the add row. */
type Origin = number | "add";

/**
 * The items a submitted form asks for, in the order of their positions (the addition last), with
 * each one's origin, and the errors only the form can have (a position, an addition half made).
 */
export function itemsFromMenuForm(form: MenuForm): {
  items: MenuItem[];
  origins: Origin[];
  errors: FieldErrors;
} {
  const errors: FieldErrors = {};
  const kept: { item: MenuItem; origin: Origin; position: number }[] = [];
  form.rows.forEach((row, i) => {
    if (row.remove) return;
    const position = /^\d{1,3}$/.test(row.position) ? Number(row.position) : 0;
    if (position < 1) errors[`row${i}.position`] = SITE_PROBLEMS.position;
    const kind = row.kind as MenuItem["kind"];
    kept.push({
      item: { kind, id: parseId(row.id) ?? null, url: row.url, label: row.label },
      origin: i,
      position,
    });
  });
  kept.sort((a, b) => a.position - b.position || (a.origin as number) - (b.origin as number));
  const { add } = form;
  if (add.kind !== "") {
    const kind = MENU_ITEM_KINDS.find((k) => k === add.kind);
    const chosen = kind === "category" ? add.category : kind === "page" ? add.page : "";
    if (kind === undefined) errors["add.kind"] = SITE_PROBLEMS.add_kind;
    else if (kind !== "link" && parseId(chosen) === undefined)
      errors[`add.${kind}`] = problemText(SITE_PROBLEMS.choose_target, { kind });
    else
      kept.push({
        item: { kind, id: parseId(chosen) ?? null, url: add.url, label: add.label },
        origin: "add",
        position: Number.POSITIVE_INFINITY,
      });
  }
  return { items: kept.map((k) => k.item), origins: kept.map((k) => k.origin), errors };
}

/** The service's errors (`header_menu[2].url`) as the form's (`row5.url`, `add.url`, `menu`). */
export function formErrorsOf(menu: MenuName, errors: FieldErrors, origins: readonly Origin[]): FieldErrors {
  const prefix = menuField(menu);
  const mapped: FieldErrors = {};
  for (const [key, why] of Object.entries(errors)) {
    const match = /^\w+\[(\d+)\]\.(\w+)$/.exec(key);
    if (key === prefix) mapped.menu = why;
    else if (match) {
      const origin = origins[Number(match[1])];
      const part = origin === "add" && match[2] === "id" ? "target" : match[2];
      mapped[origin === "add" ? `add.${part}` : `row${origin}.${part}`] = why;
    } else mapped[key] = why;
  }
  return mapped;
}

/** Names of targets the editor shows beside each row. */
export interface MenuTargets {
  categories: readonly { id: number; name: string }[];
  pages: readonly { id: number; title: string; path: string; isPublished: boolean }[];
}

/** What the menus-editor view shows of one menu. */
export function menuEditorModel(menu: MenuName, form: MenuForm, errors: FieldErrors, targets: MenuTargets) {
  const categoryNames = new Map(targets.categories.map((c) => [String(c.id), c.name]));
  const pages = new Map(targets.pages.map((p) => [String(p.id), p]));
  const addError = (part: string) => errors[`add.${part}`] ?? "";
  return {
    name: menu,
    version: form.version,
    error: errors.menu ?? "",
    has_errors: Object.keys(errors).length > 0,
    rows: form.rows.map((row, i) => {
      const page = row.kind === "page" ? pages.get(row.id) : undefined;
      const rowError = (part: string) => errors[`row${i}.${part}`] ?? "";
      return {
        ...row,
        index: i,
        is_link: row.kind === "link",
        target_name: row.kind === "category" ? (categoryNames.get(row.id) ?? "") : (page?.title ?? ""),
        target_url: page?.path ?? "",
        is_hidden: page !== undefined && !page.isPublished,
        errors: {
          position: rowError("position"),
          label: rowError("label"),
          url: rowError("url"),
          target: rowError("id") || rowError("kind"),
        },
      };
    }),
    add: {
      ...form.add,
      errors: {
        kind: addError("kind"),
        category: addError("category") || (form.add.kind === "category" ? addError("target") : ""),
        page: addError("page") || (form.add.kind === "page" ? addError("target") : ""),
        label: addError("label"),
        url: addError("url"),
      },
    },
  };
}
