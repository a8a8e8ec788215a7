// The correction lineage of a period, for `status`: what went out first and each correction
// after it, when, why and by which run, from the archive's sent versions (#core/sent-archive.ts).
import type { ReportStore } from '#core/ports.ts';
import { correctionLineage, type LineageEntry } from '#core/sent-archive.ts';

function audiencesText(audiences: readonly string[]): string {
  return audiences.length > 4 ? `${audiences.length} audiences` : audiences.join(', ');
}

export function lineageLine(reportId: string, periodId: string, entry: LineageEntry): string {
  const what = entry.correction ? `corrected (v${entry.version})` : `sent (v${entry.version})`;
  const banner = entry.dataIncomplete ? ' with the data-incomplete banner' : '';
  const why = entry.correction ? `, why: ${entry.reason ?? '(no reason recorded)'}` : '';
  const again =
    entry.completedAgain > 0
      ? `, ${entry.completedAgain} of them again, flagged as possible duplicates (a run that stopped mid-send may have reached them)`
      : '';
  const later =
    entry.completedFor > 0 ? `; later to ${entry.completedFor} more recipient(s) who lacked it${again}` : '';
  return `${reportId} ${periodId} ${what} ${entry.sentAt.replace(/\.\d{3}Z$/, 'Z')}${banner} to ${audiencesText(entry.audiences)} (${entry.recipients} recipient(s)) by run ${entry.runId}${why}${later}`;
}

/** The lineage of each (report, period) as lines, and as data for --json. */
export async function lineageOfRuns(
  store: ReportStore,
  runs: readonly { readonly reportId: string; readonly periodId: string; readonly audiences: readonly string[] }[],
): Promise<{ lines: string[]; byRun: Record<string, LineageEntry[]> }> {
  const lines: string[] = [];
  const byRun: Record<string, LineageEntry[]> = {};
  for (const run of runs) {
    const lineage = await correctionLineage(store, run.reportId, run.periodId, run.audiences);
    byRun[`${run.reportId} ${run.periodId}`] = lineage;
    for (const entry of lineage) lines.push(lineageLine(run.reportId, run.periodId, entry));
  }
  return { lines, byRun };
}
