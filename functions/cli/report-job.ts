// One report for one period, the way every local command runs it (run, rerun, backfill,
// preview, demo): the readiness check against the report's grace window, the metric queries
// once, the archive, delivery through the ledger, the run journal, the archive index.
import { join } from 'node:path';
import { assertLakeFolder } from '#adapters/lake/fs-lake.ts';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import type { DeliveryLedger, MailTransport } from '#core/delivery-ports.ts';
import { deliverAudienceReport, type DeliverySummary } from '#core/delivery.ts';
import { findMissingPartitions } from '#core/collect-metrics.ts';
import { ConfigurationError, FiguresChangedError } from '#core/errors.ts';
import type { ReportStore } from '#core/ports.ts';
import { parsePeriod } from '#core/period.ts';
import { planQueries } from '#core/query-plan.ts';
import { decideReadiness } from '#core/readiness.ts';
import { recipientsOf, type RecipientsConfig } from '#core/recipients.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import type { Locale } from '#core/report-model.ts';
import { audiencesOf, runReport, type ArchivedReport } from '#core/report-run.ts';
import { readRunStatus, recordRunStatus, type RunState } from '#core/run-journal.ts';
import { decideSend, planAudienceArchive, recordDelivery, type SentVersionWithModel } from '#core/sent-archive.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
import { writeArchiveIndex } from '#render/archive-index.ts';
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
  /** Why a resend is sent: shown in the correction notice, kept in the ledger and journal. */
  readonly reason?: string;
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
  /** Audiences not delivered because their figures differ from the version sent (see #core/sent-archive.ts). */
  readonly figuresChanged?: readonly { readonly audience: string; readonly sentAt: string }[];
  /** The id this run records in the journal and the archive's sent versions. */
  readonly runId?: string;
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

/** The one line an operator reads when a rerun finds figures other than those sent. */
export function figuresChangedLine(reportId: string, periodId: string, changed: readonly { audience: string; sentAt: string }[]): string {
  const sentAt = changed.map((entry) => entry.sentAt).sort()[0]!.replace(/\.\d{3}Z$/, 'Z');
  const audiences = changed.length > 3 ? `${changed.slice(0, 3).map((entry) => entry.audience).join(', ')} and ${changed.length - 3} more` : changed.map((entry) => entry.audience).join(', ');
  return `${reportId} ${periodId} (${audiences}): figures changed since sent on ${sentAt}: use \`rerun --resend --reason …\``;
}

/** A rerun that found figures other than those sent ends in exit code 4, with the one line that says so. */
export function assertFiguresAsSent(result: JobResult): void {
  if (result.figuresChanged && result.figuresChanged.length > 0) throw new FiguresChangedError(figuresChangedLine(result.report, result.period, result.figuresChanged));
}

function heldMessage(missing: readonly string[], retryAt: Date | undefined, allowHint: boolean): string {
  const examples = missing.slice(0, 3).join(', ');
  const when = retryAt ? `try again after ${retryAt.toISOString()} (the schedule does)` : 'the grace window has closed and this report stays held';
  return `${missing.length} partition(s) without a _SUCCESS marker, e.g. ${examples}; ${when}${allowHint ? '; --allow-incomplete sends it with a "data incomplete" banner' : ''}`;
}

/** What a job's delivery did: a summary per audience delivered, the audiences whose figures changed. */
interface DeliveredJob {
  readonly summaries: DeliverySummary[];
  readonly figuresChanged: { audience: string; sentAt: string }[];
  readonly corrected: string[];
}

/**
 * Delivers each audience in turn (one transport serves the whole job), except an audience whose
 * figures differ from the version sent to it, unless this is a resend; records what went out as
 * a sent version of the archive.
 */
async function deliverArchived(
  archived: readonly ArchivedReport[],
  lastSent: ReadonlyMap<string, SentVersionWithModel>,
  request: JobRequest,
  ports: JobPorts,
  store: ReportStore,
  runId: string,
): Promise<DeliveredJob> {
  const resend = request.resend === true;
  const dryRun = request.dryRun === true;
  const result: DeliveredJob = { summaries: [], figuresChanged: [], corrected: [] };
  let deliveryPorts: Parameters<typeof deliverAudienceReport>[2] | undefined;
  for (const report of archived) {
    const sent = lastSent.get(report.audience);
    const decision = decideSend(report, sent, { resend, reason: request.reason });
    if (decision.action === 'figures-changed') {
      result.figuresChanged.push({ audience: report.audience, sentAt: decision.sentAt });
      continue;
    }
    deliveryPorts ??= { transport: await ports.transport(), store, log: ports.runtime.log, ledger: ports.ledger, composer: createBriefingMessageComposer(), clock: { now: ports.now } };
    const summary = await deliverAudienceReport(report, ports.recipients, deliveryPorts, { resend, dryRun, ...(decision.correctionNote ? { correctionNote: decision.correctionNote } : {}) });
    result.summaries.push(summary);
    const messageId = summary.recipients.find((outcome) => outcome.status === 'sent')?.messageId;
    const version = await recordDelivery(store, report, { sent: summary.sent, messageKey: summary.messageKey, resend, dryRun, messageId }, sent, { runId, at: ports.now(), reason: request.reason });
    if (version?.correction) result.corrected.push(report.audience);
  }
  return result;
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
  const runId = `local-${now.toISOString()}-${process.pid}`;

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
    // What went out stays as it went out: once a version was sent, or for a dry run, render as a draft.
    const lastSent = new Map<string, SentVersionWithModel>();
    const prefixOf = async (audience: string) => {
      if (request.preview) return undefined;
      const plan = await planAudienceArchive(runtime.store, definition.id, period.id, audience, { dryRun: request.dryRun === true });
      if (plan.lastSent) lastSent.set(audience, plan.lastSent);
      return plan.prefix;
    };
    const { snapshot, archived } = await runReport(
      { reportId: definition.id, periodId: period.id, homeOperator: request.homeOperator, audiences, generatedAt: now },
      runtime,
      { localeOf: (audience) => request.locale ?? recipientsOf(ports.recipients, audience).locale, prefixOf },
    );
    const ran = { report: definition.id, period: period.id, queryCount: snapshot.queryCount, partitionsMissing: snapshot.partitionsMissing, archived };
    if (request.preview) {
      // A preview builds each message (message.eml beside the report) and sends nothing.
      const deliveries = request.deliver ? (await deliverArchived(archived, new Map(), { ...request, dryRun: true, resend: false }, ports, runtime.store, runId)).summaries : undefined;
      return { ...ran, state: 'previewed', ...(deliveries ? { deliveries } : {}) };
    }
    await writeArchiveIndex(runtime.store);
    if (!request.deliver) {
      if (journal) await recordRunStatus(runtime.store, { reportId: definition.id, periodId: period.id, state: 'archived', partitionsMissing: [...snapshot.partitionsMissing], audiences }, ports.now());
      return { ...ran, state: 'archived' };
    }
    const delivered = await deliverArchived(archived, lastSent, request, ports, runtime.store, runId);
    const { summaries: deliveries, figuresChanged } = delivered;
    const changed = figuresChanged.length > 0 ? { figuresChanged } : {};
    if (!journal) return { ...ran, state: 'archived', deliveries, runId, ...changed };
    // The state covers every audience of the report, so a rerun of one province says whether
    // the period is now complete, not only whether that province went out.
    const state = await deliveryStateOf(ports.ledger, ports.recipients, definition.id, period.id, audiencesOf(definition));
    const notes = [
      state.state === 'delivered' ? '' : `${state.sent} of ${state.expected} recipient(s) sent, ${state.failed} failed`,
      figuresChanged.length > 0 ? figuresChangedLine(definition.id, period.id, figuresChanged) : '',
    ].filter(Boolean);
    const message = notes.length > 0 ? notes.join('; ') : undefined;
    const correction = delivered.corrected.length > 0 && request.reason ? { correction: { at: ports.now().toISOString(), reason: request.reason, runId, audiences: delivered.corrected } } : {};
    await recordRunStatus(
      runtime.store,
      { reportId: definition.id, periodId: period.id, state: state.state, partitionsMissing: [...snapshot.partitionsMissing], audiences, runId, ...(message ? { message } : {}), ...correction },
      ports.now(),
    );
    return { ...ran, state: state.state, deliveries, runId, ...changed, ...(message ? { message } : {}) };
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
  /** Opens the mail transport when the first delivery needs it. */
  readonly openTransport: () => Promise<MailTransport>;
}

/** The local ports of a command that runs one or more jobs; close() releases them all. */
export async function openLocalJobs(options: LocalJobOptions, logSink: (line: string) => void): Promise<JobPorts & { close(): Promise<void> }> {
  await assertLakeFolder(options.lake);
  const runtime = await openLocalRuntime({ lakeDir: options.lake, outDir: options.out, verbose: options.verbose, logSink });
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
