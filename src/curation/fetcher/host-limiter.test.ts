import { expect, test, vi } from "vitest";
import { HostConcurrencyLimiter } from "./host-limiter.js";

/** A task that stays running until released, to observe how many run at once. */
function gate(): { task: () => Promise<string>; release: (value: string) => void; started: () => boolean } {
  let release: (value: string) => void = () => {};
  let isStarted = false;
  const done = new Promise<string>((resolve) => {
    release = resolve;
  });
  return {
    task: () => {
      isStarted = true;
      return done;
    },
    release: (value) => release(value),
    started: () => isStarted,
  };
}

test("at most two fetches run per host; others wait in order; other hosts are not held up", async () => {
  const limiter = new HostConcurrencyLimiter(2);
  const gates = [gate(), gate(), gate(), gate()];
  const results = gates
    .slice(0, 3)
    .map((g, i) => limiter.run(`https://Feeds.example:${8000 + i}/rss`, g.task));
  const other = limiter.run("https://other.example/feed", gates[3].task);

  await vi.waitFor(() => expect(gates[3].started()).toBe(true));
  expect(gates.map((g) => g.started())).toEqual([true, true, false, true]);
  expect(limiter.activeCount("https://feeds.example/")).toBe(2);
  expect(limiter.waitingCount("https://feeds.example/")).toBe(1);

  gates[0].release("first");
  await vi.waitFor(() => expect(gates[2].started()).toBe(true));
  gates[1].release("second");
  gates[2].release("third");
  gates[3].release("fourth");
  expect(await Promise.all([...results, other])).toEqual(["first", "second", "third", "fourth"]);
  expect(limiter.activeCount("https://feeds.example/")).toBe(0);
});

test("a failing task frees its slot", async () => {
  const limiter = new HostConcurrencyLimiter(1);
  await expect(limiter.run("https://a.example/", () => Promise.reject(new Error("boom")))).rejects.toThrow(
    "boom",
  );
  expect(await limiter.run("https://a.example/", async () => "next")).toBe("next");
  expect(limiter.activeCount("https://a.example/")).toBe(0);
});
