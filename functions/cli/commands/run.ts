// mnp-briefings run: one report for one period, on the embedded engine over the lake folder,
// then delivered to each audience's recipients (the file transport unless told otherwise).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { deliverAudienceReport, type DeliverySummary } from '#core/delivery.ts';
import type { MailTransport } from '#core/delivery-ports.ts';
import { ConfigurationError, DeliveryError } from '#core/errors.ts';
import { latestCompletePeriodInLake } from '#core/lake-calendar.ts';
import { parseRecipients, recipientsOf, type RecipientsConfig } from '#core/recipients.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { runReport, type ArchivedReport } from '#core/report-run.ts';
import { assertLakeFolder } from '#adapters/lake/fs-lake.ts';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { createMailTransport, parseMailConfig, type MailConfig } from '#adapters/mail/mail-config.ts';
import type { Logger, ReportStore } from '#core/ports.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
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
  /** One per audience; absent with --no-deliver. */
  readonly deliveries?: readonly DeliverySummary[];
}

export function mailConfigOf(options: RunOptions): MailConfig {
  return parseMailConfig(
    {
      transport: options.transport,
      outDir: options.out,
      outbox: options.outbox,
      smtpUrl: options.smtpUrl,
      sesRegion: options.sesRegion,
      sesEndpoint: options.sesEndpoint,
      sesConfigurationSet: options.sesConfigurationSet,
      ratePerSecond: options.rate,
    },
    'mail options',
  );
}

export interface LocalDeliveryPorts {
  readonly transport: MailTransport;
  readonly store: ReportStore;
  readonly log: Logger;
}

/** Delivers each archived report in turn, through one (throttled) transport. */
export async function deliverLocalReports(
  archived: readonly ArchivedReport[],
  recipients: RecipientsConfig,
  options: Pick<RunOptions, 'out' | 'ledger' | 'resend' | 'dryRun'>,
  ports: LocalDeliveryPorts,
): Promise<DeliverySummary[]> {
  const deliveryPorts = {
    ...ports,
    ledger: new FileLedger(options.ledger ?? join(options.out, 'ledger')),
    composer: createBriefingMessageComposer(),
    clock: { now: () => new Date() },
  };
  const summaries: DeliverySummary[] = [];
  for (const report of archived) {
    summaries.push(await deliverAudienceReport(report, recipients, deliveryPorts, { resend: options.resend === true, dryRun: options.dryRun === true }));
  }
  return summaries;
}

export async function runLocalReport(options: RunOptions, io: CliIo): Promise<RunResult> {
  const definition = reportDefinition(options.report);
  await assertLakeFolder(options.lake);
  const recipients = await loadRecipients(options.recipients);
  // Validated before any query runs, so a bad --smtp-url fails in a second, not after the report.
  const mailConfig = options.deliver === false ? undefined : mailConfigOf(options);
  const runtime = await openLocalRuntime({ lakeDir: options.lake, outDir: options.out, verbose: options.verbose, logSink: io.err });
  let transport: MailTransport | undefined;
  try {
    const periodId = options.period ?? (await latestCompletePeriodInLake(runtime.inventory, definition.periodKind)).id;
    const { snapshot, archived } = await runReport(
      { reportId: definition.id, periodId, homeOperator: options.homeOperator, audiences: options.province, generatedAt: new Date() },
      runtime,
      { localeOf: (audience) => options.locale ?? recipientsOf(recipients, audience).locale },
    );
    const result = { report: definition.id, period: periodId, queryCount: snapshot.queryCount, partitionsMissing: snapshot.partitionsMissing, archived };
    if (!mailConfig) return result;
    transport = await createMailTransport(mailConfig);
    const deliveries = await deliverLocalReports(archived, recipients, options, { transport, store: runtime.store, log: runtime.log });
    return { ...result, deliveries };
  } finally {
    await transport?.close?.();
    await runtime.close();
  }
}

const deliveryCounts = (summaries: readonly DeliverySummary[]) => {
  const total = (pick: (summary: DeliverySummary) => number) => summaries.reduce((sum, summary) => sum + pick(summary), 0);
  const planned = summaries.reduce((sum, summary) => sum + summary.recipients.filter((outcome) => outcome.status === 'planned').length, 0);
  return { sent: total((summary) => summary.sent), skipped: total((summary) => summary.skipped), failed: total((summary) => summary.failed), inProgress: total((summary) => summary.inProgress), planned };
};

/** The delivery part of the run's summary: counts, each recipient of the first audiences, every failure. */
export function deliveryLines(summaries: readonly DeliverySummary[], locate: (key: string) => string, showAudiences: number): string[] {
  if (summaries.length === 0) return [];
  const first = summaries[0]!;
  const mode = [first.transport, first.dryRun ? 'dry run: nothing sent' : '', first.resend ? 'resend as correction' : ''].filter(Boolean).join(', ');
  const counts = deliveryCounts(summaries);
  const held = counts.inProgress > 0 ? ` (${counts.inProgress} held by another run; if it stopped, rerun once its claim expires)` : '';
  const lines = [`  delivery (${mode}): ${counts.sent} sent, ${counts.skipped} skipped${held}, ${counts.failed} failed${first.dryRun ? `, ${counts.planned} to send` : ''}`];
  summaries.forEach((summary, index) => {
    const shown = index < showAudiences;
    if (shown) lines.push(`    ${summary.audience}: ${summary.subject} -> ${locate(summary.messageKey)} (${Math.round(summary.messageBytes / 1024)} KB)`);
    for (const warning of summary.warnings) lines.push(`    warning (${summary.audience}): ${warning}`);
    for (const outcome of summary.recipients) {
      if (!shown && outcome.status !== 'failed') continue;
      const flags = [outcome.correction ? 'correction' : '', outcome.possibleDuplicate ? 'possible duplicate' : ''].filter(Boolean).join(', ');
      const who = `${summary.audience === 'hq' ? '' : `${summary.audience} `}${outcome.recipient}`;
      lines.push(`      ${outcome.status.padEnd(7)} ${who}${outcome.reason ? `: ${outcome.reason}` : ''}${flags ? ` (${flags})` : ''}`);
    }
  });
  return lines;
}

/** A run with failed recipients ends in a DeliveryError (exit code 3) once the summary is out. */
export function assertDelivered(result: RunResult): void {
  const failed = (result.deliveries ?? []).flatMap((summary) => summary.recipients.filter((outcome) => outcome.status === 'failed').map((outcome) => ({ summary, outcome })));
  if (failed.length === 0) return;
  const { summary, outcome } = failed[0]!;
  throw new DeliveryError(
    `${failed.length} recipient(s) not delivered, e.g. ${outcome.recipient} (${summary.audience}): ${outcome.reason ?? 'failed'}; a rerun sends what is missing`,
  );
}

export function printRunResult(result: RunResult, io: CliIo, locate: (key: string) => string, json = false): void {
  if (json) {
    io.out(JSON.stringify({
      report: result.report,
      period: result.period,
      queries: result.queryCount,
      partitionsMissing: result.partitionsMissing,
      reports: result.archived.map((report) => ({ audience: report.audience, locale: report.locale, html: locate(report.keys.html), json: locate(report.keys.json) })),
      ...(result.deliveries ? { deliveries: result.deliveries.map((summary) => ({ ...summary, message: locate(summary.messageKey) })) } : {}),
    }));
    return;
  }
  const shown = result.archived.length > 3 ? result.archived.slice(0, 2) : result.archived;
  for (const report of shown) for (const line of headlineLines(report, locate)) io.out(line);
  if (shown.length < result.archived.length) io.out(`  ... and ${result.archived.length - shown.length} more ${result.report} reports next to it`);
  io.out(`  ${result.queryCount} queries for ${result.archived.length} report(s)`);
  for (const line of deliveryLines(result.deliveries ?? [], locate, shown.length)) io.out(line);
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
    .option('--no-deliver', 'archive the reports only, send nothing')
    .option('--transport <kind>', 'file (write .eml files), smtp or ses', 'file')
    .option('--smtp-url <url>', 'the SMTP server for --transport smtp, e.g. smtp://127.0.0.1:2525')
    .option('--outbox <dir>', 'folder for the .eml files of --transport file (default: OUT/<report>/<period>/<audience>/outbox)')
    .option('--ses-region <region>', 'the SES region for --transport ses (default: the AWS SDK configuration)')
    .option('--ses-endpoint <url>', 'another SES endpoint, e.g. a local emulator')
    .option('--ses-configuration-set <name>', 'the SES configuration set for delivery events')
    .option('--ledger <dir>', 'the delivery ledger folder (default: OUT/ledger)')
    .option('--rate <perSecond>', 'messages per second over the whole run, for smtp and ses', '5')
    .option('--resend', 'send again to recipients already sent to, marked as a correction')
    .option('--dry-run', 'build and write message.eml, send nothing, record nothing')
    .action(async (raw: Record<string, unknown>) => {
      const options = validateOptions(runOptionsSchema, raw);
      const result = await runLocalReport(options, io);
      const { FsReportStore } = await import('#adapters/store/fs-store.ts');
      const store = new FsReportStore(options.out);
      printRunResult(result, io, (key) => store.locate(key), options.json);
      assertDelivered(result);
    });
}
