// The run journal's open attempt: a run about to send records that first (recordRunStatus with
// open), and its own next record takes that attempt's place; another run's record does not.
import { describe, expect, it } from 'vitest';
import { recordRunStatus } from '#core/run-journal.ts';
import { MemoryStore } from './delivery-fixtures.ts';

const base = { reportId: 'hq-weekly', periodId: '2019-W48', partitionsMissing: [] as string[], audiences: ['hq'] };
const at = (minute: number) => new Date(Date.UTC(2019, 11, 2, 1, minute));

describe('an attempt opened before a delivery', () => {
  it('is replaced by the same run’s end: one run, one attempt', async () => {
    const store = new MemoryStore();
    await recordRunStatus(store, { ...base, state: 'archived', runId: 'run-a', message: 'delivery started' }, at(0), {
      open: true,
    });

    const ended = await recordRunStatus(store, { ...base, state: 'failed', runId: 'run-a' }, at(1));

    expect(ended).toMatchObject({ state: 'failed', attempts: 1, firstAttemptAt: at(0).toISOString() });
    expect(ended.openRunId).toBeUndefined();
    expect(ended.history.map((attempt) => attempt.state)).toEqual(['failed']);
  });

  it('stays in the history when the run never ended: the next run is an attempt of its own', async () => {
    const store = new MemoryStore();
    await recordRunStatus(store, { ...base, state: 'archived', runId: 'run-a', message: 'delivery started' }, at(0), {
      open: true,
    });

    const next = await recordRunStatus(store, { ...base, state: 'delivered', runId: 'run-b' }, at(30));

    expect(next).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(next.history.map((attempt) => [attempt.state, attempt.message ?? ''])).toEqual([
      ['archived', 'delivery started'],
      ['delivered', ''],
    ]);
  });
});
