// mnp-briefings status: what ran and what went out, from the run journal and the delivery
// ledger: per run its state (held, archived, delivered, delivery-failed, failed) and, per
// audience and recipient, the delivery status, attempts, time, Message-ID and the reason of
// each failure. Locally from OUT; with --target aws from the archive bucket and the ledger table.
import { join } from 'node:path';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import type { DeliveryLedger, DeliveryRecord } from '#core/delivery-ports.ts';
import type { ReportStore } from '#core/ports.ts';
import { reportDefinition, reportDefinitions } from '#core/report-definitions.ts';
import { audiencesOf } from '#core/report-run.ts';
import { listRunStatuses, type RunStatus } from '#core/run-journal.ts';
import { AwsTarget, defaultAwsClients } from '../aws-target.ts';
import { withTargetOptions } from '../command-options.ts';
import { lineageOfRuns } from '../lineage.ts';
import type { CliIo } from '../io.ts';
import { statusOptionsSchema, validateOptions, type StatusOptions } from '../options.ts';

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
}

export async function collectStatus(store: ReportStore, ledger: DeliveryLedger, filter: Pick<StatusOptions, 'report' | 'period' | 'audience'>): Promise<RunLine[]> {
  if (filter.report) reportDefinition(filter.report);
  const statuses = await listRunStatuses(store, { ...(filter.report ? { reportId: filter.report } : {}), ...(filter.period ? { periodId: filter.period } : {}) });
  // Newest period first within each report, reports in their declared order.
  const order = (status: RunStatus) => reportDefinitions.findIndex((definition) => definition.id === status.reportId);
  statuses.sort((a, b) => order(a) - order(b) || b.periodId.localeCompare(a.periodId));
  const lines: RunLine[] = [];
  for (const status of statuses) {
    const definition = reportDefinitions.find((candidate) => candidate.id === status.reportId);
    const audiences = definition ? audiencesOf(definition) : status.audiences;
    const deliveries: DeliveryLine[] = [];
    for (const audience of audiences.filter((candidate) => !filter.audience || filter.audience.includes(candidate))) {
      const records = await ledger.list(status.reportId, status.periodId, audience);
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
    lines.push({ ...status, deliveries });
  }
  return lines;
}

function printStatus(lines: readonly RunLine[], io: CliIo): void {
  if (lines.length === 0) {
    io.out('no runs recorded yet');
    return;
  }
  const runs = new Table({ head: ['report', 'period', 'state', 'attempts', 'first attempt', 'updated', 'partitions missing', 'note'], style: { head: [], border: [] } });
  for (const line of lines) {
    runs.push([line.reportId, line.periodId, line.state, line.attempts, line.firstAttemptAt, line.updatedAt, line.partitionsMissing.length, line.message ?? '']);
  }
  io.out(runs.toString());
  const sends = new Table({ head: ['report', 'period', 'audience', 'recipient', 'status', 'attempts', 'time', 'message id', 'reason'], style: { head: [], border: [] } });
  for (const line of lines) {
    for (const delivery of line.deliveries) {
      const flags = [delivery.correction ? 'correction' : '', delivery.possibleDuplicate ? 'possible duplicate' : ''].filter(Boolean).join(', ');
      sends.push([line.reportId, line.periodId, delivery.audience, delivery.recipient, delivery.status, delivery.attempts, delivery.updatedAt, delivery.messageId, [delivery.reason ?? '', flags].filter(Boolean).join('; ')]);
    }
  }
  if (sends.length > 0) io.out(sends.toString());
  const count = (status: DeliveryRecord['status']) => lines.reduce((sum, line) => sum + line.deliveries.filter((delivery) => delivery.status === status).length, 0);
  io.out(`${lines.length} run(s); deliveries: ${count('sent')} sent, ${count('failed')} failed, ${count('sending')} sending, ${count('queued')} queued, ${count('unconfirmed')} unconfirmed`);
}

export function registerStatus(program: Command, io: CliIo): void {
  const command = program
    .command('status')
    .description('show runs and deliveries from the run journal and the delivery ledger')
    .option('--report <id>', 'only this report: hq-weekly or province-monthly')
    .option('--period <id>', 'only this period: ISO week (2019-W48) or month (2019-12)')
    .option('--audience <code...>', 'only these audiences: hq, or province codes such as 44 (repeatable)')
    .option('--out <dir>', 'output folder holding the archive and run journal', 'out')
    .option('--ledger <dir>', 'the delivery ledger folder (default: OUT/ledger)')
    .option('--json', 'print JSON for scripts');
  withTargetOptions(command).action(async (raw: Record<string, unknown>) => {
    const options = validateOptions(statusOptionsSchema, raw);
    let store: ReportStore;
    let ledger: DeliveryLedger;
    if (options.target === 'aws') {
      const target = new AwsTarget(options.stage!, defaultAwsClients(options.region));
      store = await target.archive(options.report ?? reportDefinitions[0]!.id);
      ledger = target.ledger();
    } else {
      store = new FsReportStore(options.out);
      ledger = new FileLedger(options.ledger ?? join(options.out, 'ledger'));
    }
    const lines = await collectStatus(store, ledger, options);
    const lineage = await lineageOfRuns(store, lines.map((line) => ({ reportId: line.reportId, periodId: line.periodId, audiences: audiencesOf(reportDefinition(line.reportId)) })));
    if (options.json) io.out(JSON.stringify({ runs: lines, lineage: lineage.byRun }));
    else printStatus(lines, io);
    if (!options.json && lineage.lines.length > 0) io.out(['sent and corrected:', ...lineage.lines.map((line) => `  ${line}`)].join('\n'));
  });
}
