// Missed runs are noticed: each report's schedule (config/reports.json) held against what the
// run journal and the delivery ledger say went out. A scheduled (report, period) is overdue once
// its deadline (the scheduled time + the report's grace window + a margin) has passed and not
// every recipient has it: never run (missed), archived but never sent, held past its deadline,
// partially delivered, or failed. A report that went out with the "data incomplete" banner is
// not overdue, but is named as such. Used by `mnp-briefings check` and the check Lambda alike.
import type { DeliveryLedger } from './delivery-ports.ts';
import { PERIOD_YEARS, parsePeriod } from './period.ts';
import type { ReportStore } from './ports.ts';
import { type RecipientsConfig, recipientsOf } from './recipients.ts';
import { type ReportDefinition, reportDefinitions } from './report-definitions.ts';
import { audiencesOf } from './report-run.ts';
import { lastDeliveringAttempt, listRunStatuses, type RunStatus } from './run-journal.ts';
import { parseSchedule, periodOfScheduledRun } from './schedule.ts';

/**
 * Added to a report's grace window before a period counts as overdue: the time the last run of
 * the window needs to query, render and send (minutes), with room for a retry of the step.
 */
export const DEFAULT_CHECK_MARGIN_MINUTES = 60;

export type CheckState = 'missed' | 'archived' | 'held' | 'partial' | 'failed' | 'sent-incomplete';

export interface CheckFinding {
  readonly reportId: string;
  readonly periodId: string;
  readonly state: CheckState;
  /** Overdue: every state but sent-incomplete. */
  readonly overdue: boolean;
  readonly scheduledAt: string;
  readonly deadline: string;
  readonly recipients: number;
  readonly sent: number;
  /** Recipients without a `sent` record. */
  readonly lacking: number;
  readonly note?: string;
}

export interface CheckReport {
  readonly since: string;
  readonly now: string;
  readonly findings: readonly CheckFinding[];
  /** Overdue findings per report (0 for a report with none): what the check Lambda publishes. */
  readonly overdueByReport: Readonly<Record<string, number>>;
  readonly incompleteByReport: Readonly<Record<string, number>>;
  /** The (report, period)s the run journal holds: none means nothing ever ran where it looked. */
  readonly journalRuns: number;
}

export interface CheckPorts {
  readonly store: ReportStore;
  readonly ledger: DeliveryLedger;
  readonly recipients: RecipientsConfig;
}

export interface CheckOptions {
  readonly definitions: readonly ReportDefinition[];
  readonly now: Date;
  /**
   * Scheduled times from here on; default: the scheduled run of the first period in the journal
   * of these reports, else of any report (a report that never ran since the journal began was
   * missed every period since, not checked over an empty window).
   */
  readonly since?: Date;
  /** Never earlier than this, whatever the journal holds (the check Lambda's lookback). */
  readonly notBefore?: Date;
  /** @default DEFAULT_CHECK_MARGIN_MINUTES */
  readonly marginMinutes?: number;
}

/** When the run of a period is due: the first scheduled time after the period has ended. */
function scheduledRunOf(definition: ReportDefinition, periodId: string): Date | null {
  return parseSchedule(definition.schedule).nextAfter(new Date(new Date(parsePeriod(periodId).endUtc).getTime() - 1));
}

/** The default start: the scheduled run of the earliest period the journal holds. */
function firstJournalRun(statuses: readonly RunStatus[], definitions: readonly ReportDefinition[]): Date | undefined {
  const runs = statuses.flatMap((status) => {
    const definition = definitions.find((candidate) => candidate.id === status.reportId);
    const run = definition ? scheduledRunOf(definition, status.periodId) : null;
    return run ? [run] : [];
  });
  return runs.length === 0 ? undefined : new Date(Math.min(...runs.map((run) => run.getTime())));
}

async function deliveryCounts(
  ports: CheckPorts,
  definition: ReportDefinition,
  periodId: string,
): Promise<{ recipients: number; sent: number }> {
  let recipients = 0;
  let sent = 0;
  for (const audience of audiencesOf(definition)) {
    const records = await ports.ledger.list(definition.id, periodId, audience);
    const sentTo = new Set(
      records.filter((record) => record.status === 'sent').map((record) => record.recipient.toLowerCase()),
    );
    for (const address of recipientsOf(ports.recipients, audience).to) {
      recipients += 1;
      if (sentTo.has(address.toLowerCase())) sent += 1;
    }
  }
  return { recipients, sent };
}

/**
 * Whether what the readers have went out with the data-incomplete banner: the last attempt that
 * delivered, not the last attempt (a rerun held after a whole send does not unsend it).
 */
function sentIncomplete(status: RunStatus | undefined): boolean {
  if (!status) return false;
  const last = lastDeliveringAttempt(status);
  // A status from before the history was kept has only its last attempt.
  return last ? last.partitionsMissing > 0 : status.partitionsMissing.length > 0;
}

function stateOf(status: RunStatus | undefined, counts: { recipients: number; sent: number }): CheckState | undefined {
  if (counts.sent === counts.recipients && counts.recipients > 0)
    return sentIncomplete(status) ? 'sent-incomplete' : undefined;
  if (!status) return counts.sent > 0 ? 'partial' : 'missed';
  if (status.state === 'held') return 'held';
  if (status.state === 'failed' || (status.state === 'delivery-failed' && counts.sent === 0)) return 'failed';
  // Archived (a backfill without --send, a run with --no-deliver): it ran; no reader has it.
  return counts.sent === 0 && status.state === 'archived' ? 'archived' : 'partial';
}

/** The first instant of the first period a run can report on (its year's first ISO week starts earlier than January). */
const FIRST_PERIOD_START = new Date(parsePeriod(`${PERIOD_YEARS.first}-W01`).startUtc);

/** Every scheduled (report, period) between since and now whose deadline has passed and that is not fully sent. */
export async function checkSchedules(ports: CheckPorts, options: CheckOptions): Promise<CheckReport> {
  const statuses = await listRunStatuses(ports.store);
  const start =
    options.since ??
    firstJournalRun(statuses, options.definitions) ??
    firstJournalRun(statuses, reportDefinitions) ??
    options.now;
  const notBefore =
    options.notBefore && options.notBefore > FIRST_PERIOD_START ? options.notBefore : FIRST_PERIOD_START;
  // Within the periods a run can report on, and never after now: a journal that begins after
  // --now leaves nothing to check, not a window that runs backwards.
  const since = new Date(Math.min(Math.max(start.getTime(), notBefore.getTime()), options.now.getTime()));
  const marginMs = (options.marginMinutes ?? DEFAULT_CHECK_MARGIN_MINUTES) * 60_000;
  const findings: CheckFinding[] = [];
  const overdueByReport: Record<string, number> = {};
  const incompleteByReport: Record<string, number> = {};
  for (const definition of options.definitions) {
    overdueByReport[definition.id] = 0;
    incompleteByReport[definition.id] = 0;
    for (const run of parseSchedule(definition.schedule).runsBetween(since, options.now)) {
      const deadline = new Date(run.getTime() + definition.dataIncomplete.graceHours * 3_600_000 + marginMs);
      if (deadline > options.now) continue;
      const period = periodOfScheduledRun(definition.periodKind, run);
      if (Number(period.id.slice(0, 4)) < PERIOD_YEARS.first) continue; // no run can report on it
      const periodId = period.id;
      const status = statuses.find(
        (candidate) => candidate.reportId === definition.id && candidate.periodId === periodId,
      );
      const counts = await deliveryCounts(ports, definition, periodId);
      const state = stateOf(status, counts);
      if (!state) continue;
      const overdue = state !== 'sent-incomplete';
      if (overdue) overdueByReport[definition.id]! += 1;
      else incompleteByReport[definition.id]! += 1;
      findings.push({
        reportId: definition.id,
        periodId,
        state,
        overdue,
        scheduledAt: run.toISOString(),
        deadline: deadline.toISOString(),
        recipients: counts.recipients,
        sent: counts.sent,
        lacking: counts.recipients - counts.sent,
        ...(status?.message ? { note: status.message } : {}),
      });
    }
  }
  return {
    since: since.toISOString(),
    now: options.now.toISOString(),
    findings,
    overdueByReport,
    incompleteByReport,
    journalRuns: statuses.length,
  };
}

const STATE_WORDS: Readonly<Record<CheckState, string>> = {
  missed: 'missed: never run',
  archived: 'archived, never sent',
  held: 'held past deadline',
  partial: 'partially delivered',
  failed: 'failed',
  'sent-incomplete': 'sent with the data-incomplete banner (not missed)',
};

/** One line per finding: report, period, state, how many lack it, and why a run was held or failed. */
export function findingLine(finding: CheckFinding): string {
  const lacking =
    finding.state === 'partial' || finding.state === 'failed' || finding.state === 'archived'
      ? `: ${finding.lacking} of ${finding.recipients} recipient(s) lack it`
      : '';
  const when = `due ${finding.scheduledAt.replace(/\.\d{3}Z$/, 'Z')}, deadline ${finding.deadline.replace(/\.\d{3}Z$/, 'Z')}`;
  // The journal's note says why a run was held or failed; the other states say it themselves.
  const why = finding.note && (finding.state === 'held' || finding.state === 'failed') ? `: ${finding.note}` : '';
  return `${finding.reportId} ${finding.periodId} ${STATE_WORDS[finding.state]}${lacking} (${when})${why}`;
}
