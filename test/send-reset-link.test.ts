import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { readMessage, startFakeSmtp } from "./support/fake-smtp.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

/** The set-password path in an emailed message (quoted-printable soft breaks undone). */
function linkIn(message: { data: string }): string | undefined {
  const text = message.data.replace(/=\r\n/g, "").replace(/=3D/g, "=");
  return /http:\/\/news\.test(\/admin\/set-password\?token=[A-Za-z0-9_=-]+)/.exec(text)?.[1];
}

describe(`"Send reset link" on a staff member's page on ${testDialect}`, () => {
  let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
  let site: TestSite;
  let admin: TestUser;
  let adminCookie: string;

  beforeAll(async () => {
    smtp = await startFakeSmtp();
    site = await createTestSite({ config: { smtpUrl: `smtp://127.0.0.1:${smtp.port}` } });
    admin = await site.newUser({ role: "admin", name: "Ada Admin" });
    adminCookie = await site.sessionCookie(admin);
  });
  afterAll(async () => {
    await site.close();
    await smtp.close();
  });

  async function sendLink(user: TestUser, cookie = adminCookie) {
    return postAdminForm(
      site,
      `/admin/users/${user.id}`,
      `/admin/users/${user.id}/send-reset-link`,
      cookie,
      {},
    );
  }

  test("an admin emails the link to the staff member, and it sets a password once", async () => {
    const reporter = await site.newUser({ role: "author", name: "Rita Reporter", email: "rita@news.test" });
    const page = await site.request({
      method: "GET",
      url: `/admin/users/${reporter.id}`,
      cookie: adminCookie,
    });
    expect(page.body).toContain(">Send reset link</button>");

    const before = smtp.messages.length;
    const sent = await sendLink(reporter);
    expect(sent.statusCode).toBe(303);
    const after = await followRedirect(site, sent, adminCookie);
    expect(after.body).toContain("A set-password link is on its way to rita@news.test");
    await expect.poll(() => smtp.messages.length).toBe(before + 1);
    const message = smtp.messages[before];
    expect(message.to).toEqual(["rita@news.test"]);
    const url = linkIn(message);
    expect(url).toBeTruthy();

    const form = await site.formSession(url!);
    const token = new URL(url!, "http://news.test").searchParams.get("token")!;
    const set = await site.request({
      method: "POST",
      url: "/admin/set-password",
      cookie: form.cookie,
      form: {
        _csrf: form.token,
        token,
        password: "a brand new passphrase",
        password_confirm: "a brand new passphrase",
      },
    });
    expect(set.statusCode).toBe(303);
    const again = await site.request({ method: "GET", url: url! });
    expect(again.body).not.toContain("Rita Reporter");
    expect(again.body).toContain("expired or was already used");
  });

  test("the email speaks the staff member's admin language, and its link works", async () => {
    const reporter = await site.newUser({ role: "author", name: "Рита", email: "rita.ru@news.test" });
    await site.ctx.db.updateTable("users").set({ language: "ru" }).where("id", "=", reporter.id).execute();
    const before = smtp.messages.length;
    expect((await sendLink(reporter)).statusCode).toBe(303);
    await expect.poll(() => smtp.messages.length).toBe(before + 1);
    const { subject, text } = readMessage(smtp.messages[before]);
    expect(subject).toContain("Установите новый пароль");
    expect(text).toContain("Администратор прислал вам ссылку");
    const url = /http:\/\/news\.test(\/admin\/set-password\?token=[A-Za-z0-9_=-]+)/.exec(text)?.[1];
    expect((await site.request({ method: "GET", url: url ?? "/" })).body).toContain("Рита");
  });

  test("the send is in the audit log, naming who sent it and to whom", async () => {
    const subject = await site.newUser({ role: "editor", name: "Eddie Editor" });
    await sendLink(subject);
    const entry = await site.ctx.db
      .selectFrom("audit_log")
      .select(["event", "actor_id", "subject_id"])
      .where("subject_id", "=", subject.id)
      .executeTakeFirst();
    expect(entry).toEqual({ event: "reset_link_emailed", actor_id: admin.id, subject_id: subject.id });
    const log = await site.request({ method: "GET", url: "/admin/audit", cookie: adminCookie });
    expect(log.body).toContain("Set-password link emailed");
  });

  test("a fourth link within an hour is refused with a message, and sending works again an hour later", async () => {
    const busy = await site.newUser({ role: "author", name: "Busy Bee", email: "bee@news.test" });
    for (let i = 0; i < 3; i++) expect((await sendLink(busy)).statusCode).toBe(303);
    await expect.poll(() => smtp.messages.filter((m) => m.to[0] === "bee@news.test").length).toBe(3);

    const refused = await sendLink(busy);
    const page = await followRedirect(site, refused, adminCookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Busy Bee was already sent 3 links in the last hour");
    const sends = await site.ctx.db
      .selectFrom("audit_log")
      .select("id")
      .where("event", "=", "reset_link_emailed")
      .where("subject_id", "=", busy.id)
      .execute();
    expect(sends).toHaveLength(3);

    site.clock.advance(61 * 60_000);
    const later = await followRedirect(site, await sendLink(busy), adminCookie);
    expect(later.body).toContain("A set-password link is on its way to bee@news.test");
    await expect.poll(() => smtp.messages.filter((m) => m.to[0] === "bee@news.test").length).toBe(4);
  });

  test("copying a link is audited too", async () => {
    const subject = await site.newUser({ role: "author" });
    const made = await postAdminForm(
      site,
      `/admin/users/${subject.id}`,
      `/admin/users/${subject.id}/reset-link`,
      adminCookie,
      {},
    );
    expect(made.statusCode).toBe(200);
    const entry = await site.ctx.db
      .selectFrom("audit_log")
      .select("event")
      .where("subject_id", "=", subject.id)
      .executeTakeFirst();
    expect(entry?.event).toBe("reset_link_created");
  });

  test("only admins send links", async () => {
    const target = await site.newUser({ role: "author", email: "target@news.test" });
    const editorCookie = await site.sessionCookie(await site.newUser({ role: "editor" }));
    const before = smtp.messages.length;
    const refused = await postAdminForm(
      site,
      "/admin/",
      `/admin/users/${target.id}/send-reset-link`,
      editorCookie,
      {},
    );
    expect(refused.statusCode).toBe(403);
    expect(smtp.messages.filter((m) => m.to[0] === "target@news.test")).toHaveLength(0);
    expect(smtp.messages.length).toBe(before);
  });
});

describe(`a site without SMTP on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
  });
  afterAll(async () => {
    await site.close();
  });

  test('offers no "Send reset link" and says links can be copied', async () => {
    const admin = await site.newUser({ role: "admin" });
    const author = await site.newUser({ role: "author" });
    const page = await site.request({
      method: "GET",
      url: `/admin/users/${author.id}`,
      cookie: await site.sessionCookie(admin),
    });
    expect(page.body).not.toContain("Send reset link");
    expect(page.body).toContain("This site sends no email: copy the link and pass it on privately.");
    expect(page.body).toContain(">Copy reset link</button>");
  });
});
