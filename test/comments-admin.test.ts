import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getCommentById } from "../src/comments/store.js";
import { commentCounts, postComment, readerFields } from "./comments-helpers.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`comment moderation on ${testDialect}`, () => {
  let site: TestSite;
  let editor: TestUser;
  let editorCookie: string;
  let token: string;
  beforeAll(async () => {
    site = await createTestSite();
    editor = await site.newUser({ role: "editor", name: "Mo Moderator" });
    editorCookie = await site.sessionCookie(editor);
    token = await site.newApiToken();
  });
  afterAll(async () => site?.close());

  /** Posts `count` held comments from first-time readers; returns their ids, oldest first. */
  async function heldComments(articleId: number, count: number, body = "Held remark"): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const response = await postComment(site, readerFields(articleId, { body: `${body} ${i}` }));
      expect(response.headers.location).toMatch(/#comment-held$/);
      const list = await api("GET", `/api/admin/comments?status=pending&article_id=${articleId}`);
      ids.push(list.json().comments[0].id);
    }
    return ids;
  }

  function api(method: "GET" | "PATCH" | "DELETE", url: string, payload?: object) {
    return site.request({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
  }

  async function adminPost(url: string, fields: Record<string, string | string[]>) {
    const form = await site.formSession("/admin/comments", editorCookie);
    const body = new URLSearchParams();
    body.append("_csrf", form.token);
    for (const [key, value] of Object.entries(fields))
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    return site.request({
      method: "POST",
      url,
      payload: body.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      cookie: form.cookie,
    });
  }

  test("the queue shows Pending / Approved / Spam / Trash tabs with counts and why each comment was held", async () => {
    const article = await site.newArticle({ title: "Queue story" });
    await site.ctx.settings.update({ commentModerationKeywords: ["casino"] });
    try {
      await postComment(
        site,
        readerFields(article.id, { name: "Carla Casino", body: "Visit the casino, friends" }),
      );
    } finally {
      await site.ctx.settings.update({ commentModerationKeywords: [] });
    }
    const counts = await commentCounts(site);
    const page = await site.request({ method: "GET", url: "/admin/comments", cookie: editorCookie });
    expect(page.statusCode).toBe(200);
    for (const [label, status] of [
      ["Pending", "pending"],
      ["Approved", "approved"],
      ["Spam", "spam"],
      ["Trash", "trash"],
    ] as const)
      expect(page.body).toContain(`<strong>${counts[status]}</strong> ${label}`);
    expect(page.body).toContain("Carla Casino");
    expect(page.body).toMatch(/Held because:<\/strong> keyword &#34;casino&#34;; first-time commenter/);
    expect(page.body).toContain("Queue story");
  });

  test("the dashboard shows how many comments await moderation", async () => {
    const { pending } = await commentCounts(site);
    const dashboard = await site.request({ method: "GET", url: "/admin/", cookie: editorCookie });
    expect(dashboard.body).toContain(
      `<strong>${pending}</strong> ${pending === 1 ? "comment" : "comments"} awaiting moderation`,
    );
  });

  test("an editor approves, unapproves, marks spam, trashes, restores and deletes from the queue", async () => {
    const article = await site.newArticle();
    const [id] = await heldComments(article.id, 1, "Lifecycle");
    const act = (action: string) =>
      adminPost(`/admin/comments/${id}/moderate`, { action, return_to: "/admin/comments?status=pending" });
    const statusNow = async () => (await getCommentById(site.ctx.db, id))?.status;

    const approved = await act("approve");
    expect(approved.statusCode).toBe(303);
    expect(approved.headers.location).toBe("/admin/comments?status=pending");
    expect(await statusNow()).toBe("approved");
    expect((await site.request({ method: "GET", url: article.path })).body).toContain("Lifecycle 0");

    await act("unapprove");
    expect(await statusNow()).toBe("pending");
    expect((await site.request({ method: "GET", url: article.path })).body).not.toContain("Lifecycle 0");

    await act("approve");
    await act("trash");
    expect(await statusNow()).toBe("trash");
    await act("restore");
    expect(await statusNow()).toBe("approved");
    await act("spam");
    expect(await statusNow()).toBe("spam");
    await act("restore");
    expect(await statusNow()).toBe("approved");
    await act("trash");
    const deleted = await act("delete");
    expect(deleted.statusCode).toBe(303);
    expect(await getCommentById(site.ctx.db, id)).toBeUndefined();
  });

  test("bulk actions apply to every selected comment, and say so", async () => {
    const article = await site.newArticle();
    const ids = await heldComments(article.id, 3, "Bulk");
    const response = await adminPost("/admin/comments/bulk", {
      bulk_action: "approve",
      ids: ids.slice(0, 2).map(String),
      return_to: `/admin/comments?status=pending&article=${article.id}`,
    });
    expect(response.statusCode).toBe(303);
    const after = await site.request({
      method: "GET",
      url: response.headers.location as string,
      cookie: `${editorCookie}; ${response.headers["set-cookie"]?.toString().split(";")[0]}`,
    });
    expect(after.body).toContain("2 comments approved.");
    const counts = await commentCounts(site, article.id);
    expect(counts).toMatchObject({ approved: 2, pending: 1 });
    const none = await adminPost("/admin/comments/bulk", {
      bulk_action: "approve",
      return_to: "/admin/comments",
    });
    expect(none.statusCode).toBe(303);
    expect((await commentCounts(site, article.id)).approved).toBe(2);
  });

  test("the queue filters by article", async () => {
    const one = await site.newArticle({ title: "Filter one" });
    const two = await site.newArticle({ title: "Filter two" });
    await heldComments(one.id, 1, "About one");
    await heldComments(two.id, 1, "About two");
    const filtered = await site.request({
      method: "GET",
      url: `/admin/comments?status=pending&article=${one.id}`,
      cookie: editorCookie,
    });
    expect(filtered.body).toContain("About one 0");
    expect(filtered.body).not.toContain("About two 0");
    expect(filtered.body).toContain("Showing comments on <strong>Filter one</strong>");
    expect(filtered.body).toContain("<strong>1</strong> Pending");
  });

  test("an editor edits a comment; a bad email comes back with their changes and the reason", async () => {
    const article = await site.newArticle();
    const [id] = await heldComments(article.id, 1, "Typo teh");
    const form = await site.request({
      method: "GET",
      url: `/admin/comments/${id}/edit`,
      cookie: editorCookie,
    });
    expect(form.body).toContain("Typo teh 0</textarea>");
    const bad = await adminPost(`/admin/comments/${id}/edit`, {
      name: "Fixed",
      email: "broken",
      url: "",
      body: "Typo the",
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain("Email must be a valid email address");
    expect(bad.body).toContain("Typo the</textarea>");
    const good = await adminPost(`/admin/comments/${id}/edit`, {
      name: "Fixed",
      email: "fixed@example.org",
      url: "",
      body: "Typo *the*",
    });
    expect(good.statusCode).toBe(303);
    expect(await getCommentById(site.ctx.db, id)).toMatchObject({
      name: "Fixed",
      email: "fixed@example.org",
      body: "Typo *the*",
      body_html: "<p>Typo <em>the</em></p>",
    });
  });

  test("replying as staff approves the held comment and publishes the reply under it", async () => {
    const article = await site.newArticle();
    const [id] = await heldComments(article.id, 1, "Question for the desk");
    const page = await site.request({
      method: "GET",
      url: `/admin/comments/${id}/reply`,
      cookie: editorCookie,
    });
    expect(page.body).toContain("Approve and reply");
    const empty = await adminPost(`/admin/comments/${id}/reply`, { body: " " });
    expect(empty.statusCode).toBe(422);
    const replied = await adminPost(`/admin/comments/${id}/reply`, { body: "Thanks, we have corrected it." });
    expect(replied.statusCode).toBe(303);
    expect((await getCommentById(site.ctx.db, id))?.status).toBe("approved");
    const article_page = await site.request({ method: "GET", url: article.path });
    expect(article_page.body).toMatch(
      new RegExp(
        `id="comment-${id}"[\\s\\S]*<ol class="children">[\\s\\S]*Mo Moderator[\\s\\S]*Thanks, we have corrected it\\.`,
      ),
    );
  });

  test("authors and contributors may not moderate", async () => {
    const author = await site.newUser({ role: "author" });
    const cookie = await site.sessionCookie(author);
    const page = await site.request({ method: "GET", url: "/admin/comments", cookie });
    expect(page.statusCode).toBe(403);
    const dashboard = await site.request({ method: "GET", url: "/admin/", cookie });
    expect(dashboard.body).not.toContain("awaiting moderation");
  });

  test("anonymous visitors are sent to sign in, and scripts get 401", async () => {
    const page = await site.request({ method: "GET", url: "/admin/comments" });
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toContain("/admin/login");
    const post = await site.request({
      method: "POST",
      url: "/admin/comments/1/moderate",
      payload: { action: "approve" },
    });
    expect([302, 401, 403]).toContain(post.statusCode);
    for (const [method, url] of [
      ["GET", "/api/admin/comments"],
      ["PATCH", "/api/admin/comments/1"],
      ["DELETE", "/api/admin/comments/1"],
    ] as const)
      expect(
        (
          await site.request({
            method,
            url,
            payload: method === "PATCH" ? { status: "approved" } : undefined,
          })
        ).statusCode,
      ).toBe(401);
  });

  describe("Admin API", () => {
    test("lists comments by status with the documented fields, and pages", async () => {
      const article = await site.newArticle();
      await heldComments(article.id, 2, "Api listed");
      const list = await api("GET", `/api/admin/comments?status=pending&article_id=${article.id}`);
      expect(list.statusCode).toBe(200);
      const body = list.json();
      expect(body.total).toBe(2);
      expect(body.page).toBe(1);
      expect(Object.keys(body.comments[0])).toEqual(
        expect.arrayContaining([
          "id",
          "article_id",
          "parent_id",
          "status",
          "name",
          "email",
          "url",
          "body",
          "created_at",
        ]),
      );
      expect(body.comments[0].email).toMatch(/@example\.org$/);
      expect((await api("GET", "/api/admin/comments?status=bogus")).json()).toEqual({
        error: "validation failed",
        fields: { status: "must be one of pending, approved, spam, trash" },
      });
      expect((await api("GET", "/api/admin/comments?page=0")).statusCode).toBe(400);
    });

    test("PATCH changes the status and DELETE removes a comment", async () => {
      const article = await site.newArticle();
      const [id] = await heldComments(article.id, 1, "Api moderated");
      const approved = await api("PATCH", `/api/admin/comments/${id}`, { status: "approved" });
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toMatchObject({ id, status: "approved" });
      expect((await site.request({ method: "GET", url: article.path })).body).toContain("Api moderated 0");
      expect((await api("PATCH", `/api/admin/comments/${id}`, { status: "spam" })).json().status).toBe(
        "spam",
      );

      const bad = await api("PATCH", `/api/admin/comments/${id}`, { status: "gone", body: "x" });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().fields).toEqual({
        status: "must be one of pending, approved, spam, trash",
        body: "is not a known field",
      });
      expect((await api("PATCH", "/api/admin/comments/987654", { status: "approved" })).statusCode).toBe(404);

      expect((await api("DELETE", `/api/admin/comments/${id}`)).statusCode).toBe(204);
      expect((await api("DELETE", `/api/admin/comments/${id}`)).statusCode).toBe(404);
      expect(await getCommentById(site.ctx.db, id)).toBeUndefined();
    });

    test("deleting a comment for good moves its replies up to its parent", async () => {
      const article = await site.newArticle();
      const staff = { cookie: editorCookie };
      const top = Number(
        (await postComment(site, readerFields(article.id), staff)).headers.location?.split("#comment-")[1],
      );
      const middle = Number(
        (
          await postComment(site, readerFields(article.id, { parent_id: String(top) }), staff)
        ).headers.location?.split("#comment-")[1],
      );
      const leaf = Number(
        (
          await postComment(site, readerFields(article.id, { parent_id: String(middle) }), staff)
        ).headers.location?.split("#comment-")[1],
      );
      expect((await api("DELETE", `/api/admin/comments/${middle}`)).statusCode).toBe(204);
      expect((await getCommentById(site.ctx.db, leaf))?.parent_id).toBe(top);
    });
  });
});
