// Properties over generated lakes: the lake generator (functions/lakegen) writes a small lake for
// several seeds, bad rows included; the product computes the HQ weekly and every provincial
// monthly briefing from it; the test checks the arithmetic that must always hold (ins and outs
// add up to the completed total, nets sum to zero, shares to one) and sets every figure beside
// an independent recomputation from the raw rows (support/independent-figures.ts): flows, the
// trend, the comparisons with the previous period, the dissatisfaction mix, the rejection rate
// over decided requests, the value mirror and the data-quality line.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import type { HqWeeklyBriefing, ProvinceMonthlyBriefing } from '#core/report-model.ts';
import { buildModel, prepareRun } from '#core/report-run.ts';
import { generateLake } from '#lakegen/generate-lake.ts';
import { provinces } from '#reference/index.ts';
import {
  type LakeRows,
  type Recomputed,
  type ReportSpec,
  readLakeRows,
  recompute,
} from './support/independent-figures.ts';
import { createTally } from './support/tally.ts';

const HOME = 'CMCC';
/** 2019-W50 and December 2019 in Beijing days (ISO week: Monday 9 to Sunday 15 December). */
const WEEK = { id: '2019-W50', start: '2019-12-09', end: '2019-12-15' };
const MONTH = { id: '2019-12', start: '2019-12-01', end: '2019-12-31' };
/** The reports as configured (config/reports.json): how many periods each comparison spans. */
const WEEKLY: ReportSpec = { kind: 'week', period: WEEK, trend: reportDefinition('hq-weekly').trend };
const MONTHLY: ReportSpec = { kind: 'month', period: MONTH, trend: reportDefinition('province-monthly').trend };
const LAKES = [
  { seed: 3, scale: 0.15 },
  { seed: 1789, scale: 0.2 },
  { seed: 65537, scale: 0.1 },
];

const tally = createTally('generated-lakes');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-generated-'));
});

afterAll(async () => {
  await tally.write();
  await rm(root, { recursive: true, force: true });
});

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const countsOf = (map: Map<string, number>) =>
  Object.fromEntries([...map.entries()].filter(([, count]) => count > 0).sort());

function expectDataQuality(dataQuality: HqWeeklyBriefing['dataQuality'], expected: Recomputed) {
  expect(
    Object.fromEntries(
      dataQuality.quarantined
        .filter((entry) => entry.count > 0)
        .map((entry) => [entry.reason, entry.count])
        .sort(),
    ),
  ).toEqual(countsOf(expected.quarantined));
  expect(dataQuality.rowsRead).toBe(expected.rowsRead);
  expect(dataQuality.supersededVersions).toBe(expected.superseded);
  expect(dataQuality.latestQuarantined).toBe(expected.latestQuarantined);
}

/** The figures both reports share: comparisons, trend, mix, rejection rate, value mirror. */
function expectSharedFigures(
  briefing: HqWeeklyBriefing | ProvinceMonthlyBriefing,
  expected: Recomputed,
  label: string,
) {
  const flow = (home: Recomputed['home']) => ({
    portIns: home.ins,
    portOuts: home.outs,
    net: home.ins - home.outs,
    subscriberBase: home.base,
    portOutRate: home.base === null || !home.baseCoversOuts ? null : home.outs / home.base,
  });
  expect(briefing.flows.home.current, label).toEqual(flow(expected.home));
  expect(briefing.flows.home.previous, label).toEqual(expected.previousHome && flow(expected.previousHome));
  expect(
    briefing.flows.trend.map(({ portIns, portOuts, net, subscriberBase, portOutRate }) => ({
      portIns,
      portOuts,
      net,
      subscriberBase,
      portOutRate,
    })),
    label,
  ).toEqual(expected.trend.map(flow));
  expect(briefing.rejections, label).toMatchObject({
    requests: expected.requests,
    pending: expected.pending,
    rejected: expected.rejected,
  });
  expect(briefing.rejections.rate ?? NaN, label).toBeCloseTo(expected.rejectionRate ?? NaN, 12);
  expect(briefing.rejections.previousRate ?? NaN, label).toBeCloseTo(expected.previousRejectionRate ?? NaN, 12);
  expect(
    Object.fromEntries(briefing.rejections.reasons.map((reason) => [reason.reason, reason.count]).sort()),
    label,
  ).toEqual(countsOf(expected.rejectedByReason));
  expect(briefing.dissatisfaction.responses, label).toBe(expected.responses);
  expect(briefing.dissatisfaction.previousResponses, label).toBe(expected.previousResponses);
  expect(
    Object.fromEntries(
      briefing.dissatisfaction.categories
        .filter((c) => c.count > 0)
        .map((c) => [c.category, c.count])
        .sort(),
    ),
    label,
  ).toEqual(countsOf(expected.categories));
  for (const category of briefing.dissatisfaction.categories) {
    const earlier = expected.previousCategories.get(category.category) ?? 0;
    expect(category.previousShare ?? NaN, `${label} ${category.category}`).toBeCloseTo(
      expected.previousResponses ? earlier / expected.previousResponses : NaN,
      12,
    );
  }
  const mirror = expected.valueMirror;
  expect(briefing.valueMirror, label).toMatchObject({
    leavers: mirror.leavers,
    leaversWithUsage: mirror.withUsage,
    overpaying: mirror.overpaying,
    joiners: mirror.joiners,
  });
  expect(briefing.valueMirror.leaverAverageFeeCny ?? NaN, label).toBeCloseTo(
    mirror.leavers > 0 ? mirror.leaverFeeSum / mirror.leavers : NaN,
    6,
  );
  expect(briefing.valueMirror.joinerAverageFeeCny ?? NaN, label).toBeCloseTo(
    mirror.joiners > 0 ? mirror.joinerFeeSum / mirror.joiners : NaN,
    6,
  );
}

describe.each(LAKES)('a generated lake (seed $seed, scale $scale)', ({ seed, scale }) => {
  let rows: LakeRows;
  let hq: HqWeeklyBriefing;
  let byProvince: Map<string, ProvinceMonthlyBriefing>;

  beforeAll(async () => {
    const lakeDir = join(root, `seed-${seed}`);
    await generateLake({ lakeDir, from: '2019-11-01', to: '2019-12-31', seed, scale });
    rows = await readLakeRows(lakeDir);
    const engine = await DuckDbEngine.open({ lakeDir });
    try {
      const inventory = new FsLake(lakeDir);
      const generatedAt = new Date('2020-01-02T00:00:00Z');
      const week = await prepareRun(
        { reportId: 'hq-weekly', periodId: WEEK.id, homeOperator: HOME, generatedAt },
        { engine, inventory },
      );
      hq = buildModel(week, 'hq', 'en') as HqWeeklyBriefing;
      const month = await prepareRun(
        { reportId: 'province-monthly', periodId: MONTH.id, homeOperator: HOME, generatedAt },
        { engine, inventory },
      );
      byProvince = new Map(
        month.audiences.map((audience) => [audience, buildModel(month, audience, 'en') as ProvinceMonthlyBriefing]),
      );
    } finally {
      await engine.close();
    }
    tally.lake();
    tally.badInput(`generated lake seed ${seed}: the generator's bad rows of every kind`);
  }, 60_000);

  describe('headquarters weekly', () => {
    it('has ports to count and bad rows to quarantine (the properties are not vacuous)', () => {
      expect(hq.flows.totalCompleted).toBeGreaterThan(50);
      expect(hq.dataQuality.quarantinedTotal).toBeGreaterThan(0);
    });

    it('adds the port-ins, and the port-outs, of the operators up to the completed total', () => {
      expect(sum(hq.flows.byOperator.map((flow) => flow.portIns))).toBe(hq.flows.totalCompleted);
      expect(sum(hq.flows.byOperator.map((flow) => flow.portOuts))).toBe(hq.flows.totalCompleted);
      expect(sum(hq.flows.matrix.map((cell) => cell.ports))).toBe(hq.flows.totalCompleted);
    });

    it('nets the flows to zero across operators, and each net is ins minus outs', () => {
      expect(sum(hq.flows.byOperator.map((flow) => flow.net))).toBe(0);
      for (const flow of hq.flows.byOperator) expect(flow.net).toBe(flow.portIns - flow.portOuts);
    });

    it('gives shares of port-ins and of port-outs that sum to 1', () => {
      expect(sum(hq.flows.byOperator.map((flow) => flow.shareOfPortIns ?? 0))).toBeCloseTo(1, 12);
      expect(sum(hq.flows.byOperator.map((flow) => flow.shareOfPortOuts ?? 0))).toBeCloseTo(1, 12);
      const shares = hq.dissatisfaction.categories.map((category) => category.share ?? 0);
      if (shares.length > 0) expect(sum(shares)).toBeCloseTo(1, 12);
      const reasons = hq.rejections.reasons.map((reason) => reason.share ?? 0);
      if (reasons.length > 0) expect(sum(reasons)).toBeCloseTo(1, 12);
    });

    it('holds no case the contract leaves open (so the recomputation can decide every figure)', () => {
      expect(recompute(rows, WEEKLY, HOME).ambiguous).toEqual([]);
    });

    it('equals the independent recomputation, figure by figure', () => {
      const expected = recompute(rows, WEEKLY, HOME);
      expect(hq.flows.totalCompleted).toBe(expected.totalCompleted);
      expect(
        Object.fromEntries(
          hq.flows.byOperator.map((flow) => [flow.operator, { ins: flow.portIns, outs: flow.portOuts }]),
        ),
      ).toEqual(Object.fromEntries(expected.byOperator));
      expect(
        Object.fromEntries(
          hq.flows.matrix
            .filter((cell) => cell.ports > 0)
            .map((cell) => [`${cell.donor}>${cell.recipient}`, cell.ports])
            .sort(),
        ),
      ).toEqual(countsOf(expected.matrix));
      const provinceFlows = Object.fromEntries(
        hq.flows.byProvince
          .filter((flow) => flow.portIns + flow.portOuts > 0)
          .map((flow) => [flow.provinceCode, { ins: flow.portIns, outs: flow.portOuts }]),
      );
      expect(provinceFlows).toEqual(Object.fromEntries(expected.byProvince));
      expectSharedFigures(hq, expected, 'hq');
      expectDataQuality(hq.dataQuality, expected);
    });
  });

  describe('provincial monthly', () => {
    it('gives every province its own figures, equal to the recomputation for that province', () => {
      expect([...byProvince.keys()].sort()).toEqual(provinces.map((province) => province.code).sort());
      for (const [code, briefing] of byProvince) {
        const expected = recompute(rows, MONTHLY, HOME, code);
        const home = expected.byOperator.get(HOME) ?? { ins: 0, outs: 0 };
        expect(briefing.provinceCode, code).toBe(code);
        expect(briefing.flows.totalCompleted, code).toBe(expected.totalCompleted);
        expect({ ins: briefing.flows.home.current.portIns, outs: briefing.flows.home.current.portOuts }, code).toEqual(
          home,
        );
        expect(briefing.flows.home.current.net, code).toBe(home.ins - home.outs);
        expectSharedFigures(briefing, expected, code);
        expectDataQuality(briefing.dataQuality, expected);
      }
    });

    it('adds the flows of each province with the other operators up to its own ins and outs', () => {
      for (const [code, briefing] of byProvince) {
        expect(sum(briefing.flows.withOperators.map((flow) => flow.portIns)), code).toBe(
          briefing.flows.home.current.portIns,
        );
        expect(sum(briefing.flows.withOperators.map((flow) => flow.portOuts)), code).toBe(
          briefing.flows.home.current.portOuts,
        );
        for (const flow of briefing.flows.withOperators) expect(flow.net, code).toBe(flow.portIns - flow.portOuts);
      }
    });

    it('adds the provinces up to the nation: completed ports and the home operator net', () => {
      const nation = recompute(rows, MONTHLY, HOME);
      const provincesTotal = sum([...byProvince.values()].map((briefing) => briefing.flows.totalCompleted));
      expect(provincesTotal).toBe(nation.totalCompleted);
      const home = nation.byOperator.get(HOME)!;
      expect(sum([...byProvince.values()].map((briefing) => briefing.flows.home.current.net))).toBe(
        home.ins - home.outs,
      );
    });
  });
});
