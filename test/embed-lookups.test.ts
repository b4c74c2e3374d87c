import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestSite, type TestSite, testDialect } from "./support/site.js";

/** A publisher's site: one page advertising oEmbed, one with only Open Graph tags, one with nothing. */
async function startPublisher() {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://publisher.test");
    hits.push(url.pathname);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === "/storm") {
      response.setHeader("content-type", "text/html; charset=utf-8");
      response.end(
        `<!doctype html><html><head><title>ignored</title>` +
          `<link rel="alternate" type="application/json+oembed" href="${base}/oembed?url=${encodeURIComponent(`${base}/storm`)}&amp;format=json">` +
          `</head><body><p>${"long body ".repeat(1000)}</p></body></html>`,
      );
    } else if (url.pathname === "/oembed") {
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          version: "1.0",
          type: "rich",
          provider_name: "The Ledger",
          title: "Storm <b>hits</b> the coast",
        }),
      );
    } else if (url.pathname === "/harbour") {
      response.setHeader("content-type", "text/html");
      response.end(
        '<html><head><meta property="og:site_name" content="Harbour &amp; Co"><meta property="og:title" content="New quay opens"></head></html>',
      );
    } else {
      response.setHeader("content-type", "text/html");
      response.end("<html><body>nothing to say</body></html>");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe(`links standing alone in a story become cards with the provider's name and title on ${testDialect}`, () => {
  let site: TestSite;
  let publisher: Awaited<ReturnType<typeof startPublisher>>;
  let auth: { authorization: string };
  beforeAll(async () => {
    publisher = await startPublisher();
    site = await createTestSite({ config: { embedLookups: true } });
    auth = { authorization: `Bearer ${await site.newApiToken()}` };
  });
  afterAll(async () => {
    await site?.close();
    await publisher?.close();
  });

  test("oEmbed discovery, Open Graph and a page with nothing: cards for the first two, a link for the last", async () => {
    const body = [
      "Our partners reported it first:",
      "",
      `${publisher.base}/storm`,
      "",
      `${publisher.base}/harbour`,
      "",
      `${publisher.base}/silent`,
      "",
      `More in [their piece](${publisher.base}/storm).`,
    ].join("\n");
    const created = await site.request({
      method: "POST",
      url: "/api/admin/articles",
      headers: auth,
      payload: { title: "Storm round-up", body, status: "published" },
    });
    expect(created.statusCode).toBe(201);
    const page = await site.request({ url: new URL(created.json().url).pathname });
    expect(page.statusCode).toBe(200);

    const cards = [...page.body.matchAll(/<figure class="embed embed-page">([\s\S]*?)<\/figure>/g)].map(
      (m) => m[1],
    );
    expect(cards).toHaveLength(2);
    expect(cards[0]).toContain('<span class="embed-provider">The Ledger</span>');
    // The provider's title is text: its markup is escaped, never run.
    expect(cards[0]).toContain('<span class="embed-title">Storm &lt;b&gt;hits&lt;/b&gt; the coast</span>');
    expect(cards[0]).toContain(`href="${publisher.base}/storm"`);
    expect(cards[1]).toContain('<span class="embed-provider">Harbour &amp; Co</span>');
    expect(cards[1]).toContain('<span class="embed-title">New quay opens</span>');
    // A page that says nothing about itself stays a plain link, and no player is offered for any page.
    expect(page.body).toContain(
      `<p><a href="${publisher.base}/silent" rel="noopener">${publisher.base}/silent</a></p>`,
    );
    expect(cards.join("")).not.toContain("embed-play");
    expect(page.body).toMatch(/More in <a href="[^"]+\/storm" rel="noopener">their piece<\/a>/);
  });

  test("what a provider said is kept: saving the story again asks no one", async () => {
    const created = await site.request({
      method: "POST",
      url: "/api/admin/articles",
      headers: auth,
      payload: { title: "Quay", body: `${publisher.base}/harbour`, status: "draft" },
    });
    const id = created.json().id;
    const hitsBefore = publisher.hits.length;
    const saved = await site.request({
      method: "PATCH",
      url: `/api/admin/articles/${id}`,
      headers: auth,
      payload: { body: `${publisher.base}/harbour\n\nA second paragraph.` },
    });
    expect(saved.statusCode).toBe(200);
    expect(publisher.hits.length).toBe(hitsBefore);
    expect(saved.json().body).toContain("A second paragraph.");
  });
});
