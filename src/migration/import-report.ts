/**
 * What a WordPress import did, as the CLI prints it and the admin progress page shows it: per kind,
 * how many were imported, skipped (already there, or not imported by design) and failed, with a
 * reason and line number for each failure.
 */

/** How often one kind of content was changed or left out, with the first posts it happened in. */
export interface ConstructTally {
  count: number;
  /** `post 101 "Council approves…" (line 112)`, at most `CONSTRUCT_EXAMPLES`. */
  examples: string[];
}

/** Posts named per kind of changed content. */
export const CONSTRUCT_EXAMPLES = 3;

/** The kinds counted in the summary, in the order it lists them. */
export const IMPORT_KINDS = [
  "authors",
  "categories",
  "tags",
  "posts",
  "pages",
  "attachments",
  "comments",
  "other",
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportTally {
  imported: number;
  skipped: number;
  failed: number;
}

/** A failure (nothing stored for it) or a warning (stored, with something a person should know). */
export interface ImportProblem {
  kind: ImportKind;
  /** What it is, for a person: `post 101 "Council approves…"`, `author jdoe`. */
  label: string;
  /** Line of the export where it starts, when known. */
  line: number | null;
  reason: string;
}

export interface ImportReport {
  /** The WordPress site the export came from (`wp:base_site_url`), once the header is read. */
  source: string | null;
  siteTitle: string | null;
  counts: Record<ImportKind, ImportTally>;
  failures: ImportProblem[];
  /** Failures beyond the ones kept in `failures`. */
  failuresOmitted: number;
  warnings: ImportProblem[];
  warningsOmitted: number;
  /** Why items were skipped by design (`post type "nav_menu_item" is not imported`), with counts. */
  skipReasons: Record<string, number>;
  redirectsAdded: number;
  /**
   * Content that did not arrive as it was, by kind (`[gallery] shortcode`, `<script>`,
   * `style attribute`, `<iframe> shown as a link`); empty when everything came over as it was.
   */
  constructs: Record<string, ConstructTally>;
  bytesRead: number;
  /** Why the import stopped before the end of the file; `null` when it read the whole file. */
  fatal: { message: string; line: number | null } | null;
}

/** Problems kept per list: enough to act on, bounded for a file with a million broken items. */
export const MAX_REPORTED_PROBLEMS = 200;

/** An empty report. */
export function emptyImportReport(): ImportReport {
  const counts = Object.fromEntries(
    IMPORT_KINDS.map((kind) => [kind, { imported: 0, skipped: 0, failed: 0 }]),
  ) as Record<ImportKind, ImportTally>;
  return {
    source: null,
    siteTitle: null,
    counts,
    failures: [],
    failuresOmitted: 0,
    warnings: [],
    warningsOmitted: 0,
    skipReasons: {},
    redirectsAdded: 0,
    constructs: {},
    bytesRead: 0,
    fatal: null,
  };
}

/** Records a failure of one thing (counted as failed). */
export function addFailure(report: ImportReport, problem: ImportProblem): void {
  report.counts[problem.kind].failed += 1;
  if (report.failures.length < MAX_REPORTED_PROBLEMS) report.failures.push(problem);
  else report.failuresOmitted += 1;
}

/** Records a warning (the thing was stored or skipped as counted elsewhere). */
export function addWarning(report: ImportReport, problem: ImportProblem): void {
  if (report.warnings.length < MAX_REPORTED_PROBLEMS) report.warnings.push(problem);
  else report.warningsOmitted += 1;
}

/** Counts one piece of content of `kind` that was changed or left out in the post `where`. */
export function addConstruct(report: ImportReport, kind: string, where: string): void {
  const tally = report.constructs[kind] ?? { count: 0, examples: [] };
  report.constructs[kind] = tally;
  tally.count += 1;
  if (tally.examples.length < CONSTRUCT_EXAMPLES && !tally.examples.includes(where))
    tally.examples.push(where);
}

/** Whether the import read everything and stored everything it tried to. */
export function isCleanImport(report: ImportReport): boolean {
  return report.fatal === null && IMPORT_KINDS.every((kind) => report.counts[kind].failed === 0);
}

function describe(problem: ImportProblem): string {
  const where = problem.line === null ? "" : `line ${problem.line}: `;
  return `${where}${problem.label}: ${problem.reason}`;
}

/** The summary as plain-text lines (the CLI prints them; tests read them). */
export function formatImportReport(report: ImportReport, options: { maxWarnings?: number } = {}): string[] {
  const lines: string[] = [];
  if (report.source === null && report.fatal) {
    const where = report.fatal.line === null ? "" : ` (line ${report.fatal.line})`;
    return [`WordPress import stopped${where}: ${report.fatal.message}`, "Nothing was imported."];
  }
  const from = report.source
    ? ` from ${report.siteTitle ? `${report.siteTitle} ` : ""}(${report.source})`
    : "";
  lines.push(`WordPress import${from}`);
  lines.push(`${"".padEnd(12)}${"imported".padStart(10)}${"skipped".padStart(10)}${"failed".padStart(10)}`);
  for (const kind of IMPORT_KINDS) {
    const tally = report.counts[kind];
    const label = kind === "other" ? "other items" : kind;
    lines.push(
      `${label.padEnd(12)}${String(tally.imported).padStart(10)}${String(tally.skipped).padStart(10)}${String(tally.failed).padStart(10)}`,
    );
  }
  if (report.redirectsAdded > 0) lines.push(`old URLs redirected: ${report.redirectsAdded}`);
  for (const [reason, count] of Object.entries(report.skipReasons))
    lines.push(`skipped ${count} × ${reason}`);
  const constructs = Object.entries(report.constructs).sort(([, a], [, b]) => b.count - a.count);
  if (constructs.length > 0) {
    lines.push("", "changed or left out on the way in:");
    for (const [kind, tally] of constructs)
      lines.push(`  ${String(tally.count).padStart(6)} × ${kind}, e.g. in ${tally.examples.join("; ")}`);
  }
  if (report.failures.length > 0) {
    lines.push("", "failed (nothing was stored for these; fix and run the import again):");
    for (const problem of report.failures) lines.push(`  ${describe(problem)}`);
    if (report.failuresOmitted > 0) lines.push(`  … and ${report.failuresOmitted} more`);
  }
  const maxWarnings = options.maxWarnings ?? 50;
  if (report.warnings.length > 0) {
    lines.push("", `notes (${report.warnings.length + report.warningsOmitted}):`);
    for (const problem of report.warnings.slice(0, maxWarnings)) lines.push(`  ${describe(problem)}`);
    const more =
      report.warnings.length - Math.min(report.warnings.length, maxWarnings) + report.warningsOmitted;
    if (more > 0) lines.push(`  … and ${more} more`);
  }
  if (report.fatal) {
    const where = report.fatal.line === null ? "" : ` (line ${report.fatal.line})`;
    lines.push(
      "",
      `stopped${where}: ${report.fatal.message}`,
      "Everything before that point is imported; run the same command again to finish (nothing is duplicated).",
    );
  }
  return lines;
}
