import { createHash } from "node:crypto";
import type { AppContext } from "../context.js";
import { isForeignKeyViolation, lockForTransaction } from "../db/dialect.js";
import type { MenuItemKind, MenuName } from "../db/schema.js";
import { isLinkUrl } from "../lib/link-url.js";
import { problemText } from "../lib/problems.js";
import { checkText, type FieldErrors } from "../lib/text-input.js";
import { SITE_PROBLEMS } from "./problems.js";
import { listMenuItems, replaceMenuItems } from "./store.js";

/**
 * The header and footer menus: what the masthead's section line and the footer link to, in order.
 * An item is a category or a page (by id: its link follows the target's name and address) or a
 * link an editor typed. Items of a category or page deleted for good go with it (the database
 * cascades); a page that is not published stays in its menu but out of readers' sight.
 */

export type { MenuItemKind, MenuName };

export const MENU_NAMES: readonly MenuName[] = ["header", "footer"];
export const MENU_ITEM_KINDS: readonly MenuItemKind[] = ["category", "page", "link"];
/** Items one menu holds at most: a section line, not a sitemap. */
export const MAX_MENU_ITEMS = 30;
/** Longest label (`varchar(100)`). */
const MAX_MENU_LABEL_LENGTH = 100;
/** Longest link address (`varchar(2000)`). */
const MAX_MENU_URL_LENGTH = 2000;

/** A menu item as stored and as an admin names it. */
export interface MenuItem {
  kind: MenuItemKind;
  /** The category's or the page's id; null for a link. */
  id: number | null;
  /** A link's address; null for a category or a page. */
  url: string | null;
  /** What the link says; null (categories and pages only) follows the target's name as it is now. */
  label: string | null;
}

export type Menus = Record<MenuName, MenuItem[]>;

/** Both menus as stored, each in order. */
export async function listMenus(ctx: Pick<AppContext, "db">): Promise<Menus> {
  const menus: Menus = { header: [], footer: [] };
  for (const row of await listMenuItems(ctx.db))
    menus[row.menu]?.push({
      kind: row.kind,
      id: row.kind === "category" ? row.category_id : row.kind === "page" ? row.page_id : null,
      url: row.kind === "link" ? row.url : null,
      label: row.label,
    });
  return menus;
}

/**
 * Errors of a menu's items that need no database, keyed `<field>[i].url` (`header_menu[2].url`)
 * and `<field>` for the menu as a whole; empty when valid. Labels and addresses are checked as
 * given: trim them first.
 */
export function validateMenuItems(field: string, items: readonly MenuItem[]): FieldErrors {
  const errors: FieldErrors = {};
  if (items.length > MAX_MENU_ITEMS)
    errors[field] = problemText(SITE_PROBLEMS.menu_too_long, { max: MAX_MENU_ITEMS });
  items.forEach((item, i) => {
    const at = `${field}[${i}]`;
    if (!MENU_ITEM_KINDS.includes(item.kind)) {
      errors[`${at}.kind`] = SITE_PROBLEMS.item_kind;
      return;
    }
    checkText(errors, `${at}.label`, item.label, { max: MAX_MENU_LABEL_LENGTH });
    if (item.kind === "link") {
      if (!item.label) errors[`${at}.label`] ??= SITE_PROBLEMS.required_for_link;
      const url = item.url ?? "";
      if (url === "") errors[`${at}.url`] = SITE_PROBLEMS.required_for_link;
      else if (checkText(errors, `${at}.url`, url, { max: MAX_MENU_URL_LENGTH }) && !isLinkUrl(url))
        errors[`${at}.url`] = SITE_PROBLEMS.link_url;
    } else if (!Number.isInteger(item.id) || (item.id ?? 0) < 1)
      errors[`${at}.id`] = problemText(SITE_PROBLEMS.must_name, { kind: item.kind });
  });
  return errors;
}

/** A short fingerprint of a menu's items: a form sends back the one it showed, to tell if the menu changed since. */
export function menuVersion(items: readonly MenuItem[]): string {
  return createHash("sha256").update(JSON.stringify(items)).digest("base64url").slice(0, 16);
}

/** What `replaceMenus` did: which menus now differ from before, or why it wrote nothing. */
export type MenusReplaced = { changed: MenuName[] } | { refused: "changed-meanwhile" | "target-deleted" };

/**
 * Replaces the menus named in `menus` (validated by the caller) in one transaction under the
 * menus' lock, so two saves at once leave one of them whole. With `expectedVersions`, nothing is
 * written when a menu's `menuVersion` differs (someone saved it since): `changed-meanwhile`.
 * `target-deleted` when a category or page named was deleted meanwhile. Throws only on database failure.
 */
export async function replaceMenus(
  ctx: Pick<AppContext, "db">,
  menus: Partial<Menus>,
  expectedVersions: Partial<Record<MenuName, string>> = {},
): Promise<MenusReplaced> {
  try {
    return await ctx.db.transaction().execute(async (trx): Promise<MenusReplaced> => {
      await lockForTransaction(trx, "menus");
      const stored = await listMenus({ db: trx });
      for (const menu of MENU_NAMES) {
        const expected = expectedVersions[menu];
        if (expected !== undefined && expected !== menuVersion(stored[menu]))
          return { refused: "changed-meanwhile" };
      }
      const changed: MenuName[] = [];
      for (const menu of MENU_NAMES) {
        const items = menus[menu];
        if (!items || menuVersion(items) === menuVersion(stored[menu])) continue;
        changed.push(menu);
        await replaceMenuItems(
          trx,
          menu,
          items.map((item) => ({
            kind: item.kind,
            category_id: item.kind === "category" ? item.id : null,
            page_id: item.kind === "page" ? item.id : null,
            url: item.kind === "link" ? item.url : null,
            label: item.label,
          })),
        );
      }
      return { changed };
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) return { refused: "target-deleted" };
    throw error;
  }
}
