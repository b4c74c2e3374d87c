import { generateRssFeed } from "feedsmith";
import { articlePath } from "../articles/permalinks.js";
import type { ArticleSummary } from "../articles/service.js";
import type { AppContext } from "../site/context.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "settings" | "config" | "now">;

/**
 * Text fields (titles, names) go out HTML-escaped, as WordPress does: many feed readers treat an
 * RSS title as HTML, so a commenter named `<script>` must arrive as text either way.
 */
function feedText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Comments in a feed: the newest this many. */
export const COMMENTS_FEED_SIZE = 50;

/**
 * RSS 2.0 of the newest approved comments, site-wide or of one article. Only public fields go
 * in: name, text, date and permalink — never the email, IP hash or user agent.
 */
export async function buildCommentsFeed(ctx: Ctx, article?: ArticleSummary): Promise<string> {
  const settings = await ctx.settings.get();
  const now = ctx.now();
  const rows = await store.listRecentApprovedComments(
    ctx.db,
    { articleId: article?.id, now: now.toISOString() },
    COMMENTS_FEED_SIZE,
  );
  const base = ctx.config.siteUrl;
  const selfUrl = article ? `${article.url}feed/` : `${base}/comments/feed/`;
  return generateRssFeed({
    title: feedText(article ? `Comments on: ${article.title}` : `Comments for ${settings.title}`),
    link: article ? article.url : `${base}/`,
    description: feedText(
      article ? `Reader comments on “${article.title}”` : `Reader comments on ${settings.title}`,
    ),
    language: settings.language,
    lastBuildDate: rows[0] ? new Date(rows[0].created_at) : now,
    generator: "Broadsheet",
    atom: { links: [{ href: selfUrl, rel: "self", type: "application/rss+xml" }] },
    items: rows.map((row) => {
      const permalink = `${base}${articlePath(
        { slug: row.article_slug, published_at: row.article_published_at },
        settings.timezone,
      )}#comment-${row.id}`;
      return {
        title: feedText(`Comment on ${row.article_title} by ${row.name}`),
        link: permalink,
        guid: { value: permalink, isPermaLink: true },
        pubDate: new Date(row.created_at),
        description: row.body_html,
        dc: { creators: [feedText(row.name)] },
      };
    }),
  });
}
