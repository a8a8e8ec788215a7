// Files as pandas and pyarrow write them (test/fixtures/parquet/make-pyarrow-files.py).
//
// Columns written with no value at all: pandas and pyarrow give a column that holds only None
// Parquet's Null type, which DuckDB describes as INTEGER. A day with no rejection or no
// completion yet, or an exit file with no subcategory, failed every run with "column
// reject_reason is INTEGER, the data contract says string". Baseline W48 figures of the hand-made lake, by hand in
// hq-weekly-figures.test.ts: 6 requests to leave CMCC (none pending); answers NETWORK 2, PRICE 1,
// BILLING 1.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFileSchema, NULL_TYPED } from '#adapters/engine/parquet-schema.ts';
import { ExitCode } from '#cli/exit-codes.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { modelOf } from '../reliability/support/briefing-runs.ts';
import { runCli } from '../support/run-cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/parquet/${name}`, import.meta.url));
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mnp-null-typed-'));
  await writeHandMadeLake(join(workDir, 'baseline'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('a column of Parquet’s Null type', () => {
  it('passes the contract check for every kind of column, where a real integer does not', () => {
    const columns = (type: string) =>
      new Map([
        ['reject_reason', type],
        ['completed_at', type],
      ]);
    expect(() => checkFileSchema('port_requests', 'f.parquet', columns(NULL_TYPED))).not.toThrow();
    expect(() => checkFileSchema('port_requests', 'f.parquet', columns('INTEGER'))).toThrow(
      'column reject_reason is INTEGER',
    );
  });

  it('reads as NULL: its rows count as the contract says, on the raw feed and the curated layer alike', async () => {
    const lakeDir = join(workDir, 'lake');
    await writeHandMadeLake(lakeDir);
    await copyFile(
      fixture('exit-reasons-null-typed.parquet'),
      join(lakeDir, 'exit_reasons', 'dt=2019-11-27', 'part-nulltyped.parquet'),
    );
    await copyFile(
      fixture('port-requests-null-typed.parquet'),
      join(lakeDir, 'port_requests', 'dt=2019-11-28', 'part-nulltyped.parquet'),
    );

    const briefing = await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' });

    expect(briefing.rejections).toMatchObject({ requests: 8, pending: 2, rejected: 2 });
    expect(briefing.dissatisfaction.responses).toBe(5);
    expect(briefing.dissatisfaction.categories.find((entry) => entry.category === 'BILLING')?.count).toBe(2);
    expect(briefing.dataQuality.quarantined.filter((entry) => entry.count > 0)).toEqual(
      (
        await modelOf(join(workDir, 'baseline'), { reportId: 'hq-weekly', periodId: '2019-W48' })
      ).dataQuality.quarantined.filter((entry) => entry.count > 0),
    );
  }, 120_000);
});

describe('a fee written as a decimal of more than 38 digits (pyarrow decimal256)', () => {
  it('stops the run with an error naming the file and column, not a week of quarantined rows', async () => {
    // DuckDB read such a column as a DOUBLE of meaningless values: every request of the file
    // was quarantined as missing_key and the week showed no port at all.
    const lakeDir = join(workDir, 'wide');
    await writeHandMadeLake(lakeDir);
    const file = join(lakeDir, 'port_requests', 'dt=2019-11-28', 'part-wide.parquet');
    await copyFile(fixture('port-requests-decimal256.parquet'), file);
    const args = ['run', '--report', 'hq-weekly', '--period', '2019-W48', '--lake', lakeDir, '--no-deliver'];

    const result = await runCli([...args, '--out', join(workDir, 'out-wide')]);

    expect(result.code).not.toBe(ExitCode.OK);
    expect(result.stderr).toContain(
      `${file}: column monthly_fee_cny is a decimal of 40 digits, more than the 38 DuckDB and Athena read`,
    );
  }, 60_000);
});

describe('a file with no column (pandas: an empty DataFrame)', () => {
  it('holds no row, so the figures are those of the lake without it, on the raw feed and the curated layer', async () => {
    // DuckDB refuses such a file ("Need at least one non-root column"), which stopped every run.
    const lakeDir = join(workDir, 'no-column');
    await writeHandMadeLake(lakeDir);
    await copyFile(
      fixture('no-column-no-row.parquet'),
      join(lakeDir, 'port_requests', 'dt=2019-11-27', 'empty.parquet'),
    );
    await copyFile(
      fixture('no-column-no-row.parquet'),
      join(lakeDir, 'exit_reasons', 'dt=2019-11-27', 'empty.parquet'),
    );

    const briefing = await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' });
    const baseline = await modelOf(join(workDir, 'baseline'), { reportId: 'hq-weekly', periodId: '2019-W48' });

    const { generatedAt: _a, ...figures } = briefing;
    const { generatedAt: _b, ...baselineFigures } = baseline;
    expect(figures).toEqual(baselineFigures);
  }, 120_000);

  it('that says it holds rows stops the run with an error naming the file', async () => {
    const lakeDir = join(workDir, 'no-column-rows');
    await writeHandMadeLake(lakeDir);
    const file = join(lakeDir, 'port_requests', 'dt=2019-11-28', 'rows.parquet');
    await copyFile(fixture('no-column-two-rows.parquet'), file);

    const result = await runCli([
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--lake',
      lakeDir,
      '--no-deliver',
      '--out',
      join(workDir, 'out-no-column'),
    ]);

    expect(result.code).not.toBe(ExitCode.OK);
    expect(result.stderr).toContain(`${file} holds 2 rows but no column`);
  }, 60_000);
});
