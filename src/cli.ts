#!/usr/bin/env node
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import cliProgress from "cli-progress";
import { Command, Option } from "commander";
import type { FastifyBaseLogger } from "fastify";
import { createApiToken, createPasswordResetLink, createUser, getUserByEmail } from "./accounts/service.js";
import { buildApp } from "./app.js";
import { type Config, ConfigError, type ConfigFlags, loadConfig } from "./config.js";
import { type AppContext, createContext } from "./context.js";
import { registerSourcesCommands } from "./curation/cli-commands.js";
import { backupDatabase } from "./db/backup.js";
import { openDatabase } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { seedDemoContent } from "./demo/seed-demo.js";
import {
  exportWordPress,
  formatImportReport,
  importWordPressFile,
  isCleanImport,
} from "./migration/service.js";
import { rebuildSearchIndex } from "./search/service.js";

const program = new Command();
program
  .name("broadsheet")
  .description("Broadsheet: a self-hosted news site")
  .option("--data-dir <dir>", "where the SQLite database and uploads live (DATA_DIR)")
  .option("--database-url <url>", "postgres://… to use PostgreSQL (DATABASE_URL)")
  .showHelpAfterError();

function configFromFlags(extra: ConfigFlags = {}): Config {
  const globals = program.opts<{ dataDir?: string; databaseUrl?: string }>();
  return loadConfig(process.env, { dataDir: globals.dataDir, databaseUrl: globals.databaseUrl, ...extra });
}

const ignore = () => {};
/** Commands print what they did themselves; the services' log lines are not shown. */
const quietLog: FastifyBaseLogger = {
  level: "silent",
  fatal: ignore,
  error: ignore,
  warn: ignore,
  info: ignore,
  debug: ignore,
  trace: ignore,
  silent: ignore,
  child: () => quietLog,
};

/** Runs a command with the site's context (database migrated, no HTTP app); closes it afterwards. */
async function withContext<T>(run: (ctx: AppContext) => Promise<T>): Promise<T> {
  // Imports and reindexing run long statements on purpose: no statement timeout here.
  const config = { ...configFromFlags(), runSchedulers: false, dbQueryTimeoutMs: 0 };
  const runtime = await createContext(config, quietLog);
  try {
    await runtime.start();
    return await run(runtime.ctx);
  } finally {
    await runtime.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/**
 * How far V8 lets the heap grow past what the last full collection kept, in percent. Left to
 * itself, V8 lets a busy server's heap reach about four times its live size before collecting
 * (a 35 MB live heap reached 155 MB under a stream of uncached renders). At 1.5 times, a whole
 * bench run at 10,000 stories peaked at 195 MB of RSS (206 MB at 1.7 times, 226 MB at twice);
 * the extra full collections cost less than the spread between runs in CPU per render. Read by
 * V8 at every collection, so it can be set once the process runs; a `--heap-growing-percent`
 * given to node wins. See docs/performance.md, "Memory".
 */
const HEAP_GROWING_PERCENT = 50;

function limitHeapGrowth(): void {
  if (process.execArgv.some((arg) => arg.startsWith("--heap-growing-percent"))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** How long a SIGTERM waits for requests in flight and for closing before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

program
  .command("serve")
  .description("serve the site (runs migrations first)")
  .option("-p, --port <port>", "port to listen on (PORT, default 3000)")
  .option("-H, --host <host>", "address to listen on (HOST, default 127.0.0.1)")
  .action(async (options: { port?: string; host?: string }) => {
    const started = performance.now();
    limitHeapGrowth();
    const config = configFromFlags({ port: options.port, host: options.host });
    // Readable lines on a terminal; JSON lines (one per request) for a log collector otherwise.
    const logger = process.stdout.isTTY
      ? {
          level: config.logLevel,
          transport: {
            target: "pino-pretty",
            options: { translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" },
          },
        }
      : { level: config.logLevel };
    const app = await buildApp(config, { logger });
    const address = await app.listen({ port: config.port, host: config.host });
    app.log.info(
      { database: config.database.dialect, startupMs: Math.round(performance.now() - started) },
      `Broadsheet is serving ${config.siteUrl} (listening on ${address})`,
    );
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      // Stop accepting, let requests in flight finish, then close the change feed and the pools.
      app.log.info({ signal }, "shutting down: finishing requests in flight");
      const deadline = setTimeout(() => {
        app.log.error(`shutdown took longer than ${SHUTDOWN_TIMEOUT_MS / 1000} s: exiting anyway`);
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS);
      deadline.unref();
      try {
        await app.close();
        app.log.info("shut down");
        process.exit(0);
      } catch (error) {
        app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      }
    };
    process.once("SIGINT", () => void stop("SIGINT"));
    process.once("SIGTERM", () => void stop("SIGTERM"));
    await once(process, "beforeExit");
  });

program
  .command("migrate")
  .description("bring the database schema up to date")
  .action(async () => {
    const config = configFromFlags();
    const handle = openDatabase(config.database, { queryTimeoutMs: 0 });
    try {
      const applied = await migrateToLatest(handle.db);
      process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "schema is up to date\n");
    } finally {
      await handle.close();
    }
  });

const user = program.command("user").description("manage staff accounts");
user
  .command("add")
  .description("create a staff account")
  .requiredOption("--email <email>", "sign-in email")
  .requiredOption("--name <name>", "display name (the byline)")
  .addOption(
    new Option("--role <role>", "what they may do")
      .choices(["admin", "editor", "author", "contributor"])
      .makeOptionMandatory(),
  )
  .option("--password-stdin", "read the password from standard input")
  .action(async (options: { email: string; name: string; role: string; passwordStdin?: boolean }) => {
    const password = options.passwordStdin ? await readStdin() : undefined;
    await withContext(async (ctx) => {
      const result = await createUser(
        ctx,
        { email: options.email, name: options.name, role: options.role, password },
        { requirePassword: !!options.passwordStdin },
      );
      if ("errors" in result)
        fail(
          Object.entries(result.errors)
            .map(([field, why]) => `--${field} ${why}`)
            .join("; "),
        );
      process.stdout.write(
        `created ${result.user.role} ${result.user.name} <${result.user.email}> (id ${result.user.id})\n`,
      );
      if (!password) process.stdout.write("no password set: the account cannot sign in until one is set\n");
    });
  });

user
  .command("reset-link")
  .description("print a one-time link with which a staff member sets a password (imported authors have none)")
  .argument("<email>", "the account's email")
  .action(async (email: string) => {
    await withContext(async (ctx) => {
      const link = await createPasswordResetLink(ctx, email);
      if (!link) fail(`no staff account with the email ${email}`);
      process.stdout.write(
        `one-time link for ${link.user.name} <${link.user.email}>, valid until ${link.expiresAt}:\n${link.url}\n`,
      );
    });
  });

const token = program.command("token").description("manage Admin API tokens");
token
  .command("create")
  .description("create an Admin API token; it is printed once, on the last line")
  .requiredOption("--name <name>", "what the token is for")
  .option("--user <email>", "the staff member the token acts as, with their role (default: the first admin)")
  .action(async (options: { name: string; user?: string }) => {
    await withContext(async (ctx) => {
      const user = options.user ? await getUserByEmail(ctx, options.user) : undefined;
      if (options.user && !user) fail(`--user: no staff account with the email ${options.user}`);
      const result = await createApiToken(ctx, { name: options.name, userId: user?.id });
      if ("errors" in result) fail(`--name ${result.errors.name}`);
      const actsAs = user ? `acts as ${user.name} (${user.role})` : "acts as the first admin";
      process.stdout.write(
        `Admin API token "${options.name}", ${actsAs} (shown once; store it safely):\n${result.token}\n`,
      );
    });
  });

const importCommand = program.command("import").description("bring content in from another system");
importCommand
  .command("wordpress")
  .description(
    "import a WordPress export (WXR): posts, pages, authors, terms, comments, old URLs; safe to run again",
  )
  .argument("<file>", "the .xml file from WordPress's Tools → Export")
  .option("--no-fetch-media", "link images at the old site's addresses instead of downloading them")
  .option("--post-types <types>", "WordPress post types imported as articles, comma-separated", "post")
  .action(async (file: string, options: { fetchMedia?: boolean; postTypes: string }) => {
    if (!fs.existsSync(file)) fail(`no such file: ${file}`);
    // An import's live heap stays small while it streams; without a bound, V8 lets RSS grow to
    // twice what it needs (275 MB against 150 MB for a 5,000-post export).
    limitHeapGrowth();
    await withContext(async (ctx) => {
      const bar = new cliProgress.SingleBar(
        {
          format: "importing [{bar}] {percentage}% | {value}/{total} MB | {eta_formatted} left",
          etaBuffer: 100,
        },
        cliProgress.Presets.shades_classic,
      );
      const toMb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
      let isStarted = false;
      const started = performance.now();
      const { report } = await importWordPressFile(ctx, file, {
        fetchMedia: options.fetchMedia !== false,
        articlePostTypes: options.postTypes
          .split(",")
          .map((type) => type.trim())
          .filter(Boolean),
        onProgress: (bytesRead, bytesTotal) => {
          if (!isStarted) bar.start(toMb(bytesTotal), 0);
          isStarted = true;
          bar.update(toMb(bytesRead));
        },
      }).finally(() => bar.stop());
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`${formatImportReport(report).join("\n")}\n`);
      const stored =
        report.counts.posts.imported + report.counts.pages.imported + report.counts.comments.imported;
      process.stdout.write(
        `took ${seconds.toFixed(1)} s (${Math.round(stored / Math.max(seconds, 0.001))} posts+comments/s)\n`,
      );
      if (report.counts.authors.imported > 0)
        process.stdout.write(
          "imported authors have no password: give each one a link with `npm run cli -- user reset-link EMAIL`\n",
        );
      if (!isCleanImport(report)) process.exitCode = 1;
    });
  });

const exportCommand = program
  .command("export")
  .description("write the site's content out for another system");
exportCommand
  .command("wordpress")
  .description("export authors, categories, tags, articles, pages and comments as a WordPress WXR file")
  .argument("<file>", "where to write the .xml file (must not exist)")
  .action(async (file: string) => {
    await withContext(async (ctx) => {
      let output: fs.WriteStream;
      try {
        output = fs.createWriteStream(file, { flags: "wx" });
        await once(output, "open");
      } catch (error) {
        fail(`cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const summary = await exportWordPress(ctx, output);
      process.stdout.write(
        `exported to ${path.resolve(file)}: ${summary.posts} posts, ${summary.pages} pages, ${summary.comments} comments, ` +
          `${summary.authors} authors, ${summary.categories} categories, ${summary.tags} tags, ${summary.attachments} images\n`,
      );
    });
  });

program
  .command("backup")
  .description(
    "write a consistent copy of the database to FILE while the site runs (SQLite uploads: copy DATA_DIR/media)",
  )
  .argument("<file>", "where to write the backup (must not exist)")
  .action(async (file: string) => {
    const config = configFromFlags();
    const handle = openDatabase(config.database, { queryTimeoutMs: 0 });
    try {
      await backupDatabase(handle.db, config.database, file);
      const bytes = fs.statSync(file).size;
      process.stdout.write(`backup written to ${path.resolve(file)} (${(bytes / 1048576).toFixed(1)} MB)\n`);
      process.stdout.write(
        config.database.dialect === "postgres"
          ? "uploaded images are in the database: the backup holds them\n"
          : `uploaded images are files under ${path.join(config.dataDir, "media")}: copy that folder too\n`,
      );
    } finally {
      await handle.close();
    }
  });

program
  .command("seed-demo")
  .description("fill the site with demo stories, authors and pictures (safe to run twice)")
  .action(async () => {
    await withContext(async (ctx) => {
      process.stdout.write("adding demo stories:\n");
      const result = await seedDemoContent(ctx, (line) => process.stdout.write(`${line}\n`));
      process.stdout.write(
        `demo content: ${result.created} stories added, ${result.skipped} already there\n`,
      );
    });
  });

registerSourcesCommands(program, withContext, fail);

const search = program.command("search").description("the full-text search index");
search
  .command("reindex")
  .description("rebuild the search index from every article (the site keeps searching meanwhile)")
  .action(async () => {
    const config = configFromFlags();
    const handle = openDatabase(config.database, { queryTimeoutMs: 0 });
    const bar = new cliProgress.SingleBar(
      {
        format: "indexing [{bar}] {percentage}% | {value}/{total} articles | {eta_formatted} left",
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    const started = performance.now();
    try {
      await migrateToLatest(handle.db);
      let isStarted = false;
      const indexed = await rebuildSearchIndex(handle.db, {
        onProgress: ({ done, total }) => {
          if (!isStarted) bar.start(total, done);
          else bar.update(done, {});
          bar.setTotal(total);
          isStarted = true;
        },
      });
      bar.stop();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(`search index rebuilt: ${indexed} articles in ${seconds} s\n`);
    } finally {
      bar.stop();
      await handle.close();
    }
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) fail(error.message);
  fail(error instanceof Error ? error.message : String(error));
});
