import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mediaJobsSettled } from "../src/media/service.js";
import { followRedirect, postAdminForm } from "./support/admin-forms.js";
import { multipartForm, TINY_PNG } from "./support/multipart-form.js";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

describe(`the media library on ${testDialect}`, () => {
  let site: TestSite;
  let cookie: string;
  beforeAll(async () => {
    site = await createTestSite();
    cookie = await site.sessionCookie(await site.newUser({ role: "author" }));
  });
  afterAll(async () => site?.close());

  async function upload(
    fileName: string,
    data: Buffer,
    alt: string,
    fromThisSite = true,
    accept = "text/html",
  ) {
    const page = await site.request({ method: "GET", url: "/admin/media", cookie });
    const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(page.body)![1];
    const csrf = page.cookies.find((c) => c.name === "_csrf");
    const form = await multipartForm({ alt }, [{ field: "file", fileName, data, type: "image/png" }]);
    return site.request({
      method: "POST",
      url: action,
      cookie: `${cookie}; _csrf=${csrf?.value}`,
      // A browser posting the site's own form sends its Origin; a cross-site post has another.
      headers: {
        ...form.headers,
        accept,
        origin: fromThisSite ? "http://news.test" : "https://evil.example",
      },
      payload: form.payload,
    });
  }

  // Variants made after an upload's answer are waited for: only what a refused upload left counts.
  const storedFiles = async () => {
    await mediaJobsSettled();
    const files = fs.readdirSync(path.join(site.config.dataDir, "media"), { recursive: true }) as string[];
    return files.filter((f) => /\.(png|jpg|webp|avif)$/.test(f));
  };

  test("a writer uploads an image with alt text and corrects the alt text later", async () => {
    const uploaded = await upload("quay.png", TINY_PNG, "The quay at dawn");
    expect(uploaded.statusCode).toBe(303);
    const page = await followRedirect(site, uploaded, cookie);
    expect(page.body).toContain("Image uploaded.");
    expect(page.body).not.toContain('id="file-error"');
    expect(page.body).toMatch(
      /<img src="\/media\/2026\/05\/[\w-]+\.[0-9a-f]{12}\.sq1\.png" alt="The quay at dawn"/,
    );
    expect(page.body).toContain("quay.png</a> · 1×1");

    const id = /id="media-(\d+)"/.exec(page.body)![1];
    const saved = await postAdminForm(site, `/admin/media/${id}`, `/admin/media/${id}`, cookie, {
      alt: "The quay at sunrise",
      caption: "",
      credit: "",
      focal_x: "0.5",
      focal_y: "0.5",
    });
    expect(saved.statusCode).toBe(303);
    expect((await followRedirect(site, saved, cookie)).body).toContain('alt="The quay at sunrise"');
  });

  test("the editor's drag-and-drop gets the uploaded image's address as JSON, or the reason it was refused", async () => {
    const uploaded = await upload("drop.png", TINY_PNG, "", true, "application/json");
    expect(uploaded.statusCode).toBe(201);
    const [image] = uploaded.json().images;
    expect(image.url).toMatch(/^\/media\/2026\/05\/[\w-]+\.png$/);
    expect((await site.request({ method: "GET", url: image.url })).statusCode).toBeLessThan(400);
    const refused = await upload("notes.png", Buffer.from("just text"), "", true, "application/json");
    expect(refused.statusCode).toBe(422);
    expect(refused.json().fields.file).toMatch(/not an image|image/i);
  });

  test("a text file named .png is refused and nothing is stored", async () => {
    const before = await storedFiles();
    const refused = await upload("notes.png", Buffer.from("hello, I am text"), "Kept alt");
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(
      'id="file-error">Image this file is not an image: only JPEG, PNG, GIF, WebP and AVIF images can be uploaded',
    );
    expect(refused.body).toContain('value="Kept alt"');
    expect(await storedFiles()).toEqual(before);
  });

  test("an upload posted from another site is refused", async () => {
    const before = await storedFiles();
    const refused = await upload("sneaky.png", TINY_PNG, "", false);
    expect(refused.statusCode).toBe(403);
    expect(await storedFiles()).toEqual(before);
  });
});
