import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TestUser } from "../support/site.js";
import { launchChromium, pageProblems, type ServedSite, serveTestSite, signedInPage } from "./support.js";

/** Drops `png` (base64) named `name` onto the element `selector`, as a file dragged from the desktop. */
async function dropImage(page: Page, selector: string, name: string, png: string) {
  await page.evaluate(
    ([target, fileName, base64]) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], fileName, { type: "image/png" }));
      const element = document.querySelector(target);
      if (!element) throw new Error(`${target} is not on the page`);
      for (const type of ["dragover", "drop"])
        element.dispatchEvent(
          new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
    },
    [selector, name, png] as const,
  );
}

describe("images dragged into the story editor", () => {
  let served: ServedSite;
  let browser: Browser;
  let editor: TestUser;
  let png: string;

  beforeAll(async () => {
    served = await serveTestSite();
    editor = await served.site.newUser({ role: "editor", name: "Eda Editor" });
    browser = await launchChromium();
    const image = await sharp({
      create: { width: 900, height: 600, channels: 3, background: { r: 30, g: 110, b: 160 } },
    })
      .png()
      .toBuffer();
    png = image.toString("base64");
  });
  afterAll(async () => {
    await browser?.close();
    await served?.site.close();
  });

  test("an image dropped into the story is uploaded, put in at the caret, and readers get it responsive", async () => {
    const page = await signedInPage(browser, served, editor);
    const problems = pageProblems(page);
    await page.goto(`${served.baseUrl}/admin/articles/new`);
    await page.getByLabel("Title", { exact: true }).fill("Harbour at dawn");
    const body = page.getByLabel("Story (Markdown)");
    await body.fill("The boats left early.");
    await dropImage(page, "textarea#body", "harbour.png", png);
    await expect
      .poll(() => body.inputValue())
      .toMatch(/^The boats left early\.\n\n!\[\]\(\/media\/\S+\)\n\n$/);
    expect(await page.locator("[data-image-drop-status]").textContent()).toContain("describe it");
    // The caret waits in the alt text.
    await page.keyboard.type("Boats leaving the harbour");
    expect(await body.inputValue()).toContain("![Boats leaving the harbour](/media/");

    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(/\/admin\/articles\/\d+\/edit$/);
    await page.getByRole("link", { name: "View on site" }).last().click();
    await page.waitForURL("**/harbour-at-dawn/");
    const picture = page.locator("article img[alt='Boats leaving the harbour']");
    expect(await picture.getAttribute("srcset")).toMatch(/\d+w/);
    expect(problems).toEqual([]);

    // The library holds the upload under its file name.
    await page.goto(`${served.baseUrl}/admin/media`);
    expect(await page.content()).toContain("harbour.png");
  });

  test("an image dropped on the featured-image panel is chosen for upload with the form", async () => {
    const page = await signedInPage(browser, served, editor);
    await page.goto(`${served.baseUrl}/admin/articles/new`);
    await dropImage(page, "[data-featured-drop]", "lead.png", png);
    expect(
      await page.locator("#featured_image").evaluate((input: HTMLInputElement) => input.files?.[0]?.name),
    ).toBe("lead.png");
  });
});
