import fs from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../context.js";
import { listPendingMigrations } from "../db/migrate.js";

/** `/readyz` answers within this, whatever the database or the disk are doing. */
export const READINESS_DEADLINE_MS = 800;

export interface Readiness {
  ready: boolean;
  checks: {
    database: "ok" | "unreachable" | "not answering";
    change_feed: "ok" | "down";
    schema: "ok" | "behind" | "unknown";
    data_dir: "ok" | "not writable" | "not answering";
  };
}

type Ctx = Pick<AppContext, "db" | "changes" | "config">;

const TIMED_OUT = Symbol("timed out");

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Whether this node can serve the site right now: the database answers (the query that reads
 * which migrations ran doubles as the ping), the schema is not behind the program, the change
 * feed is listening and the data directory takes a write. Checks already running are shared, so
 * a probe every second against a hung database holds one connection, not one per probe.
 */
export class ReadinessCheck {
  private database: Promise<"ok" | "behind" | "unreachable"> | undefined;
  private disk: Promise<"ok" | "not writable"> | undefined;

  constructor(private readonly ctx: Ctx) {}

  async check(): Promise<Readiness> {
    this.database ??= listPendingMigrations(this.ctx.db)
      .then((pending) => (pending.length > 0 ? ("behind" as const) : ("ok" as const)))
      .catch(() => "unreachable" as const)
      .finally(() => {
        this.database = undefined;
      });
    this.disk ??= fs
      .writeFile(path.join(this.ctx.config.dataDir, ".readyz"), `${Date.now()}\n`)
      .then(() => "ok" as const)
      .catch(() => "not writable" as const)
      .finally(() => {
        this.disk = undefined;
      });
    const [database, disk] = await Promise.all([
      withDeadline(this.database, READINESS_DEADLINE_MS),
      withDeadline(this.disk, READINESS_DEADLINE_MS),
    ]);
    const checks: Readiness["checks"] = {
      database: database === TIMED_OUT ? "not answering" : database === "unreachable" ? "unreachable" : "ok",
      change_feed: this.ctx.changes.isLive ? "ok" : "down",
      schema: database === "ok" ? "ok" : database === "behind" ? "behind" : "unknown",
      data_dir: disk === TIMED_OUT ? "not answering" : disk,
    };
    const ready =
      checks.database === "ok" &&
      checks.change_feed === "ok" &&
      checks.schema === "ok" &&
      checks.data_dir === "ok";
    return { ready, checks };
  }
}
