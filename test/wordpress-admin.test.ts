import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { multipartForm } from "./support/multipart-form.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

const classic = fs.readFileSync(path.resolve(import.meta.dirname, "../src/migration/testdata/classic.xml"));

describe(`the WordPress import page on ${testDialect}`, () => {
  let site: TestSite;
  let admin: TestUser;
  let adminCookie: string;
  beforeAll(async () => {
    site = await createTestSite({ config: { importMaxBytes: 64 * 1024 } });
    admin = await site.newUser({ role: "admin" });
    adminCookie = await site.sessionCookie(admin);
  });
  afterAll(async () => site?.close());

  async function upload(cookie: string, fileName: string, data: Buffer) {
    const page = await site.request({ method: "GET", url: "/admin/import/wordpress", cookie });
    const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(page.body)?.[1];
    const csrf = page.cookies.find((c) => c.name === "_csrf");
    const form = await multipartForm({}, [{ field: "file", fileName, data, type: "text/xml" }]);
    return site.request({
      method: "POST",
      url: action ?? "/admin/import/wordpress",
      cookie: `${cookie}; _csrf=${csrf?.value}`,
      headers: { ...form.headers, origin: "http://news.test" },
      payload: form.payload,
    });
  }

  test("an admin uploads an export, follows its progress and reads the summary", async () => {
    const response = await upload(adminCookie, "ledger.xml", classic);
    expect(response.statusCode).toBe(303);
    const runUrl = String(response.headers.location);
    expect(runUrl).toMatch(/^\/admin\/import\/wordpress\/\d+$/);
    const summary = await vi.waitFor(
      async () => {
        const page = await site.request({ method: "GET", url: runUrl, cookie: adminCookie });
        if (!page.body.includes("The import is complete."))
          throw new Error("the import has not finished yet");
        return page;
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(summary.body).toContain("ledger.xml");
    expect(summary.body).toMatch(/<th scope="row">posts<\/th><td>7<\/td>/);
    expect(summary.body).toMatch(/<th scope="row">comments<\/th><td>7<\/td>/);
    expect(summary.body).toContain("private in WordPress: imported as a draft");
    // What could not come over as it was is counted, with the post it was in.
    expect(summary.body).toContain("Changed or left out on the way in");
    expect(summary.body).toMatch(
      /<th scope="row"><code>\[gallery\] shortcode<\/code><\/th><td>1<\/td><td>post 102 (&quot;|&#34;)Café déjà vu/,
    );
    // The uploaded file is not kept once imported.
    await vi.waitFor(() => {
      const left = fs.readdirSync(path.join(site.config.dataDir, "imports"));
      if (left.length > 0) throw new Error(`upload still on disk: ${left.join(", ")}`);
    });
    const article = await site.request({ method: "GET", url: "/2023/05/22/council-approves-new-budget/" });
    expect(article.statusCode).toBe(200);
    const list = await site.request({ method: "GET", url: "/admin/import/wordpress", cookie: adminCookie });
    expect(list.body).toContain("ledger.xml");
  });

  test("a file over the size limit is refused with the way to import it instead", async () => {
    const big = Buffer.concat([classic, Buffer.alloc(80 * 1024, " ")]);
    const response = await upload(adminCookie, "huge.xml", big);
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain("larger than");
    // A command that works in an `npm install` checkout (the `broadsheet` bin needs a global install).
    expect(response.body).toContain("npm run cli -- import wordpress FILE");
  });

  test("an upload without a file asks for one", async () => {
    const response = await upload(adminCookie, "", Buffer.alloc(0));
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("choose a WordPress export file");
  });

  test("editors and authors may not import", async () => {
    for (const role of ["editor", "author"] as const) {
      const cookie = await site.sessionCookie(await site.newUser({ role }));
      const page = await site.request({ method: "GET", url: "/admin/import/wordpress", cookie });
      expect(page.statusCode).toBe(403);
    }
  });
});
