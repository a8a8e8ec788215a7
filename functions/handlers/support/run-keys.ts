// Where a run keeps its state in the archive bucket, beside the rendered reports:
//   runs/<report>/<period>/snapshot.json  the RunSnapshot that Prepare stores for Deliver
//   runs/<report>/<period>/status.json    the run journal (#core/run-journal.ts)
export { runStatusKey as statusKey } from '#core/run-journal.ts';

export const RUNS_PREFIX = 'runs/';

export function snapshotKey(reportId: string, periodId: string): string {
  return `${RUNS_PREFIX}${reportId}/${periodId}/snapshot.json`;
}
