import { randomUUID } from "node:crypto";
import type pg from "pg";
import { PgChangeFeed } from "../db/change-feed.js";

export interface ContentChangesLog {
  error(error: Error, message: string): void;
  warn(message: string): void;
  info(message: string): void;
}

/**
 * The one place that says "content changed": every publish, edit, trash, comment approval,
 * setting or theme change calls `changed()`. Local listeners (page cache, settings copy, memos)
 * drop what they hold; on PostgreSQL the notice is broadcast so every node does the same. Each
 * time the node (re)subscribes to the broadcast, its listeners are told too, since notices may
 * have been missed while it was not listening.
 */
export class ContentChanges {
  private readonly listeners: Array<(reason: string) => void> = [];
  private readonly feedListeners: Array<(isLive: boolean) => void> = [];
  private readonly feed: PgChangeFeed | undefined;

  constructor(
    pgPool: pg.Pool | undefined,
    private readonly log: ContentChangesLog = { error() {}, warn() {}, info() {} },
  ) {
    this.feed = pgPool
      ? new PgChangeFeed(pgPool, randomUUID(), {
          onRemoteChange: (reason) => this.notifyLocal(reason),
          onSubscribed: () => {
            this.log.info("change feed listening");
            this.notifyLocal("change feed (re)subscribed: notices may have been missed");
            for (const listener of this.feedListeners) listener(true);
          },
          onLost: (error) => {
            this.log.error(error, "change feed lost its connection; listening again");
            for (const listener of this.feedListeners) listener(false);
          },
          onError: (error) => this.log.error(error, "change feed"),
        })
      : undefined;
  }

  onChange(listener: (reason: string) => void): void {
    this.listeners.push(listener);
  }

  /** Told whenever the feed goes down (false) or is back (true). */
  onFeedState(listener: (isLive: boolean) => void): void {
    this.feedListeners.push(listener);
  }

  /**
   * True when every change made on any node reaches this one: always on SQLite (one node), and on
   * PostgreSQL while LISTEN is in place. While false, nothing new may be cached.
   */
  get isLive(): boolean {
    return this.feed === undefined || this.feed.isListening;
  }

  /** Tells this node and every other node that rendered content may be stale. */
  async changed(reason: string): Promise<void> {
    this.notifyLocal(reason);
    if (this.feed) {
      try {
        await this.feed.publish(reason);
      } catch (error) {
        this.log.error(error as Error, "change feed: cannot broadcast a change");
      }
    }
  }

  async start(): Promise<void> {
    await this.feed?.subscribe();
  }

  /** Stops listening; never throws. */
  async stop(): Promise<void> {
    await this.feed?.close();
  }

  private notifyLocal(reason: string): void {
    for (const listener of this.listeners) listener(reason);
  }
}
