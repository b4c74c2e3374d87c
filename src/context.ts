import { randomBytes } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import nodemailer, { type Transporter } from "nodemailer";
import type pg from "pg";
import { type Actor, canModerateComments, canReviewArticles } from "./accounts/permissions.js";
import { pruneAccounts } from "./accounts/service.js";
import { expireFrontPageItems } from "./articles/front-page.js";
import { countReviewQueue } from "./articles/review/service.js";
import { publishDueArticles } from "./articles/service.js";
import { SharedReads } from "./articles/shared-until-change.js";
import { pruneAuditLog } from "./audit/service.js";
import { countPendingComments } from "./comments/moderation.js";
import { listMostCommentedArticles, MOST_COMMENTED_DAYS } from "./comments/service.js";
import type { Config } from "./config.js";
import { type CurationRuntime, createCurationRuntime } from "./curation/runtime.js";
import { startFeedScheduler } from "./curation/scheduler.js";
import { type Db, openDatabase } from "./db/database.js";
import type { DialectName } from "./db/dialect.js";
import { migrateToLatest } from "./db/migrate.js";
import { ContentChanges, isSiteWide } from "./infrastructure/content-changes.js";
import { loadAdminCatalogues, Messages } from "./infrastructure/messages.js";
import { startSchedulers } from "./infrastructure/schedulers.js";
import { deleteExpiredRateLimits } from "./infrastructure/store.js";
import { ThemeRenderer } from "./infrastructure/theme.js";
import { mediaJobsSettled } from "./media/service.js";
import type { PageModelExtension } from "./pages/page-context.js";
import { SettingsService } from "./site/settings.js";
import { getInstallSecret, insertInstallSecret } from "./site/store.js";

/**
 * What every service needs, built once by `createContext` (for the HTTP app and for each CLI
 * command) and passed explicitly. Features take the narrow part they use (`Pick<AppContext, "db" | "now">`).
 */
export interface AppContext {
  config: Config;
  db: Db;
  dialect: DialectName;
  pgPool: pg.Pool | undefined;
  log: FastifyBaseLogger;
  now: () => Date;
  settings: SettingsService;
  changes: ContentChanges;
  theme: ThemeRenderer;
  /** The admin's interface strings in every language (each feature's `locales/*.json`). */
  adminMessages: Messages;
  /** Key for keyed hashes (IPs) and signed cookies. */
  secret: string;
  /** The SMTP transport for SMTP_URL, or undefined when the site sends no email. */
  mail: Transporter | undefined;
  /** What reader pages share until content changes: side lists, counts, hydrated stories. */
  sharedReads: SharedReads;
  /** What features add to a theme template's model, by template name (see `extendPageModel`). */
  pageModelExtensions: Map<string, PageModelExtension[]>;
  /** This node's feed fetching and clustering state. */
  curation: CurationRuntime;
  /** What waits for a staff member, counted by the features that own it (stories to review, comments to moderate). */
  staffQueues: (actor: Actor) => Promise<{ review: number; comments: number }>;
}

/** A context with what starts and stops with it: the change feed and the in-process schedulers. */
export interface AppRuntime {
  ctx: AppContext;
  /** Listens for other nodes' changes and, when configured, starts the schedulers. */
  start(): Promise<void>;
  /** Stops the schedulers and the change feed, then closes the database; logs what fails, never throws. */
  close(): Promise<void>;
}

/**
 * The configured SECRET, or one generated at first start and kept in the database so every
 * node of a cluster shares it.
 */
export async function resolveInstallSecret(
  db: Db,
  configured: string | undefined,
  now: string,
): Promise<string> {
  if (configured) return configured;
  const existing = await getInstallSecret(db);
  if (existing) return existing;
  await insertInstallSecret(db, randomBytes(32).toString("hex"), now);
  const stored = await getInstallSecret(db);
  if (!stored) throw new Error("site: cannot store the install secret");
  return stored;
}

export const SCHEDULE_TICK_MS = 15_000;
export const HOUSEKEEPING_TICK_MS = 3_600_000;

/**
 * The in-process jobs every node runs: publishing scheduled articles, expiring front-page pins and housekeeping on one
 * queue; feeds on their own timer, so a slow publisher never delays scheduled publishing.
 */
function startJobs(ctx: AppContext): () => Promise<void> {
  const stopTimers = startSchedulers(ctx, [
    {
      name: "publish-due-articles",
      everyMs: SCHEDULE_TICK_MS,
      runsAtStart: true,
      run: () => publishDueArticles(ctx),
    },
    {
      // Expired front-page pins and banners go, and the front page with them (on every node).
      name: "expire-front-page",
      everyMs: SCHEDULE_TICK_MS,
      run: () => expireFrontPageItems(ctx),
    },
    {
      name: "housekeeping",
      everyMs: HOUSEKEEPING_TICK_MS,
      run: async () => {
        await Promise.all([pruneAccounts(ctx), pruneAuditLog(ctx)]);
        await deleteExpiredRateLimits(ctx.db, Date.now());
      },
    },
  ]);
  const stopFeeds = startFeedScheduler(ctx);
  return async () => {
    await Promise.all([stopTimers(), stopFeeds()]);
  };
}

/**
 * Opens and migrates the database and builds the settings, change bus, theme and the state each
 * feature keeps per app. The HTTP app (`buildApp`) and every CLI command start here.
 */
export async function createContext(config: Config, log: FastifyBaseLogger): Promise<AppRuntime> {
  const handle = openDatabase(config.database, {
    poolSize: config.dbPoolSize,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    queryTimeoutMs: config.dbQueryTimeoutMs,
    onPoolError: (error) => log.warn({ err: error }, "database: a pooled connection failed while idle"),
  });
  let stopSchedulers: (() => Promise<void>) | undefined;
  let changes: ContentChanges | undefined;
  const close = async () => {
    for (const [part, stop] of [
      ["schedulers", () => stopSchedulers?.()],
      // Variants still being made after an upload was answered write to the storage (on PostgreSQL, the database).
      ["media variants", () => mediaJobsSettled()],
      ["change feed", () => changes?.stop()],
      ["database", () => handle.close()],
    ] as const) {
      try {
        await stop();
      } catch (error) {
        log.error({ err: error }, `shutdown: closing the ${part} failed`);
      }
    }
  };
  try {
    await migrateToLatest(handle.db);
    const settings = new SettingsService(handle.db, config.now);
    changes = new ContentChanges(handle.pgPool, {
      error: (error, message) => log.error({ err: error }, message),
      warn: (message) => log.warn(message),
      info: (message) => log.info(message),
    });
    // The settings copy also holds the navigation's categories: both change only site-wide.
    changes.onChange((change) => {
      if (isSiteWide(change)) settings.invalidate();
    });
    const theme = new ThemeRenderer(config.theme, config.themeRenderer);
    theme.fragments.followChanges(changes);
    const secret = await resolveInstallSecret(handle.db, config.secret, config.now().toISOString());
    const ctx: AppContext = {
      config,
      db: handle.db,
      dialect: handle.dialect,
      pgPool: handle.pgPool,
      log,
      now: config.now,
      settings,
      changes,
      theme,
      adminMessages: new Messages(loadAdminCatalogues()),
      secret,
      mail: config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : undefined,
      sharedReads: new SharedReads(changes, (limit) =>
        listMostCommentedArticles(ctx, limit, MOST_COMMENTED_DAYS),
      ),
      pageModelExtensions: new Map(),
      staffQueues: async (actor) => {
        const [review, comments] = await Promise.all([
          canReviewArticles(actor) ? countReviewQueue(ctx) : 0,
          canModerateComments(actor) ? countPendingComments(ctx) : 0,
        ]);
        return { review, comments };
      },
      curation: createCurationRuntime(),
    };
    const feed = changes;
    return {
      ctx,
      async start() {
        await feed.start();
        if (config.runSchedulers) stopSchedulers = startJobs(ctx);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
