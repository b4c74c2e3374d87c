import { randomUUID } from "node:crypto";
import type pg from "pg";
import { PgChangeFeed } from "../db/change-feed.js";

/**
 * The one place that says "content changed": every publish, edit, trash, comment approval,
 * setting or theme change calls `changed()`. Local listeners (page cache, settings copy) drop
 * what they hold; on PostgreSQL the notice is broadcast so every node does the same.
 */
export class ContentChanges {
  private readonly listeners: Array<(reason: string) => void> = [];
  private readonly feed: PgChangeFeed | undefined;

  constructor(
    pgPool: pg.Pool | undefined,
    private readonly onError: (error: Error) => void = () => {},
  ) {
    this.feed = pgPool ? new PgChangeFeed(pgPool, randomUUID()) : undefined;
  }

  onChange(listener: (reason: string) => void): void {
    this.listeners.push(listener);
  }

  /** Tells this node and every other node that rendered content may be stale. */
  async changed(reason: string): Promise<void> {
    this.notifyLocal(reason);
    if (this.feed) {
      try {
        await this.feed.publish(reason);
      } catch (error) {
        this.onError(error as Error);
      }
    }
  }

  async start(): Promise<void> {
    await this.feed?.subscribe((reason) => this.notifyLocal(reason), this.onError);
  }

  async stop(): Promise<void> {
    await this.feed?.close();
  }

  private notifyLocal(reason: string): void {
    for (const listener of this.listeners) listener(reason);
  }
}
