import type { Db } from "../db/database.js";
import type { MenuName } from "../db/schema.js";

/** All stored settings as raw JSON strings keyed by name. */
export async function listSettings(db: Db): Promise<{ key: string; value: string }[]> {
  return db.selectFrom("settings").select(["key", "value"]).orderBy("key").execute();
}

/** Inserts or replaces each given setting. */
export async function upsertSettings(db: Db, values: Record<string, string>, now: string): Promise<void> {
  const rows = Object.entries(values).map(([key, value]) => ({ key, value, updated_at: now }));
  if (rows.length === 0) return;
  await db
    .insertInto("settings")
    .values(rows)
    .onConflict((oc) =>
      oc.column("key").doUpdateSet((eb) => ({
        value: eb.ref("excluded.value"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}

/** The redirect stored for an exact request path, or undefined. */
export async function getRedirect(db: Db, fromPath: string) {
  return db
    .selectFrom("redirects")
    .select(["to_path", "status_code"])
    .where("from_path", "=", fromPath)
    .executeTakeFirst();
}

/** Adds a redirect; an existing one for the same path is replaced. */
export async function upsertRedirect(
  db: Db,
  fromPath: string,
  toPath: string,
  statusCode: number,
  now: string,
) {
  await db
    .insertInto("redirects")
    .values({ from_path: fromPath, to_path: toPath, status_code: statusCode, created_at: now })
    .onConflict((oc) =>
      oc.column("from_path").doUpdateSet((eb) => ({
        to_path: eb.ref("excluded.to_path"),
        status_code: eb.ref("excluded.status_code"),
      })),
    )
    .execute();
}

const INSTALL_SECRET_KEY = "install_secret";

/** The generated install secret (kept apart from the editable settings), or undefined. */
export async function getInstallSecret(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", INSTALL_SECRET_KEY)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as string) : undefined;
}

/** Stores the install secret unless another node stored one first. */
export async function insertInstallSecret(db: Db, secret: string, now: string): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key: INSTALL_SECRET_KEY, value: JSON.stringify(secret), updated_at: now })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

/** Both menus' items, each menu in order (a menu holds at most a few dozen). */
export async function listMenuItems(db: Db) {
  return db
    .selectFrom("menu_items")
    .select(["menu", "position", "kind", "category_id", "page_id", "url", "label"])
    .orderBy("menu")
    .orderBy("position")
    .limit(200)
    .execute();
}

export type MenuItemRow = Awaited<ReturnType<typeof listMenuItems>>[number];

/** Replaces a menu's items with `items`, in that order; run it in the transaction that holds the menu's lock. */
export async function replaceMenuItems(
  db: Db,
  menu: MenuName,
  items: Omit<MenuItemRow, "menu" | "position">[],
): Promise<void> {
  await db.deleteFrom("menu_items").where("menu", "=", menu).execute();
  if (items.length === 0) return;
  await db
    .insertInto("menu_items")
    .values(items.map((item, i) => ({ ...item, menu, position: i + 1 })))
    .execute();
}
