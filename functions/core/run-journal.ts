// The record of runs, kept in the archive next to the reports (runs/<report>/<period>/status.json)
// so that operations can see what ran, what is held for incomplete data, and what failed, in
// the same place locally and in AWS.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import { ArchiveError } from './errors.ts';
import { parseJsonText } from './json-text.ts';
import type { ReportStore } from './ports.ts';

const runStateSchema = z.enum(['held', 'archived', 'delivered', 'delivery-failed', 'failed']);

/** One attempt as the history keeps it: when, what it ended in, for which audiences, and why. */
const attemptSchema = z.object({
  at: z.string(),
  state: runStateSchema,
  audiences: z.array(z.string()),
  partitionsMissing: z.int().check(z.minimum(0)),
  message: z.optional(z.string()),
});

/** Attempts kept in the history, newest last: a report held for two days retried hourly fits. */
export const HISTORY_LIMIT = 100;

const runStatusSchema = z.object({
  reportId: z.string(),
  periodId: z.string(),
  state: runStateSchema,
  updatedAt: z.string(),
  firstAttemptAt: z.string(),
  attempts: z.int().check(z.minimum(1)),
  partitionsMissing: z.array(z.string()),
  /** Every audience any attempt ran for: a rerun of one province does not narrow it. */
  audiences: z.array(z.string()),
  message: z.optional(z.string()),
  /** The run of the last attempt: a local run id or a Step Functions execution name. */
  runId: z.optional(z.string()),
  /** Every correction sent for the period, oldest first: when, why, by which run, to whom. */
  corrections: z.optional(
    z.array(z.object({ at: z.string(), reason: z.string(), runId: z.string(), audiences: z.array(z.string()) })),
  ),
  /**
   * A run whose delivery started and has not recorded how it ended: still sending, or stopped
   * (killed, the machine gone). Its end, when it comes, replaces that attempt.
   */
  openRunId: z.optional(z.string()),
  /** Written since the history was kept; a status from before starts it empty. */
  history: z._default(z.array(attemptSchema), []),
});

export type CorrectionEntry = NonNullable<RunStatus['corrections']>[number];

export type RunStatus = z.infer<typeof runStatusSchema>;
export type RunState = RunStatus['state'];

export function runStatusKey(reportId: string, periodId: string): string {
  return `runs/${reportId}/${periodId}/status.json`;
}

export async function readRunStatus(
  store: ReportStore,
  reportId: string,
  periodId: string,
): Promise<RunStatus | undefined> {
  const key = runStatusKey(reportId, periodId);
  const body = await store.get(key);
  return body === undefined ? undefined : decodeRunStatus(body, store.locate(key));
}

/** A journal file as a run status, or an error naming it (cut short by a crash, edited by hand). */
function decodeRunStatus(body: Uint8Array, where: string): RunStatus {
  const text = new TextDecoder().decode(body);
  const unreadable = (why: string) =>
    new ArchiveError(
      `the run journal ${where} is unreadable (${why}): move it aside (the period's journal starts again; the ledger and the sent archive still say what went out) and run again`,
    );
  const json = parseJsonText(text);
  if (!json.ok) throw unreadable(json.problem);
  const parsed = runStatusSchema.safeParse(json.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw unreadable(issue ? `${issue.path.join('.') || 'the file'}: ${issue.message}` : 'not a run status');
  }
  return parsed.data;
}

/**
 * Records the outcome of an attempt: the latest state on top, the time of the first attempt,
 * the count, the union of the audiences run so far, and the attempt appended to the history.
 * `open`: the run is about to send and records that first (openRunId); the same run's next
 * record takes that attempt's place, so a run counts once.
 */
export async function recordRunStatus(
  store: ReportStore,
  update: Omit<RunStatus, 'firstAttemptAt' | 'attempts' | 'updatedAt' | 'history' | 'corrections' | 'openRunId'> & {
    readonly correction?: CorrectionEntry;
  },
  now: Date,
  options: { readonly open?: boolean } = {},
): Promise<RunStatus> {
  const previous = await readRunStatus(store, update.reportId, update.periodId);
  const closing = previous?.openRunId !== undefined && previous.openRunId === update.runId;
  const earlier = closing ? previous.history.slice(0, -1) : (previous?.history ?? []);
  const { correction, ...fields } = update;
  const corrections = [...(previous?.corrections ?? []), ...(correction ? [correction] : [])];
  const attempt = {
    at: now.toISOString(),
    state: fields.state,
    audiences: [...fields.audiences],
    partitionsMissing: fields.partitionsMissing.length,
    ...(fields.message ? { message: fields.message } : {}),
  };
  const status: RunStatus = {
    ...fields,
    ...(corrections.length > 0 ? { corrections } : {}),
    ...(options.open && fields.runId ? { openRunId: fields.runId } : {}),
    audiences: [...new Set([...(previous?.audiences ?? []), ...fields.audiences])].sort(),
    updatedAt: now.toISOString(),
    firstAttemptAt: previous?.firstAttemptAt ?? now.toISOString(),
    attempts: (previous?.attempts ?? 0) + (closing ? 0 : 1),
    history: [...earlier, attempt].slice(-HISTORY_LIMIT),
  };
  await store.put(
    runStatusKey(update.reportId, update.periodId),
    `${JSON.stringify(status, null, 2)}\n`,
    'application/json',
  );
  return status;
}

export type RunAttempt = RunStatus['history'][number];

/**
 * The last attempt that delivered (to some or all of its recipients): what the readers hold came
 * from it, whatever the attempts after it did (a rerun held or failed sends nothing).
 */
export function lastDeliveringAttempt(status: RunStatus): RunAttempt | undefined {
  return status.history
    .filter((attempt) => attempt.state === 'delivered' || attempt.state === 'delivery-failed')
    .at(-1);
}

export async function listRunStatuses(
  store: ReportStore,
  filter: { reportId?: string; periodId?: string } = {},
): Promise<RunStatus[]> {
  const keys = (await store.list(filter.reportId ? `runs/${filter.reportId}/` : 'runs/')).filter((key) =>
    key.endsWith('/status.json'),
  );
  const statuses = await Promise.all(
    keys.map(async (key) => decodeRunStatus((await store.get(key))!, store.locate(key))),
  );
  return statuses.filter((status) => !filter.periodId || status.periodId === filter.periodId);
}
