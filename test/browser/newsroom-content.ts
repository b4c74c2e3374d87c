import type { Browser } from "playwright-core";
import { fetchDueSources } from "../../src/curation/fetch-service.js";
import { seedDemoContent } from "../../src/demo/seed-demo.js";
import { mediaJobsSettled } from "../../src/media/service.js";
import { postComment, readerFields } from "../comments-helpers.js";
import { startFeedServer } from "../support/feed-server.js";
import type { TestSite, TestUser } from "../support/site.js";
import { launchChromium, type ServedSite, serveTestSite } from "./support.js";

/** Where the newsroom's things are, for the screens that show them. */
export interface NewsroomContent {
  admin: TestUser;
  contributor: TestUser;
  /** A published story with revisions, a correction and comments awaiting moderation. */
  story: { id: number; path: string };
  /** A story a contributor submitted for review. */
  pendingId: number;
  page: { id: number; path: string };
  mediaId: number;
  /** Stops the local feed server the desk's sources were read from. */
  close(): Promise<void>;
}

/**
 * A site an editor has worked on for a day: the demo stories and pictures, comments to moderate (one with
 * a very long address), revisions and a correction, a story awaiting review, an About page, two sources
 * read onto the desk and an audit trail.
 */
export async function seedNewsroomContent(site: TestSite): Promise<NewsroomContent> {
  const admin = await site.newUser({ role: "admin", name: "Alexandra Administrator" });
  const contributor = await site.newUser({ role: "contributor", name: "Cal Contributor" });
  await seedDemoContent(site.ctx);
  await mediaJobsSettled();
  const auth = { authorization: `Bearer ${await site.newApiToken()}` };
  const api = async (method: "GET" | "POST" | "PATCH", url: string, payload?: object) => {
    const response = await site.request({ method, url, headers: auth, payload });
    if (response.statusCode >= 300)
      throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  };

  const { articles } = (await api("GET", "/api/admin/articles")) as {
    articles: { id: number; title: string; url: string; status: string }[];
  };
  const published = articles.find((a) => a.status === "published");
  if (!published) throw new Error("seedNewsroomContent: the demo has no published story");
  await api("PATCH", `/api/admin/articles/${published.id}`, {
    body: "The first telling.\n\nWith a second paragraph.",
  });
  await api("PATCH", `/api/admin/articles/${published.id}`, { title: `${published.title}, updated` });
  await api("POST", `/api/admin/articles/${published.id}/corrections`, {
    text: "An earlier version of this story misspelled the harbour master's name.",
  });
  for (const overrides of <Record<string, string>[]>[
    {
      email: "someone.with.a.rather.long.address@an-extremely-long-mail-domain.example.org",
      url: "https://a-very-long-domain-name-for-a-commenter.example.org/a/path/that/goes/on/and/on",
    },
    {},
    {},
  ]) {
    const response = await postComment(site, readerFields(published.id, overrides));
    if (response.statusCode >= 400) throw new Error(`seedNewsroomContent: comment refused: ${response.body}`);
  }

  const pending = await site.newArticle({
    author: contributor,
    title: "Lighthouse keeper retires after forty years on the rock",
    status: "pending",
  });
  const page = (await api("POST", "/api/admin/pages", {
    title: "About us",
    body: "We are the newsroom of the harbour town.\n\n## Contact\n\nWrite to the desk.",
    status: "published",
  })) as { id: number; url: string };
  await api("PATCH", "/api/admin/settings", { tagline: "News from the harbour, as it happens" });

  const feeds = await startFeedServer();
  feeds.serveFile("/gazette/feed.xml", "outlet-a-rss.xml", "application/rss+xml; charset=utf-8");
  feeds.serveFile("/ledger/atom.xml", "outlet-b-atom.xml", "application/atom+xml");
  for (const feed of ["/gazette/feed.xml", "/ledger/atom.xml"])
    await api("POST", "/api/admin/sources", { url: feeds.url(feed) });
  await fetchDueSources(site.ctx);

  const media = await site.ctx.db.selectFrom("media").select("id").orderBy("id").executeTakeFirstOrThrow();
  return {
    admin,
    contributor,
    story: { id: published.id, path: new URL(published.url).pathname },
    pendingId: pending.id,
    page: { id: page.id, path: new URL(page.url).pathname },
    mediaId: media.id,
    close: () => feeds.close(),
  };
}

/** The newsroom's site served on a port, with a browser to look at it; `close` ends all three. */
export interface OpenNewsroom {
  served: ServedSite;
  content: NewsroomContent;
  browser: Browser;
  close(): Promise<void>;
}

export async function openNewsroom(now = "2026-05-22T10:00:00.000Z"): Promise<OpenNewsroom> {
  const served = await serveTestSite({ now });
  const content = await seedNewsroomContent(served.site);
  const browser = await launchChromium();
  return {
    served,
    content,
    browser,
    close: async () => {
      await browser.close();
      await content.close();
      await served.site.close();
    },
  };
}
