// The Record step: writes what became of a run to the run journal (runs/<report>/<period>/
// status.json, #core/run-journal.ts), where operations look first, in the same shape the CLI
// writes, with the final state derived by #core/run-lifecycle.ts as the CLI derives it. Called at every end of the state machine: after the deliveries (all sent, or some
// failed), when the run stays held for missing data, or when Prepare failed.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import type { Logger, ReportStore } from '#core/ports.ts';
import {
  type CorrectionEntry,
  type RunState,
  readRunStatus,
  recordRunStatus,
  runStatusKey,
} from '#core/run-journal.ts';
import { type AudienceOutcome, finalRunState, type RunEnding } from '#core/run-lifecycle.ts';
import { parseRunSnapshot } from '#core/run-snapshot.ts';
import { writeArchiveIndex } from '#render/archive-index.ts';
import { resolveRun, runEventSchema } from '../support/run-input.ts';
import { SEND_ANYWAY } from './prepare-step.ts';

/** A Step Functions error as a Catch hands it over: the error name and its cause (often JSON). */
const stateErrorSchema = z.object({ Error: z.string(), Cause: z.optional(z.string()) });

const deliveryResultSchema = z.looseObject({
  audience: z.string(),
  status: z.enum(['delivered', 'archived', 'failed', 'figures-changed']),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
});

export const recordEventSchema = z.extend(runEventSchema, {
  outcome: z.enum(['finished', 'held', 'failed']),
  prepared: z.optional(
    z.looseObject({ periodId: z.string(), snapshotKey: z.string(), audiences: z.array(z.string()) }),
  ),
  deliveries: z.optional(z.array(deliveryResultSchema)),
  /** The failed audiences' second attempt (after a redrive, their last one): each replaces its failure. */
  redeliveries: z.optional(z.array(deliveryResultSchema)),
  error: z.optional(stateErrorSchema),
});

export type RecordEvent = z.infer<typeof recordEventSchema>;

export interface RecordOutput {
  readonly state: RunState;
  readonly statusKey: string;
  readonly failed: number;
  readonly failedAudiences: readonly string[];
}

/** The message of a Lambda error inside a Step Functions Cause, without the stack trace. */
export function describeError(error: z.infer<typeof stateErrorSchema>): { name: string; message: string } {
  try {
    const cause = JSON.parse(error.Cause ?? '') as { errorType?: string; errorMessage?: string };
    return { name: cause.errorType ?? error.Error, message: cause.errorMessage ?? error.Cause ?? '' };
  } catch {
    return { name: error.Error, message: error.Cause ?? '' };
  }
}

function periodOf(event: RecordEvent): string {
  if (event.prepared) return event.prepared.periodId;
  try {
    return resolveRun(event.request, new Date(event.startedAt)).period.id;
  } catch {
    // The run failed because its period (or report) does not resolve; keep the record anyway.
    return 'unresolved';
  }
}

async function partitionsMissingOf(
  store: ReportStore,
  event: RecordEvent,
  previous: readonly string[],
): Promise<readonly string[]> {
  if (!event.prepared) return previous;
  const body = await store.get(event.prepared.snapshotKey);
  return body ? parseRunSnapshot(body, store.locate(event.prepared.snapshotKey)).partitionsMissing : previous;
}

/** The Map state's results as the lifecycle's audience outcomes. */
function endingOf(event: RecordEvent): RunEnding {
  if (event.outcome === 'held') return { outcome: 'held', hint: SEND_ANYWAY };
  if (event.outcome === 'failed')
    return {
      outcome: 'failed',
      error: event.error ? describeError(event.error) : { name: 'Error', message: 'unknown failure' },
    };
  const audiences: AudienceOutcome[] = (event.deliveries ?? []).map((delivery) =>
    delivery.status === 'failed'
      ? {
          audience: delivery.audience,
          status: 'failed',
          reason: describeError({ Error: delivery.error ?? 'Error', Cause: delivery.cause }).message,
        }
      : // An audience whose figures changed since sent got nothing new: what it holds was delivered.
        { audience: delivery.audience, status: delivery.status === 'figures-changed' ? 'delivered' : delivery.status },
  );
  return { outcome: 'finished', audiences };
}

/** A resend's reason in the journal, for the audiences it reached (the run id as Prepare names it). */
function correctionOf(event: RecordEvent, now: Date): { correction?: CorrectionEntry } {
  const audiences = (event.deliveries ?? [])
    .filter((delivery) => delivery.status === 'delivered')
    .map((delivery) => delivery.audience);
  if (!event.request.resend || !event.request.reason || audiences.length === 0) return {};
  return {
    correction: {
      at: now.toISOString(),
      reason: event.request.reason,
      runId: `execution-${event.startedAt}`,
      audiences,
    },
  };
}

/** The deliveries with each redelivered audience's outcome in place of its failure. */
function withRedeliveries(event: RecordEvent): RecordEvent {
  if (!event.redeliveries) return event;
  const again = new Map(event.redeliveries.map((delivery) => [delivery.audience, delivery]));
  return { ...event, deliveries: (event.deliveries ?? []).map((delivery) => again.get(delivery.audience) ?? delivery) };
}

export async function recordStep(
  received: RecordEvent,
  ports: { store: ReportStore; log: Logger; now: () => Date },
): Promise<RecordOutput> {
  const event = withRedeliveries(received);
  const reportId = event.request.reportId;
  const periodId = periodOf(event);
  const failedAudiences = (event.deliveries ?? [])
    .filter((delivery) => delivery.status === 'failed')
    .map((delivery) => delivery.audience);
  const { state, message } = finalRunState(endingOf(event));
  const previous = await readRunStatus(ports.store, reportId, periodId).catch(() => undefined);
  const status = await recordRunStatus(
    ports.store,
    {
      reportId,
      periodId,
      state,
      partitionsMissing: [...(await partitionsMissingOf(ports.store, event, previous?.partitionsMissing ?? []))],
      audiences: [...(event.prepared?.audiences ?? previous?.audiences ?? [])],
      message,
      ...correctionOf(event, ports.now()),
    },
    ports.now(),
  );
  // The archive's front page lists the new reports; a failure here must not lose the record.
  await writeArchiveIndex(ports.store).catch((error: Error) =>
    ports.log.warn('archive index not written', { errorMessage: error.message }),
  );
  ports.log[state === 'delivered' ? 'info' : 'warn']('run recorded', {
    report: reportId,
    period: periodId,
    state,
    attempts: status.attempts,
    failedAudiences,
  });
  return { state, statusKey: runStatusKey(reportId, periodId), failed: failedAudiences.length, failedAudiences };
}
