// mnp-briefings run: one report for one period, on the embedded engine over the lake folder,
// then delivered to each audience's recipients (the file transport unless told otherwise).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { deliverAudienceReport, type DeliverySummary } from '#core/delivery.ts';
import type { MailTransport } from '#core/delivery-ports.ts';
import { ConfigurationError, DataNotReadyError, DeliveryError } from '#core/errors.ts';
import { latestCompletePeriodInLake } from '#core/lake-calendar.ts';
import { parseRecipients, type RecipientsConfig } from '#core/recipients.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import type { ArchivedReport } from '#core/report-run.ts';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { createMailTransport, parseMailConfig, type MailConfig } from '#adapters/mail/mail-config.ts';
import type { Logger, ReportStore } from '#core/ports.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
import { AwsTarget, awsRunInput, defaultAwsClients, executionName, stateMachineName, type AwsRunInput } from '../aws-target.ts';
import { DEFAULT_RECIPIENTS_FILE, withDeliveryOptions, withLakeOptions, withTargetOptions } from '../command-options.ts';
import type { CliIo } from '../io.ts';
import { runOptionsSchema, validateOptions, type DeliveryCliOptions } from '../options.ts';
import { assertFiguresAsSent, openLocalJobs, runReportJob, type JobResult } from '../report-job.ts';
import { headlineLines } from '../summary.ts';

export { DEFAULT_RECIPIENTS_FILE };

export async function loadRecipients(path: string): Promise<RecipientsConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`cannot read recipients file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseRecipients(raw, path);
}

export function mailConfigOf(options: DeliveryCliOptions): MailConfig {
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
  options: { readonly out: string; readonly ledger?: string | undefined; readonly resend?: boolean | undefined; readonly dryRun?: boolean | undefined },
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

/** Held ends in exit code 75, failed recipients in 3: after the summary is out. */
export function assertJobDone(result: JobResult): void {
  if (result.state === 'held') throw new DataNotReadyError(`${result.report} ${result.period} held: ${result.message ?? 'data not ready'}`, result.partitionsMissing);
  const failed = (result.deliveries ?? []).flatMap((summary) => summary.recipients.filter((outcome) => outcome.status === 'failed').map((outcome) => ({ summary, outcome })));
  if (failed.length === 0) return;
  const { summary, outcome } = failed[0]!;
  throw new DeliveryError(
    `${failed.length} recipient(s) not delivered, e.g. ${outcome.recipient} (${summary.audience}): ${outcome.reason ?? 'failed'}; a rerun sends what is missing`,
  );
}

export function jobJson(result: JobResult, locate: (key: string) => string): Record<string, unknown> {
  return {
    report: result.report,
    period: result.period,
    state: result.state,
    queries: result.queryCount,
    partitionsMissing: result.partitionsMissing,
    ...(result.retryAt ? { retryAt: result.retryAt } : {}),
    ...(result.message ? { message: result.message } : {}),
    reports: result.archived.map((report) => ({ audience: report.audience, locale: report.locale, html: locate(report.keys.html), json: locate(report.keys.json) })),
    ...(result.deliveries ? { deliveries: result.deliveries.map((summary) => ({ ...summary, message: locate(summary.messageKey) })) } : {}),
  };
}

export function printJobResult(result: JobResult, io: CliIo, locate: (key: string) => string, json = false): void {
  if (json) {
    io.out(JSON.stringify(jobJson(result, locate)));
    return;
  }
  if (result.state === 'held') {
    io.out(`${result.report} ${result.period}: held, nothing sent: ${result.message ?? ''}`);
    for (const partition of result.partitionsMissing.slice(0, 10)) io.out(`  missing ${partition}`);
    if (result.partitionsMissing.length > 10) io.out(`  ... and ${result.partitionsMissing.length - 10} more`);
    return;
  }
  const shown = result.archived.length > 3 ? result.archived.slice(0, 2) : result.archived;
  for (const report of shown) for (const line of headlineLines(report, locate)) io.out(line);
  if (shown.length < result.archived.length) io.out(`  ... and ${result.archived.length - shown.length} more ${result.report} reports next to it`);
  io.out(`  ${result.queryCount} queries for ${result.archived.length} report(s)`);
  if (result.partitionsMissing.length > 0) io.out(`  data incomplete: ${result.partitionsMissing.length} partition(s) without _SUCCESS; the reports carry the banner`);
  for (const line of deliveryLines(result.deliveries ?? [], locate, shown.length)) io.out(line);
  if (result.state !== 'previewed') io.out(`  run state: ${result.state}${result.message ? ` (${result.message})` : ''}`);
}

/** The local ports for one command's jobs: the lake, the archive in OUT, the ledger, the transport on demand. */
export async function openJobsFor(
  options: DeliveryCliOptions & { lake: string; recipients: string; verbose?: boolean | undefined },
  io: CliIo,
): Promise<Awaited<ReturnType<typeof openLocalJobs>>> {
  const recipients = await loadRecipients(options.recipients);
  // Validated before any query runs, so a bad --smtp-url fails in a second, not after the report.
  const mailConfig = mailConfigOf(options);
  return openLocalJobs(
    { lake: options.lake, out: options.out, recipients, ledger: options.ledger, verbose: options.verbose, openTransport: () => createMailTransport(mailConfig) },
    io.err,
  );
}

/** Starts the deployed state machine instead of running here (--target aws). */
export async function startAwsRun(kind: string, input: AwsRunInput, options: { stage?: string | undefined; region?: string | undefined; dryRun?: boolean | undefined; json?: boolean | undefined }, io: CliIo): Promise<void> {
  const aws = new AwsTarget(options.stage!, defaultAwsClients(options.region));
  const name = executionName(kind, input, new Date());
  if (options.dryRun) {
    const plan = { dryRun: true, stateMachine: stateMachineName(options.stage!, input.reportId), name, input };
    io.out(options.json ? JSON.stringify(plan) : `dry run: would start ${plan.stateMachine} as ${name} with ${JSON.stringify(input)}`);
    return;
  }
  const executionArn = await aws.startRun(input, name);
  io.out(options.json ? JSON.stringify({ executionArn, name, input }) : `started ${executionArn}\n  input ${JSON.stringify(input)}\n  follow it with: mnp-briefings status --target aws --stage ${options.stage} --report ${input.reportId}${input.periodId ? ` --period ${input.periodId}` : ''}`);
}

export function registerRun(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description('run one report for one period: hold if its data is not ready, else archive it and deliver it')
    .requiredOption('--report <id>', 'report id: hq-weekly or province-monthly')
    .option('--period <id>', 'ISO week (2019-W48) or month (2019-12), Beijing time; default: the latest complete one in the lake')
    .option('--province <code...>', 'limit a provincial report to these province codes (repeatable)')
    .option('--no-deliver', 'archive the reports only, send nothing')
    .option('--resend', 'send again to recipients already sent to, marked as a correction (needs --reason)')
    .option('--reason <text>', 'why the correction is sent: shown at the top of the correction, kept in the ledger and the journal');
  withTargetOptions(withDeliveryOptions(withLakeOptions(command))).action(async (raw: Record<string, unknown>) => {
    const options = validateOptions(runOptionsSchema, raw);
    const definition = reportDefinition(options.report);
    if (options.target === 'aws') {
      const input = awsRunInput(definition.id, {
        periodId: options.period,
        audiences: options.province,
        resend: options.resend,
        reason: options.reason,
        archiveOnly: !options.deliver,
        sendDespiteMissingData: options.allowIncomplete,
      });
      await startAwsRun('run', input, options, io);
      return;
    }
    const jobs = await openJobsFor(options, io);
    try {
      const periodId = options.period ?? (await latestCompletePeriodInLake(jobs.runtime.inventory, definition.periodKind)).id;
      const result = await runReportJob(
        {
          reportId: definition.id,
          periodId,
          audiences: options.province,
          homeOperator: options.homeOperator,
          locale: options.locale,
          deliver: options.deliver,
          resend: options.resend,
          ...(options.reason ? { reason: options.reason } : {}),
          dryRun: options.dryRun,
          allowIncomplete: options.allowIncomplete,
        },
        jobs,
      );
      printJobResult(result, io, (key) => jobs.runtime.store.locate(key), options.json);
      assertJobDone(result);
      assertFiguresAsSent(result);
    } finally {
      await jobs.close();
    }
  });
}
