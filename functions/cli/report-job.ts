// One report for one period, the way every local command runs it (run, rerun, backfill,
// preview, demo): the readiness check against the report's grace window, the metric queries
// once, the archive, delivery through the ledger, the run journal, the archive index.
import { join } from 'node:path';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import type { DeliveryLedger, MailTransport } from '#core/delivery-ports.ts';
import { deliverAudienceReport, type DeliverySummary } from '#core/delivery.ts';
import { findMissingPartitions } from '#core/collect-metrics.ts';
import { ConfigurationError } from '#core/errors.ts';
import type { ReportStore } from '#core/ports.ts';
import { parsePeriod } from '#core/period.ts';
import { planQueries } from '#core/query-plan.ts';
import { decideReadiness } from '#core/readiness.ts';
import { recipientsOf, type RecipientsConfig } from '#core/recipients.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import type { Locale } from '#core/report-model.ts';
import { audiencesOf, runReport, type ArchivedReport } from '#core/report-run.ts';
import { readRunStatus, recordRunStatus, type RunState } from '#core/run-journal.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
import { writeArchiveIndex } from '#render/archive-index.ts';
import type { EngineChoice } from './engine-options.ts';
import { openLocalRuntime, type LocalRuntime } from './local-runtime.ts';

export interface JobRequest {
  readonly reportId: string;
  readonly periodId: string;
  /** Limit the run to these audiences (province codes); all of the report's by default. */
  readonly audiences?: readonly string[];
  readonly homeOperator: string;
  /** One locale for every audience instead of each recipient group's own. */
  readonly locale?: Locale;
  /** Deliver after archiving; false archives only. */
  readonly deliver: boolean;
  /** Send again to recipients already sent to, as a correction. */
  readonly resend?: boolean;
  /** Build the messages, send nothing, record nothing (neither ledger nor journal). */
  readonly dryRun?: boolean;
  /** Run although partitions are missing: the reports carry the "data incomplete" banner. */
  readonly allowIncomplete?: boolean;
  /** Render without the hold, the journal or the ledger (mnp-briefings preview). */
  readonly preview?: boolean;
}

export interface JobPorts {
  readonly runtime: LocalRuntime;
  readonly recipients: RecipientsConfig;
  readonly ledger: DeliveryLedger;
  /** Opened on the first delivery, so that a held or archive-only run needs no mail server. */
  readonly transport: () => Promise<MailTransport>;
  readonly now: () => Date;
}

export type JobState = RunState | 'previewed';

export interface JobResult {
  readonly report: string;
  readonly period: string;
  readonly state: JobState;
  readonly queryCount: number;
  readonly partitionsMissing: readonly string[];
  /** For a held report: when the scheduled run should try again (absent once the grace ended). */
  readonly retryAt?: string;
  readonly message?: string;
  readonly archived: readonly ArchivedReport[];
  /** One per audience; absent when nothing was delivered (held, --no-deliver, preview). */
  readonly deliveries?: readonly DeliverySummary[];
}

/** Every recipient of every audience of the run has a `sent` record: delivered. */
export async function deliveryStateOf(
  ledger: DeliveryLedger,
  recipients: RecipientsConfig,
  reportId: string,
  periodId: string,
  audiences: readonly string[],
): Promise<{ state: RunState; expected: number; sent: number; failed: number }> {
  let expected = 0;
  let sent = 0;
  let failed = 0;
  for (const audience of audiences) {
    const records = await ledger.list(reportId, periodId, audience);
    const byRecipient = new Map(records.map((record) => [record.recipient.toLowerCase(), record]));
    for (const address of recipientsOf(recipients, audience).to) {
      expected += 1;
      const status = byRecipient.get(address.toLowerCase())?.status;
      if (status === 'sent') sent += 1;
      else if (status === 'failed' || status === 'unconfirmed') failed += 1;
    }
  }
  const state: RunState = sent === expected ? 'delivered' : failed > 0 ? 'delivery-failed' : 'archived';
  return { state, expected, sent, failed };
}

function heldMessage(missing: readonly string[], retryAt: Date | undefined, allowHint: boolean): string {
  const examples = missing.slice(0, 3).join(', ');
  const when = retryAt ? `try again after ${retryAt.toISOString()} (the schedule does)` : 'the grace window has closed and this report stays held';
  return `${missing.length} partition(s) without a _SUCCESS marker, e.g. ${examples}; ${when}${allowHint ? '; --allow-incomplete sends it with a "data incomplete" banner' : ''}`;
}

/** Archives, then delivers, each audience in turn; one transport serves the whole job. */
async function deliverArchived(archived: readonly ArchivedReport[], request: JobRequest, ports: JobPorts, store: ReportStore): Promise<DeliverySummary[]> {
  const transport = await ports.transport();
  const deliveryPorts = {
    transport,
    store,
    log: ports.runtime.log,
    ledger: ports.ledger,
    composer: createBriefingMessageComposer(),
    clock: { now: ports.now },
  };
  const summaries: DeliverySummary[] = [];
  for (const report of archived) {
    summaries.push(await deliverAudienceReport(report, ports.recipients, deliveryPorts, { resend: request.resend === true, dryRun: request.dryRun === true }));
  }
  return summaries;
}

export async function runReportJob(request: JobRequest, ports: JobPorts): Promise<JobResult> {
  const definition = reportDefinition(request.reportId);
  const period = parsePeriod(request.periodId);
  if (period.kind !== definition.periodKind) {
    throw new ConfigurationError(`${definition.id} is a ${definition.periodKind}ly report: give a ${definition.periodKind === 'week' ? 'week such as 2019-W48' : 'month such as 2019-12'}, not ${period.id}`);
  }
  const audiences = audiencesOf(definition, request.audiences);
  const { runtime } = ports;
  const journal = !request.preview && !request.dryRun;
  const now = ports.now();

  const missing = await findMissingPartitions(runtime.inventory, planQueries(period, definition.trend));
  if (!request.preview) {
    const previous = await readRunStatus(runtime.store, definition.id, period.id);
    const readiness = decideReadiness(missing, definition.dataIncomplete, {
      firstAttemptAt: previous ? new Date(previous.firstAttemptAt) : now,
      now,
      allowIncomplete: request.allowIncomplete === true,
    });
    if (readiness.action === 'hold' || readiness.action === 'stay-held') {
      const retryAt = readiness.action === 'hold' ? readiness.retryAt : undefined;
      const message = heldMessage(missing, retryAt, true);
      if (journal) await recordRunStatus(runtime.store, { reportId: definition.id, periodId: period.id, state: 'held', partitionsMissing: missing, audiences, message }, now);
      runtime.log.warn('report held: data not ready', { report: definition.id, period: period.id, partitionsMissing: missing.length, first: missing.slice(0, 5) });
      return { report: definition.id, period: period.id, state: 'held', queryCount: 0, partitionsMissing: missing, message, archived: [], ...(retryAt ? { retryAt: retryAt.toISOString() } : {}) };
    }
  }

  try {
    const { snapshot, archived } = await runReport(
      { reportId: definition.id, periodId: period.id, homeOperator: request.homeOperator, audiences, generatedAt: now },
      runtime,
      { localeOf: (audience) => request.locale ?? recipientsOf(ports.recipients, audience).locale },
    );
    const ran = { report: definition.id, period: period.id, queryCount: snapshot.queryCount, partitionsMissing: snapshot.partitionsMissing, archived };
    if (request.preview) {
      // A preview builds each message (message.eml beside the report) and sends nothing.
      const deliveries = request.deliver ? await deliverArchived(archived, { ...request, dryRun: true, resend: false }, ports, runtime.store) : undefined;
      return { ...ran, state: 'previewed', ...(deliveries ? { deliveries } : {}) };
    }
    await writeArchiveIndex(runtime.store);
    if (!request.deliver) {
      if (journal) await recordRunStatus(runtime.store, { reportId: definition.id, periodId: period.id, state: 'archived', partitionsMissing: [...snapshot.partitionsMissing], audiences }, ports.now());
      return { ...ran, state: 'archived' };
    }
    const deliveries = await deliverArchived(archived, request, ports, runtime.store);
    if (!journal) return { ...ran, state: 'archived', deliveries };
    // The state covers every audience of the report, so a rerun of one province says whether
    // the period is now complete, not only whether that province went out.
    const delivered = await deliveryStateOf(ports.ledger, ports.recipients, definition.id, period.id, audiencesOf(definition));
    const message = delivered.state === 'delivered' ? undefined : `${delivered.sent} of ${delivered.expected} recipient(s) sent, ${delivered.failed} failed`;
    await recordRunStatus(
      runtime.store,
      { reportId: definition.id, periodId: period.id, state: delivered.state, partitionsMissing: [...snapshot.partitionsMissing], audiences, ...(message ? { message } : {}) },
      ports.now(),
    );
    return { ...ran, state: delivered.state, deliveries, ...(message ? { message } : {}) };
  } catch (error) {
    if (journal) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      await recordRunStatus(runtime.store, { reportId: definition.id, periodId: period.id, state: 'failed', partitionsMissing: missing, audiences, message }, ports.now()).catch(() => undefined);
    }
    throw error;
  }
}

export interface LocalJobOptions {
  readonly lake: string;
  readonly out: string;
  readonly recipients: RecipientsConfig;
  /** @default OUT/ledger */
  readonly ledger?: string;
  readonly verbose?: boolean;
  /** @default DuckDB over the lake folder */
  readonly engine?: EngineChoice;
  /** Opens the mail transport when the first delivery needs it. */
  readonly openTransport: () => Promise<MailTransport>;
}

/** The local ports of a command that runs one or more jobs; close() releases them all. */
export async function openLocalJobs(options: LocalJobOptions, logSink: (line: string) => void): Promise<JobPorts & { close(): Promise<void> }> {
  const runtime = await openLocalRuntime({ lakeDir: options.lake, outDir: options.out, verbose: options.verbose, logSink, engine: options.engine });
  let opened: Promise<MailTransport> | undefined;
  return {
    runtime,
    recipients: options.recipients,
    ledger: new FileLedger(options.ledger ?? join(options.out, 'ledger')),
    transport: () => (opened ??= options.openTransport()),
    now: () => new Date(),
    async close() {
      try {
        if (opened) await (await opened.catch(() => undefined))?.close?.();
      } finally {
        await runtime.close();
      }
    },
  };
}
