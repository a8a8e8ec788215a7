// The lifecycle of one run, written once for both drivers (the CLI's report job and the Lambda
// steps): which period a report runs for, whether it is held for missing data (and the journal
// entry that says so), and what state the run ends in. The drivers differ only in where the
// first attempt's time comes from and how an audience's outcome is known (the ledger locally,
// the Map state's results in AWS).

import { lakeContract } from '#reference/index.ts';
import type { DeliveryRecord } from './delivery-ports.ts';
import { ConfigurationError, PeriodError } from './errors.ts';
import { describeLakeRange, type LakeRange } from './lake-calendar.ts';
import { datesBetween, type Period, parsePeriod } from './period.ts';
import type { Logger, ReportStore } from './ports.ts';
import { decideReadiness, type Readiness } from './readiness.ts';
import type { ReportDefinition } from './report-definitions.ts';
import { lastDeliveringAttempt, type RunState, type RunStatus, readRunStatus, recordRunStatus } from './run-journal.ts';

/** The period of a report, refused when it is not of the report's kind (a month for a weekly report). */
export function reportPeriod(definition: ReportDefinition, periodId: string): Period {
  const period = parsePeriod(periodId);
  if (period.kind !== definition.periodKind) {
    const example = definition.periodKind === 'week' ? 'week such as 2019-W48' : 'month such as 2019-12';
    throw new ConfigurationError(
      `${definition.id} is a ${definition.periodKind}ly report: give a ${example}, not ${period.id}`,
    );
  }
  return period;
}

/**
 * A period no run can report on is refused before anything is held or recorded: one that has
 * not ended yet (its figures would be partial, then zeros once the grace window closed), or
 * one that ends before the lake's first partition (every figure would be zero). `lake` is
 * absent where the lake is not at hand (starting a run in AWS): only the clock is checked.
 */
export function refuseUnreportablePeriod(period: Period, now: Date, lake?: LakeRange): void {
  const where = lake ? `; ${describeLakeRange(lake)}` : '';
  if (now.getTime() < Date.parse(period.endUtc)) {
    throw new PeriodError(
      `${period.id} has not ended yet: it runs to ${period.end} (Beijing time), so no report covers it before then${where}`,
    );
  }
  if (lake && !lake.first) {
    throw new PeriodError(`${period.id} cannot be reported on: the lake holds no port_requests partition yet`);
  }
  if (lake?.first && period.end < lake.first) {
    throw new PeriodError(
      `${period.id} (${period.start} to ${period.end}) lies before the lake's first partition${where}`,
    );
  }
}

/**
 * A backfill's range cut to the periods a run can report on: it stops at the last complete
 * period of the lake (or, without the lake at hand, the last period ended by the clock) and
 * starts at the first period wholly inside the lake: one that starts before the lake's first
 * partition would be held for partitions that never come; `notes` says what was left out.
 * Refused when nothing of the range remains.
 */
export function reportableRange(
  periods: readonly Period[],
  now: Date,
  lake?: LakeRange,
): { periods: Period[]; notes: string[] } {
  const ended = (period: Period) => now.getTime() >= Date.parse(period.endUtc);
  const lastDay = lake ? lake.lastComplete : undefined;
  const tooLate = (period: Period) =>
    !ended(period) || (lake !== undefined && (lastDay === undefined || period.end > lastDay));
  const tooEarly = (period: Period) => lake !== undefined && (lake.first === undefined || period.start < lake.first);
  const kept = periods.filter((period) => !tooLate(period) && !tooEarly(period));
  const notes: string[] = [];
  const early = periods.filter((period) => tooEarly(period) && !tooLate(period));
  const late = periods.filter(tooLate);
  const span = (list: readonly Period[]) =>
    list.length === 1 ? list[0]!.id : `${list[0]!.id} to ${list.at(-1)!.id} (${list.length})`;
  const where = lake ? `; ${describeLakeRange(lake)}` : '';
  if (kept.length === 0)
    throw new PeriodError(
      `no period from ${periods[0]?.id} to ${periods.at(-1)?.id} can be reported on: each has not ended yet or lies outside the lake${where}`,
    );
  if (early.length > 0)
    notes.push(`starts at ${kept[0]!.id}: ${span(early)} start before the lake's first partition${where}`);
  if (late.length > 0)
    notes.push(
      `stops at ${kept.at(-1)!.id}, the last complete period: ${span(late)} ${lake ? 'not complete in the lake yet' : 'not ended yet'}${where}`,
    );
  return { periods: kept, notes };
}

/** Why a report is held and when it is tried again; `hint` says how to send it anyway. */
export function heldMessage(
  missing: readonly string[],
  retryAt: Date | undefined,
  hint: string,
  periodWithoutData = false,
): string {
  const when = retryAt
    ? `try again after ${retryAt.toISOString()} (the schedule does)`
    : periodWithoutData
      ? 'the grace window has closed, and with no day of the period in the lake this report stays held instead of going out with every figure zero'
      : 'the grace window has closed and this report stays held';
  return `${unreadyPartitions(missing)}; ${when}; ${hint}`;
}

/** Why a rerun of a period sent whole is held while some of its partitions are not ready. */
function reloadingMessage(missing: readonly string[], hint: string): string {
  return `${unreadyPartitions(missing)}, where the version sent was built from whole data (a partition being reloaded?): held until they are whole, rather than built from part of the data; ${hint}`;
}

/** How many partitions are not ready, and the first few. */
function unreadyPartitions(missing: readonly string[]): string {
  return `${missing.length} partition(s) missing or without a _SUCCESS marker, e.g. ${missing.slice(0, 3).join(', ')}`;
}

export interface HoldQuestion {
  readonly definition: ReportDefinition;
  readonly period: Period;
  readonly audiences: readonly string[];
  /** Partitions the period's queries need that carry no _SUCCESS marker. */
  readonly missing: readonly string[];
  /** When the grace window started: the first attempt in the journal, or the execution's start. */
  readonly firstAttemptAt: Date;
  readonly now: Date;
  readonly allowIncomplete: boolean;
  /** How this driver sends anyway, for the held message. */
  readonly hint: string;
  /** Write the held state to the run journal (not for a dry run). */
  readonly journal: boolean;
  /**
   * The period's run status when the driver has read it already (undefined: never run); without
   * the field it is read here, and only when partitions are missing.
   */
  readonly previous?: RunStatus | undefined;
}

export type HoldDecision =
  | { readonly held: false; readonly readiness: Readiness }
  | { readonly held: true; readonly readiness: Readiness; readonly message: string; readonly retryAt?: Date };

/**
 * Whether the readers hold a version built from whole data: then a rerun while partitions are
 * missing (a partition being reloaded, its _SUCCESS gone) is held, whatever the grace window
 * says; a report built from part of the data would only read as "figures changed" against it.
 */
async function sentWhole(store: ReportStore, question: HoldQuestion): Promise<boolean> {
  const status =
    'previous' in question ? question.previous : await readRunStatus(store, question.definition.id, question.period.id);
  return status !== undefined && lastDeliveringAttempt(status)?.partitionsMissing === 0;
}

/** Decides whether the run is held; a held run is written to the journal and logged. */
export async function decideHold(
  question: HoldQuestion,
  ports: { store: ReportStore; log: Logger },
): Promise<HoldDecision> {
  const { definition, period, missing } = question;
  const unready = new Set(missing);
  const { column } = lakeContract.port_requests.partition;
  const periodWithoutData = datesBetween(period.start, period.end).every((day) =>
    unready.has(`port_requests/${column}=${day}`),
  );
  const reloading = missing.length > 0 && !question.allowIncomplete && (await sentWhole(ports.store, question));
  const readiness: Readiness = reloading
    ? { action: 'stay-held', missing: [...missing] }
    : decideReadiness(missing, definition.dataIncomplete, { ...question, periodWithoutData });
  if (readiness.action !== 'hold' && readiness.action !== 'stay-held') return { held: false, readiness };
  const retryAt = readiness.action === 'hold' ? readiness.retryAt : undefined;
  const message = reloading
    ? reloadingMessage(missing, question.hint)
    : heldMessage(missing, retryAt, question.hint, periodWithoutData);
  if (question.journal) {
    await recordRunStatus(
      ports.store,
      {
        reportId: definition.id,
        periodId: period.id,
        state: 'held',
        partitionsMissing: [...missing],
        audiences: [...question.audiences],
        message,
      },
      question.now,
    );
  }
  ports.log.warn('report held: data not ready', {
    report: definition.id,
    period: period.id,
    partitionsMissing: missing.length,
    first: missing.slice(0, 5),
    readiness: readiness.action,
  });
  return { held: true, readiness, message, ...(retryAt ? { retryAt } : {}) };
}

/** What became of one audience: every recipient sent, archived only, or someone not delivered. */
export interface AudienceOutcome {
  readonly audience: string;
  readonly status: 'delivered' | 'archived' | 'failed';
  /** For a failed audience: why, with addresses masked. */
  readonly reason?: string;
  /** Recipient counts, when the driver knows them (the local ledger does). */
  readonly recipients?: { readonly expected: number; readonly sent: number; readonly notDelivered: readonly string[] };
}

/**
 * An audience's outcome from its ledger records: delivered when every configured recipient has
 * a `sent` record, archived when none has any record (nothing was attempted), failed otherwise
 * (failed, unconfirmed, or a claim still in flight: not delivered either way).
 */
export function audienceOutcomeFromLedger(
  audience: string,
  addresses: readonly string[],
  records: readonly DeliveryRecord[],
): AudienceOutcome {
  const byRecipient = new Map(records.map((record) => [record.recipient.toLowerCase(), record]));
  const notDelivered = addresses.filter((address) => byRecipient.get(address.toLowerCase())?.status !== 'sent');
  const sent = addresses.length - notDelivered.length;
  const counts = { expected: addresses.length, sent, notDelivered };
  if (notDelivered.length === 0) return { audience, status: 'delivered', recipients: counts };
  if (notDelivered.every((address) => !byRecipient.has(address.toLowerCase())))
    return { audience, status: 'archived', recipients: counts };
  const first = byRecipient.get(notDelivered.find((address) => byRecipient.has(address.toLowerCase()))!.toLowerCase())!;
  const reason =
    first.error ??
    (first.status === 'sending'
      ? `a claim in flight${first.leaseUntil ? ` until ${first.leaseUntil}` : ''}`
      : first.status);
  return { audience, status: 'failed', reason, recipients: counts };
}

/** How a run ended, as the drivers see it. */
export type RunEnding =
  | { readonly outcome: 'finished'; readonly audiences: readonly AudienceOutcome[] }
  | { readonly outcome: 'held'; readonly hint: string }
  | { readonly outcome: 'failed'; readonly error: { readonly name: string; readonly message: string } };

/** The run's final state and the journal's one-line message, the same for both drivers. */
export function finalRunState(ending: RunEnding): { state: RunState; message: string } {
  if (ending.outcome === 'held')
    return {
      state: 'held',
      message: `the grace period ended with partitions missing: nothing was sent; ${ending.hint}`,
    };
  if (ending.outcome === 'failed')
    return { state: 'failed', message: `${ending.error.name}: ${ending.error.message.split('\n')[0]}` };
  const outcomes = ending.audiences;
  const counted = outcomes.every((outcome) => outcome.recipients !== undefined);
  const sent = outcomes.reduce((sum, outcome) => sum + (outcome.recipients?.sent ?? 0), 0);
  const expected = outcomes.reduce((sum, outcome) => sum + (outcome.recipients?.expected ?? 0), 0);
  const recipients = counted ? `${sent} of ${expected} recipient(s) sent; ` : '';
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  if (failed.length > 0) {
    const first = failed[0]!;
    return {
      state: 'delivery-failed',
      message: `${recipients}not delivered to ${failed.map((outcome) => outcome.audience).join(', ')} (of ${outcomes.length}), e.g. ${first.audience}: ${first.reason ?? 'failed'}; run again: the ledger skips what was sent`,
    };
  }
  if (outcomes.length > 0 && outcomes.every((outcome) => outcome.status === 'delivered'))
    return { state: 'delivered', message: `${recipients}delivered to ${outcomes.length} audience(s)` };
  const archived = outcomes.filter((outcome) => outcome.status === 'archived').length;
  return {
    state: 'archived',
    // The period's audiences, not this run's: a run of one province says how far the period is.
    message: `${recipients}${archived} of ${outcomes.length} audience(s) not sent yet`,
  };
}
