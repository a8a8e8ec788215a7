// The Prepare step of a run: resolve the period, decide whether the lake is ready (the hold and
// its journal entry are #core/run-lifecycle.ts, shared with the CLI), run the
// metric queries once, and store the snapshot for the per-audience Deliver steps. The _SUCCESS
// markers are checked before any query runs, so waiting for late data costs S3 listings, not
// scans. While the report is held, the run journal (runs/<report>/<period>/status.json) says so
// and DataNotReadyError tells the state machine to try again later.
import { findMissingPartitions } from '#core/collect-metrics.ts';
import { DataNotReadyError } from '#core/errors.ts';
import type { LakeInventory, Logger, QueryEngine, ReportStore } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { audiencesOf, prepareRun } from '#core/report-run.ts';
import { decideHold } from '#core/run-lifecycle.ts';
import { type RunEvent, resolveRun } from '../support/run-input.ts';
import { snapshotKey } from '../support/run-keys.ts';

/** How an operator sends a held report anyway in AWS. */
export const SEND_ANYWAY =
  'start the run again with "sendDespiteMissingData": true to send it with a "data incomplete" banner';

export interface PreparePorts {
  readonly engine: QueryEngine;
  readonly inventory: LakeInventory;
  readonly store: ReportStore;
  readonly log: Logger;
  readonly now: () => Date;
}

export interface PrepareOutput {
  readonly reportId: string;
  readonly periodId: string;
  readonly snapshotKey: string;
  readonly audiences: readonly string[];
  readonly dataIncomplete: boolean;
  readonly partitionsMissing: number;
  readonly queryCount: number;
  /** Passed on to each Deliver: the run's delivery mode, from the execution input. */
  readonly resend: boolean;
  readonly archiveOnly: boolean;
}

export async function prepareStep(event: RunEvent, homeOperator: string, ports: PreparePorts): Promise<PrepareOutput> {
  const { definition, period } = resolveRun(event.request, new Date(event.startedAt));
  const audiences = audiencesOf(definition, event.request.audiences);
  const missing = await findMissingPartitions(ports.inventory, planQueries(period, definition.trend));
  const hold = await decideHold(
    {
      definition,
      period,
      audiences,
      missing,
      // Each execution has its own grace window, the one its Retry schedule spans.
      firstAttemptAt: new Date(event.startedAt),
      now: ports.now(),
      allowIncomplete: event.sendDespiteMissingData === true || event.request.sendDespiteMissingData === true,
      hint: SEND_ANYWAY,
      journal: true,
    },
    ports,
  );
  if (hold.held) throw new DataNotReadyError(`${definition.id} ${period.id}: ${hold.message}`, missing);
  const snapshot = await prepareRun(
    { reportId: definition.id, periodId: period.id, homeOperator, audiences, generatedAt: ports.now() },
    ports,
  );
  const key = snapshotKey(snapshot.reportId, snapshot.periodId);
  // The Deliver steps read the correction's reason and the run's id beside the figures.
  const correction = event.request.resend && event.request.reason ? { reason: event.request.reason } : undefined;
  await ports.store.put(
    key,
    JSON.stringify({ ...snapshot, runId: `execution-${event.startedAt}`, ...(correction ? { correction } : {}) }),
    'application/json',
  );
  ports.log.info('snapshot stored', {
    report: snapshot.reportId,
    period: snapshot.periodId,
    key,
    audiences: snapshot.audiences.length,
    queries: snapshot.queryCount,
  });
  return {
    reportId: snapshot.reportId,
    periodId: snapshot.periodId,
    snapshotKey: key,
    audiences: snapshot.audiences,
    // With partitions missing, every briefing of the run carries the "data incomplete" banner.
    dataIncomplete: snapshot.partitionsMissing.length > 0,
    partitionsMissing: snapshot.partitionsMissing.length,
    queryCount: snapshot.queryCount,
    resend: event.request.resend === true,
    archiveOnly: event.request.archiveOnly === true,
  };
}
