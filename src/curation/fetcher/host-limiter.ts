/** Fetches allowed at once against one host, so many sources on one site never hammer it. */
export const MAX_CONCURRENT_FETCHES_PER_HOST = 2;

interface HostSlots {
  active: number;
  waiting: Array<() => void>;
}

/**
 * Runs tasks with at most `maxPerHost` in flight per host name; the rest wait in FIFO order.
 * Hosts with nothing running or waiting are forgotten, so memory follows the work in progress.
 */
export class HostConcurrencyLimiter {
  private readonly hosts = new Map<string, HostSlots>();

  constructor(private readonly maxPerHost: number = MAX_CONCURRENT_FETCHES_PER_HOST) {
    if (!Number.isInteger(maxPerHost) || maxPerHost < 1) {
      throw new RangeError(`maxPerHost must be a positive integer, got ${maxPerHost}`);
    }
  }

  /** Runs `task` once a slot for the host of `url` is free; resolves or rejects as the task does. */
  async run<T>(url: string, task: () => Promise<T>): Promise<T> {
    const host = hostKey(url);
    await this.acquire(host);
    try {
      return await task();
    } finally {
      this.release(host);
    }
  }

  /** Tasks running now for the host of `url`. */
  activeCount(url: string): number {
    return this.hosts.get(hostKey(url))?.active ?? 0;
  }

  /** Tasks waiting for a slot for the host of `url`. */
  waitingCount(url: string): number {
    return this.hosts.get(hostKey(url))?.waiting.length ?? 0;
  }

  private acquire(host: string): Promise<void> {
    let slots = this.hosts.get(host);
    if (!slots) {
      slots = { active: 0, waiting: [] };
      this.hosts.set(host, slots);
    }
    if (slots.active < this.maxPerHost) {
      slots.active++;
      return Promise.resolve();
    }
    const queue = slots.waiting;
    return new Promise((resolve) => queue.push(resolve));
  }

  private release(host: string): void {
    const slots = this.hosts.get(host);
    if (!slots) return;
    const next = slots.waiting.shift();
    if (next) {
      // The slot passes straight to the next waiter; `active` stays the same.
      next();
      return;
    }
    slots.active--;
    if (slots.active === 0) this.hosts.delete(host);
  }
}

/** Host names compared case-insensitively and without port: politeness is per machine. */
function hostKey(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url;
  }
}
