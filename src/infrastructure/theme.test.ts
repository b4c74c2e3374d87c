import { expect, test } from "vitest";
import { ContentChanges } from "./content-changes.js";
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

/** A theme following its own change bus, and what a render of story 7's card drew on. */
function followedTheme() {
  const theme = new ThemeRenderer("default");
  const changes = new ContentChanges(undefined);
  theme.fragments.followChanges(changes);
  const drawnOn = () => ({ version: changes.version, tags: new Set(["article:7"]) });
  return { theme, changes, drawnOn };
}

test("a story card is rendered once and shows the edit after a change to its story", async () => {
  const { theme, changes, drawnOn } = followedTheme();
  const first = await theme.render("partials/story-card", storyModel("Storm hits coast"), drawnOn());
  expect(first).toContain("Storm hits coast");
  expect(first).toContain("Sun. May 22nd, 2022");

  // Until its story changes, the stored card is reused (the model is not read again).
  const again = await theme.render("partials/story-card", storyModel("Edited"), drawnOn());
  expect(again).toBe(first);
  await changes.changed(["article:8"]);
  expect(await theme.render("partials/story-card", storyModel("Edited"), drawnOn())).toBe(first);

  await changes.changed(["article:7"]);
  const edited = await theme.render("partials/story-card", storyModel("Edited"), drawnOn());
  expect(edited).toContain("Edited");
  expect(edited).not.toContain("Storm hits coast");
});

test("a card rendered from data read before a change to its story is not kept", async () => {
  const { theme, changes, drawnOn } = followedTheme();
  const readBeforeChange = drawnOn();
  await changes.changed(["article:7"]);
  const stale = await theme.render("partials/story-card", storyModel("Old headline"), readBeforeChange);
  expect(stale).toContain("Old headline");
  const fresh = await theme.render("partials/story-card", storyModel("New headline"), drawnOn());
  expect(fresh).toContain("New headline");
});

test("a render without its data's version reuses fragments but stores none", async () => {
  const { theme, drawnOn } = followedTheme();
  await theme.render("partials/story-card", storyModel("First"));
  expect(theme.fragments.size).toBe(0);
  await theme.render("partials/story-card", storyModel("First"), drawnOn());
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
