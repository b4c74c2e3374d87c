import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { jsonDepthProblem } from "../src/infrastructure/request-limits.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

const SITE_ORIGIN = "http://news.test";

/** `[[[[…]]]]` of about `bytes` bytes: the shape that cost 0.3–0.65 s of CPU to parse. */
function nestedJsonArray(bytes: number): string {
  return `${"[".repeat(bytes / 2)}${"]".repeat(bytes / 2)}`;
}

describe(`bounded request parsing on ${testDialect}`, () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await createTestSite();
    await site.newUser({ role: "admin" });
  });
  afterAll(async () => site?.close());

  test.each(["/admin/login", "/admin/logout", "/admin/setup", "/admin/set-password", "/comments/forget"])(
    "2 MB of nested JSON posted to %s is refused in under 20 ms",
    async (url) => {
      const payload = nestedJsonArray(2 * 1024 * 1024);
      // The fastest of three, so a busy test machine does not decide it: parsing this body took
      // 300–650 ms, and each attempt would pay that again.
      const timings: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const started = performance.now();
        const response = await site.request({
          method: "POST",
          url,
          headers: { "content-type": "application/json", origin: SITE_ORIGIN },
          payload,
        });
        timings.push(performance.now() - started);
        expect([413, 415]).toContain(response.statusCode);
      }
      expect(Math.min(...timings), timings.map((t) => t.toFixed(1)).join(", ")).toBeLessThan(20);
    },
  );

  test("a sign-in form sent as JSON is refused, and one over 16 KB", async () => {
    const form = await site.formSession("/admin/login");
    const asJson = await site.request({
      method: "POST",
      url: "/admin/login",
      cookie: form.cookie,
      payload: { _csrf: form.token, email: "a@news.test", password: "whatever password" },
    });
    expect(asJson.statusCode).toBe(415);
    const tooLarge = await site.request({
      method: "POST",
      url: "/admin/login",
      cookie: form.cookie,
      form: { _csrf: form.token, email: "a@news.test", password: "x".repeat(17 * 1024) },
    });
    expect(tooLarge.statusCode).toBe(413);
  });

  test("JSON nested deeper than 32 levels is refused with 400 before it is parsed", async () => {
    const token = await site.newApiToken();
    const deep = `{"title":"Deep","body":"x","status":"draft","tags":${"[".repeat(40)}${"]".repeat(40)}}`;
    const response = await site.request({
      method: "POST",
      url: "/api/admin/articles",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: deep,
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("nested deeper than 32 levels");
    expect(jsonDepthProblem('{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')).toBeUndefined();
    expect(jsonDepthProblem('{"a":"\\"[[[","b":[[1]]}', 2)).toBe("JSON nested deeper than 2 levels");
  });

  test("signing out and forgetting a commenter are rate-limited per address", async () => {
    const logouts = [];
    for (let i = 0; i < 31; i++)
      logouts.push((await site.request({ method: "POST", url: "/admin/logout", form: {} })).statusCode);
    expect(logouts.slice(0, 30).every((status) => status === 403)).toBe(true);
    expect(logouts[30]).toBe(429);

    const forgets = [];
    for (let i = 0; i < 11; i++)
      forgets.push(
        (
          await site.request({
            method: "POST",
            url: "/comments/forget",
            headers: { origin: SITE_ORIGIN },
            form: { return_to: "/" },
          })
        ).statusCode,
      );
    expect(forgets.slice(0, 10).every((status) => status === 303)).toBe(true);
    expect(forgets[10]).toBe(429);
  });

  test("a pathological Markdown preview is cut off after 100 ms; an ordinary one still renders", async () => {
    const contributor = await site.newUser({ role: "contributor" });
    const form = await site.formSession("/admin/articles/new", await site.sessionCookie(contributor));
    const preview = (body: string) =>
      site.request({
        method: "POST",
        url: "/admin/articles/preview",
        cookie: form.cookie,
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "x-csrf-token": form.token,
        },
        payload: JSON.stringify({ body }),
      });
    const ordinary = await preview("Hello **world**");
    expect(ordinary.statusCode).toBe(200);
    expect(ordinary.json()).toEqual({ html: "<p>Hello <strong>world</strong></p>\n" });

    const started = performance.now();
    const pathological = await preview("![".repeat(250_000));
    const elapsed = performance.now() - started;
    expect(pathological.statusCode).toBe(422);
    expect(pathological.json().fields.body).toContain("too long or too slow to render");
    // The render itself is stopped at 100 ms; the rest is moving 500 KB through the request.
    expect(elapsed).toBeLessThan(250);

    const after = await preview("Still *here*");
    expect(after.json()).toEqual({ html: "<p>Still <em>here</em></p>\n" });
  });
});
