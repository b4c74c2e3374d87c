/**
 * WordPress migration as the CLI and the admin use it: an import of a file on disk recorded as a
 * run (`wordpress_imports`) whose progress and report any node can show, and the export.
 */
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { WordPressImportStatus } from "../db/schema.js";
import { emptyImportReport, type ImportReport } from "./import-report.js";
import { type ImportCtx, type ImportOptions, importWordPress } from "./import-service.js";
import * as store from "./store.js";
import { readAttachmentIndex } from "./wxr/attachment-index.js";

export { type ExportSummary, exportWordPress } from "./export-service.js";
export { formatImportReport, type ImportReport, isCleanImport } from "./import-report.js";
export { type ImportCtx, importWordPress } from "./import-service.js";
export { redirectLegacyQueryLinks } from "./legacy-paths.js";

/** How often a running import writes its progress for the progress page. */
const PROGRESS_WRITE_INTERVAL_MS = 1000;
/** A run that has not reported for this long died with its process. */
const STALE_RUN_MINUTES = 15;

/** An import run as pages show it. */
export interface ImportRunView {
  id: number;
  fileName: string;
  status: WordPressImportStatus;
  bytesTotal: number;
  bytesRead: number;
  /** 0–100. */
  percent: number;
  report: ImportReport;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

function toView(row: store.ImportRunRow): ImportRunView {
  let report = emptyImportReport();
  try {
    report = { ...report, ...(JSON.parse(row.report) as Partial<ImportReport>) };
  } catch {
    // A report cut short by a crash is shown as empty rather than breaking the page.
  }
  const total = Number(row.bytes_total);
  const read = Number(row.bytes_read);
  return {
    id: row.id,
    fileName: row.file_name,
    status: row.status,
    bytesTotal: total,
    bytesRead: read,
    percent: total > 0 ? Math.min(100, Math.floor((read / total) * 100)) : row.status === "running" ? 0 : 100,
    report,
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** Options of `importWordPressFile`. */
export interface ImportFileOptions extends Omit<ImportOptions, "onProgress"> {
  /** Shown on the run (defaults to the file's base name). */
  displayName?: string;
  startedBy?: number | null;
  /** Called after each chunk with bytes read and the file's size (a progress bar). */
  onProgress?: (bytesRead: number, bytesTotal: number) => void;
  /** Receives the run's id as soon as it is recorded (the admin page redirects to it). */
  onStarted?: (runId: number) => void;
}

/**
 * Imports a WXR file from disk, streaming it, as a recorded run. Resolves with the report
 * whatever happened to the file (see `importWordPress`); rejects only if the database fails.
 */
export async function importWordPressFile(
  ctx: ImportCtx,
  filePath: string,
  options: ImportFileOptions = {},
): Promise<{ runId: number; report: ImportReport }> {
  const { size } = await fs.stat(filePath);
  const nowIso = () => ctx.now().toISOString();
  const runId = await store.insertImportRun(ctx.db, {
    file_name: (options.displayName ?? path.basename(filePath)).slice(0, 255),
    bytes_total: size,
    started_by: options.startedBy ?? null,
    now: nowIso(),
  });
  options.onStarted?.(runId);
  let lastWriteMs = performance.now();
  let report: ImportReport;
  try {
    report = await importWordPress(ctx, createReadStream(filePath, { highWaterMark: 256 * 1024 }), {
      ...options,
      attachments: options.attachments ?? (await readAttachmentIndex(filePath)),
      onProgress: async (bytesRead, current) => {
        options.onProgress?.(bytesRead, size);
        if (performance.now() - lastWriteMs < PROGRESS_WRITE_INTERVAL_MS) return;
        lastWriteMs = performance.now();
        await store.updateImportRun(ctx.db, runId, {
          bytes_read: bytesRead,
          report: JSON.stringify(current),
          updated_at: nowIso(),
        });
      },
    });
  } catch (error) {
    await store.updateImportRun(ctx.db, runId, {
      status: "failed",
      error: error instanceof Error ? error.message : String(error),
      finished_at: nowIso(),
      updated_at: nowIso(),
    });
    throw error;
  }
  await store.updateImportRun(ctx.db, runId, {
    status: report.fatal ? "failed" : "completed",
    bytes_read: report.fatal ? report.bytesRead : size,
    report: JSON.stringify(report),
    error: report.fatal ? report.fatal.message : null,
    finished_at: nowIso(),
    updated_at: nowIso(),
  });
  return { runId, report };
}

/** One run, or undefined. */
export async function getImportRun(
  ctx: Pick<ImportCtx, "db">,
  id: number,
): Promise<ImportRunView | undefined> {
  const row = await store.getImportRun(ctx.db, id);
  return row ? toView(row) : undefined;
}

/** The latest runs, newest first; runs whose process died are marked failed first. */
export async function listImportRuns(
  ctx: Pick<ImportCtx, "db" | "now">,
  limit = 10,
): Promise<ImportRunView[]> {
  const now = ctx.now();
  await store.failStaleImportRuns(
    ctx.db,
    new Date(now.getTime() - STALE_RUN_MINUTES * 60_000).toISOString(),
    now.toISOString(),
  );
  return (await store.listImportRuns(ctx.db, limit)).map(toView);
}

/** Whether an import is running now (one at a time: two would compete for the same slugs). */
export async function isImportRunning(ctx: Pick<ImportCtx, "db" | "now">): Promise<boolean> {
  return (await listImportRuns(ctx, 5)).some((run) => run.status === "running");
}
