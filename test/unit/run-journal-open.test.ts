// The run journal's open attempt: a run about to send records that first (recordRunStatus with
// open), and its own next record takes that attempt's place; another run's record does not.
import { describe, expect, it } from 'vitest';
import { ArchiveError } from '#core/errors.ts';
import { listRunStatuses, readRunStatus, recordRunStatus, runStatusKey } from '#core/run-journal.ts';
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

describe('a damaged journal file', () => {
  it('is named, with what is wrong and what to do, whether empty or of another shape', async () => {
    const store = new MemoryStore();
    const key = runStatusKey('hq-weekly', '2019-W48');

    await store.put(key, '');
    await expect(readRunStatus(store, 'hq-weekly', '2019-W48')).rejects.toThrow(
      new RegExp(`the run journal .*${key} is unreadable \\(empty\\): move it aside`),
    );
    await store.put(key, '{"reportId":"hq-weekly","state":"sent"}');
    await expect(listRunStatuses(store)).rejects.toThrow(ArchiveError);
    await expect(listRunStatuses(store)).rejects.toThrow(/status\.json is unreadable \(\w+: /);
  });
});
