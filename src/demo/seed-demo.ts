import type { Actor } from "../accounts/permissions.js";
import { createUser, getUserByEmail } from "../accounts/service.js";
import { createArticle, getArticleBySlug } from "../articles/service.js";
import { createCategory, listCategories, updateCategory } from "../articles/taxonomy.js";
import type { AppContext } from "../context.js";
import { saveImage } from "../media/service.js";
import { DEMO_AUTHORS, DEMO_CATEGORIES, DEMO_STORIES, type DemoAuthor } from "./content.js";
import { renderIllustration } from "./illustrations.js";

export interface SeedDemoResult {
  created: number;
  /** Stories already present (by slug) and left as they are. */
  skipped: number;
}

async function ensureAuthor(ctx: AppContext, author: DemoAuthor): Promise<Actor> {
  const existing = await getUserByEmail(ctx, author.email);
  if (existing) return { id: existing.id, role: existing.role, name: existing.name };
  // Demo bylines have no password: they cannot sign in until an admin gives them one.
  const result = await createUser(
    ctx,
    { email: author.email, name: author.name, role: "editor", bio: author.bio },
    { requirePassword: false },
  );
  if ("errors" in result)
    throw new Error(`seed-demo: cannot create ${author.name}: ${JSON.stringify(result.errors)}`);
  return { id: result.user.id, role: result.user.role, name: result.user.name };
}

async function ensureCategories(ctx: AppContext): Promise<void> {
  const existing = new Map((await listCategories(ctx)).map((c) => [c.name.toLowerCase(), c]));
  for (const category of DEMO_CATEGORIES) {
    const found = existing.get(category.name.toLowerCase());
    if (!found) {
      const result = await createCategory(ctx, category);
      if ("errors" in result)
        throw new Error(
          `seed-demo: cannot create category ${category.name}: ${JSON.stringify(result.errors)}`,
        );
    } else if (found.description === "") {
      await updateCategory(ctx, found.id, { description: category.description });
    }
  }
}

/**
 * Fills the site with the demo publication: four authors with bios, five categories in the
 * masthead, fourteen stories (one curated, with a Source link) and illustrations drawn locally.
 * Idempotent: stories whose slug exists are skipped, authors and categories are reused.
 */
export async function seedDemoContent(
  ctx: AppContext,
  onProgress: (line: string) => void = () => {},
): Promise<SeedDemoResult> {
  const actors = new Map<string, Actor>();
  for (const author of DEMO_AUTHORS) actors.set(author.key, await ensureAuthor(ctx, author));
  await ensureCategories(ctx);

  const now = ctx.now().getTime();
  const result: SeedDemoResult = { created: 0, skipped: 0 };
  for (const story of DEMO_STORIES) {
    if (await getArticleBySlug(ctx, story.slug)) {
      result.skipped += 1;
      continue;
    }
    const actor = actors.get(story.author);
    if (!actor) throw new Error(`seed-demo: story ${story.slug} names unknown author ${story.author}`);
    let featuredMediaId: number | null = null;
    if (story.image) {
      const saved = await saveImage(
        ctx,
        {
          data: renderIllustration(story.image.art),
          originalName: `${story.slug}.png`,
          alt: story.image.alt,
        },
        actor.id,
      );
      if ("error" in saved)
        throw new Error(`seed-demo: cannot store the image of ${story.slug}: ${saved.error}`);
      featuredMediaId = saved.media.id;
    }
    const created = await createArticle(ctx, actor, {
      title: story.title,
      slug: story.slug,
      excerpt: story.excerpt,
      body: story.body,
      status: "published",
      published_at: new Date(now - story.hoursAgo * 3_600_000).toISOString(),
      categories: [story.category],
      tags: story.tags,
      sources: story.sources ?? [],
      featured_media_id: featuredMediaId,
      is_sticky: story.sticky ?? false,
    });
    if (!("article" in created))
      throw new Error(`seed-demo: cannot create ${story.slug}: ${JSON.stringify(created)}`);
    result.created += 1;
    onProgress(`  ${created.article.path}`);
  }

  const settings = await ctx.settings.get();
  if (settings.navCategorySlugs.length === 0) {
    await ctx.settings.update({ navCategorySlugs: DEMO_CATEGORIES.map((c) => c.slug) });
    await ctx.changes.changed(["all"]);
  }
  return result;
}
