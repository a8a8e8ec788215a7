// The curated layer changes where the figures are read from, never what they are: every report
// and period of a sample lake gives the same briefing.json (the model the archive writes) with
// and without it, and so does the hand-made lake with requests whose versions are misfiled a
// day off (spread requests, ranked per report window). Also: curate is idempotent, rebuilds
// exactly the units whose raw inputs changed (neighbours included), and never writes the raw lake.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CuratedLayerLockLostError, LOCK_NAME, lockCuratedLayer, OWNER_NAME } from '#adapters/curation/curated-lock.ts';
import { tablesOfUnit } from '#adapters/curation/curation-run.ts';
import { curateLake } from '#adapters/curation/duckdb-curator.ts';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { periodContaining, periodsBetween } from '#core/period.ts';
import { reportDefinitions } from '#core/report-definitions.ts';
import { buildModel, prepareRun } from '#core/report-run.ts';
import { DEFAULT_LAKE_RANGE, generateLake } from '#lakegen/generate-lake.ts';
import { hash, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { type FixtureRow, writePartition } from '../support/lake-writer.ts';

const GENERATED_AT = new Date('2020-01-06T00:00:00Z');
const dirs: string[] = [];
const tempDir = async (label: string) => {
  const dir = await mkdtemp(join(tmpdir(), `mnp-curated-${label}-`));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of dirs) {
    await chmod(dir, 0o755).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

/** Every audience's briefing.json text of one report and period, read raw or curated. */
async function briefingJsons(
  lakeDir: string,
  curatedDir: string | undefined,
  reportId: string,
  periodId: string,
): Promise<Map<string, string>> {
  const engine = await DuckDbEngine.open({ lakeDir, ...(curatedDir ? { curatedDir } : {}) });
  try {
    const snapshot = await prepareRun(
      { reportId, periodId, homeOperator: 'CMCC', generatedAt: GENERATED_AT },
      { engine, inventory: new FsLake(lakeDir) },
    );
    const models = new Map<string, string>();
    for (const audience of snapshot.audiences) {
      for (const locale of ['zh-CN', 'en'] as const)
        models.set(`${audience}/${locale}`, `${JSON.stringify(buildModel(snapshot, audience, locale), null, 2)}\n`);
    }
    return models;
  } finally {
    await engine.close();
  }
}

async function expectSameBriefings(
  lakeDir: string,
  curatedDir: string,
  reportId: string,
  periodId: string,
): Promise<void> {
  const raw = await briefingJsons(lakeDir, undefined, reportId, periodId);
  const curated = await briefingJsons(lakeDir, curatedDir, reportId, periodId);
  expect([...curated.keys()]).toEqual([...raw.keys()]);
  for (const [key, json] of raw) expect(curated.get(key), `${reportId} ${periodId} ${key}`).toBe(json);
}

describe('the sample lake: every report and period, with and without the curated layer', () => {
  let lakeDir: string;
  let curatedDir: string;

  beforeAll(async () => {
    lakeDir = await tempDir('sample');
    await generateLake({ lakeDir, ...DEFAULT_LAKE_RANGE, seed: 20191127, scale: 0.2 });
    curatedDir = join(await tempDir('sample-curated'), 'curated');
    await curateLake({ lakeDir, curatedDir });
  }, 600_000);

  const cases = reportDefinitions.flatMap((definition) =>
    periodsBetween(
      periodContaining(definition.periodKind, DEFAULT_LAKE_RANGE.from),
      periodContaining(definition.periodKind, DEFAULT_LAKE_RANGE.to),
    ).map((period) => [definition.id, period.id] as const),
  );

  it.each(cases)(
    '%s %s: the same briefing.json for every audience',
    async (reportId, periodId) => {
      await expectSameBriefings(lakeDir, curatedDir, reportId, periodId);
    },
    120_000,
  );

  it('the curated tables hold the request states the reports read', async () => {
    expect((await readdir(join(curatedDir, 'port_requests_current'))).length).toBe(214);
    expect((await readdir(join(curatedDir, 'usage_quality'))).length).toBeGreaterThan(0);
  });
});

/** A CMCC -> CUCC port in Guangdong requested Monday 25 Nov 2019 10:00 Beijing, completed the next day. */
function port(id: string, extra: Partial<FixtureRow> = {}): FixtureRow {
  return {
    port_id: id,
    msisdn_hash: hash(`curated-${id}`),
    province_code: '44',
    donor_operator: 'CMCC',
    recipient_operator: 'CUCC',
    status: 'completed',
    reject_reason: null,
    requested_at: '2019-11-25 02:00:00',
    completed_at: '2019-11-26 02:00:00',
    channel: 'online',
    tenure_months: 24,
    plan_code: 'CMCC-58',
    monthly_fee_cny: 58,
    updated_at: '2019-11-26 02:00:00',
    ...extra,
  };
}

describe('requests with versions in neighbouring partitions (the hand-made lake)', () => {
  let lakeDir: string;
  let curatedDir: string;

  beforeAll(async () => {
    lakeDir = await tempDir('spread');
    await writeHandMadeLake(lakeDir);
    // SP1: completed on the 25th; a later cancelled version misfiled under the 24th (Sunday of
    // the week before): left out where a scan reads both days, counted where it reads the 25th only.
    // SP2: a pending version under the 26th and a later completed one misfiled under the 25th.
    await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-25',
      [
        port('SP1'),
        port('SP2', {
          requested_at: '2019-11-26 02:00:00',
          completed_at: '2019-11-27 02:00:00',
          updated_at: '2019-11-27 02:00:00',
        }),
      ],
      { fileName: 'spread.parquet' },
    );
    await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-24',
      [port('SP1', { status: 'cancelled', completed_at: null, updated_at: '2019-11-27 02:00:00' })],
      { fileName: 'spread.parquet' },
    );
    await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-26',
      [
        port('SP2', {
          requested_at: '2019-11-26 02:00:00',
          status: 'pending',
          completed_at: null,
          updated_at: '2019-11-26 03:00:00',
        }),
      ],
      { fileName: 'spread.parquet' },
    );
    curatedDir = join(lakeDir, '_curated');
    await curateLake({ lakeDir, curatedDir });
  }, 120_000);

  it('keeps them whole in port_requests_spread', async () => {
    const spread = await readdir(join(curatedDir, 'port_requests_spread'));
    expect(spread).toEqual(expect.arrayContaining(['dt=2019-11-24', 'dt=2019-11-25', 'dt=2019-11-26']));
  });

  it.each([
    ['hq-weekly', '2019-W48'],
    ['hq-weekly', '2019-W49'],
    ['province-monthly', '2019-11'],
    ['province-monthly', '2019-12'],
  ] as const)(
    '%s %s: the same briefing.json as the raw feed',
    async (reportId, periodId) => {
      await expectSameBriefings(lakeDir, curatedDir, reportId, periodId);
    },
    120_000,
  );
});

describe('curate: idempotent, incremental, never writing the raw lake', () => {
  let lakeDir: string;
  let curatedDir: string;
  const recordTime = async (unit: string) =>
    (await stat(join(curatedDir, '_built_from', 'requests', `${unit}.json`))).mtimeMs;

  beforeAll(async () => {
    lakeDir = await tempDir('incremental');
    await writeHandMadeLake(lakeDir);
    curatedDir = join(await tempDir('incremental-curated'), 'curated');
    await chmod(lakeDir, 0o555); // the lake root is read-only too: the curated layer lives elsewhere
  }, 60_000);

  it('builds every unit once, then finds them all fresh', async () => {
    const first = await curateLake({ lakeDir, curatedDir });
    const rawDays = (await readdir(join(lakeDir, 'port_requests'))).length;
    expect(first.built.requests).toBe(rawDays);
    expect(first.built.exits).toBe((await readdir(join(lakeDir, 'exit_reasons'))).length);
    const second = await curateLake({ lakeDir, curatedDir });
    expect(second.built).toEqual({ requests: 0, exits: 0, usage: 0 });
    expect(second.fresh).toBe(first.built.requests + first.built.exits + first.built.usage);
  }, 120_000);

  it('a changed raw partition rebuilds its own unit; its neighbours a week either side are kept unless their spread requests change', async () => {
    await chmod(lakeDir, 0o755);
    const before = {
      d18: await recordTime('dt=2019-11-18'),
      d19: await recordTime('dt=2019-11-19'),
      d26: await recordTime('dt=2019-11-26'),
      d01: await recordTime('dt=2019-12-01'),
    };
    const late = {
      requested_at: '2019-11-26 02:00:00',
      completed_at: '2019-11-27 02:00:00',
      updated_at: '2019-11-27 02:00:00',
    };
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [port('LATE', late)], { fileName: 'late.parquet' });
    // what a curate killed mid-batch leaves: the next one that builds clears it
    const leftover = join(curatedDir, '.staging', 'port_requests_current', 'dt=2019-11-26');
    await mkdir(leftover, { recursive: true });
    await writeFile(join(leftover, 'data_0.parquet'), 'half-written');
    const summary = await curateLake({ lakeDir, curatedDir });
    expect((await readdir(curatedDir)).filter((name) => name.startsWith('.staging'))).toEqual([]);
    // 11-19..12-03, of which the lake holds 11-19..12-01: 11-26 rebuilt, its 12 neighbours kept
    // (LATE has no version elsewhere), their records renewed
    expect(summary.built).toEqual({ requests: 1, exits: 0, usage: 0 });
    expect(summary.kept).toBe(12);
    expect(await recordTime('dt=2019-11-26')).toBeGreaterThan(before.d26);
    expect(await recordTime('dt=2019-11-19')).toBeGreaterThan(before.d19);
    expect(await recordTime('dt=2019-12-01')).toBeGreaterThan(before.d01);
    expect(await recordTime('dt=2019-11-18')).toBe(before.d18);

    // LATE's cancellation, filed three days later under its own day: 11-29 and 11-26 now hold a
    // spread request; the other neighbours of 11-29 (11-22..12-01) are kept
    await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-29',
      [port('LATE', { ...late, status: 'cancelled', completed_at: null, updated_at: '2019-11-29 02:00:00' })],
      { fileName: 'late.parquet' },
    );
    const spread = await curateLake({ lakeDir, curatedDir });
    expect(spread.built.requests).toBe(2);
    expect(spread.kept).toBe(8);
    const spreadDays = (await readdir(join(curatedDir, 'port_requests_spread'))).sort();
    expect(spreadDays).toEqual(expect.arrayContaining(['dt=2019-11-26', 'dt=2019-11-29']));

    // The cancellation withdrawn: LATE is no longer spread, so 11-26 (which held it as spread)
    // is rebuilt with 11-29; the other neighbours of 11-29 are kept
    await rm(join(lakeDir, 'port_requests', 'dt=2019-11-29', 'late.parquet'));
    const withdrawn = await curateLake({ lakeDir, curatedDir });
    expect(withdrawn.built.requests).toBe(2);
    expect(withdrawn.kept).toBe(8);
    const stillSpread = await readdir(join(curatedDir, 'port_requests_spread')).catch(() => []);
    expect(stillSpread).not.toContain('dt=2019-11-26');
    expect(stillSpread).not.toContain('dt=2019-11-29');
  }, 120_000);

  it('a late exit-answer file rebuilds its day and every later day, nothing before', async () => {
    const exitsRecord = async (day: string) =>
      (await stat(join(curatedDir, '_built_from', 'exits', `dt=${day}.json`))).mtimeMs;
    const before = { d29: await exitsRecord('2019-11-29'), d30: await exitsRecord('2019-11-30') };
    const laterDays = (await readdir(join(lakeDir, 'exit_reasons'))).filter((folder) => folder >= 'dt=2019-11-30');
    await writePartition(
      lakeDir,
      'exit_reasons',
      '2019-11-30',
      [
        {
          response_id: 'LATE-ANSWER',
          port_id: null,
          msisdn_hash: hash('late-answer'),
          province_code: '44',
          operator_code: 'CMCC',
          category_code: 'PRICE',
          subcategory_code: null,
          collected_at: '2019-11-30 02:00:00',
          channel: 'call',
          verbatim: 'fixture verbatim text',
        },
      ],
      { fileName: 'late.parquet' },
    );
    const summary = await curateLake({ lakeDir, curatedDir });
    expect(summary.built).toEqual({ requests: 0, exits: laterDays.length, usage: 0 });
    expect(await exitsRecord('2019-11-30')).toBeGreaterThan(before.d30);
    expect(await exitsRecord('2019-11-29')).toBe(before.d29);
  }, 120_000);

  it('a raw partition gaining _SUCCESS is a change too', async () => {
    const dir = join(lakeDir, 'port_requests', 'dt=2019-11-30');
    await rm(join(dir, '_SUCCESS'), { force: true });
    await curateLake({ lakeDir, curatedDir });
    await writeFile(join(dir, '_SUCCESS'), '');
    const summary = await curateLake({ lakeDir, curatedDir });
    // its own day rebuilt; its neighbours 11-23..12-01 changed in a marker only: kept
    expect(summary.built.requests).toBe(1);
    expect(summary.kept).toBe(8);
  }, 120_000);

  it('a raw file replaced by one of the same size and modification time is a change too', async () => {
    // What rsync -a or tar x does with a corrected file: a new file renamed into place, its time kept.
    const dir = join(lakeDir, 'port_requests', 'dt=2019-11-27');
    const [name] = (await readdir(dir)).filter((file) => file.endsWith('.parquet'));
    const path = join(dir, name!);
    const before = await stat(path);
    await writeFile(`${path}.new`, await readFile(path));
    await utimes(`${path}.new`, before.atimeMs / 1000, before.mtimeMs / 1000);
    await rename(`${path}.new`, path);
    const after = await stat(path);
    expect([after.size, Math.trunc(after.mtimeMs)]).toEqual([before.size, Math.trunc(before.mtimeMs)]);

    const summary = await curateLake({ lakeDir, curatedDir });
    // its own day rebuilt; its neighbours 11-20..12-04 (the lake holds 11 of them, to 12-01) saw a
    // file change, not their spread requests: kept
    expect(summary.built.requests).toBe(1);
    expect(summary.kept).toBe(11);
  }, 120_000);

  it('a curated file deleted or cut short by hand, or a curated table folder removed, rebuilds its units', async () => {
    // Left fresh by their records, the reports would read flows without that day (or none at all).
    const partition = join(curatedDir, 'flows_daily', 'dt=2019-11-27');
    const [file] = await readdir(partition);
    await rm(join(partition, file!));
    const deleted = await curateLake({ lakeDir, curatedDir });
    await writeFile(join(partition, file!), 'cut short');
    const damaged = await curateLake({ lakeDir, curatedDir });
    await rm(join(curatedDir, 'exit_answers_daily'), { recursive: true });
    const exitDays = (await readdir(join(lakeDir, 'exit_reasons'))).length;
    const tableGone = await curateLake({ lakeDir, curatedDir });
    const after = await curateLake({ lakeDir, curatedDir });

    expect(deleted.built).toEqual({ requests: 1, exits: 0, usage: 0 });
    expect(damaged.built).toEqual({ requests: 1, exits: 0, usage: 0 });
    // the exit-answer days that wrote a partition of that table; a day without answers wrote none
    expect(tableGone.built.requests).toBe(0);
    expect(tableGone.built.exits).toBeGreaterThan(0);
    expect(tableGone.built.exits).toBeLessThanOrEqual(exitDays);
    expect(after.built).toEqual({ requests: 0, exits: 0, usage: 0 });
  }, 120_000);

  it('a withdrawn raw partition removes its unit whatever its record and files hold', async () => {
    // Three units of the earliest request days, each in a state a stopped curate or a hand can
    // leave: a curated file missing (record no longer intact), no record at all (a curate
    // stopped between removing it and swapping the partitions), and a record left alone.
    const days = (await readdir(join(curatedDir, 'port_requests_current'))).sort().slice(0, 3);
    const [fileGone, recordGone, intact] = days as [string, string, string];
    const currentOf = (day: string) => join(curatedDir, 'port_requests_current', day);
    /** Whether any curated table of the requests units, or a record, still holds the day. */
    const heldBy = async (day: string) => {
      const folders = tablesOfUnit('requests').map((table) => join(curatedDir, table.name));
      const entries = await Promise.all(folders.map((folder) => readdir(folder).catch(() => [] as string[])));
      const records = await readdir(join(curatedDir, '_built_from', 'requests'));
      return entries.some((names) => names.includes(day)) || records.includes(`${day}.json`);
    };
    expect(await heldBy(fileGone)).toBe(true);
    for (const file of await readdir(currentOf(fileGone))) await rm(join(currentOf(fileGone), file));
    await rm(join(curatedDir, '_built_from', 'requests', `${recordGone}.json`));
    const saved = await tempDir('withdrawn');
    for (const day of days) await rename(join(lakeDir, 'port_requests', day), join(saved, day));

    const withdrawn = await curateLake({ lakeDir, curatedDir });
    const held = await Promise.all(days.map(heldBy));
    const rebuilt = await curateLake({ lakeDir, curatedDir, rebuild: true });
    for (const day of days) await rename(join(saved, day), join(lakeDir, 'port_requests', day));
    const restored = await curateLake({ lakeDir, curatedDir });

    expect(withdrawn.removed).toBe(3);
    expect(held).toEqual([false, false, false]);
    expect(rebuilt.removed).toBe(0);
    expect(restored.built.requests).toBeGreaterThanOrEqual(3);
    for (const day of [fileGone, recordGone, intact]) expect(await heldBy(day), day).toBe(true);
  }, 120_000);

  it('a raw table folder that cannot be read fails the curate, never reads as a table without partitions', async () => {
    // Read as empty, it would remove every curated unit of the table as if its raw days were gone.
    const tableDir = join(lakeDir, 'port_requests');
    await rename(tableDir, `${tableDir}.aside`);
    await writeFile(tableDir, 'not a folder');
    try {
      await expect(curateLake({ lakeDir, curatedDir })).rejects.toThrow(/ENOTDIR/);
    } finally {
      await rm(tableDir);
      await rename(`${tableDir}.aside`, tableDir);
    }
    const summary = await curateLake({ lakeDir, curatedDir });
    expect(summary.removed).toBe(0);
    expect(summary.built).toEqual({ requests: 0, exits: 0, usage: 0 });
  }, 120_000);
});

describe('a curate stopped long enough for another writer to take its lock over (Ctrl-Z, a suspended machine)', () => {
  it('writes nothing more, leaves the new writer’s staging and lock alone, and the next curate completes the layer', async () => {
    const lakeDir = await tempDir('takeover');
    await writeHandMadeLake(lakeDir);
    const curatedDir = join(await tempDir('takeover-curated'), 'curated');
    const timing = { staleMs: 2_000, refreshMs: 1_000 };
    const stopped = await lockCuratedLayer(curatedDir, { waitMs: 0, timing });
    const theirStaging = join(curatedDir, '.staging-theirs', 'flows_daily', 'dt=2019-11-20');
    const takeOver = () => {
      // what a new holder (another process) does once the lock went stale while this one was
      // stopped: it takes the lock folder over as its own, then writes its token and stages
      writeFileSync(join(curatedDir, OWNER_NAME), 'the-new-holder');
      mkdirSync(theirStaging, { recursive: true });
      writeFileSync(join(theirStaging, 'data_0.parquet'), 'theirs');
    };

    const interrupted = curateLake({
      lakeDir,
      curatedDir,
      batchDays: 1,
      lock: { held: stopped },
      onProgress: (event) => {
        if (event.done === 1) takeOver();
      },
    });

    await expect(interrupted).rejects.toThrow(CuratedLayerLockLostError);
    await expect(interrupted).rejects.toThrow(/taken over by another curate or run/);
    const records = (await readdir(join(curatedDir, '_built_from'), { recursive: true })).filter((name) =>
      name.endsWith('.json'),
    );
    expect(records).toHaveLength(1);
    expect(await readFile(join(theirStaging, 'data_0.parquet'), 'utf8')).toBe('theirs');
    await stopped.release();
    expect((await stat(join(curatedDir, LOCK_NAME))).isDirectory()).toBe(true); // not the stopped one's to remove
    // the new holder (another process: proper-lockfile keeps one lock per path in a process) lets go
    await rm(join(curatedDir, LOCK_NAME), { recursive: true });
    await rm(join(curatedDir, OWNER_NAME));

    const next = await curateLake({ lakeDir, curatedDir });
    expect(next.built.requests).toBe((await readdir(join(lakeDir, 'port_requests'))).length - 1);
    expect((await readdir(curatedDir)).filter((name) => name.startsWith('.staging'))).toEqual([]);
    expect((await curateLake({ lakeDir, curatedDir })).built).toEqual({ requests: 0, exits: 0, usage: 0 });
    await expectSameBriefings(lakeDir, curatedDir, 'hq-weekly', '2019-W48');
  }, 120_000);
});
