import type { AppContext } from "../context.js";

/** A job every node runs on an in-process timer. */
export interface ScheduledTask {
  name: string;
  everyMs: number;
  /** Runs once when the schedulers start, too (not only after the first interval). */
  runsAtStart?: boolean;
  run: () => Promise<unknown>;
}

/**
 * Runs each task on its timer, one task at a time (a tick waits for the one before it), logging
 * failures. Tasks must be safe on several nodes at once (an idempotent UPDATE, a row claim).
 * Returns a stop function that waits for a running task.
 */
export function startSchedulers(
  ctx: Pick<AppContext, "log">,
  tasks: readonly ScheduledTask[],
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timers = tasks.map((task) => {
    const tick = () => {
      running = running
        .then(task.run)
        .catch((error: unknown) => ctx.log.error({ err: error, task: task.name }, "scheduled task failed"));
    };
    if (task.runsAtStart) tick();
    const timer = setInterval(tick, task.everyMs);
    timer.unref();
    return timer;
  });
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await running;
  };
}
