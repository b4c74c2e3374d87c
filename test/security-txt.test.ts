import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_SETTINGS_FORM, postAdminForm } from "./support/admin-forms.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

describe(`security.txt and security headers on ${testDialect}`, () => {
  let site: TestSite;
  let adminCookie: string;
  beforeAll(async () => {
    site = await createTestSite({ now: "2026-05-22T10:00:00.000Z" });
    adminCookie = await site.sessionCookie(await site.newUser({ role: "admin" }));
  });
  afterAll(async () => site?.close());

  test("security.txt is served from the admin's security contact setting, and not before one is set", async () => {
    expect((await site.request({ method: "GET", url: "/.well-known/security.txt" })).statusCode).toBe(404);

    const refused = await postAdminForm(site, "/admin/settings", "/admin/settings", adminCookie, {
      ...DEFAULT_SETTINGS_FORM,
      securityContacts: "javascript:alert(1)",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("each a mailto:, https:// or tel: address");

    const saved = await postAdminForm(site, "/admin/settings", "/admin/settings", adminCookie, {
      ...DEFAULT_SETTINGS_FORM,
      securityContacts: "mailto:security@news.test\nhttps://news.test/security",
    });
    expect(saved.statusCode).toBe(303);
    const txt = await site.request({ method: "GET", url: "/.well-known/security.txt" });
    expect(txt.statusCode).toBe(200);
    expect(txt.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(txt.body).toBe(
      [
        "Contact: mailto:security@news.test",
        "Contact: https://news.test/security",
        "Expires: 2026-11-18T00:00:00.000Z",
        "Preferred-Languages: en",
        "Canonical: http://news.test/.well-known/security.txt",
        "",
      ].join("\n"),
    );
  });

  test("every response carries the security headers docs/deploy.md lists", async () => {
    for (const url of ["/", "/admin/login", "/feed/", "/no-such-page/"]) {
      const response = await site.request({ method: "GET", url });
      expect(response.headers["content-security-policy"], url).toContain("frame-ancestors 'none'");
      expect(response.headers["content-security-policy"], url).toContain("script-src 'self'");
      expect(response.headers["strict-transport-security"], url).toBe("max-age=31536000; includeSubDomains");
      expect(response.headers["x-content-type-options"], url).toBe("nosniff");
      expect(response.headers["referrer-policy"], url).toBe("strict-origin-when-cross-origin");
      expect(response.headers["x-frame-options"], url).toBe("SAMEORIGIN");
      expect(response.headers["cross-origin-opener-policy"], url).toBe("same-origin");
    }
  });
});
