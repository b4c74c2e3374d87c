import type { ArticleDetail } from "../articles/service.js";

/** The `<head>` metadata of a public page (see themes/default/partials/head-meta.liquid). */
export interface SeoModel {
  /** The whole `<title>`. */
  title: string;
  description: string;
  /** Absolute canonical URL. */
  canonical: string;
  /** Open Graph type. */
  type: "website" | "article";
  /** Absolute URL of the share image, or "". */
  image: string;
  image_alt: string;
  /** Absolute URLs of the previous and next page of a listing, or "". */
  prev: string;
  next: string;
  /** Pages that must stay out of search engines (404, 500). */
  noindex: boolean;
  /** schema.org data, serialised into `<script type="application/ld+json">` by the theme. */
  json_ld: Record<string, unknown> | null;
  article: {
    published_time: string;
    modified_time: string;
    section: string;
    tags: string[];
    author: string;
  } | null;
}

export interface SiteIdentity {
  title: string;
  tagline: string;
  /** Absolute origin + base path, no trailing slash. */
  url: string;
  /** The site's language tag (`ru`), as schema.org's `inLanguage`. */
  language: string;
}

const DESCRIPTION_LIMIT = 200;

function clip(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= limit) return flat;
  const cut = flat.slice(0, limit - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), limit - 20))}…`;
}

/** An absolute URL for a site-relative one; absolute ones pass through. */
export function absoluteUrl(site: SiteIdentity, url: string): string {
  if (url === "") return "";
  return /^https?:\/\//i.test(url) ? url : `${site.url}${url.startsWith("/") ? "" : "/"}${url}`;
}

/** Metadata for a listing page (front page, archive, 404). */
export function listingSeo(
  site: SiteIdentity,
  options: {
    heading?: string;
    description?: string;
    path: string;
    page?: number;
    prevPath?: string;
    nextPath?: string;
    noindex?: boolean;
    jsonLd?: Record<string, unknown> | null;
  },
): SeoModel {
  const pageSuffix = options.page && options.page > 1 ? ` – Page ${options.page}` : "";
  const title = options.heading
    ? `${options.heading}${pageSuffix} – ${site.title}`
    : `${site.title}${site.tagline ? ` – ${site.tagline}` : ""}${pageSuffix}`;
  return {
    title,
    description: clip(options.description || site.tagline || site.title, DESCRIPTION_LIMIT),
    canonical: absoluteUrl(site, options.path),
    type: "website",
    image: "",
    image_alt: "",
    prev: options.prevPath ? absoluteUrl(site, options.prevPath) : "",
    next: options.nextPath ? absoluteUrl(site, options.nextPath) : "",
    noindex: options.noindex ?? false,
    json_ld: options.jsonLd ?? null,
    article: null,
  };
}

/** The front page's schema.org WebSite, with the search box as a SearchAction. */
export function websiteJsonLd(site: SiteIdentity): Record<string, unknown> {
  return {
    "@context": "https://schema.org",
    "@type": "WebSite",
    name: site.title,
    description: site.tagline,
    inLanguage: site.language,
    url: `${site.url}/`,
    potentialAction: {
      "@type": "SearchAction",
      target: { "@type": "EntryPoint", urlTemplate: `${site.url}/search?q={search_term_string}` },
      "query-input": "required name=search_term_string",
    },
  };
}

/** Metadata for an article page, with its schema.org NewsArticle (sources as `isBasedOn`, corrections as `correction`). */
export function articleSeo(
  site: SiteIdentity,
  article: ArticleDetail,
  corrections: readonly { text: string; created_at: string }[] = [],
): SeoModel {
  const image = article.featured_image ? absoluteUrl(site, article.featured_image.og) : "";
  const description = clip(article.excerpt || article.title, DESCRIPTION_LIMIT);
  const published = article.published_at ?? article.created_at;
  const jsonLd: Record<string, unknown> = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: clip(article.title, 110),
    description,
    inLanguage: site.language,
    url: article.url,
    mainEntityOfPage: { "@type": "WebPage", "@id": article.url },
    datePublished: published,
    dateModified: article.updated_at,
    author: [{ "@type": "Person", name: article.author.name, url: article.author.url }],
    publisher: { "@type": "Organization", name: site.title, url: `${site.url}/` },
    ...(image ? { image: [image] } : {}),
    ...(article.categories.length ? { articleSection: article.categories.map((c) => c.name) } : {}),
    ...(article.tags.length ? { keywords: article.tags.map((t) => t.name).join(", ") } : {}),
    ...(corrections.length
      ? {
          correction: corrections.map((c) => ({
            "@type": "CorrectionComment",
            text: c.text,
            datePublished: c.created_at,
          })),
        }
      : {}),
    ...(article.sources.length
      ? {
          isBasedOn: article.sources.map((s) => ({
            "@type": "CreativeWork",
            url: s.url,
            publisher: { "@type": "Organization", name: s.name },
          })),
        }
      : {}),
  };
  return {
    title: `${article.title} – ${site.title}`,
    description,
    canonical: article.url,
    type: "article",
    image,
    image_alt: article.featured_image?.alt ?? "",
    prev: "",
    next: "",
    noindex: false,
    json_ld: jsonLd,
    article: {
      published_time: published,
      modified_time: article.updated_at,
      section: article.categories[0]?.name ?? "",
      tags: article.tags.map((t) => t.name),
      author: article.author.name,
    },
  };
}

/** Metadata for a page (About, Contact…): a schema.org WebPage, no author or dates shown. */
export function pageSeo(site: SiteIdentity, page: ArticleDetail): SeoModel {
  const description = clip(page.excerpt || page.title, DESCRIPTION_LIMIT);
  const image = page.featured_image ? absoluteUrl(site, page.featured_image.url) : "";
  return {
    ...listingSeo(site, { heading: page.title, description, path: page.path }),
    image,
    image_alt: page.featured_image?.alt ?? "",
    json_ld: {
      "@context": "https://schema.org",
      "@type": "WebPage",
      name: page.title,
      description,
      url: page.url,
      dateModified: page.updated_at,
      isPartOf: { "@type": "WebSite", name: site.title, url: `${site.url}/` },
    },
  };
}
