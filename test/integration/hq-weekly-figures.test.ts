// The headquarters weekly briefing against figures worked out by hand from the rows in
// test/fixtures/hand-made-lake.ts (the derivations are in the comments).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { collectMetrics } from '#core/collect-metrics.ts';
import { buildHqWeeklyBriefing } from '#core/hq-weekly.ts';
import { parsePeriod } from '#core/period.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import type { HqWeeklyBriefing } from '#core/report-model.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';

let lakeDir: string;
let briefing: HqWeeklyBriefing;

beforeAll(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'mnp-hand-lake-'));
  await writeHandMadeLake(lakeDir);
  const engine = await DuckDbEngine.open({ lakeDir });
  try {
    const plan = planQueries(parsePeriod('2019-W48'), reportDefinition('hq-weekly').trend);
    const metrics = await collectMetrics(engine, new FsLake(lakeDir), plan);
    briefing = buildHqWeeklyBriefing({
      plan,
      rows: metrics.rows,
      partitionsMissing: metrics.partitionsMissing,
      homeOperator: 'CMCC',
      locale: 'en',
      generatedAt: '2019-12-02T00:30:00.000Z',
      dataIncomplete: false,
      lakeStartsOn: metrics.lakeStartsOn ?? null,
    });
  } finally {
    await engine.close();
  }
});

afterAll(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

describe('the period', () => {
  it('is the ISO week in Beijing time with its UTC bounds', () => {
    expect(briefing.period).toEqual({
      id: '2019-W48',
      kind: 'week',
      start: '2019-11-25',
      end: '2019-12-01',
      timezone: 'Asia/Shanghai',
      startUtc: '2019-11-24T16:00:00Z',
      endUtc: '2019-12-01T16:00:00Z',
    });
  });
});

describe('net flow', () => {
  // Completed in W48 by Beijing time: P1 (00:30 Mon in Beijing, Sunday in UTC), P2 (23:59:59
  // Sun in Beijing), P4 (latest version), P5, P6, P14 = 6. P3 completes at 00:00 on 2 Dec
  // Beijing (W49). The five bad rows are quarantined.
  it('counts a port in the week of its completion in Beijing time', () => {
    expect(briefing.flows.totalCompleted).toBe(6);
  });

  it('gives ins, outs, net and shares per operator', () => {
    expect(briefing.flows.byOperator).toEqual([
      { operator: 'CMCC', portIns: 2, portOuts: 3, net: -1, shareOfPortIns: 2 / 6, shareOfPortOuts: 3 / 6 },
      { operator: 'CUCC', portIns: 1, portOuts: 2, net: -1, shareOfPortIns: 1 / 6, shareOfPortOuts: 2 / 6 },
      { operator: 'CTCC', portIns: 3, portOuts: 1, net: 2, shareOfPortIns: 3 / 6, shareOfPortOuts: 1 / 6 },
    ]);
  });

  it('gives the donor -> recipient matrix', () => {
    expect(briefing.flows.matrix).toEqual([
      { donor: 'CMCC', recipient: 'CUCC', ports: 1 },
      { donor: 'CMCC', recipient: 'CTCC', ports: 2 },
      { donor: 'CUCC', recipient: 'CMCC', ports: 1 },
      { donor: 'CUCC', recipient: 'CTCC', ports: 1 },
      { donor: 'CTCC', recipient: 'CMCC', ports: 1 },
      { donor: 'CTCC', recipient: 'CUCC', ports: 0 },
    ]);
  });

  // Home operator CMCC. W48: ins P4 P5, outs P1 P2 P14. W47: ins P9, outs P8 P10.
  // Base for both weeks: November, CMCC 1000 (44) + 500 (11) = 1500.
  it('compares the home operator with the previous week, with the port-out rate', () => {
    expect(briefing.flows.home).toEqual({
      current: { portIns: 2, portOuts: 3, net: -1, subscriberBase: 1500, portOutRate: 3 / 1500 },
      previous: { portIns: 1, portOuts: 2, net: -1, subscriberBase: 1500, portOutRate: 2 / 1500 },
      netChange: 0,
      portOutsChange: 0.5,
      portInsChange: 1,
      portOutRateChange: 3 / 1500 - 2 / 1500,
    });
  });

  it('gives the home operator per province', () => {
    expect(briefing.flows.byProvince).toEqual([
      { provinceCode: '11', portIns: 2, portOuts: 1, net: 1, previousNet: 0, netChange: 1, portOutRate: 1 / 500 },
      { provinceCode: '44', portIns: 0, portOuts: 2, net: -2, previousNet: -1, netChange: -1, portOutRate: 2 / 1000 },
    ]);
  });

  it('names the provinces that need attention without ranking them', () => {
    expect(briefing.flows.attention).toEqual([
      { provinceCode: '44', reason: 'largest_net_decline', net: -2, netChange: -1 },
      { provinceCode: '44', reason: 'largest_net_outflow', net: -2, netChange: -1 },
    ]);
  });

  it('draws an 8-week trend ending with the report week', () => {
    const trend = briefing.flows.trend;
    expect(trend.map((point) => point.period)).toEqual([
      '2019-W41',
      '2019-W42',
      '2019-W43',
      '2019-W44',
      '2019-W45',
      '2019-W46',
      '2019-W47',
      '2019-W48',
    ]);
    expect(trend.slice(0, 6).every((point) => point.portIns + point.portOuts === 0)).toBe(true);
    // W41-W44 start in October: base 990 + 495.
    expect(trend[0]).toMatchObject({ subscriberBase: 1485, portOutRate: 0 });
    expect(trend[6]).toMatchObject({ portIns: 1, portOuts: 2, net: -1, totalCompleted: 3 });
    expect(trend[7]).toMatchObject({ portIns: 2, portOuts: 3, net: -1, totalCompleted: 6 });
  });
});

describe('dissatisfaction of leavers', () => {
  // W48, CMCC: E1 (once, despite its repeat) NETWORK, E2 NETWORK, E3 PRICE, E4 BILLING (00:10
  // Monday in Beijing). E5 left CUCC, E7 is quarantined. Previous 4 weeks (W44-W47): E8, E9
  // PRICE, E10 NETWORK, E11 SERVICE (23:59 Sunday in Beijing, so W47).
  it('counts categories with their share and the change against the previous 4 weeks', () => {
    expect(briefing.dissatisfaction.responses).toBe(4);
    expect(briefing.dissatisfaction.previousResponses).toBe(4);
    expect(briefing.dissatisfaction.categories).toEqual([
      { category: 'NETWORK', count: 2, share: 0.5, previousShare: 0.25, shareChange: 0.25 },
      { category: 'PRICE', count: 1, share: 0.25, previousShare: 0.5, shareChange: -0.25 },
      { category: 'BILLING', count: 1, share: 0.25, previousShare: 0, shareChange: 0.25 },
      { category: 'SERVICE', count: 0, share: 0, previousShare: 0.25, shareChange: -0.25 },
    ]);
  });
});

describe('eligibility rejections', () => {
  // Requested from CMCC in W48: P2 P3 P7 P11 P13 P14 = 6; rejected P7 (ARREARS, latest
  // version) and P11 (CONTRACT_ACTIVE). W47: P1 (18:00 Sunday in Beijing), P8, P10, none rejected.
  it('gives the rate and the reasons', () => {
    expect(briefing.rejections).toEqual({
      requests: 6,
      pending: 0,
      previousPending: 0,
      rejected: 2,
      rate: 2 / 6,
      previousRate: 0,
      rateChange: 2 / 6,
      reasons: [
        { reason: 'ARREARS', count: 1, share: 0.5 },
        { reason: 'CONTRACT_ACTIVE', count: 1, share: 0.5 },
      ],
    });
  });
});

describe('value mirror', () => {
  // Leavers: P1 (left in Nov: Aug-Oct usage 3000/30000 MB, 300/3000 min: overpaying; its
  // November row does not count), P2 (left in Dec: 7500/9000 MB: not), P14 (no usage).
  // Fees 128, 58, 128. Joiners P4 38 and P5 88.
  it('sets leavers plans against their usage in the 3 months before leaving', () => {
    expect(briefing.valueMirror).toEqual({
      leavers: 3,
      leaversWithUsage: 2,
      overpaying: 1,
      overpayingShare: 0.5,
      leaverAverageFeeCny: (128 + 58 + 128) / 3,
      joiners: 2,
      joinerAverageFeeCny: 63,
      plans: [
        { planCode: 'CMCC-128', leavers: 2, withUsage: 1, overpaying: 1, overpayingShare: 1, averageFeeCny: 128 },
      ],
    });
  });
});

describe('data quality', () => {
  // Every partition the figures draw on: port_requests 30 Sep - 1 Dec (the 8-week trend and its
  // 7-day lookback) holds all 21 rows (5 bad, 2 superseded versions of P4 and P7); exit_reasons
  // 28 Oct - 1 Dec (5 weeks of categories) all 11 (E7 bad, E1 delivered twice: one copy
  // superseded); usage Aug-Nov 8 (one negative);
  // base Oct-Nov 7 (one negative).
  it('counts rows read and quarantined by reason', () => {
    expect(briefing.dataQuality).toMatchObject({
      rowsRead: 21 + 11 + 8 + 7,
      quarantinedTotal: 8,
      rowsUsed: 47 - 8,
      supersededVersions: 2 + 1,
      partitionsMissing: [],
      quarantined: [
        { reason: 'missing_key', count: 1 },
        { reason: 'unknown_code', count: 2 },
        { reason: 'malformed_timestamp', count: 1 },
        { reason: 'negative_value', count: 3 },
        { reason: 'donor_equals_recipient', count: 1 },
      ],
    });
  });

  it('leaves quarantined rows out of every figure', () => {
    // Each bad port row would have added a CMCC port-out or a port.
    expect(briefing.flows.home.current.portOuts).toBe(3);
    expect(briefing.dissatisfaction.categories.map((c) => c.category)).not.toContain('MYSTERY');
  });
});

describe('the headline', () => {
  it('carries net, port-outs, port-out rate and the top category with their changes', () => {
    expect(briefing.headline).toEqual({
      net: -1,
      netChange: 0,
      portOuts: 3,
      portOutsChange: 0.5,
      portOutRate: 3 / 1500,
      portOutRateChange: 3 / 1500 - 2 / 1500,
      topCategory: { category: 'NETWORK', share: 0.5, shareChange: 0.25, tiedWith: [] },
    });
  });
});
