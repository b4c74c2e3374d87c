import fs from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import exifr from "exifr";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiToken } from "../src/accounts/service.js";
import type { Role } from "../src/db/schema.js";
import { mediaJobsSettled } from "../src/media/service.js";
import { mediaStorage } from "../src/media/storage.js";
import { insertMedia } from "../src/media/store.js";
import { multipartForm } from "./support/multipart-form.js";
import { createTestSite, type TestSite, type TestUser, testDialect } from "./support/site.js";

interface MediaJson {
  id: number;
  url: string;
  width: number;
  height: number;
  alt: string;
  caption: string;
  credit: string;
  variants: { width: number; height: number; crop: string; type: string; url: string }[];
}

/** A camera JPEG as a photographer's phone would send it: maker, model, author and where it was taken. */
async function cameraJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#3a6f9c" } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: "Canon", Model: "EOS R5", Artist: "Jo Photographer" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "51/1 30/1 3230/100",
        GPSLongitudeRef: "W",
        GPSLongitude: "0/1 7/1 4366/100",
      },
    })
    .toBuffer();
}

/** A PNG whose header declares 50,000×50,000 pixels in a few dozen bytes. */
function decompressionBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(50_000, 0);
  header.writeUInt32BE(50_000, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const SOLID = { width: 60, height: 40, channels: 3 as const, background: "#3a6f9c" };

describe(`the image pipeline on ${testDialect}`, () => {
  let site: TestSite;
  const staff = {} as Record<Role, TestUser>;
  const tokens = {} as Record<Role, string>;
  let otherAuthorToken: string;

  beforeAll(async () => {
    site = await createTestSite();
    for (const role of ["admin", "editor", "author"] as const) {
      staff[role] = await site.newUser({ role });
      const made = await createApiToken(site.ctx, { name: `${role} token`, userId: staff[role].id });
      if ("errors" in made) throw new Error("token");
      tokens[role] = made.token;
    }
    const other = await site.newUser({ role: "author" });
    const made = await createApiToken(site.ctx, { name: "other token", userId: other.id });
    if ("errors" in made) throw new Error("token");
    otherAuthorToken = made.token;
  });
  afterAll(async () => site?.close());

  async function upload(
    data: Buffer,
    fields: Record<string, string> = {},
    token = tokens.author,
    fileName = "photo.jpg",
  ) {
    const form = await multipartForm(fields, [{ field: "file", fileName, data }]);
    return site.request({
      method: "POST",
      url: "/api/admin/media",
      headers: { ...form.headers, authorization: `Bearer ${token}` },
      payload: form.payload,
    });
  }

  async function api(
    method: "GET" | "PATCH" | "DELETE" | "POST",
    url: string,
    token: string,
    payload?: object,
  ) {
    return site.request({
      method,
      url: `/api/admin${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  }

  const served = (url: string) => site.request({ method: "GET", url: url.replace(site.config.siteUrl, "") });

  function storedFiles(): string[] {
    return (fs.readdirSync(path.join(site.config.dataDir, "media"), { recursive: true }) as string[]).filter(
      (f) => /\.\w+$/.test(f),
    );
  }

  test("a photo's GPS position and camera fields are in no file the site serves", async () => {
    const photo = await cameraJpeg(2400, 1600);
    expect((await exifr.gps(photo))?.latitude).toBeCloseTo(51.509, 2);
    const response = await upload(photo, { alt: "The harbour at dawn", caption: "Boats", credit: "Jo" });
    expect(response.statusCode).toBe(201);
    const media = response.json() as MediaJson;
    expect(media).toMatchObject({ width: 2048, height: 1365, alt: "The harbour at dawn", caption: "Boats" });

    const full = media.variants.filter((v) => v.crop === "full");
    expect([...new Set(full.map((v) => v.width))]).toEqual([320, 480, 768, 1024, 1600, 2048]);
    expect(new Set(full.map((v) => v.type))).toEqual(new Set(["image/avif", "image/webp", "image/jpeg"]));
    expect(media.variants.find((v) => v.crop === "og")).toMatchObject({ width: 1200, height: 630 });
    expect(media.variants.filter((v) => v.crop === "wide").every((v) => v.width * 9 === v.height * 16)).toBe(
      true,
    );

    await mediaJobsSettled();
    for (const variant of media.variants) {
      const file = await served(variant.url);
      expect(file.statusCode, variant.url).toBe(200);
      expect(file.headers["content-type"]).toBe(variant.type);
      expect(file.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      const meta = await sharp(file.rawPayload).metadata();
      expect([meta.width, meta.height]).toEqual([variant.width, variant.height]);
      expect(meta.exif, variant.url).toBeUndefined();
      const tags = await exifr
        .parse(file.rawPayload, { tiff: true, gps: true, xmp: true, iptc: true })
        .catch(() => undefined);
      expect(tags?.latitude, variant.url).toBeUndefined();
      expect(tags?.Make, variant.url).toBeUndefined();
      expect(tags?.Artist, variant.url).toBeUndefined();
    }
    // The image's own address leads to its widest variant, not to the upload.
    const address = await served(media.url);
    expect(address.statusCode).toBe(302);
    const target = await served(String(address.headers.location));
    expect((await sharp(target.rawPayload).metadata()).width).toBe(2048);
    expect(await exifr.gps(target.rawPayload).catch(() => undefined)).toBeUndefined();
  });

  test("an image uploaded before variants existed is served stripped, its variants made on first request", async () => {
    // As migration 0020 leaves an old upload: the original file, with its camera fields, is its own master.
    const original = await cameraJpeg(900, 600);
    await mediaStorage(site.ctx).put("2025/01/old-upload.jpg", original, "image/jpeg");
    const { id } = await insertMedia(site.ctx.db, {
      file_name: "2025/01/old-upload.jpg",
      original_name: "old.jpg",
      mime_type: "image/jpeg",
      byte_size: original.length,
      width: 900,
      height: 600,
      alt: "An old photo",
      caption: "",
      credit: "",
      variant_hash: "0123456789ab",
      master_key: "2025/01/old-upload.jpg",
      source_url: null,
      uploaded_by: null,
      created_at: "2025-01-01T00:00:00.000Z",
    });
    const address = await served("/media/2025/01/old-upload.jpg");
    expect(address.statusCode).toBe(302);
    const widest = await served(String(address.headers.location));
    expect(widest.statusCode).toBe(200);
    expect((await sharp(widest.rawPayload).metadata()).width).toBe(900);
    expect(await exifr.gps(widest.rawPayload).catch(() => undefined)).toBeUndefined();
    const media = (await api("GET", `/media/${id}`, tokens.author)).json() as MediaJson;
    const avif = media.variants.find((v) => v.type === "image/avif")!;
    expect((await served(avif.url)).headers["content-type"]).toBe("image/avif");
  });

  test("a sideways photo is stored upright", async () => {
    const sideways = await sharp({ create: { ...SOLID, width: 300, height: 200 } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const media = (await upload(sideways, { alt: "Upright" })).json() as MediaJson;
    expect([media.width, media.height]).toEqual([200, 300]);
    const smallest = media.variants.find((v) => v.crop === "full" && v.type === "image/jpeg")!;
    expect((await sharp((await served(smallest.url)).rawPayload).metadata()).height).toBe(300);
  });

  test("a small image is never scaled up", async () => {
    const media = (
      await upload(
        await sharp({ create: { ...SOLID, width: 500, height: 300 } })
          .png()
          .toBuffer(),
        {},
      )
    ).json() as MediaJson;
    const widths = [...new Set(media.variants.filter((v) => v.crop === "full").map((v) => v.width))];
    expect(widths).toEqual([320, 480, 500]);
    expect(new Set(media.variants.filter((v) => v.crop === "full").map((v) => v.type))).toEqual(
      new Set(["image/avif", "image/webp", "image/png"]),
    );
  });

  test("CMYK JPEGs and 16-bit PNGs are converted to 8-bit sRGB", async () => {
    for (const data of [
      await sharp({ create: SOLID }).toColourspace("cmyk").jpeg().toBuffer(),
      await sharp({ create: SOLID }).toColourspace("rgb16").png().toBuffer(),
    ]) {
      const response = await upload(data, { alt: "Converted" });
      expect(response.statusCode).toBe(201);
      const variant = (response.json() as MediaJson).variants.find((v) => v.crop === "full")!;
      const meta = await sharp((await served(variant.url)).rawPayload).metadata();
      expect([meta.space, meta.depth]).toEqual(["srgb", "uchar"]);
    }
  });

  test("files that cannot be images are refused with a message naming the problem, and nothing is kept", async () => {
    await mediaJobsSettled();
    const before = storedFiles();
    const jpeg = await sharp({ create: { ...SOLID, width: 400, height: 300 } })
      .jpeg()
      .toBuffer();
    const frame = await sharp({ create: SOLID }).png().toBuffer();
    const other = await sharp({ create: { ...SOLID, background: "#9c3a6f" } })
      .png()
      .toBuffer();
    const animated = await sharp([frame, other], { join: { animated: true } })
      .gif()
      .toBuffer();
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from("ftypheic\0\0\0\0mif1heic"),
      Buffer.alloc(40),
    ]);
    const cases: [Buffer, RegExp][] = [
      [Buffer.from("just some text, not a picture"), /not an image/],
      [decompressionBomb(), /too large: 50000×50000 pixels/],
      [jpeg.subarray(0, Math.floor(jpeg.length / 2)), /damaged or incomplete/],
      [animated, /animated images are not accepted/],
      [heic, /HEIC photos cannot be read/],
      [
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        /SVG files are not accepted|not an image/,
      ],
    ];
    for (const [data, message] of cases) {
      const response = await upload(data, { alt: "x" });
      expect(response.statusCode, String(message)).toBe(422);
      expect(response.json().fields.file).toMatch(message);
    }
    expect(storedFiles()).toEqual(before);
  });

  test("themes show images in <picture> with srcset, the lead first, captions and credits under them", async () => {
    const media = (
      await upload(await cameraJpeg(1600, 1000), {
        alt: "Ferry at the quay",
        caption: "The morning ferry",
        credit: "Photo: Sam Lens",
      })
    ).json() as MediaJson;
    const fileName = media.url.split("/media/")[1];
    const story = await site.newArticle({
      title: "Ferries return",
      status: "published",
      featured_media_id: media.id,
      body: `The ferries are back.\n\n![A ferry leaving](/media/${fileName})\n\nMore soon.`,
    });

    const page = await site.request({ method: "GET", url: new URL(story.url).pathname });
    const lead = /<figure class="story-figure">([\s\S]*?)<\/figure>/.exec(page.body)?.[1] ?? "";
    expect(lead).toMatch(/<source type="image\/avif" srcset="[^"]*\.w320\.avif 320w, [^"]*\.w480\.avif 480w/);
    expect(lead).toMatch(/<source type="image\/webp" srcset="[^"]*\.webp 320w/);
    expect(lead).toMatch(
      /<img src="[^"]+\.jpg" srcset="[^"]+" sizes="[^"]+" alt="Ferry at the quay" width="1600" height="1000" fetchpriority="high"/,
    );
    expect(lead).toContain(
      '<figcaption>The morning ferry <span class="credit">Photo: Sam Lens</span></figcaption>',
    );
    const inBody = /<figure class="story-image">([\s\S]*?)<\/figure>/.exec(page.body)?.[1] ?? "";
    expect(inBody).toContain('<source type="image/avif"');
    expect(inBody).toMatch(/alt="A ferry leaving" width="1600" height="1000" loading="lazy"/);
    expect(inBody).toContain(
      '<figcaption>The morning ferry <span class="credit">Photo: Sam Lens</span></figcaption>',
    );

    const og = /<meta property="og:image" content="([^"]+)"/.exec(page.body)?.[1] ?? "";
    expect(og).toMatch(/\.og\.jpg$/);
    const ogMeta = await sharp((await served(og)).rawPayload).metadata();
    expect([ogMeta.width, ogMeta.height]).toEqual([1200, 630]);

    const front = await site.request({ method: "GET", url: "/" });
    const card = /<figure class="card-media">([\s\S]*?)<\/figure>/.exec(front.body)?.[1] ?? "";
    expect(card).toMatch(/<source type="image\/avif" srcset="[^"]*\.wide480\.avif 480w/);
    expect(card).toMatch(/<img [^>]*width="1024" height="576"/);
  });

  test("a story whose lead image has no alt text cannot be published", async () => {
    const media = (await upload(await cameraJpeg(400, 300))).json() as MediaJson;
    const refused = await api("POST", "/articles", tokens.editor, {
      title: "No description",
      body: "Text.",
      status: "published",
      featured_media_id: media.id,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().fields.featured_media_id).toMatch(/lead image has no alt text/);
    const draft = await api("POST", "/articles", tokens.editor, {
      title: "No description yet",
      body: "Text.",
      status: "draft",
      featured_media_id: media.id,
    });
    expect(draft.statusCode).toBe(201);
    expect((await api("PATCH", `/media/${media.id}`, tokens.author, { alt: "A quay" })).statusCode).toBe(200);
    const published = await api("PATCH", `/articles/${draft.json().id}`, tokens.editor, {
      status: "published",
    });
    expect(published.statusCode).toBe(200);
  });

  test("only the uploader or an editor changes an image; deleting one in use asks for confirmation", async () => {
    const media = (await upload(await cameraJpeg(400, 300), { alt: "Mine" })).json() as MediaJson;
    expect((await api("PATCH", `/media/${media.id}`, otherAuthorToken, { alt: "Theirs" })).statusCode).toBe(
      403,
    );
    expect((await api("DELETE", `/media/${media.id}`, otherAuthorToken)).statusCode).toBe(403);
    const edited = await api("PATCH", `/media/${media.id}`, tokens.editor, { credit: "Desk", focal_x: 0.2 });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ alt: "Mine", credit: "Desk", focal_x: 0.2 });
    // A new focal point gives the crops new names; the old ones are not the image any more.
    const oldWide = media.variants.find((v) => v.crop === "wide")!.url;
    const newWide = (edited.json() as MediaJson).variants.find((v) => v.crop === "wide")!.url;
    expect(newWide).not.toBe(oldWide);
    expect((await served(newWide)).statusCode).toBe(200);
    expect(
      (await api("PATCH", `/media/${media.id}`, tokens.author, { focal_y: 3 })).json().fields.focal_y,
    ).toMatch(/0 to 1/);

    await site.newArticle({ title: "Uses it", status: "published", featured_media_id: media.id });
    const conflict = await api("DELETE", `/media/${media.id}`, tokens.author);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ used_in: 1, error: expect.stringMatching(/used in 1 story/) });
    expect((await api("DELETE", `/media/${media.id}?confirm=true`, tokens.author)).statusCode).toBe(204);
    expect((await api("GET", `/media/${media.id}`, tokens.author)).statusCode).toBe(404);
    await mediaJobsSettled();
    expect((await served(newWide)).statusCode).toBe(404);
  });

  test("the library is searched by name, alt text, caption and credit", async () => {
    await upload(await sharp({ create: SOLID }).png().toBuffer(), { alt: "Lighthouse_100% at night" });
    const found = await api("GET", "/media?q=lighthouse_100%25", tokens.author);
    expect(found.statusCode).toBe(200);
    expect(found.json().media.map((m: MediaJson) => m.alt)).toEqual(["Lighthouse_100% at night"]);
    expect((await api("GET", "/media?q=Lighthouse-100", tokens.author)).json().total).toBe(0);
    expect((await api("GET", "/media?page=0", tokens.author)).statusCode).toBe(400);
  });
});
