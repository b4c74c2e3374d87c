import cliProgress from "cli-progress";
import { type Command, Option } from "commander";
import type { AppContext } from "../context.js";
import { fetchSources, listEnabledSourceIds } from "./fetch-service.js";
import { addSource, listSources, type SourceView } from "./sources-service.js";

/** Runs a command with the site's context and closes it afterwards. */
type WithContext = <T>(run: (ctx: AppContext) => Promise<T>) => Promise<T>;

function describe(source: SourceView): string {
  const state = source.is_enabled ? source.status : "disabled";
  const error = source.last_error ? ` — ${source.last_error}` : "";
  return `${source.id}\t${source.name}\t${source.url}\t${source.mode}\t${state}\t${source.items_added_count} items${error}`;
}

/** `sources add|list|fetch`: the curation desk's sources from the command line. */
export function registerSourcesCommands(
  program: Command,
  withContext: WithContext,
  fail: (message: string) => never,
): void {
  const sources = program.command("sources").description("the feeds the curation desk follows");

  sources
    .command("add")
    .description("follow a feed (or a site: its feed is discovered from the page)")
    .argument("<url>", "feed or site address")
    .addOption(
      new Option("--mode <mode>", "review: items wait on the desk; publish: auto-publish")
        .choices(["review", "publish"])
        .default("review"),
    )
    .option("--name <name>", "the outlet's name as credited (default: the feed's title)")
    .option("--category <name>", "file its stories under this category (created if missing)")
    .action(async (url: string, options: { mode: string; name?: string; category?: string }) => {
      await withContext(async (ctx) => {
        const result = await addSource(ctx, {
          url,
          mode: options.mode,
          name: options.name,
          category: options.category,
        });
        if ("errors" in result)
          fail(
            Object.entries(result.errors)
              .map(([field, why]) => `${field} ${why}`)
              .join("; "),
          );
        process.stdout.write(
          `added source ${result.source.id}: ${result.source.name} <${result.source.url}> (${result.source.mode})\n`,
        );
      });
    });

  sources
    .command("list")
    .description("every source with its status (id, name, url, mode, status, items added, last error)")
    .action(async () => {
      await withContext(async (ctx) => {
        const all = await listSources(ctx);
        if (all.length === 0) process.stdout.write("no sources yet: add one with `sources add URL`\n");
        for (const source of all) process.stdout.write(`${describe(source)}\n`);
      });
    });

  sources
    .command("fetch")
    .description("fetch one source now, or every enabled source with --all")
    .argument("[id]", "the source's id (see `sources list`)")
    .option("--all", "fetch every enabled source")
    .action(async (id: string | undefined, options: { all?: boolean }) => {
      if (!options.all && !id) fail("give a source id or --all");
      if (id && !/^\d{1,12}$/.test(id)) fail(`"${id}" is not a source id`);
      await withContext(async (ctx) => {
        const ids = options.all ? await listEnabledSourceIds(ctx) : [Number(id)];
        const names = new Map((await listSources(ctx)).map((s) => [s.id, s.name]));
        if (!options.all && !names.has(Number(id))) fail(`no source with id ${id}`);
        const bar = new cliProgress.SingleBar(
          {
            format: "fetching [{bar}] {value}/{total} sources | {added} new items | {failed} failing",
            hideCursor: true,
            // Under cron or in a log there is no terminal: still report progress, once a second.
            noTTYOutput: true,
            notTTYSchedule: 1000,
          },
          cliProgress.Presets.shades_classic,
        );
        let added = 0;
        let failed = 0;
        const lines: string[] = [];
        bar.start(ids.length, 0, { added, failed });
        try {
          await fetchSources(ctx, ids, {
            onFetched: (report) => {
              added += report.added;
              if (report.error) failed++;
              const what =
                report.error ??
                (report.status === "busy"
                  ? "being fetched elsewhere"
                  : report.notModified
                    ? "not modified"
                    : `${report.added} new`);
              lines.push(
                `${report.sourceId}\t${names.get(report.sourceId) ?? ""}\t${report.status}\t${what}`,
              );
              bar.increment(1, { added, failed });
            },
          });
        } finally {
          bar.stop();
        }
        for (const line of lines) process.stdout.write(`${line}\n`);
        process.stdout.write(
          `fetched ${ids.length} ${ids.length === 1 ? "source" : "sources"}: ${added} new items, ${failed} failing\n`,
        );
      });
    });
}
