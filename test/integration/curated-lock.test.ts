// One writer at a time on a local curated layer, and none under a run's queries: a curate swaps
// a partition by removing it and renaming the new one in, and a run listing the layer in between
// would miss that day silently. `curate` waits for the lock; a run holds it from its first check
// to its end.
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CuratedLayerBusyError,
  CuratedLayerLockLostError,
  LOCK_NAME,
  lockCuratedLayer,
  OWNER_NAME,
} from '#adapters/curation/curated-lock.ts';
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

  it('a run whose lock another writer took over while it was stopped reads nothing more from the layer', async () => {
    // the takeover lands between the run's check and its first query: what a Ctrl-Z there allows
    let takenOver = false;
    const lines: string[] = [];
    const takeOver = (line: string) => {
      lines.push(line);
      if (takenOver || !line.includes('curated layer up to date')) return;
      writeFileSync(join(curatedDir, OWNER_NAME), 'the-new-holder');
      takenOver = true;
    };
    const runtime = await openLocalRuntime({
      lakeDir,
      outDir: join(lakeDir, '..', 'unused-out'),
      verbose: true,
      logSink: takeOver,
    });
    try {
      const run = prepareRun(
        { reportId: 'hq-weekly', periodId: '2019-W48', homeOperator: 'CMCC', generatedAt: new Date('2019-12-02') },
        runtime,
      );
      await expect(run).rejects.toThrow(CuratedLayerLockLostError);
      // the new holder lets go; the run's next report takes the lock again
      await rm(join(curatedDir, LOCK_NAME), { recursive: true });
      await rm(join(curatedDir, OWNER_NAME));
      await prepareRun(
        { reportId: 'hq-weekly', periodId: '2019-W47', homeOperator: 'CMCC', generatedAt: new Date('2019-11-25') },
        runtime,
      );
      expect(lines.filter((line) => line.includes('curated layer up to date'))).toHaveLength(2);
      expect(lines.filter((line) => line.includes('reads the raw feed'))).toEqual([]);
    } finally {
      await rm(join(curatedDir, OWNER_NAME), { force: true });
      await runtime.close();
    }
  }, 60_000);
});
