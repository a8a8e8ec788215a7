// One writer at a time on a local curated layer, and none under a run's queries: a curate swaps
// a partition by removing it and renaming the new one in, and a run listing the layer in between
// would miss that day silently. `curate` waits for the lock; a run holds it from its first check
// to its end.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CuratedLayerBusyError, lockCuratedLayer } from '#adapters/curation/curated-lock.ts';
import { curateLake } from '#adapters/curation/duckdb-curator.ts';
import { openLocalRuntime } from '#cli/local-runtime.ts';
import { prepareRun } from '#core/report-run.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';

describe('the curated layer lock', () => {
  let lakeDir: string;
  let curatedDir: string;

  beforeAll(async () => {
    lakeDir = await mkdtemp(join(tmpdir(), 'mnp-curated-lock-'));
    await writeHandMadeLake(lakeDir);
    curatedDir = join(lakeDir, '_curated');
  }, 60_000);
  afterAll(() => rm(lakeDir, { recursive: true, force: true }));

  it('lets one holder in at a time; the next waits, then gives up with an error naming the layer', async () => {
    const first = await lockCuratedLayer(curatedDir, { waitMs: 0 });
    let waits = 0;
    const second = lockCuratedLayer(curatedDir, { waitMs: 600, onWait: () => (waits += 1) });
    await expect(second).rejects.toThrow(CuratedLayerBusyError);
    await expect(second).rejects.toThrow(/curated layer at .*_curated is held by another curate or run/);
    expect(waits).toBe(1);
    await first.release();
    const third = await lockCuratedLayer(curatedDir, { waitMs: 0 });
    await third.release();
  });

  it('curate waits for the holder and builds once it lets go', async () => {
    const held = await lockCuratedLayer(curatedDir, { waitMs: 0 });
    let waited = false;
    const curating = curateLake({ lakeDir, curatedDir, lock: { waitMs: 60_000, onWait: () => (waited = true) } });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(waited).toBe(true);
    await held.release();
    const summary = await curating;
    expect(summary.built.requests).toBeGreaterThan(0);
  }, 60_000);

  it('a run holds it from its check to its end: a curate in between finds it held', async () => {
    const runtime = await openLocalRuntime({ lakeDir, outDir: join(lakeDir, '..', 'unused-out'), logSink: () => {} });
    try {
      await prepareRun(
        { reportId: 'hq-weekly', periodId: '2019-W48', homeOperator: 'CMCC', generatedAt: new Date('2019-12-02') },
        runtime,
      );
      await expect(curateLake({ lakeDir, curatedDir, lock: { waitMs: 300 } })).rejects.toThrow(CuratedLayerBusyError);
    } finally {
      await runtime.close();
    }
    const after = await curateLake({ lakeDir, curatedDir, lock: { waitMs: 0 } });
    expect(after.built).toEqual({ requests: 0, exits: 0, usage: 0 });
  }, 60_000);
});
