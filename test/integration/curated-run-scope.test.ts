// A report's run curates what is stale of the partitions its plan reads, before its queries, and
// nothing else: the check before each run costs what the run reads, not the lake's history
// (the three-year lake's weekly run takes what the one-year lake's does). What lies outside
// stays stale until `curate` or a run that reads it; the run's figures are the raw feed's.
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedCuratedDir, curatedDirOf } from '#adapters/curation/curated-location.ts';
import { curateLake } from '#adapters/curation/duckdb-curator.ts';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { openLocalRuntime } from '#cli/local-runtime.ts';
import { curatedRangeOf } from '#core/curation.ts';
import { parsePeriod } from '#core/period.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { buildModel, prepareRun, type RunRequest } from '#core/report-run.ts';
import { hash, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { completedPortOn } from '../support/fixture-rows.ts';
import { writePartition } from '../support/lake-writer.ts';

const REQUEST: RunRequest = {
  reportId: 'hq-weekly',
  periodId: '2019-W48',
  homeOperator: 'CMCC',
  generatedAt: new Date('2019-12-02T01:00:00Z'),
};
const OUTSIDE_DAY = '2019-06-03';
const INSIDE_DAY = '2019-11-26';

/** A completed port of its own number, apart from the hand-made lake's. */
const port = (id: string, day: string) => completedPortOn(id, day, { msisdn_hash: hash(`scope-${id}`) });

/** The week's model as a local run makes it (its check first, then the curated layer), as JSON. */
async function localRunModel(lakeDir: string): Promise<string> {
  const runtime = await openLocalRuntime({ lakeDir, outDir: join(lakeDir, '..', 'unused-out'), logSink: () => {} });
  try {
    return JSON.stringify(buildModel(await prepareRun(REQUEST, runtime), 'hq', 'en'));
  } finally {
    await runtime.close();
  }
}

/** The week's model from the raw feed (no curated layer), as JSON. */
async function rawFeedModel(lakeDir: string): Promise<string> {
  const rawEngine = await DuckDbEngine.open({ lakeDir });
  try {
    return JSON.stringify(
      buildModel(await prepareRun(REQUEST, { engine: rawEngine, inventory: new FsLake(lakeDir) }), 'hq', 'en'),
    );
  } finally {
    await rawEngine.close();
  }
}

describe('the check before a run', () => {
  let lakeDir: string;
  let curatedDir: string;
  const recordTime = async (day: string) =>
    (await stat(join(curatedDir, '_built_from', 'requests', `dt=${day}.json`))).mtimeMs;

  beforeAll(async () => {
    lakeDir = await mkdtemp(join(tmpdir(), 'mnp-run-scope-'));
    await writeHandMadeLake(lakeDir);
    await writePartition(lakeDir, 'port_requests', OUTSIDE_DAY, [port('EARLY', OUTSIDE_DAY)]);
    curatedDir = await curatedDirOf(lakeDir);
    await curateLake({ lakeDir, curatedDir });
  }, 120_000);
  afterAll(() => rm(lakeDir, { recursive: true, force: true }));

  it('reads a day outside the week, a day inside it', () => {
    const range = curatedRangeOf(planQueries(parsePeriod(REQUEST.periodId), reportDefinition('hq-weekly').trend));
    expect(OUTSIDE_DAY < range.from).toBe(true);
    expect(INSIDE_DAY >= range.from && INSIDE_DAY <= range.to).toBe(true);
  });

  it('rebuilds the stale units the run reads, leaves the others, and gives the raw feed figures', async () => {
    const before = { outside: await recordTime(OUTSIDE_DAY), inside: await recordTime(INSIDE_DAY) };
    await writePartition(lakeDir, 'port_requests', OUTSIDE_DAY, [port('EARLY-LATE', OUTSIDE_DAY)], {
      fileName: 'late.parquet',
    });
    await writePartition(lakeDir, 'port_requests', INSIDE_DAY, [port('INSIDE-LATE', INSIDE_DAY)], {
      fileName: 'late.parquet',
    });

    const curated = await localRunModel(lakeDir);

    expect(await recordTime(INSIDE_DAY)).toBeGreaterThan(before.inside);
    expect(await recordTime(OUTSIDE_DAY)).toBe(before.outside);
    expect(curated).toBe(await rawFeedModel(lakeDir));
    // What the run left stale, `curate` builds: the day outside the week alone (it has no neighbours).
    const summary = await curateLake({ lakeDir, curatedDir });
    expect(summary.built).toEqual({ requests: 1, exits: 0, usage: 0 });
    expect(await recordTime(OUTSIDE_DAY)).toBeGreaterThan(before.outside);
  }, 120_000);
});

describe('a lake that cannot hold its curated layer', () => {
  let lakeDir: string;
  let cacheHome: string;
  const cacheBefore = process.env.XDG_CACHE_HOME;

  beforeAll(async () => {
    lakeDir = await mkdtemp(join(tmpdir(), 'mnp-run-scope-blocked-'));
    cacheHome = await mkdtemp(join(tmpdir(), 'mnp-cache-'));
    process.env.XDG_CACHE_HOME = cacheHome;
    await writeHandMadeLake(lakeDir);
    // What a read-only lake does to mkdir, whoever runs it (root writes through chmod): _curated cannot be a folder.
    await writeFile(join(lakeDir, '_curated'), 'not a folder');
  }, 120_000);
  afterAll(async () => {
    if (cacheBefore === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = cacheBefore;
    await rm(lakeDir, { recursive: true, force: true });
    await rm(cacheHome, { recursive: true, force: true });
  });

  it('curates into the user cache, where the runs find it, with the raw feed figures', async () => {
    const curatedDir = await curatedDirOf(lakeDir);
    expect(curatedDir).toBe(cachedCuratedDir(lakeDir));
    expect(curatedDir.startsWith(cacheHome)).toBe(true);

    const curated = await localRunModel(lakeDir);
    // the run's check built the week's units there; `curate` then finds them fresh
    expect((await readdir(join(curatedDir, '_built_from', 'requests'))).length).toBeGreaterThan(0);
    const summary = await curateLake({ lakeDir, curatedDir });
    expect(summary.fresh).toBeGreaterThan(0);
    expect(curated).toBe(await rawFeedModel(lakeDir));
  }, 120_000);
});
