// Bad input in the lake: schema drift, odd files, empty and tiny periods, codes never seen
// before. Each gives a correct report or a clear error naming the file and column; never a crash.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { curateLake } from '#adapters/curation/duckdb-curator.ts';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake, strayPartitionFolders } from '#adapters/lake/fs-lake.ts';
import { LakeError } from '#core/errors.ts';
import type { HqWeeklyBriefing } from '#core/report-model.ts';
import { buildModel, prepareRun } from '#core/report-run.ts';
import { hash } from '../fixtures/hand-made-lake.ts';
import { exitAnswerOn } from '../support/fixture-rows.ts';
import { type FixtureRow, writePartition } from '../support/lake-writer.ts';

let lakeDir: string;

beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'mnp-bad-lake-'));
});

afterEach(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

function completedPort(id: string, extra: Partial<FixtureRow> = {}): FixtureRow {
  return {
    port_id: id,
    msisdn_hash: hash(id),
    province_code: '44',
    donor_operator: 'CMCC',
    recipient_operator: 'CTCC',
    status: 'completed',
    reject_reason: null,
    requested_at: '2019-11-26 01:00:00',
    completed_at: '2019-11-27 01:00:00',
    channel: 'app',
    tenure_months: 12,
    plan_code: 'CMCC-58',
    monthly_fee_cny: 58,
    updated_at: '2019-11-27 01:00:00',
    ...extra,
  };
}

/** An exit answer collected on 2019-11-26 (Beijing), at CMCC in province 44. */
function exitAnswer(id: string, category_code: string, subcategory_code: string | null = null): FixtureRow {
  return exitAnswerOn(id, '2019-11-26', { category_code, subcategory_code });
}

async function columnsOf(file: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
  const names = reader.getRowObjectsJson().map((row) => String(row['column_name']));
  connection.closeSync();
  instance.closeSync();
  return names;
}

async function weekBriefing(curatedDir?: string): Promise<HqWeeklyBriefing> {
  const engine = await DuckDbEngine.open({ lakeDir, ...(curatedDir ? { curatedDir } : {}) });
  try {
    const snapshot = await prepareRun(
      {
        reportId: 'hq-weekly',
        periodId: '2019-W48',
        homeOperator: 'CMCC',
        generatedAt: new Date('2019-12-02T00:00:00Z'),
      },
      { engine, inventory: new FsLake(lakeDir) },
    );
    return buildModel(snapshot, 'hq', 'en') as HqWeeklyBriefing;
  } finally {
    await engine.close();
  }
}

describe('schema drift', () => {
  it('reads a missing required column as null and quarantines those rows as missing_key', async () => {
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('A')]);
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('B')], {
      fileName: 'part-1.parquet',
      columnTypes: { channel: null },
    });
    const briefing = await weekBriefing();
    expect(briefing.flows.totalCompleted).toBe(1);
    expect(briefing.dataQuality.quarantined.find((entry) => entry.reason === 'missing_key')?.count).toBe(1);
  });

  it('ignores an extra column', async () => {
    const file = await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-26',
      [{ ...completedPort('A'), loader_batch: 'x' }],
      { columnTypes: { loader_batch: 'VARCHAR' } },
    );
    expect(await columnsOf(file)).toContain('loader_batch');
    const briefing = await weekBriefing();
    expect(briefing.flows.totalCompleted).toBe(1);
  });

  it('ignores a column named like the partition column whatever its type; the folder gives the day', async () => {
    // DuckDB let such a column's statistics reach the partition value: a DATE dt column in the
    // files failed the raw data-quality query with an internal error (the curated path passed)
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [{ ...completedPort('A'), dt: '2019-11-26' }], {
      columnTypes: { dt: 'DATE' },
    });
    await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-27',
      [
        {
          ...completedPort('B', {
            requested_at: '2019-11-27 02:00:00',
            completed_at: '2019-11-27 05:00:00',
            updated_at: '2019-11-27 05:00:00',
          }),
          dt: '2019-11-27',
        },
      ],
      { columnTypes: { dt: 'DATE' } },
    );
    const raw = await weekBriefing();
    expect(raw.flows.totalCompleted).toBe(2);
    expect(raw.dataQuality.quarantinedTotal).toBe(0);
    const curatedDir = join(lakeDir, '..', 'curated-dt-column');
    await curateLake({ lakeDir, curatedDir });
    expect(await weekBriefing(curatedDir)).toEqual({ ...raw, generatedAt: expect.any(String) });
  });

  it('stops with an error naming the file when a contract column is written twice (names differing in case)', async () => {
    // DuckDB would read the second as province_code_1 and bind the first: which one holds the value?
    const file = await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-26',
      [{ ...completedPort('A', { province_code: '11' }), province_codx: '44' }],
      { columnTypes: { province_codx: 'VARCHAR' } },
    );
    // no writer here writes two such names: rename the extra one in place, byte for byte (same length)
    const bytes = await readFile(file);
    await writeFile(file, Buffer.from(bytes.toString('latin1').replaceAll('province_codx', 'PROVINCE_CODE'), 'latin1'));
    expect(await columnsOf(file)).toEqual(expect.arrayContaining(['province_code', 'PROVINCE_CODE_1']));

    const failure = weekBriefing();
    await expect(failure).rejects.toBeInstanceOf(LakeError);
    await expect(failure).rejects.toThrow(`${file}: column province_code is written more than once`);
  });

  it('stops with an error naming the file and the column when a column has the wrong type', async () => {
    const file = await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-26',
      [completedPort('A', { tenure_months: 'twelve' })],
      { columnTypes: { tenure_months: 'VARCHAR' } },
    );
    const failure = weekBriefing();
    await expect(failure).rejects.toBeInstanceOf(LakeError);
    await expect(failure).rejects.toThrow(`${file}: column tenure_months is VARCHAR, the data contract says integer`);
  });

  it('quarantines a number its contract type cannot hold as missing_key, raw and curated alike', async () => {
    // Wider types are read (int64 for int32, decimal(18,4) or double for decimal(10,2)); a value
    // that does not fit the contract's type cannot be read as one, so its row has no such key.
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('A')]);
    await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-26',
      [completedPort('B', { tenure_months: 3_000_000_000 })],
      {
        fileName: 'part-tenure.parquet',
        columnTypes: { tenure_months: 'BIGINT' },
      },
    );
    await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-26',
      [completedPort('C', { monthly_fee_cny: 123456789.5 })],
      {
        fileName: 'part-fee.parquet',
        columnTypes: { monthly_fee_cny: 'DECIMAL(18,4)' },
      },
    );
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('D', { monthly_fee_cny: 'NaN' })], {
      fileName: 'part-nan.parquet',
      columnTypes: { monthly_fee_cny: 'DOUBLE' },
    });
    const curatedDir = join(lakeDir, '_curated');
    await curateLake({ lakeDir, curatedDir });
    for (const briefing of [await weekBriefing(), await weekBriefing(curatedDir)]) {
      expect(briefing.flows.totalCompleted).toBe(1);
      expect(briefing.dataQuality.quarantinedTotal).toBe(3);
      expect(briefing.dataQuality.quarantined).toContainEqual({ reason: 'missing_key', count: 3 });
    }
  });

  it('keeps a negative fee negative when read at two decimals, so its row is quarantined, raw and curated alike', async () => {
    // -0.004 in a decimal(12,4) file (a wider type, which is read) rounded to 0.00: a clean row
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('A')]);
    await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-26',
      [completedPort('B', { monthly_fee_cny: -0.004 }), completedPort('C', { monthly_fee_cny: 0.004 })],
      { fileName: 'part-fen.parquet', columnTypes: { monthly_fee_cny: 'DECIMAL(12,4)' } },
    );
    const curatedDir = join(lakeDir, '_curated');
    await curateLake({ lakeDir, curatedDir });
    for (const briefing of [await weekBriefing(), await weekBriefing(curatedDir)]) {
      expect(briefing.flows.totalCompleted).toBe(2); // A, and C at 0.00
      expect(briefing.dataQuality.quarantined).toContainEqual({ reason: 'negative_value', count: 1 });
      expect(briefing.dataQuality.quarantinedTotal).toBe(1);
    }
  });

  it('names the one drifted file among good ones, whatever files share the partition', async () => {
    // Files with one schema share one check (their signature); the drifted one must not pass for them.
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('A')]);
    await writePartition(lakeDir, 'port_requests', '2019-11-27', [completedPort('B')]);
    const drifted = await writePartition(lakeDir, 'port_requests', '2019-11-27', [completedPort('C')], {
      fileName: 'part-1.parquet',
      columnTypes: { tenure_months: 'VARCHAR' },
    });
    await expect(weekBriefing()).rejects.toThrow(`${drifted}: column tenure_months is VARCHAR`);
  });

  it('reads files that hold the same columns in another order by name', async () => {
    // One schema signature for both exit-answer files: the view reads them without union_by_name.
    await writePartition(lakeDir, 'exit_reasons', '2019-11-26', [exitAnswer('R1', 'NETWORK')]);
    const later = { ...exitAnswer('R2', 'OTHER'), collected_at: '2019-11-27 03:00:00' };
    const written = await writePartition(lakeDir, 'exit_reasons', '2019-11-27', [later], {
      fileName: 'part-0.tmp',
    });
    const reversed = (await columnsOf(written)).reverse();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT ${reversed.map((name) => `"${name}"`).join(', ')} FROM read_parquet('${written}')) ` +
        `TO '${join(lakeDir, 'exit_reasons', 'dt=2019-11-27', 'part-0.parquet')}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    await rm(written);
    const briefing = await weekBriefing();
    // read by position, the string columns would have changed places and the answer been quarantined
    expect(briefing.dissatisfaction.categories.map((c) => [c.category, c.count])).toEqual([
      ['NETWORK', 1],
      ['OTHER', 1],
    ]);
    expect(briefing.dataQuality.quarantined.filter((entry) => entry.count > 0)).toEqual([]);
  });

  it('reads a file with an extra nested column beside flat ones', async () => {
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('A')]);
    await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-26',
      [{ ...completedPort('B'), loader: '{batch: x, attempt: 1}' }],
      { fileName: 'part-1.parquet', columnTypes: { loader: 'STRUCT(batch VARCHAR, attempt INTEGER)' } },
    );
    expect((await weekBriefing()).flows.totalCompleted).toBe(2);
  });

  it('stops with an error naming a file that is not Parquet', async () => {
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('A')]);
    await writeFile(join(lakeDir, 'port_requests', 'dt=2019-11-26', 'notes.csv'), 'a,b\n1,2\n');
    await expect(weekBriefing()).rejects.toThrow(/notes\.csv is not a readable Parquet file/);
  });

  it('skips files whose names start with _ or . as Athena does', async () => {
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('A')]);
    await writeFile(join(lakeDir, 'port_requests', 'dt=2019-11-26', '_manifest.json'), '{}');
    await writeFile(join(lakeDir, 'port_requests', 'dt=2019-11-26', '.part-9.parquet.crc'), 'x');
    expect((await weekBriefing()).flows.totalCompleted).toBe(1);
  });
});

describe('folders that are not partitions', () => {
  // A loader's leftovers (dt=2019-11-26.tmp) and typos (dt=2019-11-40, month=2019-13): Athena's
  // partition projection never lists them, so neither the raw feed nor the curated layer reads them.
  async function writeStrayFolders() {
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('A')]);
    await writePartition(lakeDir, 'port_requests', '2019-11-26.tmp', [completedPort('A'), completedPort('TMP')]);
    await writePartition(lakeDir, 'port_requests', '2019-11-40', [completedPort('TYPO')]);
    await writePartition(lakeDir, 'port_requests', 'latest', [completedPort('LATEST')]);
    await writePartition(lakeDir, 'usage_monthly', '2019-13', []);
  }

  it('reads none of them on the raw feed, and names them', async () => {
    await writeStrayFolders();
    expect((await weekBriefing()).flows.totalCompleted).toBe(1);
    expect((await new FsLake(lakeDir).listPartitions('port_requests')).map((p) => p.value)).toEqual(['2019-11-26']);
    expect(await strayPartitionFolders(lakeDir)).toEqual([
      'port_requests/dt=2019-11-26.tmp',
      'port_requests/dt=2019-11-40',
      'port_requests/dt=latest',
      'usage_monthly/month=2019-13',
    ]);
  });

  it('curates none of them: the curated layer holds the one real day', async () => {
    await writeStrayFolders();
    const curatedDir = join(lakeDir, '_curated');
    const summary = await curateLake({ lakeDir, curatedDir });
    expect(summary.built.requests).toBe(1);
    expect(summary.built.usage).toBe(0);
    expect(await readdir(join(curatedDir, 'port_requests_current'))).toEqual(['dt=2019-11-26']);
  });
});

describe('thin periods', () => {
  it('reports an empty period with zeros and no invented rates', async () => {
    await writePartition(lakeDir, 'port_requests', '2019-11-26', []);
    const briefing = await weekBriefing();
    expect(briefing.flows.totalCompleted).toBe(0);
    expect(briefing.flows.byOperator.find((flow) => flow.operator === 'CMCC')).toMatchObject({
      portIns: 0,
      portOuts: 0,
      shareOfPortIns: null,
      shareOfPortOuts: null,
    });
    expect(briefing.flows.home.current.portOutRate).toBeNull();
    expect(briefing.rejections.rate).toBeNull();
    expect(briefing.valueMirror.overpayingShare).toBeNull();
    expect(briefing.headline.topCategory).toBeNull();
  });

  it('reports a period with a single port', async () => {
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [completedPort('A')]);
    await writePartition(lakeDir, 'subscriber_base', '2019-11', [
      { province_code: '44', operator_code: 'CMCC', subscribers: 400 },
    ]);
    const briefing = await weekBriefing();
    expect(briefing.flows.home.current).toEqual({
      portIns: 0,
      portOuts: 1,
      net: -1,
      subscriberBase: 400,
      portOutRate: 1 / 400,
    });
    expect(briefing.flows.byOperator.map((flow) => [flow.operator, flow.shareOfPortOuts])).toEqual([
      ['CMCC', 1],
      ['CTCC', 0],
    ]);
  });
});

describe('codes seen for the first time', () => {
  it('quarantines an unknown category instead of folding it into OTHER', async () => {
    await writePartition(lakeDir, 'exit_reasons', '2019-11-26', [
      exitAnswer('R1', 'NETWORK'),
      exitAnswer('R2', 'FIVE_G_HYPE'),
      exitAnswer('R3', 'OTHER'),
    ]);
    const briefing = await weekBriefing();
    expect(briefing.dissatisfaction.categories.map((c) => [c.category, c.count])).toEqual([
      ['NETWORK', 1],
      ['OTHER', 1],
    ]);
    expect(briefing.dataQuality.quarantined.find((entry) => entry.reason === 'unknown_code')?.count).toBe(1);
  });

  it('quarantines an unknown subcategory, and one that refines another category', async () => {
    await writePartition(lakeDir, 'exit_reasons', '2019-11-26', [
      exitAnswer('R1', 'NETWORK', 'NETWORK_INDOOR'),
      exitAnswer('R2', 'NETWORK', null),
      exitAnswer('R3', 'NETWORK', 'NETWORK_TELEPATHY'),
      exitAnswer('R4', 'OTHER', 'NETWORK_INDOOR'),
    ]);
    const briefing = await weekBriefing();
    expect(briefing.dissatisfaction.categories.map((c) => [c.category, c.count])).toEqual([['NETWORK', 2]]);
    expect(briefing.dataQuality.quarantined.find((entry) => entry.reason === 'unknown_code')?.count).toBe(2);
  });

  it('reads an empty subcategory as no subcategory, as a loader from CSV writes it', async () => {
    await writePartition(lakeDir, 'exit_reasons', '2019-11-26', [
      exitAnswer('S1', 'NETWORK', ''),
      exitAnswer('S2', 'PRICE', ''),
      exitAnswer('S3', 'NETWORK', ' '),
    ]);
    const briefing = await weekBriefing();
    expect(briefing.dissatisfaction.categories.map((c) => [c.category, c.count])).toEqual([
      ['NETWORK', 1],
      ['PRICE', 1],
    ]);
    // a blank is not empty: it is a code, and no subcategory's
    expect(briefing.dataQuality.quarantined.find((entry) => entry.reason === 'unknown_code')?.count).toBe(1);
  });

  it('quarantines a rejection whose reason is empty text as missing_key, as one whose reason is null', async () => {
    const rejected = (id: string, reject_reason: string | null) =>
      completedPort(id, { status: 'rejected', reject_reason, completed_at: null, updated_at: '2019-11-26 02:00:00' });
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [
      rejected('R1', 'ARREARS'),
      rejected('R2', ''),
      rejected('R3', null),
      rejected('R4', 'NOT_A_REASON'),
    ]);
    const briefing = await weekBriefing();
    const curatedDir = join(lakeDir, '_curated');
    await curateLake({ lakeDir, curatedDir });
    const curated = await weekBriefing(curatedDir);
    expect(briefing.rejections.rejected).toBe(1);
    const counted = briefing.dataQuality.quarantined.filter((entry) => entry.count > 0);
    expect(counted).toEqual([
      { reason: 'missing_key', count: 2 },
      { reason: 'unknown_code', count: 1 },
    ]);
    expect(curated.dataQuality).toEqual(briefing.dataQuality);
  });

  it('quarantines lower-case operator codes: codes are upper-case ASCII', async () => {
    await writePartition(lakeDir, 'port_requests', '2019-11-26', [
      completedPort('A'),
      completedPort('B', { donor_operator: 'cmcc' }),
    ]);
    const briefing = await weekBriefing();
    expect(briefing.flows.totalCompleted).toBe(1);
    expect(briefing.dataQuality.quarantined.find((entry) => entry.reason === 'unknown_code')?.count).toBe(1);
  });
});
