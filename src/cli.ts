#!/usr/bin/env node
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import cliProgress from "cli-progress";
import { Command, Option } from "commander";
import { createApiToken, createUser } from "./accounts/service.js";
import { buildApp } from "./app.js";
import { type Config, ConfigError, type ConfigFlags, loadConfig } from "./config.js";
import { backupDatabase } from "./db/backup.js";
import { openDatabase } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { rebuildSearchIndex } from "./search/service.js";
import { seedDemoContent } from "./site/demo/seed-demo.js";

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

/** Runs a command against the app without listening; closes it afterwards. */
async function withApp<T>(run: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<T>): Promise<T> {
  const config = { ...configFromFlags(), runSchedulers: false };
  const app = await buildApp(config, { logger: false });
  try {
    await app.ready();
    return await run(app);
  } finally {
    await app.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

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
    const config = configFromFlags({ port: options.port, host: options.host });
    const app = await buildApp(config);
    const address = await app.listen({ port: config.port, host: config.host });
    app.log.info(
      { database: config.database.dialect, startupMs: Math.round(performance.now() - started) },
      `Broadsheet is serving ${config.siteUrl} (listening on ${address})`,
    );
    const stop = async (signal: string) => {
      app.log.info({ signal }, "shutting down");
      await app.close();
      process.exit(0);
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
    const handle = openDatabase(config.database);
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
    await withApp(async (app) => {
      const result = await createUser(
        app.ctx,
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

const token = program.command("token").description("manage Admin API tokens");
token
  .command("create")
  .description("create an Admin API token; it is printed once, on the last line")
  .requiredOption("--name <name>", "what the token is for")
  .action(async (options: { name: string }) => {
    await withApp(async (app) => {
      const result = await createApiToken(app.ctx, { name: options.name });
      if ("errors" in result) fail(`--name ${result.errors.name}`);
      process.stdout.write(
        `Admin API token "${options.name}" (shown once; store it safely):\n${result.token}\n`,
      );
    });
  });

program
  .command("backup")
  .description("write a consistent copy of the database to FILE while the site runs (uploads: copy DATA_DIR/media)")
  .argument("<file>", "where to write the backup (must not exist)")
  .action(async (file: string) => {
    const config = configFromFlags();
    const handle = openDatabase(config.database);
    try {
      await backupDatabase(handle.db, config.database, file);
      const bytes = fs.statSync(file).size;
      process.stdout.write(`backup written to ${path.resolve(file)} (${(bytes / 1048576).toFixed(1)} MB)\n`);
      process.stdout.write(`uploaded images are files under ${path.join(config.dataDir, "media")}: copy that folder too\n`);
    } finally {
      await handle.close();
    }
  });

program
  .command("seed-demo")
  .description("fill the site with demo stories, authors and pictures (safe to run twice)")
  .action(async () => {
    await withApp(async (app) => {
      process.stdout.write("adding demo stories:\n");
      const result = await seedDemoContent(app.ctx, (line) => process.stdout.write(`${line}\n`));
      process.stdout.write(
        `demo content: ${result.created} stories added, ${result.skipped} already there\n`,
      );
    });
  });

const search = program.command("search").description("the full-text search index");
search
  .command("reindex")
  .description("rebuild the search index from every article (the site keeps searching meanwhile)")
  .action(async () => {
    const config = configFromFlags();
    const handle = openDatabase(config.database);
    const bar = new cliProgress.SingleBar(
      { format: "indexing [{bar}] {percentage}% | {value}/{total} articles | {eta_formatted} left", etaBuffer: 50 },
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
