// Exit answers from the curated layer (exit_answers_daily less exit_answers_superseded) give the
// rows of the raw feed's exit_categories over every window, where answers are re-delivered on
// later days (twice, a fortnight apart), re-delivered in the same partition with a tie, or
// re-delivered as a quarantined copy. One window is also worked out by hand. And the
// data-quality counts of exit answers come from exit_reasons_quality with the raw feed's rows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curateLake } from '#adapters/curation/duckdb-curator.ts';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { addDays, beijingMidnightUtc, datesBetween } from '#core/period.ts';
import type { QueryRow } from '#core/ports.ts';
import { hash, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { type FixtureRow, writePartition } from '../support/lake-writer.ts';

/** An answer collected at `collectedUtc` (Beijing is 8 hours ahead), filed under `dt`. */
function answer(id: string, collectedUtc: string, dt: string, category: string, extra: Partial<FixtureRow> = {}) {
  return {
    dt,
    row: {
      response_id: id,
      port_id: null,
      msisdn_hash: hash(`redelivered-${id}`),
      province_code: '44',
      operator_code: 'CMCC',
      category_code: category,
      subcategory_code: null,
      collected_at: collectedUtc,
      channel: 'call',
      verbatim: 'fixture verbatim text',
      ...extra,
    } satisfies FixtureRow,
  };
}

const REDELIVERED = [
  // R1: three clean copies, on the 20th, 25th and 27th: each window keeps its latest.
  answer('R1', '2019-11-20 02:00:00', '2019-11-20', 'PRICE'),
  answer('R1', '2019-11-25 03:00:00', '2019-11-25', 'NETWORK'),
  answer('R1', '2019-11-27 04:00:00', '2019-11-27', 'BILLING', { province_code: '11' }),
  // R2: clean on the 24th; a later copy with an unknown category is quarantined and never counts.
  answer('R2', '2019-11-24 05:00:00', '2019-11-24', 'SERVICE'),
  answer('R2', '2019-11-26 05:00:00', '2019-11-26', 'UNKNOWN_CATEGORY'),
  // R3: twice in one partition at the same instant: the smaller category code (BILLING) is kept.
  answer('R3', '2019-11-26 06:00:00', '2019-11-26', 'PRICE'),
  answer('R3', '2019-11-26 06:00:00', '2019-11-26', 'BILLING'),
  // R4: clean on the 26th; a copy filed under the 28th but collected on the 27th is quarantined.
  answer('R4', '2019-11-26 07:00:00', '2019-11-26', 'NETWORK', { operator_code: 'CUCC' }),
  answer('R4', '2019-11-27 07:00:00', '2019-11-28', 'PRICE', { operator_code: 'CUCC' }),
  // R5: twice on the 21st (the later one, SERVICE, kept), then again on the 29th.
  answer('R5', '2019-11-21 01:00:00', '2019-11-21', 'PRICE'),
  answer('R5', '2019-11-21 09:00:00', '2019-11-21', 'SERVICE'),
  answer('R5', '2019-11-29 01:00:00', '2019-11-29', 'NETWORK'),
  // R6: a fortnight apart, across a month boundary of Beijing days (31 Oct 23:30 Beijing).
  answer('R6', '2019-10-31 15:30:00', '2019-10-31', 'PRICE'),
  answer('R6', '2019-11-14 02:00:00', '2019-11-14', 'SERVICE'),
];

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** The answers collected from..to, ranked over the partitions from..scanTo (a report's: to and the week after). */
const exitParameters = (from: string, to: string, scanTo = to) => ({
  exits_from_dt: from,
  exits_to_dt: scanTo,
  from_ts: beijingMidnightUtc(from),
  to_ts: beijingMidnightUtc(addDays(to, 1)),
  // rows by day, the finest grain the query groups to, windows being any run of days here
  period_unit: 'day',
});

const sorted = (rows: readonly QueryRow[]) =>
  rows
    .map((row) =>
      JSON.stringify([row.period_start, row.province_code, row.operator_code, row.category_code, row.responses]),
    )
    .sort();

describe('exit answers from the curated layer', () => {
  let raw: DuckDbEngine;
  let curated: DuckDbEngine;

  beforeAll(async () => {
    const lakeDir = await mkdtemp(join(tmpdir(), 'mnp-curated-exits-'));
    dirs.push(lakeDir);
    await writeHandMadeLake(lakeDir);
    const byDt = new Map<string, FixtureRow[]>();
    for (const { dt, row } of REDELIVERED) byDt.set(dt, [...(byDt.get(dt) ?? []), row]);
    for (const [dt, rows] of byDt)
      await writePartition(lakeDir, 'exit_reasons', dt, rows, { fileName: 'redelivered.parquet' });
    const curatedDir = join(lakeDir, '_curated');
    await curateLake({ lakeDir, curatedDir });
    raw = await DuckDbEngine.open({ lakeDir });
    curated = await DuckDbEngine.open({ lakeDir, curatedDir });
  }, 120_000);

  afterAll(async () => {
    await raw?.close();
    await curated?.close();
  });

  it('one window worked out by hand: 25..27 November', async () => {
    const rows = await curated.runMetric('exit_categories', exitParameters('2019-11-25', '2019-11-27'));
    // R1 counts once, as its copy of the 27th (BILLING, province 11); its copy of the 25th gives way.
    // R2's only copy in the window is quarantined. R3 is BILLING on the 26th. R4 NETWORK (CUCC) on
    // the 26th. The hand-made lake's own answers E1..E5 of these days come on top (below).
    expect(rows.filter((row) => row.period_start === '2019-11-27' && row.province_code === '11')).toEqual([
      {
        period_start: '2019-11-27',
        province_code: '11',
        operator_code: 'CMCC',
        category_code: 'BILLING',
        responses: 1,
      },
    ]);
    expect(rows.filter((row) => row.period_start === '2019-11-26' && row.operator_code === 'CUCC')).toEqual([
      {
        period_start: '2019-11-26',
        province_code: '44',
        operator_code: 'CUCC',
        category_code: 'NETWORK',
        responses: 1,
      },
    ]);
    expect(
      rows.filter(
        (row) => row.period_start === '2019-11-26' && row.province_code === '44' && row.operator_code === 'CMCC',
      ),
    ).toEqual([
      {
        period_start: '2019-11-26',
        province_code: '44',
        operator_code: 'CMCC',
        category_code: 'BILLING',
        responses: 1,
      },
    ]);
    // On the 25th the hand-made lake has E1 (NETWORK, twice delivered: once) and E4 (BILLING): R1's NETWORK is gone.
    expect(
      rows
        .filter((row) => row.period_start === '2019-11-25')
        .map((row) => `${row.category_code} ${row.responses}`)
        .sort(),
    ).toEqual(['BILLING 1', 'NETWORK 1']);
  });

  it('gives the raw feed rows over every window of October 28 to December 1', async () => {
    const days = datesBetween('2019-10-28', '2019-12-01');
    const starts = days.filter(
      (_day, index) => index % 3 === 0 || ['2019-11-21', '2019-11-25', '2019-11-26'].includes(_day),
    );
    let compared = 0;
    for (const from of starts) {
      for (const to of days.filter((day) => day >= from && (day.endsWith('1') || day >= '2019-11-24'))) {
        for (const scanTo of [to, addDays(to, 7)]) {
          const parameters = exitParameters(from, to, scanTo);
          const expected = await raw.runMetric('exit_categories', parameters);
          const actual = await curated.runMetric('exit_categories', parameters);
          expect(sorted(actual), `${from}..${to} ranked to ${scanTo}`).toEqual(sorted(expected));
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(160);
  }, 120_000);

  it('counts the exit answers read per province and outcome as the raw feed does', async () => {
    const parameters = {
      // counted to the 28th, ranked with the copies of the days after it, as a report's plan does
      ...exitParameters('2019-11-18', '2019-11-28', '2019-12-01'),
      counted_exits_to_dt: '2019-11-28',
      requests_from_dt: '2019-11-11',
      requests_to_dt: '2019-11-28',
      counted_from_dt: '2019-11-11',
      counted_to_dt: '2019-11-28',
      usage_from_month: '2019-08',
      usage_to_month: '2019-10',
      base_from_month: '2019-10',
      base_to_month: '2019-11',
    };
    const exitsOf = (rows: readonly QueryRow[]) =>
      rows
        .filter((row) => row.table_name === 'exit_reasons')
        .map((row) => `${row.province_code} ${row.outcome} ${row.row_count}`)
        .sort();
    const expected = await raw.runMetric('data_quality', parameters);
    const actual = await curated.runMetric('data_quality', parameters);
    expect(exitsOf(actual)).toEqual(exitsOf(expected));
    // R2's copy of the 26th (unknown code) and R4's of the 28th (filed a day off) are among the quarantined.
    const quarantined = expected.filter((row) => row.table_name === 'exit_reasons' && row.outcome !== 'clean');
    expect(quarantined.map((row) => row.outcome).sort()).toEqual(
      expect.arrayContaining(['malformed_timestamp', 'unknown_code']),
    );
  });
});
