// The Prepare step of a run: resolve the period, decide whether the lake is ready (the hold and
// its journal entry are #core/run-lifecycle.ts, shared with the CLI), run the
// metric queries once, and store the snapshot for the per-audience Deliver steps. The _SUCCESS
// markers are checked before any query runs, so waiting for late data costs S3 listings, not
// scans. While the report is held, the run journal (runs/<report>/<period>/status.json) says so
// and DataNotReadyError tells the state machine to try again later. Once ready, the run reads the
// curated layer if every curated unit it needs is fresh (rebuilt first when time allows), the raw
// feed otherwise (read-source.ts); the snapshot says which.
import { findMissingPartitions } from '#core/collect-metrics.ts';
import { DataNotReadyError } from '#core/errors.ts';
import type { LakeInventory, Logger, QueryEngine, ReportStore } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { audiencesOf, prepareRun } from '#core/report-run.ts';
import { decideHold } from '#core/run-lifecycle.ts';
import { type RunEvent, resolveRun } from '../support/run-input.ts';
import { snapshotKey } from '../support/run-keys.ts';
import {
  type CuratedLayer,
  chooseReadSource,
  curatedMovedSince,
  curatedRangeOf,
  type ReadSource,
} from './read-source.ts';

/** How an operator sends a held report anyway in AWS. */
export const SEND_ANYWAY =
  'start the run again with "sendDespiteMissingData": true to send it with a "data incomplete" banner';

export interface PreparePorts {
  /** The metric queries over the curated layer or over the raw feed. */
  readonly engineFor: (source: ReadSource) => QueryEngine;
  /** @default - no curated layer: the raw feed */
  readonly curated?: CuratedLayer;
  /** The invocation's time left; @default - unbounded */
  readonly remainingMs?: () => number;
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
  /** What the metric queries read: the curated layer or the raw feed. */
  readonly source: ReadSource;
  /** Passed on to each Deliver: the run's delivery mode, from the execution input. */
  readonly resend: boolean;
  readonly archiveOnly: boolean;
}

export async function prepareStep(event: RunEvent, homeOperator: string, ports: PreparePorts): Promise<PrepareOutput> {
  const { definition, period } = resolveRun(event.request, new Date(event.startedAt));
  const audiences = audiencesOf(definition, event.request.audiences);
  const plan = planQueries(period, definition.trend);
  const missing = await findMissingPartitions(ports.inventory, plan);
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
  const range = curatedRangeOf(plan);
  let source = await chooseReadSource(range, {
    ...(ports.curated ? { curated: ports.curated } : {}),
    remainingMs: ports.remainingMs ?? (() => Number.POSITIVE_INFINITY),
    log: ports.log,
  });
  const run = (read: ReadSource) =>
    prepareRun(
      { reportId: definition.id, periodId: period.id, homeOperator, audiences, generatedAt: ports.now() },
      { ...ports, engine: ports.engineFor(read) },
    );
  let prepared = await run(source.read);
  if (source.curatedState !== undefined && ports.curated) {
    // Nothing stops a Curate from swapping a partition under the queries in S3: if one did, the
    // rows may miss a day, so the run reads the raw feed instead (the same figures, when whole).
    const moved = await curatedMovedSince(ports.curated, range, source.curatedState);
    if (moved) {
      ports.log.warn('curated layer changed under the queries: this run reads the raw feed', { range, reason: moved });
      source = { read: 'raw', staleUnits: [], rebuilt: source.rebuilt, reason: moved };
      prepared = await run('raw');
    }
  }
  const snapshot = {
    ...prepared,
    source: {
      read: source.read,
      ...(source.staleUnits.length > 0 ? { staleUnits: source.staleUnits } : {}),
      ...(source.reason ? { reason: source.reason } : {}),
    },
  };
  const key = snapshotKey(snapshot.reportId, snapshot.periodId, event.startedAt);
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
    source: source.read,
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
    source: source.read,
    resend: event.request.resend === true,
    archiveOnly: event.request.archiveOnly === true,
  };
}
