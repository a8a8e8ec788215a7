// Where a run keeps its state in the archive bucket, beside the rendered reports:
//   runs/<report>/<period>/snapshots/<execution start>.json  the RunSnapshot that Prepare stores
//                                        for its execution's Deliver steps (one per execution: an
//                                        operator's rerun of one province must not change the
//                                        figures or audiences of the scheduled run still delivering)
//   runs/<report>/<period>/status.json    the run journal (#core/run-journal.ts)
export { runStatusKey as statusKey } from '#core/run-journal.ts';

export const RUNS_PREFIX = 'runs/';

export function snapshotKey(reportId: string, periodId: string, startedAt: string): string {
  return `${RUNS_PREFIX}${reportId}/${periodId}/snapshots/${startedAt.replace(/[:.]/g, '-')}.json`;
}
