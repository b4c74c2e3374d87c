import { expect, test } from "vitest";
import { ThemeRenderer } from "./theme.js";

const site = { timezone: "UTC", date_format: "EEE. MMM do, yyyy" };

function storyModel(title: string) {
  return {
    site,
    variant: "river",
    heading_level: 2,
    story: {
      id: 7,
      title,
      path: "/2022/05/22/storm/",
      excerpt: "",
      published_at: "2022-05-22T10:00:00.000Z",
      categories: [],
      author: { name: "Maya Okafor", slug: "maya-okafor" },
      featured_image: null,
      comment_count: 0,
    },
  };
}

test("a story card is rendered once per content change and shows the edit after the change", async () => {
  const theme = new ThemeRenderer("default");
  const first = await theme.render(
    "partials/story-card",
    storyModel("Storm hits coast"),
    theme.fragmentGeneration,
  );
  expect(first).toContain("Storm hits coast");
  expect(first).toContain("Sun. May 22nd, 2022");

  // Until content changes, the stored card is reused (the model is not read again).
  const again = await theme.render("partials/story-card", storyModel("Edited"), theme.fragmentGeneration);
  expect(again).toBe(first);

  theme.clearFragments();
  const edited = await theme.render("partials/story-card", storyModel("Edited"), theme.fragmentGeneration);
  expect(edited).toContain("Edited");
  expect(edited).not.toContain("Storm hits coast");
});

test("a card rendered from data read before a content change is not kept", async () => {
  const theme = new ThemeRenderer("default");
  const readBeforeChange = theme.fragmentGeneration;
  theme.clearFragments();
  const stale = await theme.render("partials/story-card", storyModel("Old headline"), readBeforeChange);
  expect(stale).toContain("Old headline");
  const fresh = await theme.render(
    "partials/story-card",
    storyModel("New headline"),
    theme.fragmentGeneration,
  );
  expect(fresh).toContain("New headline");
});

test("a render without a data generation reuses fragments but stores none", async () => {
  const theme = new ThemeRenderer("default");
  await theme.render("partials/story-card", storyModel("First"));
  expect(theme.fragments.size).toBe(0);
  await theme.render("partials/story-card", storyModel("First"), theme.fragmentGeneration);
  expect(theme.fragments.size).toBe(1);
  expect(await theme.render("partials/story-card", storyModel("Second"))).toContain("First");
});

test("a cache key naming an object fails loudly instead of sharing one fragment", () => {
  const theme = new ThemeRenderer("default");
  expect(() =>
    theme.liquid.parseAndRenderSync("{% cache story %}x{% endcache %}", { story: { id: 1 } }),
  ).toThrow(/plain values/);
  expect(() => theme.liquid.parseAndRenderSync("{% cache %}x{% endcache %}", {})).toThrow(/needs a key/);
  expect(() => theme.liquid.parseAndRenderSync("{% cache 1 %}x", {})).toThrow(/not closed/);
});
