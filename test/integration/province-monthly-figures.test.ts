// Two provinces' monthly guidance reports for 2019-11 against figures worked out by hand from
// test/fixtures/hand-made-lake.ts (home operator CMCC), and the query count of a run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import type { ProvinceMonthlyBriefing } from '#core/report-model.ts';
import { buildModel, prepareRun, type RunSnapshot } from '#core/report-run.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';

let lakeDir: string;
let snapshot: RunSnapshot;
let guangdong: ProvinceMonthlyBriefing;
let beijing: ProvinceMonthlyBriefing;

async function prepare(audiences?: string[]) {
  const engine = await DuckDbEngine.open({ lakeDir });
  try {
    const prepared = await prepareRun(
      {
        reportId: 'province-monthly',
        periodId: '2019-11',
        homeOperator: 'CMCC',
        audiences,
        generatedAt: new Date('2019-12-03T01:00:00Z'),
      },
      { engine, inventory: new FsLake(lakeDir) },
    );
    return { prepared, queries: engine.queryCount };
  } finally {
    await engine.close();
  }
}

beforeAll(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'mnp-province-lake-'));
  await writeHandMadeLake(lakeDir);
  snapshot = (await prepare()).prepared;
  guangdong = buildModel(snapshot, '44', 'en') as ProvinceMonthlyBriefing;
  beijing = buildModel(snapshot, '11', 'en') as ProvinceMonthlyBriefing;
});

afterAll(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

describe('province flows', () => {
  // November in Beijing time. 44: CMCC -> CTCC P1 (25 Nov, 00:30 Beijing) and P8; October empty.
  it('gives Guangdong its own port-ins, port-outs, net and rate against the previous month', () => {
    expect(guangdong.flows.home).toEqual({
      current: { portIns: 0, portOuts: 2, net: -2, subscriberBase: 1000, portOutRate: 0.002 },
      previous: { portIns: 0, portOuts: 0, net: 0, subscriberBase: 990, portOutRate: 0 },
      netChange: -2,
      portOutsChange: null,
      portInsChange: null,
      portOutRateChange: 0.002,
    });
    expect(guangdong.flows.totalCompleted).toBe(2);
    expect(guangdong.flows.withOperators).toEqual([{ operator: 'CTCC', portIns: 0, portOuts: 2, net: -2 }]);
  });

  // 11: ins P4 (CTCC), P5 (CUCC), P9 (CTCC); outs P14 (CTCC), P10 (CUCC); P6 is CUCC -> CTCC.
  it('gives Beijing its flows with each other operator', () => {
    expect(beijing.flows.home.current).toEqual({
      portIns: 3,
      portOuts: 2,
      net: 1,
      subscriberBase: 500,
      portOutRate: 0.004,
    });
    expect(beijing.flows.totalCompleted).toBe(6);
    expect(beijing.flows.withOperators).toEqual([
      { operator: 'CUCC', portIns: 1, portOuts: 1, net: 0 },
      { operator: 'CTCC', portIns: 2, portOuts: 1, net: 1 },
    ]);
  });

  it('draws the 6-month trend from the first month the lake holds whole', () => {
    // The lake's port_requests start on 30 September: June to September would read as zeros.
    expect(beijing.lakeStartsOn).toBe('2019-09-30');
    expect(beijing.flows.trend.map((point) => point.period)).toEqual(['2019-10', '2019-11']);
    expect(beijing.flows.trend[1]).toMatchObject({ portIns: 3, portOuts: 2, net: 1, totalCompleted: 6 });
  });
});

describe('province dissatisfaction against the national mix', () => {
  // 44 in November (CMCC): E1 once NETWORK, E3 and E8 PRICE, E4 BILLING, E11 SERVICE = 5.
  // National adds 11: E2 and E10 NETWORK, E9 PRICE = 8: NETWORK 3, PRICE 3, BILLING 1, SERVICE 1.
  // October has no answers, so there is no previous share.
  it('sets each category beside the national share', () => {
    expect(guangdong.dissatisfaction.responses).toBe(5);
    expect(guangdong.dissatisfaction.categories).toEqual([
      {
        category: 'PRICE',
        count: 2,
        share: 0.4,
        previousShare: null,
        shareChange: null,
        nationalShare: 0.375,
        overIndex: 0.4 - 0.375,
      },
      {
        category: 'BILLING',
        count: 1,
        share: 0.2,
        previousShare: null,
        shareChange: null,
        nationalShare: 0.125,
        overIndex: 0.2 - 0.125,
      },
      {
        category: 'NETWORK',
        count: 1,
        share: 0.2,
        previousShare: null,
        shareChange: null,
        nationalShare: 0.375,
        overIndex: 0.2 - 0.375,
      },
      {
        category: 'SERVICE',
        count: 1,
        share: 0.2,
        previousShare: null,
        shareChange: null,
        nationalShare: 0.125,
        overIndex: 0.2 - 0.125,
      },
    ]);
  });

  it('brings the playbook entries of the categories that matter there', () => {
    // PRICE 2, then BILLING, NETWORK and SERVICE 1 each: all three tie for third place.
    expect(guangdong.guidance.map((entry) => [entry.category, entry.reasons])).toEqual([
      ['PRICE', ['top_category']],
      ['BILLING', ['over_index', 'top_category']],
      ['NETWORK', ['top_category']],
      ['SERVICE', ['over_index', 'top_category']],
    ]);
    expect(guangdong.guidance[0]!.actions.length).toBeGreaterThan(0);
  });
});

describe('province rejections and value mirror', () => {
  // 44, requested from CMCC in November: P1 P2 P3 P7 P8 P13 = 6, P7 rejected (ARREARS).
  // National: also P10 P11 P14 from 11, P11 rejected (CONTRACT_ACTIVE): ARREARS is half.
  it('gives the rejection rate and reasons against the national mix', () => {
    expect(guangdong.rejections).toEqual({
      requests: 6,
      pending: 0,
      previousPending: 0,
      rejected: 1,
      rate: 1 / 6,
      previousRate: null,
      rateChange: null,
      reasons: [{ reason: 'ARREARS', count: 1, share: 1, nationalShare: 0.5 }],
    });
  });

  // 44 leavers: P1 (CMCC-128, Aug-Oct usage under half: overpaying), P8 (CMCC-58, no usage).
  it('gives the value mirror of the province plans', () => {
    expect(guangdong.valueMirror).toEqual({
      leavers: 2,
      leaversWithUsage: 1,
      overpaying: 1,
      overpayingShare: 1,
      leaverAverageFeeCny: 93,
      joiners: 0,
      joinerAverageFeeCny: null,
      plans: [
        { planCode: 'CMCC-128', leavers: 1, withUsage: 1, overpaying: 1, overpayingShare: 1, averageFeeCny: 128 },
      ],
    });
    // 11: leavers P10, P14 without usage; joiners P4 38, P5 88, P9 58.
    expect(beijing.valueMirror).toMatchObject({
      leavers: 2,
      leaversWithUsage: 0,
      overpayingShare: null,
      joiners: 3,
      joinerAverageFeeCny: (38 + 88 + 58) / 3,
      plans: [],
    });
  });
});

describe('province data quality', () => {
  // Every partition the figures draw on (port_requests from 25 May: six months of trend and the
  // lookback; exits from October; usage Aug-Oct; base June-November). 44: port_requests 12 rows
  // (B2 B3 B4 B5 bad; P7 superseded once), exits 8 (E7 bad; E1 twice, one copy superseded),
  // usage 6 (one negative), base 3
  // (Oct and Nov). B1 has province 99: HQ only. 11: ports 8, exits 3, base 3.
  it('counts only the province rows', () => {
    expect(guangdong.dataQuality).toMatchObject({
      rowsRead: 12 + 8 + 6 + 3,
      quarantinedTotal: 6,
      supersededVersions: 1 + 1,
      quarantined: [
        { reason: 'missing_key', count: 1 },
        { reason: 'unknown_code', count: 1 },
        { reason: 'malformed_timestamp', count: 1 },
        { reason: 'negative_value', count: 2 },
        { reason: 'donor_equals_recipient', count: 1 },
      ],
    });
    expect(beijing.dataQuality).toMatchObject({ rowsRead: 8 + 3 + 3, quarantinedTotal: 0, supersededVersions: 1 });
  });
});

describe('one query pass for every province', () => {
  it('makes the same number of queries for 1 province as for 31', async () => {
    const one = await prepare(['44']);
    const all = await prepare();
    expect(one.prepared.audiences).toEqual(['44']);
    expect(all.prepared.audiences).toHaveLength(31);
    expect(one.queries).toBe(all.queries);
    expect(all.queries).toBe(6);
  });
});
