import { createHash } from "node:crypto";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { PAGE_CACHE_CONTROL } from "../infrastructure/page-cache.js";
import { extendPageModel } from "../pages/page-context.js";
import { FEED_CONTENT_TYPES, type FeedFormat, renderFeed } from "./feeds.js";
import {
  buildFeedModel,
  buildNewsSitemap,
  buildSitemapFile,
  buildSitemapIndex,
  type FeedScope,
  feedLinks,
  type Syndicated,
} from "./service.js";
import { MAX_URLS_PER_SITEMAP, robotsTxt } from "./sitemaps.js";

const XML_TYPE = "application/xml; charset=utf-8";
/** Feeds and sitemaps are stored by the page cache too (dropped on any content change). */
const cached = { config: { pageCache: true } } as const;

/**
 * Sends a feed or sitemap with validators and answers conditional GETs with 304. The ETag is the
 * page cache's (a hash of the body), so a reader's validator stays good whichever one answers.
 */
function sendSyndicated(request: FastifyRequest, reply: FastifyReply, doc: Syndicated, contentType: string) {
  const hash = createHash("sha256").update(doc.body).digest("base64url").slice(0, 22);
  reply
    .header("content-type", contentType)
    .header("etag", `"${hash}"`)
    .header("cache-control", PAGE_CACHE_CONTROL);
  const lastModified = doc.lastModified ? new Date(doc.lastModified) : undefined;
  if (lastModified) reply.header("last-modified", lastModified.toUTCString());
  const ifNoneMatch = request.headers["if-none-match"];
  const ifModifiedSince = request.headers["if-modified-since"];
  const isFresh =
    ifNoneMatch !== undefined
      ? ifNoneMatch.includes(hash) || ifNoneMatch.trim() === "*"
      : ifModifiedSince !== undefined &&
        lastModified !== undefined &&
        // HTTP dates have whole seconds.
        Math.floor(lastModified.getTime() / 1000) * 1000 <= Date.parse(ifModifiedSince);
  if (isFresh) return reply.code(304).send();
  return reply.send(doc.body);
}

export interface SyndicationOptions {
  ctx: AppContext;
  /** URLs per sitemap file; tests lower it to see the split. */
  maxUrlsPerSitemap?: number;
}

/** Feeds out (RSS, Atom, JSON Feed; site-wide and per category, tag, author), sitemaps and robots.txt. */
const syndicationRoutes: FastifyPluginAsync<SyndicationOptions> = async (app, options) => {
  const { ctx } = options;
  const maxUrls = options.maxUrlsPerSitemap ?? MAX_URLS_PER_SITEMAP;

  async function sendFeed(
    request: FastifyRequest,
    reply: FastifyReply,
    scope: FeedScope,
    format: FeedFormat,
  ) {
    const model = await buildFeedModel(ctx, scope);
    if (!model) return reply.callNotFound();
    return sendSyndicated(
      request,
      reply,
      { body: renderFeed(model, format), lastModified: model.updated },
      FEED_CONTENT_TYPES[format],
    );
  }

  const formats: Array<[string, FeedFormat]> = [
    ["", "rss"],
    ["rss2/", "rss"],
    ["atom/", "atom"],
    ["json/", "json"],
  ];
  for (const [suffix, format] of formats) {
    app.get(`/feed/${suffix}`, cached, function showSiteFeed(request, reply) {
      return sendFeed(request, reply, { kind: "site" }, format);
    });
    for (const kind of ["category", "tag", "author"] as const) {
      app.get<{ Params: { slug: string } }>(
        `/${kind}/:slug/feed/${suffix}`,
        cached,
        function showArchiveFeed(request, reply) {
          return sendFeed(request, reply, { kind, slug: request.params.slug }, format);
        },
      );
    }
  }
  app.get("/feed", async function addFeedSlash(_request, reply) {
    return reply.redirect("/feed/", 301);
  });

  app.get("/sitemap.xml", cached, async function showSitemapIndex(request, reply) {
    return sendSyndicated(request, reply, await buildSitemapIndex(ctx, maxUrls), XML_TYPE);
  });

  app.get<{ Params: { name: string } }>("/sitemap-:name", cached, async function showSitemap(request, reply) {
    const name = request.params.name;
    if (!name.endsWith(".xml")) return reply.callNotFound();
    const doc = await buildSitemapFile(ctx, name.slice(0, -".xml".length), maxUrls);
    if (!doc) return reply.callNotFound();
    return sendSyndicated(request, reply, doc, XML_TYPE);
  });

  app.get("/news-sitemap.xml", cached, async function showNewsSitemap(request, reply) {
    return sendSyndicated(request, reply, await buildNewsSitemap(ctx), XML_TYPE);
  });

  app.get("/robots.txt", cached, async function showRobotsTxt(_request, reply) {
    return reply.type("text/plain; charset=utf-8").send(robotsTxt(ctx.config.siteUrl));
  });

  // Autodiscovery: every reader page gets `feeds` for its <link rel="alternate"> tags
  // (themes/default/partials/feed-links.liquid); archives add their own feed.
  for (const template of ["index", "article", "archive", "search", "404"]) {
    extendPageModel(ctx, template, async (model) => {
      const settings = await ctx.settings.get();
      const archive = model.archive as { kind?: string; base_path?: string; title?: string } | undefined;
      const scope =
        archive?.base_path && archive.kind && archive.kind !== "date"
          ? { path: archive.base_path, label: archive.title ?? "" }
          : undefined;
      return { feeds: feedLinks(settings.title, scope) };
    });
  }
};

export default syndicationRoutes;
