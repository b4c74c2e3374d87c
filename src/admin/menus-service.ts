import { listPagesByIds } from "../articles/pages.js";
import { listCategoriesByIds } from "../articles/taxonomy.js";
import { recordAuditEvent } from "../audit/service.js";
import type { AppContext } from "../context.js";
import { problemText } from "../lib/problems.js";
import type { FieldErrors } from "../lib/text-input.js";
import {
  MENU_NAMES,
  type MenuItem,
  type MenuName,
  type Menus,
  replaceMenus,
  validateMenuItems,
} from "../site/menus-service.js";
import { SITE_PROBLEMS } from "../site/problems.js";

type Ctx = Pick<AppContext, "db" | "now" | "changes">;

/** Where a menu's errors are reported: `header_menu`, `header_menu[2].url`, as the Admin API names it. */
export function menuField(menu: MenuName): string {
  return `${menu}_menu`;
}

/** An item as typed: labels and addresses trimmed, an empty label meaning none. */
function trimmed(item: MenuItem): MenuItem {
  const label = item.label?.trim() ?? "";
  return {
    kind: item.kind,
    id: item.kind === "link" ? null : item.id,
    url: item.kind === "link" ? (item.url ?? "").trim() : null,
    label: label === "" ? null : label,
  };
}

/**
 * Checks that every category and page named exists, and stores a label equal to its target's
 * name as none, so the link follows a later rename (what the API reads back can be sent again).
 */
async function withTargets(
  ctx: Pick<Ctx, "db">,
  menus: Partial<Menus>,
  errors: FieldErrors,
): Promise<Partial<Menus>> {
  const items = MENU_NAMES.flatMap((menu) => menus[menu] ?? []);
  const idsOf = (kind: MenuItem["kind"]) =>
    items.flatMap((item) => (item.kind === kind && item.id ? [item.id] : []));
  const [categories, pages] = await Promise.all([
    listCategoriesByIds(ctx, idsOf("category")),
    listPagesByIds(ctx, idsOf("page")),
  ]);
  const names = new Map<string, string>([
    ...categories.map((c): [string, string] => [`category:${c.id}`, c.name]),
    ...pages.map((p): [string, string] => [`page:${p.id}`, p.title]),
  ]);
  const checked: Partial<Menus> = {};
  for (const menu of MENU_NAMES) {
    checked[menu] = menus[menu]?.map((item, i) => {
      if (item.kind === "link") return item;
      const name = names.get(`${item.kind}:${item.id}`);
      if (name === undefined)
        errors[`${menuField(menu)}[${i}].id`] ??= problemText(SITE_PROBLEMS.names_no, { kind: item.kind });
      return item.label === name ? { ...item, label: null } : item;
    });
  }
  return checked;
}

const REFUSALS = {
  "changed-meanwhile": SITE_PROBLEMS.changed_meanwhile,
  "target-deleted": SITE_PROBLEMS.target_deleted,
} as const;

/**
 * Checks whole menus an administrator sends, the Settings page and the Admin API alike: each item
 * is validated and each category and page named must exist. Returns the menus to store, or the
 * errors (keyed `header_menu[2].url`).
 */
export async function checkMenus(
  ctx: Pick<Ctx, "db">,
  update: Partial<Menus>,
): Promise<{ errors: FieldErrors } | { menus: Partial<Menus> }> {
  const typed: Partial<Menus> = {};
  const errors: FieldErrors = {};
  for (const menu of MENU_NAMES) {
    const items = update[menu]?.map(trimmed);
    if (!items) continue;
    typed[menu] = items;
    Object.assign(errors, validateMenuItems(menuField(menu), items));
  }
  if (Object.keys(errors).length) return { errors };
  const menus = await withTargets(ctx, typed, errors);
  return Object.keys(errors).length ? { errors } : { menus };
}

/**
 * Stores menus `checkMenus` returned. `expectedVersions` (the form's) refuses a save over a
 * change made since the form was opened. Records which menus changed in the audit log and
 * re-renders every page.
 */
export async function storeMenus(
  ctx: Ctx,
  actor: { id: number; ip: string },
  menus: Partial<Menus>,
  expectedVersions: Partial<Record<MenuName, string>> = {},
): Promise<{ errors: FieldErrors; refused: keyof typeof REFUSALS } | { changed: MenuName[] }> {
  const replaced = await replaceMenus(ctx, menus, expectedVersions);
  if ("refused" in replaced) {
    const named = MENU_NAMES.filter((menu) => menus[menu]);
    return {
      errors: Object.fromEntries(named.map((menu) => [menuField(menu), REFUSALS[replaced.refused]])),
      refused: replaced.refused,
    };
  }
  if (replaced.changed.length) {
    await recordAuditEvent(ctx, {
      event: "settings_changed",
      actorId: actor.id,
      detail: replaced.changed.map((menu) => `${menu} menu`).join(", "),
      ip: actor.ip,
    });
    await ctx.changes.changed(["menus"]);
  }
  return { changed: replaced.changed };
}
