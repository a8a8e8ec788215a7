// One report for one period, the way every local command runs it (run, rerun, backfill,
// preview, demo): the readiness check against the report's grace window, the metric queries
// once, the archive, delivery through the ledger, the run journal, the archive index.

import { findMissingPartitions } from '#core/collect-metrics.ts';
import type { CorrectionNote } from '#core/correction-diff.ts';
import type { DeliverySummary } from '#core/delivery.ts';
import type { DeliveryLedger, MailTransport } from '#core/delivery-ports.ts';
import { FiguresChangedError } from '#core/errors.ts';
import { lakeRange } from '#core/lake-calendar.ts';
import { planQueries } from '#core/query-plan.ts';
import { type RecipientsConfig, recipientsOf } from '#core/recipients.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import type { Locale } from '#core/report-model.ts';
import { type ArchivedReport, audiencesOf, runReport } from '#core/report-run.ts';
import { type CorrectionEntry, type RunState, readRunStatus, recordRunStatus } from '#core/run-journal.ts';
import {
  type AudienceOutcome,
  audienceOutcomeFromLedger,
  decideHold,
  finalRunState,
  refuseUnreportablePeriod,
  reportPeriod,
} from '#core/run-lifecycle.ts';
import { decideSend, planAudienceArchive, recordDelivery, type SentVersionWithModel } from '#core/sent-archive.ts';
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
  /** Audiences not delivered because their figures differ from the version sent (see #core/sent-archive.ts). */
  readonly figuresChanged?: readonly { readonly audience: string; readonly sentAt: string }[];
  /** The id this run records in the journal and the archive's sent versions. */
  readonly runId?: string;
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
    outcomes.push(
      audienceOutcomeFromLedger(
        audience,
        recipientsOf(recipients, audience).to,
        await ledger.list(reportId, periodId, audience),
      ),
    );
  }
  return { ...finalRunState({ outcome: 'finished', audiences: outcomes }), outcomes };
}

/** The one line an operator reads when a rerun finds figures other than those sent. */
export function figuresChangedLine(
  reportId: string,
  periodId: string,
  changed: readonly { audience: string; sentAt: string }[],
): string {
  const sentAt = changed
    .map((entry) => entry.sentAt)
    .sort()[0]!
    .replace(/\.\d{3}Z$/, 'Z');
  const audiences =
    changed.length > 3
      ? `${changed
          .slice(0, 3)
          .map((entry) => entry.audience)
          .join(', ')} and ${changed.length - 3} more`
      : changed.map((entry) => entry.audience).join(', ');
  return `${reportId} ${periodId} (${audiences}): figures changed since sent on ${sentAt}: use \`rerun --resend --reason …\``;
}

/** A rerun that found figures other than those sent ends in exit code 4, with the one line that says so. */
export function assertFiguresAsSent(result: JobResult): void {
  if (result.figuresChanged && result.figuresChanged.length > 0)
    throw new FiguresChangedError(figuresChangedLine(result.report, result.period, result.figuresChanged));
}

const SEND_ANYWAY = '--allow-incomplete sends it with a "data incomplete" banner';

async function deliverArchived(
  archived: readonly ArchivedReport[],
  mode: Parameters<typeof deliverArchivedReports>[1],
  ports: JobPorts,
): Promise<DeliverySummary[]> {
  const { runtime } = ports;
  const base = {
    transport: await ports.transport(),
    ledger: ports.ledger,
    store: runtime.store,
    log: runtime.log,
    recipients: ports.recipients,
    now: ports.now,
  };
  if (!ports.sendWatch || mode.dryRun) return deliverArchivedReports(archived, mode, base);
  const first = archived[0];
  const label = first ? `${first.reportId} ${first.periodId}` : 'reports';
  const total = archived.reduce((sum, report) => sum + recipientsOf(ports.recipients, report.audience).to.length, 0);
  return ports.sendWatch.during(label, total, (hooks) => deliverArchivedReports(archived, mode, { ...base, ...hooks }));
}

/** What a job's delivery did: a summary per audience delivered, the audiences whose figures changed. */
interface DeliveredJob {
  readonly summaries: readonly DeliverySummary[];
  readonly figuresChanged: readonly { audience: string; sentAt: string }[];
  readonly corrected: readonly string[];
}

/**
 * Delivers every audience but one whose figures differ from the version sent to it (unless this
 * is a resend, which carries a note of why and what changed), then records what went out as a
 * sent version of the archive (#core/sent-archive.ts).
 */
async function deliverAsSent(
  archived: readonly ArchivedReport[],
  lastSent: ReadonlyMap<string, SentVersionWithModel>,
  request: JobRequest,
  ports: JobPorts,
  runId: string,
): Promise<DeliveredJob> {
  const resend = request.resend === true;
  const dryRun = request.dryRun === true;
  const figuresChanged: { audience: string; sentAt: string }[] = [];
  const correctionNotes = new Map<string, CorrectionNote>();
  const completing = new Set<string>();
  const toDeliver: ArchivedReport[] = [];
  for (const report of archived) {
    const decision = decideSend(report, lastSent.get(report.audience), { resend, reason: request.reason });
    if (decision.action === 'figures-changed')
      figuresChanged.push({ audience: report.audience, sentAt: decision.sentAt });
    else {
      toDeliver.push(report);
      if (decision.correctionNote) correctionNotes.set(report.audience, decision.correctionNote);
      if (decision.repeatsLastCorrection) completing.add(report.audience);
    }
  }
  const corrected: string[] = [];
  const onDelivered = async (report: ArchivedReport, summary: DeliverySummary) => {
    const messageId = summary.recipients.find((outcome) => outcome.status === 'sent')?.messageId;
    const version = await recordDelivery(
      ports.runtime.store,
      report,
      {
        sent: summary.sent,
        messageKey: summary.messageKey,
        // per audience: one whose last correction this resend finishes records a completion of it
        resend: summary.resend,
        dryRun,
        messageId,
        possibleDuplicates: summary.possibleDuplicates,
      },
      lastSent.get(report.audience),
      { runId, at: ports.now(), reason: request.reason },
    );
    if (version?.correction) corrected.push(report.audience);
  };
  const summaries =
    toDeliver.length > 0
      ? await deliverArchived(toDeliver, { resend, dryRun, correctionNotes, completing, onDelivered }, ports)
      : [];
  return { summaries, figuresChanged, corrected };
}

/** What a journal line may carry beyond the state: the run that wrote it, and a correction it sent. */
type AttemptFields = { readonly runId?: string; readonly correction?: CorrectionEntry };

export async function runReportJob(request: JobRequest, ports: JobPorts): Promise<JobResult> {
  const definition = reportDefinition(request.reportId);
  const period = reportPeriod(definition, request.periodId);
  const audiences = audiencesOf(definition, request.audiences);
  const { runtime } = ports;
  const journal = !request.preview && !request.dryRun;
  const now = ports.now();
  const runId = `local-${now.toISOString()}-${process.pid}`;

  refuseUnreportablePeriod(period, now, await lakeRange(runtime.inventory));
  const missing = await findMissingPartitions(runtime.inventory, planQueries(period, definition.trend));
  if (!request.preview) {
    const previous = await readRunStatus(runtime.store, definition.id, period.id);
    const hold = await decideHold(
      {
        definition,
        period,
        audiences,
        missing,
        firstAttemptAt: previous ? new Date(previous.firstAttemptAt) : now,
        previous,
        now,
        allowIncomplete: request.allowIncomplete === true,
        hint: SEND_ANYWAY,
        journal,
      },
      runtime,
    );
    if (hold.held) {
      return {
        report: definition.id,
        period: period.id,
        state: 'held',
        queryCount: 0,
        partitionsMissing: missing,
        message: hold.message,
        archived: [],
        ...(hold.retryAt ? { retryAt: hold.retryAt.toISOString() } : {}),
      };
    }
  }

  // The journal's line for this attempt: the period's state, with the partitions the run found missing.
  const recordAttempt = (
    state: RunState,
    message: string,
    partitionsMissing: readonly string[],
    fields: AttemptFields = {},
    options: { open?: boolean } = {},
  ) =>
    recordRunStatus(
      runtime.store,
      {
        reportId: definition.id,
        periodId: period.id,
        state,
        partitionsMissing: [...partitionsMissing],
        audiences,
        message,
        ...fields,
      },
      ports.now(),
      options,
    );

  try {
    // What went out stays as it went out: once a version was sent, or for a dry run, render as a draft.
    const lastSent = new Map<string, SentVersionWithModel>();
    const prefixOf = async (audience: string) => {
      if (request.preview) return undefined;
      const plan = await planAudienceArchive(runtime.store, ports.ledger, definition.id, period.id, audience, {
        dryRun: request.dryRun === true,
      });
      if (plan.lastSent) lastSent.set(audience, plan.lastSent);
      return plan.prefix;
    };
    const { snapshot, archived } = await runReport(
      { reportId: definition.id, periodId: period.id, homeOperator: request.homeOperator, audiences, generatedAt: now },
      runtime,
      { localeOf: (audience) => request.locale ?? recipientsOf(ports.recipients, audience).locale, prefixOf },
    );
    const ran = {
      report: definition.id,
      period: period.id,
      queryCount: snapshot.queryCount,
      partitionsMissing: snapshot.partitionsMissing,
      archived,
    };
    if (request.preview) {
      // A preview builds each message (message.eml beside the report) and sends nothing.
      const deliveries = request.deliver
        ? await deliverArchived(archived, { dryRun: true, resend: false }, ports)
        : undefined;
      return { ...ran, state: 'previewed', ...(deliveries ? { deliveries } : {}) };
    }
    await writeArchiveIndex(runtime.store);
    const record = (state: RunState, message: string, fields?: AttemptFields, options?: { open?: boolean }) =>
      recordAttempt(state, message, snapshot.partitionsMissing, fields, options);
    // The state covers every audience of the report, so a rerun of one province says whether
    // the period is now complete, not only whether that province went out.
    const periodDeliveryState = () =>
      deliveryStateOf(ports.ledger, ports.recipients, definition.id, period.id, audiencesOf(definition));
    if (!request.deliver) {
      if (lastSent.size === 0) {
        const ending = finalRunState({
          outcome: 'finished',
          audiences: audiences.map((audience) => ({ audience, status: 'archived' as const })),
        });
        if (journal) await record(ending.state, ending.message);
        return { ...ran, state: 'archived' };
      }
      // Drafted beside a version already sent: the period keeps the state its deliveries give,
      // and a draft whose figures differ from what the readers hold says so (exit 4).
      const figuresChanged = archived.flatMap((report) => {
        const decision = decideSend(report, lastSent.get(report.audience), { resend: false });
        return decision.action === 'figures-changed' ? [{ audience: report.audience, sentAt: decision.sentAt }] : [];
      });
      const changed = figuresChanged.length > 0 ? { figuresChanged } : {};
      // The state printed is the one the journal keeps: a draft does not make a delivered period
      // look unsent.
      const state = await periodDeliveryState();
      const message = [
        state.message,
        'drafted without delivery (--no-deliver)',
        ...(figuresChanged.length > 0 ? [figuresChangedLine(definition.id, period.id, figuresChanged)] : []),
      ].join('; ');
      if (journal) await record(state.state, message);
      return { ...ran, state: state.state, message, ...changed };
    }
    // Before the first send: a run stopped mid-delivery leaves this line, not nothing (status and
    // check read the journal first). Its end replaces it.
    if (journal)
      await record(
        'archived',
        `delivery started ${ports.now().toISOString()} (run ${runId}); if this stays, the run stopped before it ` +
          'finished: status lists who has the report, check who lacks it',
        { runId },
        { open: true },
      );
    const delivered = await deliverAsSent(archived, lastSent, request, ports, runId);
    const { summaries: deliveries, figuresChanged } = delivered;
    const changed = figuresChanged.length > 0 ? { figuresChanged } : {};
    // A dry run says what the run would record, and records nothing.
    const state = await periodDeliveryState();
    const message = [
      state.message,
      figuresChanged.length > 0 ? figuresChangedLine(definition.id, period.id, figuresChanged) : '',
    ]
      .filter(Boolean)
      .join('; ');
    const correction =
      delivered.corrected.length > 0 && request.reason
        ? {
            correction: {
              at: ports.now().toISOString(),
              reason: request.reason,
              runId,
              audiences: [...delivered.corrected],
            },
          }
        : {};
    if (journal) await record(state.state, message, { runId, ...correction });
    const shown = state.state === 'delivered' && figuresChanged.length === 0 ? {} : { message };
    return { ...ran, state: state.state, deliveries, runId, ...changed, ...shown };
  } catch (error) {
    if (journal) {
      const ending = finalRunState({
        outcome: 'failed',
        error: {
          name: error instanceof Error ? error.name : 'Error',
          message: error instanceof Error ? error.message : String(error),
        },
      });
      // With the run id: closes the attempt a delivery opened, if it got that far.
      await recordAttempt(ending.state, ending.message, missing, { runId }).catch(() => undefined);
    }
    throw error;
  }
}
