import { listPagesByIds } from "../articles/pages.js";
import { sharedUntilChange } from "../articles/shared-until-change.js";
import { listCategoriesByIds } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import type { ContentScope } from "../infrastructure/content-changes.js";
import { archivePath } from "../lib/slug.js";
import { listMenus, type MenuItem, type MenuName } from "../site/menus-service.js";

type Ctx = Pick<AppContext, "db" | "changes" | "sharedReads">;

/** A menu item with what its target is now: the label readers see and where it leads. */
export interface MenuLink extends MenuItem {
  /** What readers see: the label typed, else the category's name or the page's title. */
  shownLabel: string;
  href: string;
  /** False while its page is not published: it stays in the menu, out of readers' sight. */
  isShown: boolean;
}

/** Both menus with their targets, and the scopes a page showing them draws on. */
export interface SiteMenus {
  menus: Record<MenuName, MenuLink[]>;
  scopes: ContentScope[];
}

async function readSiteMenus(ctx: Ctx): Promise<SiteMenus> {
  const stored = await listMenus(ctx);
  const items = [...stored.header, ...stored.footer];
  const idsOf = (kind: MenuItem["kind"]) =>
    items.flatMap((item) => (item.kind === kind && item.id ? [item.id] : []));
  const pageIds = idsOf("page");
  const [categories, pages] = await Promise.all([
    listCategoriesByIds(ctx, idsOf("category")),
    listPagesByIds(ctx, pageIds),
  ]);
  const categoryById = new Map(categories.map((c) => [c.id, c]));
  const pageById = new Map(pages.map((p) => [p.id, p]));
  const link = (item: MenuItem): MenuLink[] => {
    if (item.kind === "link") {
      const label = item.label ?? "";
      return [{ ...item, shownLabel: label, href: item.url ?? "/", isShown: true }];
    }
    if (item.kind === "category") {
      const category = categoryById.get(item.id ?? 0);
      if (!category) return [];
      const href = archivePath("category", category.slug);
      return [{ ...item, shownLabel: item.label ?? category.name, href, isShown: true }];
    }
    const page = pageById.get(item.id ?? 0);
    if (!page) return [];
    return [
      {
        ...item,
        shownLabel: item.label ?? page.title,
        href: page.path,
        isShown: page.isPublished,
      },
    ];
  };
  return {
    menus: { header: stored.header.flatMap(link), footer: stored.footer.flatMap(link) },
    // Categories change only site-wide; a page's title, address and status change with it.
    scopes: ["menus", ...[...new Set(pageIds)].map((id): ContentScope => `article:${id}`)],
  };
}

const sharedSiteMenus = sharedUntilChange(
  (ctx: Ctx, _request: "menus") => readSiteMenus(ctx),
  () => "menus",
  (result) => result.scopes,
);

/**
 * Both menus with their targets' names and addresses as they are now, shared by every page until
 * a menu or one of its pages changes (a category changes only site-wide).
 */
export function siteMenus(ctx: Ctx): Promise<SiteMenus> {
  return sharedSiteMenus(ctx, "menus");
}
