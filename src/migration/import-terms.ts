/**
 * Categories and tags of a WordPress import: created through the taxonomy service with their
 * WordPress slugs (so `/category/slug/` and `/tag/slug/` keep working), matched to existing ones
 * by slug or name, with the hierarchy restored once every category is known. A site has at most
 * a few thousand terms, so their ids are kept in memory for the run.
 */
import {
  createCategory,
  ensureTags,
  getCategoryBySlug,
  getTagBySlug,
  listCategories,
  renameTag,
  updateCategory,
} from "../articles/taxonomy.js";
import { archivePath } from "../lib/slug.js";
import { addRedirect } from "../site/redirects.js";
import type { ImportBatch } from "./import-batch.js";
import { addFailure, addWarning, type ImportReport } from "./import-report.js";
import type { ImportCtx } from "./import-service.js";
import { requestPathVariants } from "./legacy-paths.js";
import * as store from "./store.js";
import { type ImportedTerm, mapWxrCategory, mapWxrTag } from "./wxr/mapping.js";
import { normalizeRedirectPath } from "./wxr/permalinks.js";
import type { WxrCategory, WxrTag } from "./wxr/types.js";

/** Deepest category chain followed when rebuilding WordPress's `/category/a/b/c/` addresses. */
const MAX_CATEGORY_DEPTH = 20;

interface ChannelCategory {
  /** The WordPress nicename, percent-decoded (what its old address was built from). */
  rawSlug: string;
  parentSlug: string | null;
}

export class ImportTerms {
  /** True once a term was created (the site's pages must then be refreshed). */
  hasCreated = false;
  /** Normalised WordPress slug → local id. */
  private readonly categories = new Map<string, number>();
  private readonly tags = new Map<string, number>();
  private readonly channelCategories = new Map<string, ChannelCategory>();
  private pendingParents: string[] = [];

  constructor(
    private readonly ctx: ImportCtx,
    private readonly source: string,
    private readonly report: ImportReport,
    private readonly batch: ImportBatch,
  ) {}

  /** Loads what earlier runs of this source imported. */
  async load(): Promise<void> {
    for (const row of await store.listImportedKeys(this.ctx.db, this.source, "category")) {
      this.categories.set(row.wp_key, row.local_id);
    }
    for (const row of await store.listImportedKeys(this.ctx.db, this.source, "tag")) {
      this.tags.set(row.wp_key, row.local_id);
    }
  }

  async importCategory(category: WxrCategory): Promise<void> {
    const mapped = mapWxrCategory(category);
    try {
      if (this.categories.has(mapped.slug)) this.report.counts.categories.skipped += 1;
      else
        await this.batch.unit(() =>
          this.ensureCategory(mapped.slug, mapped.name, mapped.description, {
            rawSlug: category.slug,
            wpId: category.wpId,
          }),
        );
      this.channelCategories.set(mapped.slug, { rawSlug: category.slug, parentSlug: mapped.parentSlug });
      if (mapped.parentSlug !== null) this.pendingParents.push(mapped.slug);
    } catch (error) {
      addFailure(this.report, {
        kind: "categories",
        label: `category ${category.slug}`,
        line: null,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async importTag(tag: WxrTag): Promise<void> {
    const mapped = mapWxrTag(tag);
    try {
      if (this.tags.has(mapped.slug)) this.report.counts.tags.skipped += 1;
      else await this.batch.unit(() => this.ensureTag(mapped.slug, mapped.name, tag.slug));
    } catch (error) {
      addFailure(this.report, {
        kind: "tags",
        label: `tag ${tag.slug}`,
        line: null,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Local ids of a post's categories, creating those the channel did not list (filtered exports). */
  async categoryIdsOf(terms: ImportedTerm[]): Promise<number[]> {
    const ids: number[] = [];
    for (const term of terms)
      ids.push(this.categories.get(term.slug) ?? (await this.ensureCategory(term.slug, term.name, "")));
    return ids;
  }

  /** Local ids of a post's tags, creating the missing ones. */
  async tagIdsOf(terms: ImportedTerm[]): Promise<number[]> {
    const ids: number[] = [];
    for (const term of terms)
      ids.push(this.tags.get(term.slug) ?? (await this.ensureTag(term.slug, term.name)));
    return ids;
  }

  private async ensureCategory(
    slug: string,
    name: string,
    description: string,
    channel?: { rawSlug: string; wpId: number | null },
  ): Promise<number> {
    let id: number;
    let localSlug = slug;
    const bySlug = await getCategoryBySlug(this.ctx, slug);
    if (bySlug) {
      id = bySlug.id;
      this.report.counts.categories.skipped += 1;
    } else {
      const created = await createCategory(this.ctx, {
        name: name.slice(0, 100),
        slug,
        description: description.slice(0, 1000),
      });
      if (created.category) {
        id = created.category.id;
        this.hasCreated = true;
        this.report.counts.categories.imported += 1;
      } else if (created.errors?.name) {
        // WordPress allows one name under two parents; Broadsheet names are unique: share it.
        const wanted = name.slice(0, 100).trim().toLowerCase();
        const sameName = (await listCategories(this.ctx)).find((c) => c.name.toLowerCase() === wanted);
        if (!sameName) throw new Error(`category "${name}": ${created.errors.name}`);
        id = sameName.id;
        localSlug = sameName.slug;
        this.report.counts.categories.skipped += 1;
        addWarning(this.report, {
          kind: "categories",
          label: `category ${slug}`,
          line: null,
          reason: `a category named "${sameName.name}" exists: its posts are filed there`,
        });
      } else {
        throw new Error(
          Object.entries(created.errors)
            .map(([field, why]) => `${field} ${why}`)
            .join("; "),
        );
      }
    }
    await this.remember("category", slug, id);
    if (channel !== undefined) {
      await this.redirectTerm("category", channel.rawSlug, localSlug);
      // WordPress's plain link to a category, `/?cat=3`, leads to its page.
      if (channel.wpId !== null)
        await addRedirect(
          this.ctx.db,
          `/?cat=${channel.wpId}`,
          archivePath("category", localSlug),
          this.ctx.now().toISOString(),
        );
    }
    // Remembered last: a unit that fails before here leaves no id behind that its rollback undid.
    this.categories.set(slug, id);
    return id;
  }

  private async ensureTag(slug: string, name: string, rawSlug?: string): Promise<number> {
    let id: number;
    const bySlug = await getTagBySlug(this.ctx, slug);
    if (bySlug) {
      id = bySlug.id;
      this.report.counts.tags.skipped += 1;
    } else {
      const nowIso = this.ctx.now().toISOString();
      const [ensured] = await ensureTags(this.ctx.db, [name.slice(0, 100)], nowIso, "unicode");
      if (ensured === undefined) throw new Error(`tag "${name}" has no usable name`);
      id = ensured;
      // The tag was made (or found) by name; give it the WordPress slug so `/tag/slug/` still works.
      const errors = await renameTag(this.ctx, id, { slug });
      if (Object.keys(errors).length > 0)
        throw new Error(`tag "${name}": slug ${Object.values(errors).join("; ")}`);
      this.hasCreated = true;
      this.report.counts.tags.imported += 1;
    }
    await this.remember("tag", slug, id);
    if (rawSlug !== undefined) await this.redirectTerm("tag", rawSlug, slug);
    this.tags.set(slug, id);
    return id;
  }

  private async remember(kind: "category" | "tag", slug: string, id: number): Promise<void> {
    await store.insertImportMapping(this.ctx.db, {
      source: this.source,
      kind,
      wp_key: slug,
      local_id: id,
      guid: null,
      created_at: this.ctx.now().toISOString(),
    });
  }

  /** `/category/café/` → `/category/cafe/` when the WordPress slug could not be kept as it was. */
  private async redirectTerm(base: "category" | "tag", rawPath: string, localSlug: string): Promise<void> {
    const toPath = archivePath(base, localSlug);
    const fromPath = normalizeRedirectPath(`/${base}/${rawPath}`);
    if (fromPath === normalizeRedirectPath(toPath)) return;
    const nowIso = this.ctx.now().toISOString();
    for (const variant of requestPathVariants(fromPath))
      await addRedirect(this.ctx.db, variant, toPath, nowIso);
    this.report.redirectsAdded += 1;
  }

  /**
   * Sets each category's parent once the channel's categories are in (WordPress lists parents
   * first, other tools may not), and redirects WordPress's nested addresses
   * (`/category/news/local/`) to the flat ones. Safe to run again: unchanged parents are left alone.
   */
  async resolveCategoryParents(): Promise<void> {
    if (this.pendingParents.length === 0) return;
    const pending = this.pendingParents;
    this.pendingParents = [];
    const rows = new Map((await listCategories(this.ctx)).map((row) => [row.id, row]));
    for (const slug of pending) {
      const parentSlug = this.channelCategories.get(slug)?.parentSlug ?? null;
      const childId = this.categories.get(slug);
      const parentId = parentSlug === null ? undefined : this.categories.get(parentSlug);
      const child = childId === undefined ? undefined : rows.get(childId);
      if (!child || parentId === undefined || parentId === childId) {
        if (child && parentSlug !== null) {
          addWarning(this.report, {
            kind: "categories",
            label: `category ${slug}`,
            line: null,
            reason: `its parent "${parentSlug}" is not in the export: kept at the top level`,
          });
        }
        continue;
      }
      if (child.parent_id !== parentId) {
        const errors = await updateCategory(this.ctx, child.id, { parent_id: parentId });
        if (Object.keys(errors).length > 0) {
          addWarning(this.report, {
            kind: "categories",
            label: `category ${slug}`,
            line: null,
            reason: `parent not set: ${Object.values(errors).join("; ")}`,
          });
        }
        // WordPress served a child category at its parents' path too.
        const nested = this.nestedRawPath(slug);
        if (nested !== undefined) await this.redirectTerm("category", nested, child.slug);
      }
    }
  }

  /** WordPress's `parent/child` path of a category, from the channel's nicenames. */
  private nestedRawPath(slug: string): string | undefined {
    const segments: string[] = [];
    let current: string | null = slug;
    for (let depth = 0; current !== null && depth < MAX_CATEGORY_DEPTH; depth += 1) {
      const category = this.channelCategories.get(current);
      if (!category) return undefined;
      segments.unshift(category.rawSlug);
      current = category.parentSlug;
    }
    return segments.length > 1 && current === null ? segments.join("/") : undefined;
  }
}
