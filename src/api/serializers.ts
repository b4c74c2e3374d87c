import type { ArticleDetail, ArticleSummary } from "../articles/service.js";

/** An article in the public Content API: never a private field. */
export function publicArticleJson(article: ArticleSummary) {
  return {
    id: article.id,
    title: article.title,
    slug: article.slug,
    url: article.url,
    excerpt: article.excerpt,
    published_at: article.published_at,
    updated_at: article.updated_at,
    author: { name: article.author.name, slug: article.author.slug },
    categories: article.categories.map((c) => ({ name: c.name, slug: c.slug })),
    tags: article.tags.map((t) => ({ name: t.name, slug: t.slug })),
    sources: article.sources.map((s) => ({
      url: s.url,
      name: s.name,
      original_author: s.original_author,
      original_published_at: s.original_published_at,
    })),
    featured_image: article.featured_image
      ? { url: article.featured_image.url, alt: article.featured_image.alt }
      : null,
    comments_open: article.comments_open,
  };
}

/** An article in Admin API lists: the public shape plus status and editorial fields (no body). */
export function adminArticleSummaryJson(article: ArticleSummary) {
  return {
    ...publicArticleJson(article),
    status: article.status,
    created_at: article.created_at,
    author: { id: article.author.id, name: article.author.name, slug: article.author.slug },
    is_page: article.is_page,
    is_sticky: article.is_sticky,
    featured_media_id: article.featured_image?.id ?? null,
  };
}

/** One article in the Admin API, with its Markdown body and rendered HTML. */
export function adminArticleJson(article: ArticleDetail) {
  return {
    ...adminArticleSummaryJson(article),
    body: article.body,
    html: article.html,
    version: article.version,
  };
}

/** The `ETag` of an article's Admin API representation: its version. */
export function articleEtag(article: Pick<ArticleDetail, "version">): string {
  return `"v${article.version}"`;
}

/**
 * The version an `If-Match` header asks for: `undefined` when absent or `*` (no condition), `-1`
 * (matches no article) for anything that is not one of our ETags.
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"v(\d{1,9})"\s*$/.exec(header);
  return match ? Number(match[1]) : -1;
}

/** A page in Admin API lists: an article's shape without categories, tags, sources or comments. */
export function adminPageSummaryJson(page: ArticleSummary) {
  const { categories, tags, sources, comments_open, is_sticky, ...rest } = adminArticleSummaryJson(page);
  return { ...rest, path: page.path, parent_id: page.parent_id };
}

/** One page in the Admin API, with its Markdown body and rendered HTML. */
export function adminPageJson(page: ArticleDetail) {
  return { ...adminPageSummaryJson(page), body: page.body, html: page.html, version: page.version };
}
