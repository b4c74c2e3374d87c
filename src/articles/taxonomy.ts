import type { AppContext } from "../context.js";
import { type Db, inTransaction } from "../db/database.js";
import { isUniqueViolation } from "../db/dialect.js";
import { problemText } from "../lib/problems.js";
import { claimFreeSlug, isValidSlug, type SlugStyle, slugify } from "../lib/slug.js";
import { checkText } from "../lib/text-input.js";
import { ARTICLE_PROBLEMS } from "./problems.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "now" | "changes" | "settings">;
export type FieldErrors = Record<string, string>;

export const MAX_TERM_NAME_LENGTH = 100;
/** Longest category or tag slug (`varchar(100)`). */
const MAX_TERM_SLUG_LENGTH = 100;
const MAX_TERM_DESCRIPTION_LENGTH = 1000;

function cleanNames(names: string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of names) {
    const name = raw.replace(/\s+/g, " ").trim();
    if (name && !seen.has(name.toLowerCase())) {
      seen.add(name.toLowerCase());
      result.push(name);
    }
  }
  return result;
}

/** How a kind of term is looked up and claimed; categories and tags differ only in their store calls. */
interface TermKind {
  table: "categories" | "tags";
  fallbackSlug: string;
  listByNames(db: Db, lowerNames: string[]): Promise<{ id: number; name: string }[]>;
  insertIfSlugFree(db: Db, name: string, slug: string, now: string): Promise<{ id: number } | undefined>;
}

const CATEGORY: TermKind = {
  table: "categories",
  fallbackSlug: "category",
  listByNames: store.listCategoriesByNames,
  insertIfSlugFree: (db, name, slug, now) =>
    store.insertTermIfSlugFree(db, "categories", {
      name,
      slug,
      description: "",
      parent_id: null,
      nav_position: null,
      created_at: now,
    }),
};

const TAG: TermKind = {
  table: "tags",
  fallbackSlug: "tag",
  listByNames: store.listTagsByNames,
  insertIfSlugFree: (db, name, slug, now) =>
    store.insertTermIfSlugFree(db, "tags", { name, slug, created_at: now }),
};

/**
 * Ids of the terms named, creating the missing ones. Safe against a concurrent create of the same
 * name: the other writer's term is found by name and used, and a slug lost to a different name gets
 * the next free suffix. Missing terms are claimed in name order
 * so two writers creating the same pair never wait on each other in opposite orders.
 */
async function ensureTerms(
  kind: TermKind,
  db: Db,
  names: string[],
  now: string,
  style: SlugStyle,
): Promise<number[]> {
  const wanted = cleanNames(names);
  const idByName = new Map(
    (
      await kind.listByNames(
        db,
        wanted.map((n) => n.toLowerCase()),
      )
    ).map((t) => [t.name.toLowerCase(), t.id]),
  );
  const missing = wanted.filter((n) => !idByName.has(n.toLowerCase())).sort();
  for (const name of missing) {
    const id = await claimFreeSlug(
      slugify(name, style) || kind.fallbackSlug,
      MAX_TERM_SLUG_LENGTH,
      (root) => store.listSlugsStartingWith(db, kind.table, root),
      async (slug) => {
        // Looked up after the taken slugs were listed: a same-named term committed meanwhile is
        // found here rather than given a suffixed twin; one committed later makes the insert lose.
        const [earlier] = await kind.listByNames(db, [name.toLowerCase()]);
        if (earlier) return earlier.id;
        const inserted = await kind.insertIfSlugFree(db, name, slug, now);
        if (inserted) return inserted.id;
        const [same] = await kind.listByNames(db, [name.toLowerCase()]);
        return same?.id;
      },
    );
    idByName.set(name.toLowerCase(), id);
  }
  return wanted.map((n) => idByName.get(n.toLowerCase())!);
}

/** Category ids for names, creating the missing ones (the editor's "create on type"). */
export async function ensureCategories(
  db: Db,
  names: string[],
  now: string,
  style: SlugStyle,
): Promise<number[]> {
  return ensureTerms(CATEGORY, db, names, now, style);
}

/** Tag ids for names, creating the missing ones. */
export async function ensureTags(db: Db, names: string[], now: string, style: SlugStyle): Promise<number[]> {
  return ensureTerms(TAG, db, names, now, style);
}

export interface CategoryInput {
  name?: string;
  slug?: string;
  description?: string;
  parent_id?: number | null;
  nav_position?: number | null;
}

export function validateTerm(
  input: { name?: string; slug?: string; description?: string },
  creating: boolean,
): FieldErrors {
  const errors: FieldErrors = {};
  if (creating || input.name !== undefined) {
    const name = (input.name ?? "").trim();
    if (checkText(errors, "name", name, { max: MAX_TERM_NAME_LENGTH }) && name === "")
      errors.name = problemText(ARTICLE_PROBLEMS.name_length, { max: MAX_TERM_NAME_LENGTH });
  }
  if (
    input.slug !== undefined &&
    input.slug !== "" &&
    !(isValidSlug(input.slug) && input.slug.length <= MAX_TERM_SLUG_LENGTH)
  )
    errors.slug = problemText(ARTICLE_PROBLEMS.slug_invalid, { max: MAX_TERM_SLUG_LENGTH });
  checkText(errors, "description", input.description, {
    max: MAX_TERM_DESCRIPTION_LENGTH,
    column: "text",
    multiline: true,
  });
  return errors;
}

export async function listCategories(ctx: Pick<Ctx, "db">) {
  const [categories, counts] = await Promise.all([
    store.listCategories(ctx.db),
    store.countPublishedPerCategory(ctx.db),
  ]);
  return categories.map((c) => ({ ...c, article_count: counts.get(c.id) ?? 0 }));
}

export async function getCategoryBySlug(ctx: Pick<Ctx, "db">, slug: string) {
  return store.getCategoryBySlug(ctx.db, slug);
}

export async function getTagBySlug(ctx: Pick<Ctx, "db">, slug: string) {
  return store.getTagBySlug(ctx.db, slug);
}

export async function listTags(ctx: Pick<Ctx, "db">) {
  return store.listTags(ctx.db);
}

/** The categories among `ids` (menus name them by id), in name order. */
export async function listCategoriesByIds(ctx: Pick<Ctx, "db">, ids: readonly number[]) {
  if (ids.length === 0) return [];
  const wanted = new Set(ids);
  return (await store.listCategories(ctx.db)).filter((c) => wanted.has(c.id));
}

/** Categories named in the masthead navigation setting, in that order. */
export async function listNavCategories(ctx: Pick<Ctx, "db">, slugs: string[]) {
  const all = await store.listCategories(ctx.db);
  if (slugs.length > 0) {
    const bySlug = new Map(all.map((c) => [c.slug, c]));
    return slugs.flatMap((s) => (bySlug.has(s) ? [bySlug.get(s)!] : []));
  }
  return all
    .filter((c) => c.nav_position !== null)
    .sort((a, b) => (a.nav_position ?? 0) - (b.nav_position ?? 0));
}

const NAME_EXISTS = ARTICLE_PROBLEMS.category_exists;

export type CategoryCreated =
  | { category: { id: number; name: string; slug: string }; errors?: undefined }
  | { errors: FieldErrors; category?: undefined };
const SLUG_USED = ARTICLE_PROBLEMS.slug_used;

/**
 * Creates a category from the admin form. Two creates of one name at once give one category and
 * a field error, never a duplicate or a server error: the slug is claimed with the unique index,
 * and the name is looked up again just before each insert.
 */
export async function createCategory(ctx: Ctx, input: CategoryInput): Promise<CategoryCreated> {
  const errors = validateTerm(input, true);
  if (Object.keys(errors).length) return { errors };
  const name = (input.name ?? "").trim();
  const row = {
    name,
    description: input.description?.trim() ?? "",
    parent_id: input.parent_id ?? null,
    nav_position: input.nav_position ?? null,
    created_at: ctx.now().toISOString(),
  };
  const created = await inTransaction(ctx.db, async (trx): Promise<CategoryCreated> => {
    const nameTaken = async () => (await store.listCategoriesByNames(trx, [name.toLowerCase()])).length > 0;
    if (await nameTaken()) return { errors: { name: NAME_EXISTS } };
    if (input.slug) {
      const category = await store.insertTermIfSlugFree(trx, "categories", { ...row, slug: input.slug });
      return category ? { category } : { errors: { slug: SLUG_USED } };
    }
    const claimed = await claimFreeSlug(
      slugify(name, (await ctx.settings.get()).slugStyle) || "category",
      MAX_TERM_SLUG_LENGTH,
      (root) => store.listSlugsStartingWith(trx, "categories", root),
      async (slug) =>
        (await nameTaken())
          ? ("name taken" as const)
          : store.insertTermIfSlugFree(trx, "categories", { ...row, slug }),
    );
    return claimed === "name taken" ? { errors: { name: NAME_EXISTS } } : { category: claimed };
  });
  if (created.category) await ctx.changes.changed(["all"]);
  return created;
}

/** Changes the named fields of a category; a slug taken meanwhile by another is a field error. */
export async function updateCategory(ctx: Ctx, id: number, input: CategoryInput): Promise<FieldErrors> {
  const existing = await store.getCategoryById(ctx.db, id);
  if (!existing) return { id: "no such category" };
  const errors = validateTerm(input, false);
  if (input.slug && input.slug !== existing.slug && (await store.isCategorySlugTaken(ctx.db, input.slug)))
    errors.slug = SLUG_USED;
  if (input.parent_id === id) errors.parent_id = ARTICLE_PROBLEMS.own_parent;
  if (Object.keys(errors).length) return errors;
  try {
    await store.updateCategory(ctx.db, id, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.slug ? { slug: input.slug } : {}),
      ...(input.description !== undefined ? { description: input.description.trim() } : {}),
      ...(input.parent_id !== undefined ? { parent_id: input.parent_id } : {}),
      ...(input.nav_position !== undefined ? { nav_position: input.nav_position } : {}),
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { slug: SLUG_USED };
    throw error;
  }
  await ctx.changes.changed(["all"]);
  return {};
}

export async function deleteCategory(ctx: Ctx, id: number): Promise<void> {
  await store.deleteCategory(ctx.db, id);
  await ctx.changes.changed(["all"]);
}

export async function renameTag(
  ctx: Ctx,
  id: number,
  input: { name?: string; slug?: string },
): Promise<FieldErrors> {
  const errors = validateTerm(input, false);
  if (input.slug && (await store.isTagSlugTaken(ctx.db, input.slug))) {
    const current = (await store.listTags(ctx.db)).find((t) => t.id === id);
    if (current?.slug !== input.slug) errors.slug = SLUG_USED;
  }
  if (Object.keys(errors).length) return errors;
  try {
    await store.updateTag(ctx.db, id, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.slug ? { slug: input.slug } : {}),
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { slug: SLUG_USED };
    throw error;
  }
  await ctx.changes.changed(["all"]);
  return {};
}

export async function deleteTag(ctx: Ctx, id: number): Promise<void> {
  await store.deleteTag(ctx.db, id);
  await ctx.changes.changed(["all"]);
}
