// The value mirror's rule at its edges, on the hand-made W48 lake (test/fixtures/hand-made-lake.ts)
// with three leavers added: a leaver is overpaying when, summed over the three months before the
// month they left, they used under half of the data allowance AND under half of the voice
// allowance (README, "The value mirror"). Each added leaver sits where another rule would count
// it otherwise: at two fifths (under half, not under a third), at exactly half (not under it), and
// under half of the data only (not both). Read from the raw feed and from the curated layer
// (modelOf compares the two).
// Baseline, worked out by hand in hq-weekly-figures.test.ts: CMCC leavers P1 (CMCC-128, 128,
// overpaying), P2 (CMCC-58, 58, with usage, not overpaying), P14 (CMCC-128, 128, no usage); joiners
// P4 38 and P5 88.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HqWeeklyBriefing } from '#core/report-model.ts';
import { hash, w48Port, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { modelOf } from '../reliability/support/briefing-runs.ts';
import { type FixtureRow, writePartition } from '../support/lake-writer.ts';

const NUMBERS = 'vm';
/** Completed Wednesday 27 Nov (W48, left in November): usage of August to October counts. */
const USAGE_MONTHS = ['2019-08', '2019-09', '2019-10'];

/** One month of a leaver's usage: used and allowance, data in MB and voice in minutes. */
function usage(portId: string, month: string, data: [used: number, allowance: number], voice: [number, number]) {
  return {
    msisdn_hash: hash(`${NUMBERS}-${portId}`), // as w48Port numbers it
    province_code: '44',
    operator_code: 'CMCC',
    plan_code: 'CMCC-58',
    plan_fee_cny: 58,
    data_used_mb: data[0],
    data_allowance_mb: data[1],
    voice_used_min: voice[0],
    voice_allowance_min: voice[1],
    month,
  } satisfies FixtureRow;
}

let lakeDir: string;
let briefing: HqWeeklyBriefing;

beforeAll(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'mnp-value-mirror-'));
  await writeHandMadeLake(lakeDir);
  await writePartition(
    lakeDir,
    'port_requests',
    '2019-11-26',
    ['VM-TWO-FIFTHS', 'VM-HALF', 'VM-DATA-ONLY'].map((id) => w48Port(id, NUMBERS)),
    { fileName: 'part-value-mirror.parquet' },
  );
  for (const month of USAGE_MONTHS) {
    await writePartition(
      lakeDir,
      'usage_monthly',
      month,
      [
        // 3 x 400 = 1200 MB of 3000, 3 x 40 = 120 min of 300: two fifths of each.
        usage('VM-TWO-FIFTHS', month, [400, 1000], [40, 100]),
        // 1500 MB of 3000: exactly half of the data, so not under half; voice 120 of 300.
        usage('VM-HALF', month, [500, 1000], [40, 100]),
        // 300 MB of 3000 (a tenth), but 180 min of 300 (three fifths) of the voice.
        usage('VM-DATA-ONLY', month, [100, 1000], [60, 100]),
      ],
      { fileName: 'part-value-mirror.parquet' },
    );
  }
  briefing = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
});

afterAll(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

describe('the value mirror at the edges of its rule', () => {
  it('counts under half of both allowances as overpaying, and nothing else', () => {
    // Leavers 3 + 3, with usage 2 + 3, overpaying P1 and VM-TWO-FIFTHS. Fees 128 + 58 + 128 + 3 x 58.
    expect(briefing.valueMirror).toEqual({
      leavers: 6,
      leaversWithUsage: 5,
      overpaying: 2,
      overpayingShare: 2 / 5,
      leaverAverageFeeCny: (128 + 58 + 128 + 3 * 58) / 6,
      joiners: 2,
      joinerAverageFeeCny: (38 + 88) / 2,
      plans: [
        // Both plans have one overpaying leaver; the higher share comes first.
        { planCode: 'CMCC-128', leavers: 2, withUsage: 1, overpaying: 1, overpayingShare: 1, averageFeeCny: 128 },
        // P2 and the three added leavers, all with usage.
        { planCode: 'CMCC-58', leavers: 4, withUsage: 4, overpaying: 1, overpayingShare: 1 / 4, averageFeeCny: 58 },
      ],
    });
  });
});

describe('a re-delivered usage file', () => {
  // VM-REDELIVERED left in November. Summed once, August to October, it used 1600 of 3000 MB and
  // 160 of 300 min: over half, not overpaying. September's and October's files arrive twice; were
  // the copies added, 1800 of 5000 MB and 180 of 500 min would make it overpaying.
  let redelivered: HqWeeklyBriefing;
  let redeliveredLake: string;

  beforeAll(async () => {
    redeliveredLake = await mkdtemp(join(tmpdir(), 'mnp-value-mirror-copies-'));
    await writeHandMadeLake(redeliveredLake);
    await writePartition(redeliveredLake, 'port_requests', '2019-11-26', [w48Port('VM-REDELIVERED', NUMBERS)], {
      fileName: 'part-value-mirror.parquet',
    });
    const monthly: Record<string, [data: [number, number], voice: [number, number]]> = {
      '2019-08': [
        [1400, 1000],
        [140, 100],
      ],
      '2019-09': [
        [100, 1000],
        [10, 100],
      ],
      '2019-10': [
        [100, 1000],
        [10, 100],
      ],
    };
    for (const [month, [data, voice]] of Object.entries(monthly)) {
      const row = usage('VM-REDELIVERED', month, data, voice);
      const files = month === '2019-08' ? ['part-a.parquet'] : ['part-a.parquet', 'part-a-again.parquet'];
      for (const fileName of files) await writePartition(redeliveredLake, 'usage_monthly', month, [row], { fileName });
    }
    redelivered = (await modelOf(redeliveredLake, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
  });

  afterAll(async () => {
    await rm(redeliveredLake, { recursive: true, force: true });
  });

  it('counts each copy once in the value mirror', () => {
    // Leavers P1, P2, P14 and VM-REDELIVERED; with usage P1, P2 and it; overpaying P1 only.
    expect(redelivered.valueMirror).toMatchObject({ leavers: 4, leaversWithUsage: 3, overpaying: 1 });
  });

  it('reads the copies as rows in the data-quality line', () => {
    // Baseline: 47 rows read, 3 superseded; here 1 request and 5 usage rows more, 2 of them copies.
    expect(redelivered.dataQuality).toMatchObject({ rowsRead: 47 + 6, supersededVersions: 3 });
  });
});

describe('fees in yuan and fen', () => {
  // Three more CMCC leavers on tariffs with fen, each its own plan, none with usage: the averages
  // are those of the fees written, to the last digit, from the raw feed and the curated layer alike.
  let withFen: HqWeeklyBriefing;
  let fenLake: string;
  const tariffs = { 'VM-FEN-19': 19.9, 'VM-FEN-38': 38.3, 'VM-FEN-128': 128.1 };

  beforeAll(async () => {
    fenLake = await mkdtemp(join(tmpdir(), 'mnp-value-mirror-fen-'));
    await writeHandMadeLake(fenLake);
    const ports = Object.entries(tariffs).map(([id, fee]) =>
      w48Port(id, NUMBERS, { plan_code: `CMCC-${id}`, monthly_fee_cny: fee }),
    );
    await writePartition(fenLake, 'port_requests', '2019-11-26', ports, { fileName: 'part-value-mirror.parquet' });
    withFen = (await modelOf(fenLake, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
  });

  afterAll(async () => {
    await rm(fenLake, { recursive: true, force: true });
  });

  it('averages the fees exactly', () => {
    // Baseline leavers P1 128, P2 58, P14 128; in fen 12800 + 5800 + 12800 + 1990 + 3830 + 12810.
    expect(withFen.valueMirror).toMatchObject({
      leavers: 6,
      leaversWithUsage: 2,
      leaverAverageFeeCny: 50_030 / 600,
      joiners: 2,
      joinerAverageFeeCny: (38 + 88) / 2,
    });
  });
});
