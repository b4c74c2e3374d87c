import type pg from "pg";

const CHANNEL = "broadsheet_content_changed";

/**
 * Cross-node change notices over PostgreSQL LISTEN/NOTIFY. Each node tags its own notices so it
 * does not handle them twice. On SQLite there is one node and this is not used.
 */
export class PgChangeFeed {
  private client: pg.PoolClient | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly nodeId: string,
  ) {}

  async publish(reason: string): Promise<void> {
    await this.pool.query("select pg_notify($1, $2)", [
      CHANNEL,
      JSON.stringify({ node: this.nodeId, reason }),
    ]);
  }

  async subscribe(onRemoteChange: (reason: string) => void, onError: (error: Error) => void): Promise<void> {
    const client = await this.pool.connect();
    this.client = client;
    client.on("notification", (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const notice = JSON.parse(message.payload) as { node: string; reason: string };
        if (notice.node !== this.nodeId) onRemoteChange(notice.reason);
      } catch (error) {
        onError(error as Error);
      }
    });
    client.on("error", onError);
    await client.query(`listen ${CHANNEL}`);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query(`unlisten ${CHANNEL}`);
    } finally {
      client.release();
    }
  }
}
