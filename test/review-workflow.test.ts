import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import type { Role } from "../src/db/schema.js";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`the review workflow on ${testDialect}`, () => {
  let site: TestSite;
  const staff = {} as Record<Role, TestUser>;
  const tokens = {} as Record<Role, string>;
  const cookies = {} as Record<Role, string>;
  beforeAll(async () => {
    site = await createTestSite();
    for (const role of ["admin", "editor", "author", "contributor"] as const) {
      staff[role] = await site.newUser({ role, name: `${role[0].toUpperCase()}${role.slice(1)} Person` });
      const made = await createApiToken(site.ctx, { name: `${role} token`, userId: staff[role].id });
      if ("errors" in made) throw new Error("token");
      tokens[role] = made.token;
      cookies[role] = await site.sessionCookie(staff[role]);
    }
  });
  afterAll(async () => site?.close());

  const api = (role: Role, method: "GET" | "POST" | "PATCH", url: string, payload?: object) =>
    site.request({
      method,
      url: `/api/admin${url}`,
      headers: { authorization: `Bearer ${tokens[role]}` },
      payload,
    });
  const page = (role: Role, url: string) => site.request({ method: "GET", url, cookie: cookies[role] });

  test("a contributor submits a story for review; editors find it in the queue, counted on the dashboard and in the nav", async () => {
    const form = await page("contributor", "/admin/articles/new");
    expect(form.body).toContain(">Submit for review</button>");
    expect(form.body).toContain(">Save draft</button>");
    expect(form.body).not.toContain('value="publish"');
    const submitted = await postAdminForm(
      site,
      "/admin/articles/new",
      "/admin/articles/new",
      cookies.contributor,
      {
        title: "Lighthouse keeper retires",
        body: "After forty years.",
        action: "submit_review",
      },
    );
    expect(submitted.statusCode).toBe(303);
    expect((await followRedirect(site, submitted, cookies.contributor)).body).toContain(
      "Submitted for review.",
    );
    const id = Number(/\/admin\/articles\/(\d+)\/edit/.exec(String(submitted.headers.location))?.[1]);
    expect((await api("contributor", "GET", `/articles/${id}`)).json().status).toBe("pending");

    const queue = await page("editor", "/admin/articles?status=pending");
    expect(queue.body).toContain("Lighthouse keeper retires");
    expect(queue.body).toContain('Pending review <span class="count">(1)</span>');
    const dashboard = await page("editor", "/admin/");
    expect(dashboard.body).toMatch(/<strong>1<\/strong> awaiting review/);
    expect(dashboard.body).toMatch(/data-nav-review>Review <span class="nav-count">1<\/span>/);
    // The contributor does not work the queue: no review link for them.
    expect((await page("contributor", "/admin/")).body).not.toContain("data-nav-review");

    // The editor opens it with Publish at hand and publishes it.
    const editor = await page("editor", `/admin/articles/${id}/edit`);
    expect(editor.body).toContain('value="publish"');
    expect(editor.body).toContain(">Return to draft</button>");
    const published = await postAdminForm(
      site,
      `/admin/articles/${id}/edit`,
      `/admin/articles/${id}/edit`,
      cookies.editor,
      {
        title: "Lighthouse keeper retires",
        body: "After forty years.",
        action: "publish",
        version: String((await api("editor", "GET", `/articles/${id}`)).json().version),
      },
    );
    expect(published.statusCode).toBe(303);
    expect((await api("editor", "GET", `/articles/${id}`)).json().status).toBe("published");
    expect((await page("editor", "/admin/")).body).not.toContain("data-nav-review");
  });

  test("on the API a contributor may submit for review but never publish; an editor publishes", async () => {
    const created = await api("contributor", "POST", "/articles", {
      title: "Pier repairs",
      body: "Soon.",
      status: "pending",
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().status).toBe("pending");
    const id = created.json().id;
    expect(
      (await api("contributor", "POST", "/articles", { title: "Scoop", body: "x", status: "published" }))
        .statusCode,
    ).toBe(422);
    const publish = await api("contributor", "PATCH", `/articles/${id}`, { status: "published" });
    expect(publish.statusCode).toBe(422);
    expect(publish.json().fields.status).toContain("an editor publishes them");
    expect(
      (
        await api("contributor", "PATCH", `/articles/${id}`, {
          status: "scheduled",
          published_at: "2026-06-01T00:00:00Z",
        })
      ).statusCode,
    ).toBe(422);
    // Still theirs to improve while it waits.
    expect(
      (await api("contributor", "PATCH", `/articles/${id}`, { title: "Pier repairs start" })).statusCode,
    ).toBe(200);
    // Others' pending stories are not there for an author; editors list the queue.
    expect((await api("author", "GET", `/articles/${id}`)).statusCode).toBe(404);
    const queue = (await api("editor", "GET", "/articles?status=pending")).json();
    expect(queue.articles.map((a: { id: number }) => a.id)).toContain(id);
    expect((await api("author", "GET", "/articles?status=pending")).json().articles).toEqual([]);
    const live = await api("editor", "PATCH", `/articles/${id}`, { status: "published" });
    expect(live.statusCode).toBe(200);
    expect(live.json().status).toBe("published");
    // Once published it is no longer the contributor's to change.
    expect((await api("contributor", "PATCH", `/articles/${id}`, { title: "Changed" })).statusCode).toBe(403);
  });

  test("notes on a story are for its newsroom only: never on the site or in any API answer", async () => {
    const story = (
      await api("contributor", "POST", "/articles", {
        title: "Harbour fees",
        body: "Fees rise.",
        status: "pending",
      })
    ).json();
    const editUrl = `/admin/articles/${story.id}/edit`;
    const added = await postAdminForm(site, editUrl, `/admin/articles/${story.id}/notes`, cookies.editor, {
      note: "Check the figures with the port authority <before> we run it.",
    });
    expect(added.statusCode).toBe(303);
    expect((await followRedirect(site, added, cookies.editor)).body).toContain("Note added.");
    const contributorView = await page("contributor", editUrl);
    expect(contributorView.body).toContain(
      "Check the figures with the port authority &lt;before&gt; we run it.",
    );
    expect(contributorView.body).toContain("Editor Person");
    const empty = await postAdminForm(site, editUrl, `/admin/articles/${story.id}/notes`, cookies.editor, {
      note: "  ",
    });
    expect((await followRedirect(site, empty, cookies.editor)).body).toContain(
      "The note was not added: it is empty.",
    );
    // Someone who may not edit the story cannot add notes to it.
    const other = await site.newUser({ role: "contributor" });
    const otherCookie = await site.sessionCookie(other);
    const refused = await postAdminForm(
      site,
      "/admin/articles/new",
      `/admin/articles/${story.id}/notes`,
      otherCookie,
      { note: "Hi" },
    );
    expect(refused.statusCode).toBe(404);

    const published = (await api("editor", "PATCH", `/articles/${story.id}`, { status: "published" })).json();
    const answers = [
      await site.request({ method: "GET", url: new URL(published.url).pathname }),
      await site.request({ method: "GET", url: `/api/articles/${story.slug}` }),
      await site.request({ method: "GET", url: "/feed/" }),
      await api("editor", "GET", `/articles/${story.id}`),
    ];
    for (const answer of answers) {
      expect(answer.statusCode, answer.body.slice(0, 200)).toBe(200);
      expect(answer.body).not.toContain("port authority");
    }
  });

  test("editors see pending comments counted beside Comments in the nav", async () => {
    const story = await site.newArticle({ author: staff.editor, title: "Comment magnet" });
    await site.ctx.db
      .insertInto("comments")
      .values({
        article_id: story.id,
        parent_id: null,
        status: "pending",
        name: "Reader",
        email: "reader@example.org",
        url: "",
        body: "First!",
        body_html: "<p>First!</p>",
        created_at: "2026-05-22T10:00:00.000Z",
        updated_at: "2026-05-22T10:00:00.000Z",
      } as never)
      .execute();
    expect((await page("editor", "/admin/articles")).body).toMatch(
      /data-nav-comments>Comments <span class="nav-count">1<\/span>/,
    );
    expect((await page("author", "/admin/articles")).body).not.toContain("data-nav-comments");
  });
});
