// mnp-briefings status: what ran and what went out, from the run journal and the delivery
// ledger: one line per period (state, sent, not delivered, claims in flight, attempts, and
// whether it went out with the "data incomplete" banner), the claims in flight, and with
// --recipients, per audience and recipient the delivery status, attempts, time, Message-ID and
// the reason of each failure, and every attempt the journal kept. Locally from OUT; with --target aws from the archive bucket and the ledger table.
import { join } from 'node:path';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import { type ClaimInFlight, claimLine, listClaimsInFlight } from '#core/delivery-in-flight.ts';
import type { DeliveryLedger, DeliveryRecord } from '#core/delivery-ports.ts';
import { ConfigurationError } from '#core/errors.ts';
import { parsePeriod } from '#core/period.ts';
import type { ReportStore } from '#core/ports.ts';
import { type RecipientsConfig, recipientsOf } from '#core/recipients.ts';
import { reportDefinition, reportDefinitions } from '#core/report-definitions.ts';
import { audiencesOf } from '#core/report-run.ts';
import { lastDeliveringAttempt, listRunStatuses, type RunStatus } from '#core/run-journal.ts';
import { reportPeriod } from '#core/run-lifecycle.ts';
import { DEFAULT_RECIPIENTS_FILE, withTargetOptions } from '../command-options.ts';
import type { CliIo } from '../io.ts';
import { lineageOfRuns } from '../lineage.ts';
import { openAwsTarget } from '../open-aws-target.ts';
import { type StatusOptions, statusOptionsSchema, validateOptions } from '../options.ts';
import { loadRecipients } from '../recipients-file.ts';

export interface DeliveryLine {
  readonly audience: string;
  readonly recipient: string;
  readonly status: DeliveryRecord['status'];
  readonly attempts: number;
  readonly updatedAt: string;
  readonly messageId: string;
  readonly reason?: string;
  readonly correction: boolean;
  readonly possibleDuplicate: boolean;
}

export interface RunLine extends RunStatus {
  readonly deliveries: readonly DeliveryLine[];
  /**
   * Recipients of the period's audiences (as the recipients file lists them) who do not have the
   * report: failed, unconfirmed, queued, or never tried (a run that stopped before them).
   */
  readonly notDelivered: number;
  readonly claimsInFlight: readonly ClaimInFlight[];
}

export async function collectStatus(
  store: ReportStore,
  ledger: DeliveryLedger,
  recipients: RecipientsConfig,
  filter: Pick<StatusOptions, 'report' | 'period' | 'audience' | 'state'>,
  now: Date,
): Promise<RunLine[]> {
  checkStatusFilter(filter);
  const listed = await listRunStatuses(store, {
    ...(filter.report ? { reportId: filter.report } : {}),
    ...(filter.period ? { periodId: filter.period } : {}),
  });
  const statuses = listed.filter((status) => !filter.state || filter.state.includes(status.state));
  // Newest period first within each report, reports in their declared order.
  const order = (status: RunStatus) => reportDefinitions.findIndex((definition) => definition.id === status.reportId);
  statuses.sort((a, b) => order(a) - order(b) || b.periodId.localeCompare(a.periodId));
  const lines: RunLine[] = [];
  for (const status of statuses) {
    const definition = reportDefinitions.find((candidate) => candidate.id === status.reportId);
    const audiences = (definition ? audiencesOf(definition) : status.audiences).filter(
      (candidate) => !filter.audience || filter.audience.includes(candidate),
    );
    const deliveries: DeliveryLine[] = [];
    let notDelivered = 0;
    for (const audience of audiences) {
      const records = await ledger.list(status.reportId, status.periodId, audience);
      const has = new Set(
        records
          .filter((record) => record.status === 'sent' || record.status === 'sending')
          .map((record) => record.recipient),
      );
      notDelivered += recipientsOf(recipients, audience).to.filter(
        (address) => !has.has(address.trim().toLowerCase()),
      ).length;
      for (const record of records.sort((a, b) => a.recipient.localeCompare(b.recipient))) {
        deliveries.push({
          audience,
          recipient: record.recipient,
          status: record.status,
          attempts: record.attempts,
          updatedAt: record.updatedAt,
          messageId: record.messageId,
          ...(record.error ? { reason: record.error } : {}),
          correction: record.correction,
          possibleDuplicate: record.possibleDuplicate,
        });
      }
    }
    lines.push({
      ...status,
      deliveries,
      notDelivered,
      claimsInFlight: await listClaimsInFlight(ledger, status.reportId, status.periodId, audiences, now),
    });
  }
  return lines;
}

/**
 * A filter that names no period or audience there could be is refused, as run refuses it: a
 * typo must not read as "nothing ran".
 */
function checkStatusFilter(filter: Pick<StatusOptions, 'report' | 'period' | 'audience'>): void {
  const definition = filter.report ? reportDefinition(filter.report) : undefined;
  if (filter.period) {
    if (definition) reportPeriod(definition, filter.period);
    else parsePeriod(filter.period);
  }
  if (filter.audience && definition) audiencesOf(definition, filter.audience);
  else if (filter.audience) {
    const known = new Set(reportDefinitions.flatMap((candidate) => audiencesOf(candidate)));
    const unknown = filter.audience.filter((audience) => !known.has(audience));
    if (unknown.length > 0)
      throw new ConfigurationError(
        `--audience ${unknown.join(', ')}: no report has such an audience (hq, or a province code such as 44)`,
      );
  }
}

/** What the filter asked for, for the line that says nothing matched. */
function filterWords(filter: Pick<StatusOptions, 'report' | 'period' | 'audience' | 'state'>): string {
  const words = [
    filter.report,
    filter.period,
    filter.audience ? `audience ${filter.audience.join(', ')}` : undefined,
    filter.state ? `state ${filter.state.join(', ')}` : undefined,
  ].filter(Boolean);
  return words.length > 0 ? ` for ${words.join(', ')}` : '';
}

/** The deliveries of a period counted: sent, not delivered (by the recipients file), in flight (sending). */
function countsOf(line: RunLine) {
  const of = (...statuses: DeliveryRecord['status'][]) =>
    line.deliveries.filter((delivery) => statuses.includes(delivery.status)).length;
  return { sent: of('sent'), notDelivered: line.notDelivered, inFlight: of('sending') };
}

/**
 * The period's state: the last attempt's, except that a rerun held or failed after a delivery
 * sends nothing, so the readers still hold what that delivery sent ("delivered, then held").
 */
function stateOf(line: RunLine): string {
  const delivered = lastDeliveringAttempt(line);
  return delivered && (line.state === 'held' || line.state === 'failed')
    ? `${delivered.state}, then ${line.state}`
    : line.state;
}

/** What the note column says first: that the report went out with the "data incomplete" banner. */
function noteOf(line: RunLine): string {
  const delivered = lastDeliveringAttempt(line);
  // What went out decides the banner, not a later attempt that sent nothing.
  const missing = delivered
    ? delivered.partitionsMissing
    : line.state === 'archived'
      ? line.partitionsMissing.length
      : 0;
  const flag =
    missing > 0
      ? `${delivered ? 'sent' : 'archived'} with the "data incomplete" banner (${missing} partition(s) missing)`
      : '';
  return [flag, line.message ?? ''].filter(Boolean).join('; ');
}

function printStatus(lines: readonly RunLine[], io: CliIo, options: { recipients: boolean; filter: string }): void {
  if (lines.length === 0) {
    io.out(options.filter === '' ? 'no runs recorded yet' : `no run recorded${options.filter}`);
    return;
  }
  const runs = new Table({
    head: ['report', 'period', 'state', 'sent', 'not delivered', 'in flight', 'attempts', 'updated', 'note'],
    style: { head: [], border: [] },
  });
  for (const line of lines) {
    const counts = countsOf(line);
    runs.push([
      line.reportId,
      line.periodId,
      stateOf(line),
      counts.sent,
      counts.notDelivered,
      counts.inFlight,
      line.attempts,
      line.updatedAt,
      noteOf(line),
    ]);
  }
  io.out(runs.toString());
  if (options.recipients) {
    const sends = new Table({
      head: ['report', 'period', 'audience', 'recipient', 'status', 'attempts', 'time', 'message id', 'reason'],
      style: { head: [], border: [] },
    });
    for (const line of lines) {
      for (const delivery of line.deliveries) {
        const flags = [delivery.correction ? 'correction' : '', delivery.possibleDuplicate ? 'possible duplicate' : '']
          .filter(Boolean)
          .join(', ');
        sends.push([
          line.reportId,
          line.periodId,
          delivery.audience,
          delivery.recipient,
          delivery.status,
          delivery.attempts,
          delivery.updatedAt,
          delivery.messageId,
          [delivery.reason ?? '', flags].filter(Boolean).join('; '),
        ]);
      }
    }
    if (sends.length > 0) io.out(sends.toString());
    const attempts = new Table({
      head: ['report', 'period', 'attempt at', 'state', 'audiences', 'message'],
      style: { head: [], border: [] },
    });
    for (const line of lines)
      for (const attempt of line.history)
        attempts.push([
          line.reportId,
          line.periodId,
          attempt.at,
          attempt.state,
          attempt.audiences.join(' '),
          attempt.message ?? '',
        ]);
    if (attempts.length > 0) io.out(attempts.toString());
  }
  const inFlight = lines.flatMap((line) => line.claimsInFlight);
  if (inFlight.length > 0) {
    io.out(`claims in flight: ${inFlight.length}`);
    for (const claim of inFlight) io.out(`  ${claimLine(claim)}`);
  }
  const count = (status: DeliveryRecord['status']) =>
    lines.reduce((sum, line) => sum + line.deliveries.filter((delivery) => delivery.status === status).length, 0);
  io.out(
    `${lines.length} run(s); deliveries: ${count('sent')} sent, ${count('failed')} failed, ${count('sending')} sending, ${count('queued')} queued, ${count('unconfirmed')} unconfirmed`,
  );
  if (!options.recipients && lines.some((line) => line.deliveries.length > 0))
    io.out('per recipient and per attempt: --recipients');
}

export function registerStatus(program: Command, io: CliIo): void {
  const command = program
    .command('status')
    .description('show runs and deliveries from the run journal and the delivery ledger')
    .option('--report <id>', 'only this report: hq-weekly or province-monthly')
    .option('--period <id>', 'only this period: ISO week (2019-W48) or month (2019-12)')
    .option('--audience <code...>', 'only these audiences: hq, or province codes such as 44 (repeatable)')
    .option(
      '--state <state...>',
      'only runs in these states: held, archived, delivered, delivery-failed, failed (repeatable)',
    )
    .option('--recipients', 'also a row per recipient and per attempt')
    .option('--out <dir>', 'output folder holding the archive and run journal', 'out')
    .option('--ledger <dir>', 'the delivery ledger folder (default: OUT/ledger)')
    .option(
      '--recipients-file <file>',
      'recipients configuration: who should have each report, for the not-delivered count',
      DEFAULT_RECIPIENTS_FILE,
    )
    .option('--json', 'print JSON for scripts');
  withTargetOptions(command).action(async (raw: Record<string, unknown>) => {
    const options = validateOptions(statusOptionsSchema, raw);
    let store: ReportStore;
    let ledger: DeliveryLedger;
    if (options.target === 'aws') {
      const target = await openAwsTarget(options.stage!, options.region);
      store = await target.archive(options.report ?? reportDefinitions[0]!.id);
      ledger = target.ledger();
    } else {
      store = new FsReportStore(options.out);
      ledger = new FileLedger(options.ledger ?? join(options.out, 'ledger'));
    }
    const lines = await collectStatus(store, ledger, await loadRecipients(options.recipientsFile), options, new Date());
    const lineage = await lineageOfRuns(
      store,
      lines.map((line) => ({
        reportId: line.reportId,
        periodId: line.periodId,
        // --audience narrows the lineage as it narrows the deliveries.
        audiences: audiencesOf(reportDefinition(line.reportId)).filter(
          (audience) => !options.audience || options.audience.includes(audience),
        ),
      })),
    );
    if (options.json) io.out(JSON.stringify({ runs: lines, lineage: lineage.byRun }));
    else printStatus(lines, io, { recipients: options.recipients === true, filter: filterWords(options) });
    if (!options.json && lineage.lines.length > 0)
      io.out(['sent and corrected:', ...lineage.lines.map((line) => `  ${line}`)].join('\n'));
  });
}
