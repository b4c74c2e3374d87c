import { pruneAccounts } from "../accounts/service.js";
import { publishDueArticles } from "../articles/service.js";
import { pruneAuditLog } from "../audit/service.js";
import { startFeedScheduler } from "../curation/scheduler.js";
import type { AppContext } from "./context.js";
import { deleteExpiredRateLimits } from "./store.js";

export const SCHEDULE_TICK_MS = 15_000;
export const HOUSEKEEPING_TICK_MS = 3_600_000;

/**
 * In-process timers every node runs: publishing scheduled articles (an idempotent UPDATE, safe
 * on several nodes at once) and housekeeping. Returns a stop function that waits for a running tick.
 */
export function startSchedulers(ctx: AppContext): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const guard = (name: string, task: () => Promise<unknown>) => () => {
    running = running
      .then(task)
      .catch((error: unknown) => ctx.log.error({ err: error, task: name }, "scheduled task failed"));
  };
  const publish = guard("publish-due-articles", () => publishDueArticles(ctx));
  const housekeeping = guard("housekeeping", async () => {
    await Promise.all([pruneAccounts(ctx), pruneAuditLog(ctx)]);
    await deleteExpiredRateLimits(ctx.db, Date.now());
  });
  publish();
  const timers = [setInterval(publish, SCHEDULE_TICK_MS), setInterval(housekeeping, HOUSEKEEPING_TICK_MS)];
  for (const timer of timers) timer.unref();
  // Feeds run on their own timer: a slow publisher must not delay scheduled publishing.
  const stopFeeds = startFeedScheduler(ctx);
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.all([running, stopFeeds()]);
  };
}
