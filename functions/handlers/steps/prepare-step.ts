// The Prepare step of a run: resolve the period, decide whether the lake is ready, run the
// metric queries once, and store the snapshot for the per-audience Deliver steps. The _SUCCESS
// markers are checked before any query runs, so waiting for late data costs S3 listings, not
// scans. While the report is held, the run journal (runs/<report>/<period>/status.json) says so
// and DataNotReadyError tells the state machine to try again later.
import { findMissingPartitions } from '#core/collect-metrics.ts';
import { DataNotReadyError } from '#core/errors.ts';
import type { LakeInventory, Logger, QueryEngine, ReportStore } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { decideReadiness } from '#core/readiness.ts';
import { audiencesOf, prepareRun } from '#core/report-run.ts';
import { recordRunStatus } from '#core/run-journal.ts';
import { resolveRun, type RunEvent } from '../support/run-input.ts';
import { snapshotKey } from '../support/run-keys.ts';

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
  const readiness = decideReadiness(missing, definition.dataIncomplete, {
    // Each execution has its own grace window, the one its Retry schedule spans.
    firstAttemptAt: new Date(event.startedAt),
    now: ports.now(),
    allowIncomplete: event.sendDespiteMissingData === true || event.request.sendDespiteMissingData === true,
  });
  if (readiness.action === 'hold' || readiness.action === 'stay-held') {
    const waiting = readiness.action === 'hold' ? `retrying until ${readiness.retryAt.toISOString()} at the latest` : 'the grace period has ended';
    const message = `${missing.length} partition(s) without a _SUCCESS marker, e.g. ${missing.slice(0, 3).join(', ')}; ${waiting}`;
    await recordRunStatus(ports.store, { reportId: definition.id, periodId: period.id, state: 'held', partitionsMissing: missing, audiences, message }, ports.now());
    ports.log.warn('data not ready', { report: definition.id, period: period.id, partitionsMissing: missing.length, first: missing.slice(0, 5), readiness: readiness.action });
    throw new DataNotReadyError(`${definition.id} ${period.id}: ${message}`, missing);
  }
  const snapshot = await prepareRun({ reportId: definition.id, periodId: period.id, homeOperator, audiences, generatedAt: ports.now() }, ports);
  const key = snapshotKey(snapshot.reportId, snapshot.periodId);
  // The Deliver steps read the correction's reason and the run's id beside the figures.
  const correction = event.request.resend && event.request.reason ? { reason: event.request.reason } : undefined;
  await ports.store.put(key, JSON.stringify({ ...snapshot, runId: `execution-${event.startedAt}`, ...(correction ? { correction } : {}) }), 'application/json');
  ports.log.info('snapshot stored', { report: snapshot.reportId, period: snapshot.periodId, key, audiences: snapshot.audiences.length, queries: snapshot.queryCount });
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
