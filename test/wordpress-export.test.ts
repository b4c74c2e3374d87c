import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { exportWordPress, importWordPressFile } from "../src/migration/service.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

const classic = path.resolve(import.meta.dirname, "../src/migration/testdata/classic.xml");

/** What a reader and an editor would compare between two sites: the content, not the ids. */
async function contentOf(site: TestSite) {
  const db = site.ctx.db;
  const articles = await db
    .selectFrom("articles")
    .innerJoin("users", "users.id", "articles.author_id")
    .select([
      "articles.id",
      "articles.title",
      "articles.slug",
      "articles.status",
      "articles.published_at",
      "articles.is_page",
      "articles.is_sticky",
      "articles.comments_open",
      "articles.body_html",
      "users.name as author",
    ])
    .where("articles.status", "!=", "trashed")
    .orderBy("articles.slug")
    .execute();
  const comments = await db
    .selectFrom("comments")
    .select(["id", "article_id", "parent_id", "status", "name", "body_html", "created_at"])
    .execute();
  const terms = await db
    .selectFrom("article_categories")
    .innerJoin("categories", "categories.id", "article_categories.category_id")
    .select(["article_categories.article_id", "categories.slug"])
    .execute();
  const tags = await db
    .selectFrom("article_tags")
    .innerJoin("tags", "tags.id", "article_tags.tag_id")
    .select(["article_tags.article_id", "tags.slug"])
    .execute();
  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  const byId = new Map(comments.map((c) => [c.id, c]));
  return articles.map((article) => ({
    title: article.title,
    slug: article.slug,
    status: article.status,
    published_at: article.published_at,
    is_page: article.is_page,
    is_sticky: article.is_sticky,
    comments_open: article.comments_open,
    author: article.author,
    text: text(article.body_html),
    categories: terms
      .filter((t) => t.article_id === article.id)
      .map((t) => t.slug)
      .sort(),
    tags: tags
      .filter((t) => t.article_id === article.id)
      .map((t) => t.slug)
      .sort(),
    comments: comments
      .filter((c) => c.article_id === article.id)
      .map((c) => ({
        name: c.name,
        status: c.status,
        created_at: c.created_at,
        text: text(c.body_html),
        replies_to: c.parent_id === null ? null : text(byId.get(c.parent_id)?.body_html ?? ""),
      }))
      .sort((a, b) => a.text.localeCompare(b.text)),
  }));
}

describe(`exporting to WordPress on ${testDialect}`, () => {
  let original: TestSite;
  let copy: TestSite;
  let exportFile: string;
  beforeAll(async () => {
    original = await createTestSite();
    copy = await createTestSite();
    await importWordPressFile(original.ctx, classic);
    // A story written in Broadsheet, in Markdown, with a comment thread of its own.
    const editor = await original.newUser({ role: "editor", name: "Ed Itor" });
    await original.newArticle({
      author: editor,
      title: "Written here",
      slug: "written-here",
      body: "A *Markdown* story.\n\nWith two paragraphs & an [link](https://example.com/).",
      categories: ["Local"],
      tags: ["Budget", "Harbour"],
      published_at: "2026-05-01T09:00:00.000Z",
    });
    exportFile = path.join(original.config.dataDir, "export.xml");
  });
  afterAll(async () => {
    await original?.close();
    await copy?.close();
  });

  test("an export imported into a fresh site gives the same posts, pages, terms and threaded comments", async () => {
    const summary = await exportWordPress(original.ctx, fs.createWriteStream(exportFile));
    expect(summary.posts).toBe(7);
    expect(summary.pages).toBe(2);
    expect(summary.comments).toBe(6);
    const { report } = await importWordPressFile(copy.ctx, exportFile);
    expect(report.fatal).toBeNull();
    expect(report.failures).toEqual([]);
    expect(await contentOf(copy)).toEqual(await contentOf(original));
  });

  test("the copy answers at the same URLs", async () => {
    for (const url of [
      "/2023/05/22/council-approves-new-budget/",
      "/2026/05/01/written-here/",
      "/category/local/",
    ]) {
      const response = await copy.request({ method: "GET", url });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
    }
  });

  test("the export never carries a commenter's IP (only its hash is kept here)", async () => {
    const text = fs.readFileSync(exportFile, "utf8");
    expect(text).toContain("<wp:wxr_version>1.2</wp:wxr_version>");
    expect(text).not.toMatch(/<wp:comment_author_IP><!\[CDATA\[[^\]]+\]\]>/);
  });
});
