// The record of runs, kept in the archive next to the reports (runs/<report>/<period>/status.json)
// so that operations can see what ran, what is held for incomplete data, and what failed, in
// the same place locally and in AWS.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import type { ReportStore } from './ports.ts';

const runStatusSchema = z.object({
  reportId: z.string(),
  periodId: z.string(),
  state: z.enum(['held', 'archived', 'delivered', 'delivery-failed', 'failed']),
  updatedAt: z.string(),
  firstAttemptAt: z.string(),
  attempts: z.int().check(z.minimum(1)),
  partitionsMissing: z.array(z.string()),
  audiences: z.array(z.string()),
  message: z.optional(z.string()),
});

export type RunStatus = z.infer<typeof runStatusSchema>;
export type RunState = RunStatus['state'];

export function runStatusKey(reportId: string, periodId: string): string {
  return `runs/${reportId}/${periodId}/status.json`;
}

export async function readRunStatus(store: ReportStore, reportId: string, periodId: string): Promise<RunStatus | undefined> {
  const body = await store.get(runStatusKey(reportId, periodId));
  return body === undefined ? undefined : runStatusSchema.parse(JSON.parse(new TextDecoder().decode(body)));
}

/** Records the outcome of an attempt, keeping the time of the first attempt and counting attempts. */
export async function recordRunStatus(
  store: ReportStore,
  update: Omit<RunStatus, 'firstAttemptAt' | 'attempts' | 'updatedAt'>,
  now: Date,
): Promise<RunStatus> {
  const previous = await readRunStatus(store, update.reportId, update.periodId);
  const status: RunStatus = {
    ...update,
    updatedAt: now.toISOString(),
    firstAttemptAt: previous?.firstAttemptAt ?? now.toISOString(),
    attempts: (previous?.attempts ?? 0) + 1,
  };
  await store.put(runStatusKey(update.reportId, update.periodId), `${JSON.stringify(status, null, 2)}\n`, 'application/json');
  return status;
}

export async function listRunStatuses(store: ReportStore, filter: { reportId?: string; periodId?: string } = {}): Promise<RunStatus[]> {
  const keys = (await store.list(filter.reportId ? `runs/${filter.reportId}/` : 'runs/')).filter((key) => key.endsWith('/status.json'));
  const statuses = await Promise.all(keys.map(async (key) => runStatusSchema.parse(JSON.parse(new TextDecoder().decode((await store.get(key))!)))));
  return statuses.filter((status) => !filter.periodId || status.periodId === filter.periodId);
}
