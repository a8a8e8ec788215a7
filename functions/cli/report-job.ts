// One report for one period, the way every local command runs it (run, rerun, backfill,
// preview, demo): the readiness check against the report's grace window, the metric queries
// once, the archive, delivery through the ledger, the run journal, the archive index.
import type { DeliveryLedger, MailTransport } from '#core/delivery-ports.ts';
import type { DeliverySummary } from '#core/delivery.ts';
import { findMissingPartitions } from '#core/collect-metrics.ts';
import { lakeRange } from '#core/lake-calendar.ts';
import { planQueries } from '#core/query-plan.ts';
import { recipientsOf, type RecipientsConfig } from '#core/recipients.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import type { Locale } from '#core/report-model.ts';
import { audiencesOf, runReport, type ArchivedReport } from '#core/report-run.ts';
import { readRunStatus, recordRunStatus, type RunState } from '#core/run-journal.ts';
import { audienceOutcomeFromLedger, decideHold, finalRunState, refuseUnreportablePeriod, reportPeriod, type AudienceOutcome } from '#core/run-lifecycle.ts';
import { writeArchiveIndex } from '#render/archive-index.ts';
import { deliverArchivedReports } from './deliver-reports.ts';
import type { LocalRuntime } from './local-runtime.ts';
import type { SendWatch } from './send-watch.ts';

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
  /** Progress and Ctrl-C during sends (the CLI's); without it, sends run unwatched. */
  readonly sendWatch?: SendWatch;
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

/** The run's state over every audience of the report, from the ledger (see #core/run-lifecycle.ts). */
export async function deliveryStateOf(
  ledger: DeliveryLedger,
  recipients: RecipientsConfig,
  reportId: string,
  periodId: string,
  audiences: readonly string[],
): Promise<{ state: RunState; message: string; outcomes: AudienceOutcome[] }> {
  const outcomes: AudienceOutcome[] = [];
  for (const audience of audiences) {
    outcomes.push(audienceOutcomeFromLedger(audience, recipientsOf(recipients, audience).to, await ledger.list(reportId, periodId, audience)));
  }
  return { ...finalRunState({ outcome: 'finished', audiences: outcomes }), outcomes };
}

const SEND_ANYWAY = '--allow-incomplete sends it with a "data incomplete" banner';

async function deliverArchived(archived: readonly ArchivedReport[], mode: { resend: boolean; dryRun: boolean }, ports: JobPorts): Promise<DeliverySummary[]> {
  const { runtime } = ports;
  const base = { transport: await ports.transport(), ledger: ports.ledger, store: runtime.store, log: runtime.log, recipients: ports.recipients, now: ports.now };
  if (!ports.sendWatch || mode.dryRun) return deliverArchivedReports(archived, mode, base);
  const first = archived[0];
  const label = first ? `${first.reportId} ${first.periodId}` : 'reports';
  const total = archived.reduce((sum, report) => sum + recipientsOf(ports.recipients, report.audience).to.length, 0);
  return ports.sendWatch.during(label, total, (hooks) => deliverArchivedReports(archived, mode, { ...base, ...hooks }));
}

export async function runReportJob(request: JobRequest, ports: JobPorts): Promise<JobResult> {
  const definition = reportDefinition(request.reportId);
  const period = reportPeriod(definition, request.periodId);
  const audiences = audiencesOf(definition, request.audiences);
  const { runtime } = ports;
  const journal = !request.preview && !request.dryRun;
  const now = ports.now();

  refuseUnreportablePeriod(period, now, await lakeRange(runtime.inventory));
  const missing = await findMissingPartitions(runtime.inventory, planQueries(period, definition.trend));
  if (!request.preview) {
    const previous = await readRunStatus(runtime.store, definition.id, period.id);
    const hold = await decideHold(
      { definition, period, audiences, missing, firstAttemptAt: previous ? new Date(previous.firstAttemptAt) : now, now, allowIncomplete: request.allowIncomplete === true, hint: SEND_ANYWAY, journal },
      runtime,
    );
    if (hold.held) {
      return { report: definition.id, period: period.id, state: 'held', queryCount: 0, partitionsMissing: missing, message: hold.message, archived: [], ...(hold.retryAt ? { retryAt: hold.retryAt.toISOString() } : {}) };
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
      const deliveries = request.deliver ? await deliverArchived(archived, { dryRun: true, resend: false }, ports) : undefined;
      return { ...ran, state: 'previewed', ...(deliveries ? { deliveries } : {}) };
    }
    await writeArchiveIndex(runtime.store);
    const record = (state: RunState, message: string) =>
      recordRunStatus(runtime.store, { reportId: definition.id, periodId: period.id, state, partitionsMissing: [...snapshot.partitionsMissing], audiences, message }, ports.now());
    if (!request.deliver) {
      const ending = finalRunState({ outcome: 'finished', audiences: audiences.map((audience) => ({ audience, status: 'archived' as const })) });
      if (journal) await record(ending.state, ending.message);
      return { ...ran, state: 'archived' };
    }
    const deliveries = await deliverArchived(archived, { resend: request.resend === true, dryRun: request.dryRun === true }, ports);
    if (!journal) return { ...ran, state: 'archived', deliveries };
    // The state covers every audience of the report, so a rerun of one province says whether
    // the period is now complete, not only whether that province went out.
    const delivered = await deliveryStateOf(ports.ledger, ports.recipients, definition.id, period.id, audiencesOf(definition));
    await record(delivered.state, delivered.message);
    return { ...ran, state: delivered.state, deliveries, ...(delivered.state === 'delivered' ? {} : { message: delivered.message }) };
  } catch (error) {
    if (journal) {
      const ending = finalRunState({ outcome: 'failed', error: { name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) } });
      await recordRunStatus(runtime.store, { reportId: definition.id, periodId: period.id, state: ending.state, partitionsMissing: missing, audiences, message: ending.message }, ports.now()).catch(() => undefined);
    }
    throw error;
  }
}
