// The Record step: writes what became of a run to the run journal (runs/<report>/<period>/
// status.json, #core/run-journal.ts), where operations look first, in the same shape the CLI
// writes. Called at every end of the state machine: after the deliveries (all sent, or some
// failed), when the run stays held for missing data, or when Prepare failed.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import type { Logger, ReportStore } from '#core/ports.ts';
import { writeArchiveIndex } from '#render/archive-index.ts';
import type { RunSnapshot } from '#core/report-run.ts';
import { readRunStatus, recordRunStatus, runStatusKey, type RunState } from '#core/run-journal.ts';
import { resolveRun, runEventSchema } from '../support/run-input.ts';

/** A Step Functions error as a Catch hands it over: the error name and its cause (often JSON). */
const stateErrorSchema = z.object({ Error: z.string(), Cause: z.optional(z.string()) });

const deliveryResultSchema = z.looseObject({
  audience: z.string(),
  status: z.enum(['delivered', 'archived', 'failed']),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
});

export const recordEventSchema = z.extend(runEventSchema, {
  outcome: z.enum(['finished', 'held', 'failed']),
  prepared: z.optional(z.looseObject({ periodId: z.string(), snapshotKey: z.string(), audiences: z.array(z.string()) })),
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

async function partitionsMissingOf(store: ReportStore, event: RecordEvent, previous: readonly string[]): Promise<readonly string[]> {
  if (!event.prepared) return previous;
  const body = await store.get(event.prepared.snapshotKey);
  return body ? (JSON.parse(new TextDecoder().decode(body)) as RunSnapshot).partitionsMissing : previous;
}

function outcomeOf(event: RecordEvent, failedAudiences: readonly string[]): { state: RunState; message: string } {
  const deliveries = event.deliveries ?? [];
  if (event.outcome === 'finished') {
    if (failedAudiences.length === 0 && deliveries.length > 0 && deliveries.every((delivery) => delivery.status === 'archived')) {
      return { state: 'archived', message: `archived for ${deliveries.length} audience(s), not sent (archive only)` };
    }
    if (failedAudiences.length === 0) return { state: 'delivered', message: `delivered to ${deliveries.length} audience(s)` };
    const first = deliveries.find((delivery) => delivery.status === 'failed')!;
    const reason = describeError({ Error: first.error ?? 'Error', Cause: first.cause }).message;
    return {
      state: 'delivery-failed',
      message: `not delivered to ${failedAudiences.join(', ')} (of ${deliveries.length}), e.g. ${first.audience}: ${reason}; run again: the ledger skips what was sent`,
    };
  }
  if (event.outcome === 'held') {
    return { state: 'held', message: 'the grace period ended with partitions missing: nothing was sent; run again with "sendDespiteMissingData": true to send with a banner' };
  }
  const error = event.error ? describeError(event.error) : { name: 'Error', message: 'unknown failure' };
  return { state: 'failed', message: `${error.name}: ${error.message}` };
}

/** The deliveries with each redelivered audience's outcome in place of its failure. */
function withRedeliveries(event: RecordEvent): RecordEvent {
  if (!event.redeliveries) return event;
  const again = new Map(event.redeliveries.map((delivery) => [delivery.audience, delivery]));
  return { ...event, deliveries: (event.deliveries ?? []).map((delivery) => again.get(delivery.audience) ?? delivery) };
}

export async function recordStep(received: RecordEvent, ports: { store: ReportStore; log: Logger; now: () => Date }): Promise<RecordOutput> {
  const event = withRedeliveries(received);
  const reportId = event.request.reportId;
  const periodId = periodOf(event);
  const failedAudiences = (event.deliveries ?? []).filter((delivery) => delivery.status === 'failed').map((delivery) => delivery.audience);
  const { state, message } = outcomeOf(event, failedAudiences);
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
    },
    ports.now(),
  );
  // The archive's front page lists the new reports; a failure here must not lose the record.
  await writeArchiveIndex(ports.store).catch((error: Error) => ports.log.warn('archive index not written', { errorMessage: error.message }));
  ports.log[state === 'delivered' ? 'info' : 'warn']('run recorded', { report: reportId, period: periodId, state, attempts: status.attempts, failedAudiences });
  return { state, statusKey: runStatusKey(reportId, periodId), failed: failedAudiences.length, failedAudiences };
}
