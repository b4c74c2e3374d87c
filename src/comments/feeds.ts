import { generateRssFeed } from "feedsmith";
import type { ArticleSummary } from "../articles/service.js";
import type { AppContext } from "../context.js";
import { escapeHtml } from "../lib/html-escape.js";
import { articlePath } from "../lib/permalinks.js";
import * as store from "./store.js";

type Ctx = Pick<AppContext, "db" | "settings" | "config" | "now" | "theme">;

/**
 * Text fields (titles, names) go out HTML-escaped, as WordPress does: many feed readers treat an
 * RSS title as HTML, so a commenter named `<script>` must arrive as text either way.
 */
const feedText = escapeHtml;

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
  // In the site's language, as WordPress titles its comment feeds in the site's.
  const say = (key: string, values: Record<string, string>) =>
    ctx.theme.messages.t(settings.language, `feeds.${key}`, values);
  return generateRssFeed({
    title: feedText(
      article
        ? say("story_comments_title", { title: article.title })
        : say("site_comments_title", { site: settings.title }),
    ),
    link: article ? article.url : `${base}/`,
    description: feedText(
      article
        ? say("story_comments_description", { title: article.title })
        : say("site_comments_description", { site: settings.title }),
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
        title: feedText(say("comment_title", { title: row.article_title, name: row.name })),
        link: permalink,
        guid: { value: permalink, isPermaLink: true },
        pubDate: new Date(row.created_at),
        description: row.body_html,
        dc: { creators: [feedText(row.name)] },
      };
    }),
  });
}
