import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import { KEEP_LATEST_REVISIONS } from "../src/articles/revisions/record.js";
import type { Role } from "../src/db/schema.js";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

describe(`revisions, autosave and who is editing on ${testDialect}`, () => {
  let site: TestSite;
  const staff = {} as Record<Role, TestUser>;
  const tokens = {} as Record<Role, string>;
  beforeAll(async () => {
    site = await createTestSite();
    for (const role of ["admin", "editor", "author", "contributor"] as const) {
      staff[role] = await site.newUser({ role, name: `${role[0].toUpperCase()}${role.slice(1)} Person` });
      const made = await createApiToken(site.ctx, { name: `${role} token`, userId: staff[role].id });
      if ("errors" in made) throw new Error("token");
      tokens[role] = made.token;
    }
  });
  afterAll(async () => site?.close());

  const api = (role: Role, method: "GET" | "POST" | "PATCH", url: string, payload?: object, headers = {}) =>
    site.request({
      method,
      url: `/api/admin${url}`,
      headers: { authorization: `Bearer ${tokens[role]}`, ...headers },
      payload,
    });

  /** A JSON post from the editor's script, signed in as `user`, with the page's CSRF token. */
  async function editorScript(user: TestUser, page: string, url: string, payload: object) {
    const form = await site.formSession(page, await site.sessionCookie(user));
    return site.request({
      method: "POST",
      url,
      cookie: form.cookie,
      headers: { accept: "application/json", "x-csrf-token": form.token },
      payload,
    });
  }

  test("every save is a revision; the API lists them newest first and gives one with its text", async () => {
    const article = await site.newArticle({
      author: staff.author,
      title: "Ferries wait",
      body: "First words.",
    });
    await api("author", "PATCH", `/articles/${article.id}`, { body: "Second words." });
    const list = await api("author", "GET", `/articles/${article.id}/revisions`);
    expect(list.statusCode).toBe(200);
    const { revisions, pruned, policy } = list.json();
    expect(revisions).toHaveLength(2);
    expect(revisions[0]).toMatchObject({
      title: "Ferries wait",
      kind: "save",
      status: "published",
      author: { id: staff.author.id, name: "Author Person" },
    });
    expect(revisions[0].id).toBeGreaterThan(revisions[1].id);
    expect(revisions[0]).not.toHaveProperty("body");
    expect(pruned.count).toBe(0);
    expect(policy).toContain(`newest ${KEEP_LATEST_REVISIONS}`);

    const oldest = await api("author", "GET", `/articles/${article.id}/revisions/${revisions[1].id}`);
    expect(oldest.statusCode).toBe(200);
    expect(oldest.json()).toMatchObject({ id: revisions[1].id, body: "First words.", title: "Ferries wait" });
    // A revision id belongs to its story only.
    const other = await site.newArticle({ author: staff.author });
    expect(
      (await api("author", "GET", `/articles/${other.id}/revisions/${revisions[1].id}`)).statusCode,
    ).toBe(404);
  });

  test("restoring a revision saves its text as the story (a new revision); a stale copy is refused with 412", async () => {
    const article = await site.newArticle({ author: staff.editor, title: "Harbour", body: "Version one." });
    const edited = await api("editor", "PATCH", `/articles/${article.id}`, { body: "Version two." });
    const etag = edited.headers.etag as string;
    const [, first] = (await api("editor", "GET", `/articles/${article.id}/revisions`)).json().revisions;

    await api("editor", "PATCH", `/articles/${article.id}`, { title: "Harbour (updated)" });
    const stale = await api(
      "editor",
      "POST",
      `/articles/${article.id}/revisions/${first.id}/restore`,
      undefined,
      {
        "if-match": etag,
      },
    );
    expect(stale.statusCode).toBe(412);
    expect((await api("editor", "GET", `/articles/${article.id}`)).json().body).toBe("Version two.");

    const restored = await api("editor", "POST", `/articles/${article.id}/revisions/${first.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ title: "Harbour", body: "Version one.", status: "published" });
    const after = (await api("editor", "GET", `/articles/${article.id}/revisions`)).json().revisions;
    expect(after).toHaveLength(4);
    expect(after[0]).toMatchObject({ title: "Harbour", kind: "save" });
    // The story readers see has the restored text.
    const page = await site.request({ method: "GET", url: new URL(restored.json().url).pathname });
    expect(page.body).toContain("Version one.");
  });

  test("revisions follow the story's roles: others' drafts are not found, published ones not editable", async () => {
    const draft = await site.newArticle({ author: staff.author, title: "Embargoed", status: "draft" });
    const published = await site.newArticle({ author: staff.author, title: "Out now" });
    const own = await site.newArticle({ author: staff.contributor, title: "My draft", status: "draft" });
    const [revision] = (await api("admin", "GET", `/articles/${draft.id}/revisions`)).json().revisions;
    expect((await api("editor", "GET", `/articles/${draft.id}/revisions`)).statusCode).toBe(200);
    expect((await api("contributor", "GET", `/articles/${draft.id}/revisions`)).statusCode).toBe(404);
    expect(
      (await api("contributor", "GET", `/articles/${draft.id}/revisions/${revision.id}`)).statusCode,
    ).toBe(404);
    expect(
      (await api("contributor", "POST", `/articles/${draft.id}/revisions/${revision.id}/restore`)).statusCode,
    ).toBe(404);
    expect((await api("contributor", "GET", `/articles/${published.id}/revisions`)).statusCode).toBe(403);
    expect((await api("contributor", "GET", `/articles/${own.id}/revisions`)).statusCode).toBe(200);
    const anonymous = await site.request({ method: "GET", url: `/api/admin/articles/${draft.id}/revisions` });
    expect(anonymous.statusCode).toBe(401);
  });

  test("an autosave of a published story keeps the text as a revision and changes nothing readers see", async () => {
    const article = await site.newArticle({ author: staff.editor, title: "Gales", body: "Live text." });
    const editUrl = `/admin/articles/${article.id}/edit`;
    const first = await editorScript(staff.editor, editUrl, `/admin/articles/${article.id}/autosave`, {
      title: "Gales",
      excerpt: "",
      body: "Live text, and a new paragraph being typed.",
      version: String(article.version),
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ is_stale: false, saved_label: "10:00" });
    // Typing on: the same stretch of typing stays one revision.
    const second = await editorScript(staff.editor, editUrl, `/admin/articles/${article.id}/autosave`, {
      title: "Gales",
      excerpt: "",
      body: "Live text, and a new paragraph being typed further.",
      version: String(article.version),
    });
    expect(second.json().revision_id).toBe(first.json().revision_id);

    const stored = (await api("editor", "GET", `/articles/${article.id}`)).json();
    expect(stored).toMatchObject({ body: "Live text.", status: "published", version: article.version });
    const page = await site.request({ method: "GET", url: article.path });
    expect(page.body).toContain("Live text.");
    expect(page.body).not.toContain("being typed");
    const [newest] = (await api("editor", "GET", `/articles/${article.id}/revisions`)).json().revisions;
    expect(newest).toMatchObject({ kind: "autosave", id: first.json().revision_id });

    // Back in the editor, the autosaved text is in the form, and the stored story is a link away.
    const cookie = await site.sessionCookie(staff.editor);
    const editor = await site.request({ method: "GET", url: editUrl, cookie });
    expect(editor.body).toContain("being typed further.</textarea>");
    expect(editor.body).toContain("The form shows your autosave from");
    const saved = await site.request({ method: "GET", url: `${editUrl}?saved=1`, cookie });
    expect(saved.body).toContain(">Live text.</textarea>");
    // Another editor opening the story sees the story as saved, not someone else's autosave.
    const other = await site.request({
      method: "GET",
      url: editUrl,
      cookie: await site.sessionCookie(staff.admin),
    });
    expect(other.body).toContain(">Live text.</textarea>");
  });

  test("an autosave made from an older copy is kept but reported stale, and never overwrites the newer save", async () => {
    const article = await site.newArticle({ author: staff.editor, title: "Budget", body: "Original." });
    await api("admin", "PATCH", `/articles/${article.id}`, { body: "The admin's newer text." });
    const editUrl = `/admin/articles/${article.id}/edit`;
    const stale = await editorScript(staff.editor, editUrl, `/admin/articles/${article.id}/autosave`, {
      title: "Budget",
      excerpt: "",
      body: "My older copy, typed on.",
      version: String(article.version),
    });
    expect(stale.statusCode).toBe(200);
    expect(stale.json().is_stale).toBe(true);
    expect((await api("editor", "GET", `/articles/${article.id}`)).json().body).toBe(
      "The admin's newer text.",
    );
    const revision = await api(
      "editor",
      "GET",
      `/articles/${article.id}/revisions/${stale.json().revision_id}`,
    );
    expect(revision.json().body).toBe("My older copy, typed on.");
  });

  test("a contributor cannot autosave someone else's story, and an anonymous script is refused", async () => {
    const article = await site.newArticle({ author: staff.author, title: "Not yours", status: "draft" });
    const refused = await editorScript(
      staff.contributor,
      "/admin/articles/new",
      `/admin/articles/${article.id}/autosave`,
      {
        title: "Mine",
        excerpt: "",
        body: "x",
        version: "1",
      },
    );
    expect(refused.statusCode).toBe(404);
    const anonymous = await site.request({
      method: "POST",
      url: `/admin/articles/${article.id}/autosave`,
      headers: { accept: "application/json" },
      payload: { title: "x" },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  test("the first autosave of a new story keeps it as a draft; without a title it is refused with a reason", async () => {
    const untitled = await editorScript(
      staff.contributor,
      "/admin/articles/new",
      "/admin/articles/autosave",
      {
        title: "",
        body: "Words without a title.",
      },
    );
    expect(untitled.statusCode).toBe(422);
    expect(untitled.json().fields.title).toBeTruthy();
    const created = await editorScript(staff.contributor, "/admin/articles/new", "/admin/articles/autosave", {
      title: "Night ferry",
      excerpt: "",
      body: "Words typed before any save.",
    });
    expect(created.statusCode).toBe(201);
    const { id, edit_url } = created.json();
    expect(edit_url).toBe(`/admin/articles/${id}/edit`);
    expect((await api("contributor", "GET", `/articles/${id}`)).json()).toMatchObject({
      status: "draft",
      body: "Words typed before any save.",
    });
  });

  test(`pruning keeps the newest ${KEEP_LATEST_REVISIONS} and every published version, and says how many went`, async () => {
    const article = await site.newArticle({ author: staff.editor, title: "Long story", body: "v0" });
    await api("editor", "PATCH", `/articles/${article.id}`, { status: "draft" });
    for (let n = 1; n <= KEEP_LATEST_REVISIONS + 5; n += 1)
      await api("editor", "PATCH", `/articles/${article.id}`, { body: `draft v${n}` });
    const { revisions, pruned } = (await api("editor", "GET", `/articles/${article.id}/revisions`)).json();
    // The first save (published) is kept beyond the newest ones; the unpublishing save and 5 drafts went.
    expect(revisions).toHaveLength(KEEP_LATEST_REVISIONS + 1);
    expect(revisions.at(-1)).toMatchObject({ status: "published", kind: "save" });
    expect(pruned.count).toBe(6);
    const cookie = await site.sessionCookie(staff.editor);
    const screen = await site.request({
      method: "GET",
      url: `/admin/articles/${article.id}/revisions`,
      cookie,
    });
    expect(screen.body).toContain("6 older revisions were pruned");
  });

  test("two editors on one story: the second sees who is editing since when, and can take over", async () => {
    const article = await site.newArticle({ author: staff.editor, title: "Shared story" });
    const editUrl = `/admin/articles/${article.id}/edit`;
    const mayaCookie = await site.sessionCookie(staff.editor);
    const adaCookie = await site.sessionCookie(staff.admin);
    site.clock.set("2026-05-22T10:42:00Z");
    // The sentence itself is in the page for the script (data-messages); the notice is what must be empty.
    expect((await site.request({ method: "GET", url: editUrl, cookie: mayaCookie })).body).toContain(
      "<span data-editing-text></span>",
    );
    site.clock.set("2026-05-22T10:43:00Z");
    const second = await site.request({ method: "GET", url: editUrl, cookie: adaCookie });
    expect(second.body).toContain("Editor Person is editing since <time");
    expect(second.body).toContain(">10:42</time>");

    const takeOver = await postAdminForm(
      site,
      editUrl,
      `${editUrl.replace("/edit", "/editing")}`,
      adaCookie,
      {
        take_over: "1",
      },
    );
    expect(takeOver.statusCode).toBe(303);
    expect((await followRedirect(site, takeOver, adaCookie)).body).toContain(
      "<span data-editing-text></span>",
    );
    const first = await editorScript(
      staff.editor,
      "/admin/articles/new",
      `/admin/articles/${article.id}/editing`,
      {},
    );
    expect(first.json().holder).toMatchObject({ name: "Admin Person", since_label: "10:43", is_me: false });

    // Someone not heard from for a minute no longer holds the story.
    site.clock.set("2026-05-22T10:45:00Z");
    const back = await editorScript(
      staff.editor,
      "/admin/articles/new",
      `/admin/articles/${article.id}/editing`,
      {},
    );
    expect(back.json().holder).toMatchObject({ name: "Editor Person", is_me: true });
    site.clock.set("2026-05-22T10:00:00Z");
  });

  test("the revisions screen shows a readable diff against the story now and restores from a form", async () => {
    const article = await site.newArticle({
      author: staff.editor,
      title: "Storm",
      body: "The harbour closed at dawn.",
    });
    await api("editor", "PATCH", `/articles/${article.id}`, {
      body: "The harbour reopened at noon <b>today</b>.",
    });
    const [, first] = (await api("editor", "GET", `/articles/${article.id}/revisions`)).json().revisions;
    const cookie = await site.sessionCookie(staff.editor);
    const url = `/admin/articles/${article.id}/revisions?rev=${first.id}`;
    const screen = await site.request({ method: "GET", url, cookie });
    expect(screen.statusCode).toBe(200);
    expect(screen.body).toContain("<del>closed</del>");
    expect(screen.body).toContain("<ins>reopened</ins>");
    expect(screen.body).toContain("&lt;b&gt;today&lt;/b&gt;");
    const restore = await postAdminForm(
      site,
      url,
      `/admin/articles/${article.id}/revisions/${first.id}/restore`,
      cookie,
      {
        version: String(article.version + 1),
      },
    );
    expect(restore.statusCode).toBe(303);
    expect((await followRedirect(site, restore, cookie)).body).toContain("Revision restored.");
    expect((await api("editor", "GET", `/articles/${article.id}`)).json().body).toBe(
      "The harbour closed at dawn.",
    );
    const contributorCookie = await site.sessionCookie(staff.contributor);
    expect((await site.request({ method: "GET", url, cookie: contributorCookie })).statusCode).toBe(403);
  });
});
