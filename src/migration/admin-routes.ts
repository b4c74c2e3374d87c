import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { adminLanguage, adminPageModel, adminSay } from "../accounts/admin-page.js";
import { canManageSettings } from "../accounts/permissions.js";
import { actorOf, allowOnly } from "../accounts/staff-guard.js";
import type { AppContext } from "../context.js";
import { parseId } from "../infrastructure/requests.js";
import { formatSiteDate } from "../lib/site-date.js";
import { IMPORT_KINDS } from "./import-report.js";
import {
  getImportRun,
  type ImportRunView,
  importWordPressFile,
  isImportRunning,
  listImportRuns,
} from "./service.js";

const BYTES_PER_MB = 1024 * 1024;
/** How a file too large to upload is imported, on the server. */
const SERVER_IMPORT_COMMAND = "npm run cli -- import wordpress FILE";

function megabytes(bytes: number): string {
  return bytes >= BYTES_PER_MB ? `${(bytes / BYTES_PER_MB).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * The WordPress import in the admin: an upload form (admins only), streamed to a file under
 * DATA_DIR and imported in the background, and a page that follows the run to its summary.
 */
const migrationAdminRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const uploadDir = path.join(ctx.config.dataDir, "imports");
  const running = new Set<Promise<unknown>>();
  const shutdown = new AbortController();

  allowOnly(app, canManageSettings);
  // A server stopping mid-import stops the import between two posts; a re-run finishes it.
  app.addHook("onClose", async () => {
    shutdown.abort();
    await Promise.allSettled([...running]);
  });

  async function runRows(runs: ImportRunView[], language: string) {
    const { timezone } = await ctx.settings.get();
    return runs.map((run) => ({
      id: run.id,
      file_name: run.fileName,
      status: run.status,
      percent: run.percent,
      started_at: formatSiteDate(run.startedAt, "d MMM yyyy, HH:mm", timezone, language),
      posts: run.report.counts.posts.imported,
      comments: run.report.counts.comments.imported,
    }));
  }

  /** The upload page; `error` is the key of what is wrong with the upload ('' for none). */
  async function renderUploadPage(
    request: FastifyRequest,
    reply: FastifyReply,
    error: "" | `migration.upload_errors.${string}`,
    statusCode = 200,
  ) {
    const language = await adminLanguage(ctx, request.actor?.language);
    const say = await adminSay(ctx, request, language);
    const maxMegabytes = Math.round(ctx.config.importMaxBytes / BYTES_PER_MB);
    const model = await adminPageModel(ctx, request, reply, {
      title: say("migration.import.title"),
      section: "settings",
      lang: language,
      error: error && say(error, { megabytes: maxMegabytes, command: SERVER_IMPORT_COMMAND }),
      max_mb: maxMegabytes,
      server_import_command: SERVER_IMPORT_COMMAND,
      runs: await runRows(await listImportRuns(ctx), language),
    });
    return reply.code(statusCode).view("migration/views/import", {
      ...model,
      upload_action: "/admin/import/wordpress",
    });
  }

  app.get("/import/wordpress", async function showImportPage(request, reply) {
    return renderUploadPage(request, reply, "");
  });

  app.post("/import/wordpress", async function uploadWordPressExport(request, reply) {
    if (!request.isMultipart())
      return renderUploadPage(request, reply, "migration.upload_errors.no_file", 422);
    if (await isImportRunning(ctx))
      return renderUploadPage(request, reply, "migration.upload_errors.running", 409);
    // `throwFileSizeLimit` is honoured per call by @fastify/multipart but missing from its types.
    const fileOptions: Parameters<FastifyRequest["file"]>[0] & { throwFileSizeLimit: boolean } = {
      limits: { fileSize: ctx.config.importMaxBytes, files: 1, fields: 10 },
      throwFileSizeLimit: false,
    };
    const part = await request.file(fileOptions);
    if (!part || part.filename === "") {
      if (part) part.file.resume();
      return renderUploadPage(request, reply, "migration.upload_errors.no_file", 422);
    }
    const fetchField = part.fields.fetch_media;
    const fetchMedia =
      !!fetchField && !Array.isArray(fetchField) && fetchField.type === "field" && fetchField.value === "on";
    await fs.mkdir(uploadDir, { recursive: true });
    // Never the uploaded name: it is the browser's to choose.
    const filePath = path.join(uploadDir, `wordpress-${randomBytes(9).toString("base64url")}.xml`);
    await pipeline(part.file, createWriteStream(filePath, { flags: "wx" }));
    const { size } = await fs.stat(filePath);
    if (part.file.truncated || size === 0) {
      await fs.rm(filePath, { force: true });
      return part.file.truncated
        ? renderUploadPage(request, reply, "migration.upload_errors.too_large", 413)
        : renderUploadPage(request, reply, "migration.upload_errors.empty", 422);
    }

    const runId = await new Promise<number>((resolve, reject) => {
      const task = importWordPressFile(ctx, filePath, {
        displayName: part.filename,
        startedBy: actorOf(request).id,
        fetchMedia,
        signal: shutdown.signal,
        onStarted: resolve,
      })
        .catch((error: unknown) => {
          request.log.error({ err: error }, "WordPress import failed");
          reject(error);
        })
        .finally(async () => {
          running.delete(task);
          await fs.rm(filePath, { force: true });
        });
      running.add(task);
    });
    return reply.redirect(`/admin/import/wordpress/${runId}`, 303);
  });

  app.get<{ Params: { id: string } }>(
    "/import/wordpress/:id",
    async function showImportRunPage(request, reply) {
      const id = parseId(request.params.id);
      const run = id === undefined ? undefined : await getImportRun(ctx, id);
      if (!run) return reply.callNotFound();
      if ((request.headers.accept ?? "").includes("application/json")) return reply.send(run);
      const [{ timezone }, language] = await Promise.all([
        ctx.settings.get(),
        adminLanguage(ctx, request.actor?.language),
      ]);
      const say = await adminSay(ctx, request, language);
      const report = run.report;
      // While it runs the page reloads itself every two seconds (no script needed).
      if (run.status === "running") reply.header("refresh", "2");
      return reply.view(
        "migration/views/import-run",
        await adminPageModel(ctx, request, reply, {
          title: say("migration.run.title", { file: run.fileName }),
          section: "settings",
          lang: language,
          run: {
            id: run.id,
            file_name: run.fileName,
            status: run.status,
            is_running: run.status === "running",
            percent: run.percent,
            read: megabytes(run.bytesRead),
            total: megabytes(run.bytesTotal),
            error: run.error ?? "",
            started_at: formatSiteDate(run.startedAt, "d MMM yyyy, HH:mm", timezone, language),
          },
          source: report.source ?? "",
          wp_site_title: report.siteTitle ?? "",
          counts: IMPORT_KINDS.map((kind) => ({ kind, ...report.counts[kind] })),
          skip_reasons: Object.entries(report.skipReasons).map(([reason, count]) => ({ reason, count })),
          redirects: report.redirectsAdded,
          // Older runs' reports were saved before this part existed.
          constructs: Object.entries(report.constructs ?? {})
            .sort(([, a], [, b]) => b.count - a.count)
            .map(([kind, tally]) => ({ kind, ...tally })),
          failures: report.failures,
          failures_omitted: report.failuresOmitted,
          warnings: report.warnings,
          warnings_omitted: report.warningsOmitted,
          fatal: report.fatal,
        }),
      );
    },
  );
};

export default migrationAdminRoutes;
