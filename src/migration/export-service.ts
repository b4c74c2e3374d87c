/**
 * Broadsheet → WordPress: every author, category, tag, article and page (trash excluded) with its
 * comments and featured image, as a WXR 1.2 file WordPress's importer (and ours) reads. Articles
 * are read a page at a time and written as they come, so memory stays flat on any site.
 */
import type { Writable } from "node:stream";
import { listUsers } from "../accounts/service.js";
import { type ArticleSummary, getArticle, listArticlesForAdmin } from "../articles/service.js";
import { listCategories, listTags } from "../articles/taxonomy.js";
import { listArticleCommentsForExport } from "../comments/service.js";
import type { AppContext } from "../context.js";
import type { ArticleStatus, CommentStatus } from "../db/schema.js";
import { escapeHtml } from "../lib/html-escape.js";
import type { WxrComment, WxrCommentApproval, WxrPost, WxrWritableRecord } from "./wxr/types.js";
import { blankWxrItem, writeWxr } from "./wxr/writer.js";

type ExportCtx = Pick<AppContext, "db" | "now" | "settings" | "config">;

/** Articles read per query while exporting. */
const EXPORT_PAGE_SIZE = 100;

export interface ExportSummary {
  authors: number;
  categories: number;
  tags: number;
  posts: number;
  pages: number;
  attachments: number;
  comments: number;
}

const WP_STATUS: Record<ArticleStatus, string> = {
  published: "publish",
  scheduled: "future",
  draft: "draft",
  pending: "pending",
  trashed: "trash",
};

const WP_APPROVAL: Record<CommentStatus, WxrCommentApproval> = {
  approved: "1",
  pending: "0",
  spam: "spam",
  trash: "trash",
};

type ExportItem = WxrPost & { kind: "item" };

/** Text that WordPress (and our importer) would read as a core shortcode. */
const SHORTCODE_LIKE = /\[(\/?(?:caption|gallery|playlist|audio|video|embed)\b[^\][]*)\]/g;

/** HTML whose literal `[gallery]` stays text in WordPress: doubled brackets are its escape. */
function escapeShortcodes(html: string): string {
  return html.replace(SHORTCODE_LIKE, "[[$1]]");
}

/** The records of a whole site, in WordPress's order, produced lazily. */
async function* siteRecords(ctx: ExportCtx, summary: ExportSummary): AsyncGenerator<WxrWritableRecord> {
  const settings = await ctx.settings.get();
  const siteUrl = ctx.config.siteUrl;
  yield {
    kind: "site",
    title: settings.title,
    link: siteUrl,
    description: settings.tagline,
    language: settings.language,
    wxrVersion: "1.2",
    baseSiteUrl: siteUrl,
    baseBlogUrl: siteUrl,
  };
  for (const user of await listUsers(ctx)) {
    const [firstName = "", ...rest] = user.name.split(" ");
    summary.authors += 1;
    yield {
      kind: "author",
      wpId: user.id,
      login: user.slug,
      email: user.email,
      displayName: user.name,
      firstName,
      lastName: rest.join(" "),
    };
  }
  const categories = await listCategories(ctx);
  const slugById = new Map(categories.map((category) => [category.id, category.slug]));
  // Parents first, as WordPress writes them, so any importer can link children at once.
  const depthOf = (id: number | null, seen = 0): number =>
    id === null || seen > 20
      ? 0
      : 1 + depthOf(categories.find((c) => c.id === id)?.parent_id ?? null, seen + 1);
  for (const category of [...categories].sort((a, b) => depthOf(a.parent_id) - depthOf(b.parent_id))) {
    summary.categories += 1;
    yield {
      kind: "category",
      wpId: category.id,
      slug: category.slug,
      name: category.name,
      parentSlug: category.parent_id === null ? null : (slugById.get(category.parent_id) ?? null),
      description: category.description,
    };
  }
  for (const tag of await listTags(ctx)) {
    summary.tags += 1;
    yield { kind: "tag", wpId: tag.id, slug: tag.slug, name: tag.name, description: "" };
  }
  const authorSlugs = new Map((await listUsers(ctx)).map((user) => [user.id, user.slug]));
  const exportedImages = new Set<number>();
  for (let page = 1; ; page += 1) {
    const { items, pages } = await listArticlesForAdmin(ctx, {}, page, EXPORT_PAGE_SIZE);
    for (const summaryRow of items) {
      const item = await articleItem(ctx, summaryRow, authorSlugs, summary);
      if (item) yield item;
      const image = summaryRow.featured_image;
      if (image && !exportedImages.has(image.id)) {
        exportedImages.add(image.id);
        summary.attachments += 1;
        yield attachmentItem(siteUrl, summaryRow, image);
      }
    }
    if (page >= pages) break;
  }
}

async function articleItem(
  ctx: ExportCtx,
  row: ArticleSummary,
  authorSlugs: Map<number, string>,
  summary: ExportSummary,
): Promise<ExportItem | undefined> {
  const article = await getArticle(ctx, row.id);
  if (!article) return undefined;
  const comments = await listArticleCommentsForExport(ctx, article.id);
  summary.comments += comments.length;
  if (article.is_page) summary.pages += 1;
  else summary.posts += 1;
  const postComments: WxrComment[] = comments.map((comment) => ({
    wpId: comment.id,
    authorName: comment.name,
    authorEmail: comment.email,
    authorUrl: comment.url,
    // Only a keyed hash of the IP is kept here: there is no address to give back.
    authorIp: "",
    dateGmt: comment.created_at,
    content: comment.body_html,
    approved: WP_APPROVAL[comment.status],
    type: "comment",
    parentId: comment.parent_id ?? 0,
    userId: comment.user_id ?? 0,
  }));
  return {
    ...blankWxrItem(),
    wpId: article.id,
    postType: article.is_page ? "page" : "post",
    title: article.title,
    link: article.published_at ? article.url : `${ctx.config.siteUrl}/?p=${article.id}`,
    guid: `${ctx.config.siteUrl}/?p=${article.id}`,
    creatorLogin: authorSlugs.get(article.author.id) ?? article.author.slug,
    contentHtml: escapeShortcodes(article.html),
    excerptHtml: escapeHtml(article.excerpt),
    postDateGmt: article.published_at,
    postDateSource: article.published_at ? "gmt" : "missing",
    modifiedDateGmt: article.updated_at,
    postName: article.slug,
    status: WP_STATUS[article.status],
    isSticky: article.is_sticky,
    commentStatus: article.comments_open ? "open" : "closed",
    categories: [
      ...article.categories.map((c) => ({ domain: "category" as const, slug: c.slug, name: c.name })),
      ...article.tags.map((t) => ({ domain: "post_tag" as const, slug: t.slug, name: t.name })),
    ],
    postmeta: article.featured_image
      ? { _thumbnail_id: String(EXPORTED_MEDIA_ID_OFFSET + article.featured_image.id) }
      : {},
    comments: postComments,
  };
}

/** Media ids and article ids share WordPress's one id space: media get an offset to stay apart. */
export const EXPORTED_MEDIA_ID_OFFSET = 1_000_000_000;

function attachmentItem(
  siteUrl: string,
  article: ArticleSummary,
  image: NonNullable<ArticleSummary["featured_image"]>,
): ExportItem {
  const url = /^https?:\/\//i.test(image.url) ? image.url : `${siteUrl}${image.url}`;
  const fileName = url.split("/").at(-1) ?? "";
  return {
    ...blankWxrItem(),
    wpId: EXPORTED_MEDIA_ID_OFFSET + image.id,
    postType: "attachment",
    title: image.alt || fileName,
    link: url,
    guid: url,
    creatorLogin: article.author.slug,
    postDateGmt: article.published_at ?? article.created_at,
    postDateSource: "gmt",
    postName: fileName.replace(/\.[a-z0-9]+$/i, ""),
    parentId: article.id,
    attachmentUrl: url,
    postmeta: { _wp_attachment_image_alt: image.alt },
  };
}

/**
 * Writes the whole site to `output` as WXR 1.2 and resolves with what it wrote. The output is
 * ended when done (pass `end: false` to keep it open, e.g. stdout).
 */
export async function exportWordPress(
  ctx: ExportCtx,
  output: Writable,
  options: { end?: boolean } = {},
): Promise<ExportSummary> {
  const summary: ExportSummary = {
    authors: 0,
    categories: 0,
    tags: 0,
    posts: 0,
    pages: 0,
    attachments: 0,
    comments: 0,
  };
  const settings = await ctx.settings.get();
  await writeWxr(output, siteRecords(ctx, summary), {
    timeZone: settings.timezone,
    end: options.end,
    generator: "Broadsheet",
  });
  return summary;
}
