// mnp-briefings run: one report for one period, on the embedded engine over the lake folder.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ConfigurationError } from '#core/errors.ts';
import { latestCompletePeriodInLake } from '#core/lake-calendar.ts';
import { parseRecipients, recipientsOf, type RecipientsConfig } from '#core/recipients.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { runReport, type ArchivedReport } from '#core/report-run.ts';
import { assertLakeFolder } from '#adapters/lake/fs-lake.ts';
import type { CliIo } from '../io.ts';
import { openLocalRuntime } from '../local-runtime.ts';
import { runOptionsSchema, validateOptions, type RunOptions } from '../options.ts';
import { headlineLines } from '../summary.ts';

export const DEFAULT_RECIPIENTS_FILE = 'config/recipients.json';

export async function loadRecipients(path: string): Promise<RecipientsConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`cannot read recipients file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseRecipients(raw, path);
}

export interface RunResult {
  readonly report: string;
  readonly period: string;
  readonly queryCount: number;
  readonly partitionsMissing: readonly string[];
  readonly archived: readonly ArchivedReport[];
}

export async function runLocalReport(options: RunOptions, io: CliIo): Promise<RunResult> {
  const definition = reportDefinition(options.report);
  await assertLakeFolder(options.lake);
  const recipients = await loadRecipients(options.recipients);
  const runtime = await openLocalRuntime({ lakeDir: options.lake, outDir: options.out, verbose: options.verbose, logSink: io.err });
  try {
    const periodId = options.period ?? (await latestCompletePeriodInLake(runtime.inventory, definition.periodKind)).id;
    const { snapshot, archived } = await runReport(
      { reportId: definition.id, periodId, homeOperator: options.homeOperator, audiences: options.province, generatedAt: new Date() },
      runtime,
      { localeOf: (audience) => options.locale ?? recipientsOf(recipients, audience).locale },
    );
    return { report: definition.id, period: periodId, queryCount: snapshot.queryCount, partitionsMissing: snapshot.partitionsMissing, archived };
  } finally {
    await runtime.close();
  }
}

export function printRunResult(result: RunResult, io: CliIo, locate: (key: string) => string, json = false): void {
  if (json) {
    io.out(JSON.stringify({
      report: result.report,
      period: result.period,
      queries: result.queryCount,
      partitionsMissing: result.partitionsMissing,
      reports: result.archived.map((report) => ({ audience: report.audience, locale: report.locale, html: locate(report.keys.html), json: locate(report.keys.json) })),
    }));
    return;
  }
  const shown = result.archived.length > 3 ? result.archived.slice(0, 2) : result.archived;
  for (const report of shown) for (const line of headlineLines(report, locate)) io.out(line);
  if (shown.length < result.archived.length) io.out(`  ... and ${result.archived.length - shown.length} more ${result.report} reports next to it`);
  io.out(`  ${result.queryCount} queries for ${result.archived.length} report(s)`);
}

export function registerRun(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('run one report for one period and write it to the output folder')
    .requiredOption('--report <id>', 'report id: hq-weekly or province-monthly')
    .option('--period <id>', 'ISO week (2019-W48) or month (2019-12), Beijing time; default: the latest complete one in the lake')
    .option('--lake <dir>', 'lake folder', 'lake')
    .option('--out <dir>', 'output folder', 'out')
    .option('--locale <locale>', 'zh-CN or en for every audience (default: per recipient configuration)')
    .option('--province <code...>', 'limit a provincial report to these province codes (repeatable)')
    .option('--home-operator <code>', 'the operator whose headquarters reads the briefings', 'CMCC')
    .option('--recipients <file>', 'recipients configuration', DEFAULT_RECIPIENTS_FILE)
    .option('--json', 'print a JSON summary for scripts')
    .option('--verbose', 'log each query to stderr')
    .action(async (raw: Record<string, unknown>) => {
      const options = validateOptions(runOptionsSchema, raw);
      const result = await runLocalReport(options, io);
      const { FsReportStore } = await import('#adapters/store/fs-store.ts');
      const store = new FsReportStore(options.out);
      printRunResult(result, io, (key) => store.locate(key), options.json);
    });
}
