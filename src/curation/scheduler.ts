import type { AppContext } from "../context.js";
import { countOutcome } from "../infrastructure/metrics.js";
import { wakeSnoozedDeskStories } from "./desk-service.js";
import { fetchDueSources } from "./fetch-service.js";

/** How often the feed scheduler looks for due sources. Sources' own intervals are 5 minutes or more. */
export const FEED_SCHEDULER_TICK_MS = 30_000;

/**
 * The in-process feed scheduler every node runs. Each tick fetches the sources that are due;
 * on PostgreSQL several nodes tick at once and the per-source row claim (fetch-service.ts) lets
 * exactly one of them fetch each source. A tick still running when the next one comes is not
 * doubled. Returns a stop function that aborts fetches in flight and waits for the tick to end.
 */
export function startFeedScheduler(ctx: AppContext): () => Promise<void> {
  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running || stopping.signal.aborted) return;
    running = (async () => {
      await wakeSnoozedDeskStories(ctx);
      await fetchDueSources(ctx, { signal: stopping.signal });
      countOutcome("feed_tick", "done");
    })()
      .catch((error: unknown) => {
        countOutcome("feed_tick", "failed");
        ctx.log.error({ err: error, task: "fetch-due-sources" }, "feed scheduler tick failed");
      })
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, FEED_SCHEDULER_TICK_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    stopping.abort();
    await running;
  };
}
