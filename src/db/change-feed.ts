import type pg from "pg";

const CHANNEL = "broadsheet_content_changed";
/** The listening connection's `application_name`, followed by the node's process id. */
export const LISTENER_NAME = "broadsheet change feed";
/** First wait before listening again after the connection dropped; doubled per failed try. */
const FIRST_RETRY_MS = 100;
/** Longest wait between tries: a node back in time after a database restart is stale at most this long. */
const MAX_RETRY_MS = 1000;

export interface ChangeFeedHandlers {
  /** A notice from another node: the scopes its change touched. */
  onRemoteChange(scopes: string[]): void;
  /**
   * LISTEN is (again) in place. Notices sent while it was not were missed, so whatever the node
   * holds may be stale: the handler drops it.
   */
  onSubscribed(): void;
  /** LISTEN was lost; the feed is trying again. */
  onLost(error: Error): void;
  onError(error: Error): void;
}

/**
 * Cross-node change notices over PostgreSQL LISTEN/NOTIFY. Each node tags its own notices so it
 * does not handle them twice. The listening connection is held apart from the pool's others; when
 * it drops (the server restarted, an idle-connection killer, `pg_terminate_backend`) it is thrown
 * away and LISTEN is set up again on a new one, with backoff, until `close()`. On SQLite there is
 * one node and this is not used.
 */
export class PgChangeFeed {
  private client: pg.PoolClient | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private connecting: Promise<void> | undefined;
  private readonly released = new WeakSet<pg.PoolClient>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly nodeId: string,
    private readonly handlers: ChangeFeedHandlers,
  ) {}

  /** True while LISTEN is in place: every other node's notices reach this one. */
  get isListening(): boolean {
    return this.client !== undefined;
  }

  async publish(scopes: readonly string[]): Promise<void> {
    await this.pool.query("select pg_notify($1, $2)", [
      CHANNEL,
      JSON.stringify({ node: this.nodeId, scopes }),
    ]);
  }

  /** Listens; when the first try fails the feed keeps trying in the background (see `isListening`). */
  async subscribe(): Promise<void> {
    this.closed = false;
    await this.listen();
  }

  private listen(): Promise<void> {
    this.connecting ??= this.tryListen().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async tryListen(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.retryLater(error as Error);
      return;
    }
    const drop = (error: Error) => {
      if (this.released.has(client)) return;
      const wasListening = this.client === client;
      if (wasListening) this.client = undefined;
      this.release(client, error);
      if (wasListening) this.handlers.onLost(error);
      this.retryLater(error);
    };
    client.on("error", drop);
    client.on("end", () => drop(new Error("change feed: the LISTEN connection ended")));
    client.on("notification", (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const notice = JSON.parse(message.payload) as { node: string; scopes?: unknown };
        if (notice.node === this.nodeId) return;
        // A notice without scopes (a node of an older release) may have touched anything.
        const scopes = notice.scopes;
        const isScopeList = Array.isArray(scopes) && scopes.every((scope) => typeof scope === "string");
        this.handlers.onRemoteChange(isScopeList && scopes.length > 0 ? scopes : ["all"]);
      } catch (error) {
        this.handlers.onError(error as Error);
      }
    });
    try {
      // Named, so an operator sees the listener in pg_stat_activity.
      await client.query(`set application_name = '${LISTENER_NAME} ${process.pid}'; listen ${CHANNEL}`);
    } catch (error) {
      drop(error as Error);
      return;
    }
    if (this.released.has(client)) return;
    if (this.closed) {
      this.release(client);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.handlers.onSubscribed();
  }

  /** Back to the pool, once; a broken client goes with its error, so the pool destroys it. */
  private release(client: pg.PoolClient, error?: Error): void {
    if (this.released.has(client)) return;
    this.released.add(client);
    client.release(error ?? false);
  }

  private retryLater(error: Error): void {
    if (this.closed || this.retryTimer) return;
    if (this.failures === 0) this.handlers.onError(error);
    const wait = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures);
    this.failures += 1;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        void this.listen();
      },
      wait * (0.75 + Math.random() * 0.5),
    );
    this.retryTimer.unref();
  }

  /** Stops listening and stops trying; never throws. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query(`unlisten ${CHANNEL}`);
      this.release(client);
    } catch (error) {
      this.release(client, error as Error);
    }
  }
}
