// Assembles one province's monthly guidance report, sliced from the rows every province shares.
// It holds the province's own figures and national aggregates only: no other province, no
// target, no ranking. A run builds the 31 reports from the same rows, so the province's figures
// read its own slice of them (each table filtered once, not once per figure) and the national
// aggregates are worked out once per set of rows, not once per province.

import { dataQualityFigures } from './data-quality.ts';
import { type DissatisfactionFigures, dissatisfactionFigures } from './dissatisfaction.ts';
import { difference, inPeriod, ratio, sumBy } from './figures.ts';
import { activeOperators, compareFlows, flowTrend, homeFlow, totalCompleted } from './flows.ts';
import { guidanceFor } from './guidance.ts';
import { type BriefingContext, comparedPeriods, headlineOf, lakeStartNoted, periodModel } from './hq-weekly.ts';
import { METRIC_KEYS, type MetricRows } from './metric-registry.ts';
import type { Period } from './period.ts';
import { type RejectionFigures, rejectionFigures } from './rejections.ts';
import type { CounterpartFlow, ProvinceMonthlyBriefing } from './report-model.ts';
import { valueMirrorFigures } from './value-mirror.ts';

type RowsByKey = Record<keyof MetricRows, { provinceCode: string | null }[]>;

// Keyed by the shared rows object, so a cache lives as long as its run's rows and no longer.
const provinceSlices = new WeakMap<MetricRows, Map<string, MetricRows>>();

function emptyRows(): RowsByKey {
  return Object.fromEntries(METRIC_KEYS.map((key) => [key, []])) as unknown as RowsByKey;
}

/** Every province's rows, in one pass over each table, in the order of the shared rows. */
function sliceByProvince(rows: MetricRows): Map<string, MetricRows> {
  const slices = new Map<string, RowsByKey>();
  for (const key of METRIC_KEYS) {
    for (const row of rows[key] as readonly { provinceCode: string | null }[]) {
      if (row.provinceCode === null) continue;
      let slice = slices.get(row.provinceCode);
      if (!slice) {
        slice = emptyRows();
        slices.set(row.provinceCode, slice);
      }
      slice[key].push(row);
    }
  }
  return slices as unknown as Map<string, MetricRows>;
}

/** The rows of one province: what every figure scoped to it would keep of the shared rows. */
function provinceRowsOf(rows: MetricRows, provinceCode: string): MetricRows {
  let slices = provinceSlices.get(rows);
  if (!slices) {
    slices = sliceByProvince(rows);
    provinceSlices.set(rows, slices);
  }
  return slices.get(provinceCode) ?? (emptyRows() as unknown as MetricRows);
}

interface NationalFigures {
  readonly dissatisfaction: DissatisfactionFigures;
  readonly rejections: RejectionFigures;
}

const nationalByRows = new WeakMap<MetricRows, Map<string, NationalFigures>>();

/** The national aggregates a province is set against; the same for every province of a run. */
function nationalFiguresOf(
  rows: MetricRows,
  period: Period,
  previousCategories: readonly Period[],
  previousRejections: Period | null,
  homeOperator: string,
): NationalFigures {
  const compared = [previousRejections?.id ?? '-', ...previousCategories.map((p) => p.id)];
  const key = [homeOperator, period.id, ...compared].join(' ');
  let cache = nationalByRows.get(rows);
  if (!cache) {
    cache = new Map();
    nationalByRows.set(rows, cache);
  }
  let figures = cache.get(key);
  if (!figures) {
    figures = {
      dissatisfaction: dissatisfactionFigures(rows.categories, period, previousCategories, homeOperator, {}),
      rejections: rejectionFigures(rows.requests, period, previousRejections, homeOperator, {}),
    };
    cache.set(key, figures);
  }
  return figures;
}

export function buildProvinceMonthlyBriefing(context: BriefingContext, provinceCode: string): ProvinceMonthlyBriefing {
  const { plan, homeOperator } = context;
  const { period } = plan;
  const rows = provinceRowsOf(context.rows, provinceCode);
  const scope = { provinceCode };
  const compared = comparedPeriods(plan, context.lakeStartsOn);
  const { previousCategories, previousRejections } = compared;

  const home = compareFlows(
    homeFlow(rows.flows, rows.base, period, homeOperator, scope),
    compared.previousFlows && homeFlow(rows.flows, rows.base, compared.previousFlows, homeOperator, scope),
  );
  const periodRows = rows.flows.filter((row) => row.provinceCode === provinceCode && inPeriod(row.periodStart, period));
  const withOperators: CounterpartFlow[] = activeOperators(
    rows.flows.filter((row) => row.provinceCode === provinceCode),
  )
    .filter((operator) => operator !== homeOperator)
    .map((operator) => {
      const portIns = sumBy(periodRows, (row) =>
        row.donor === operator && row.recipient === homeOperator ? row.ports : 0,
      );
      const portOuts = sumBy(periodRows, (row) =>
        row.donor === homeOperator && row.recipient === operator ? row.ports : 0,
      );
      return { operator, portIns, portOuts, net: portIns - portOuts };
    });

  const local = dissatisfactionFigures(rows.categories, period, previousCategories, homeOperator, scope);
  const national = nationalFiguresOf(context.rows, period, previousCategories, previousRejections, homeOperator);
  const nationwide = national.dissatisfaction;
  const categories = local.categories.map((figure) => {
    const nationalShare =
      nationwide.categories.find((candidate) => candidate.category === figure.category)?.share ??
      (nationwide.responses > 0 ? 0 : null);
    return { ...figure, nationalShare, overIndex: difference(figure.share, nationalShare) };
  });

  const localRejections = rejectionFigures(rows.requests, period, previousRejections, homeOperator, scope);
  const nationalRejections = national.rejections;
  const reasons = localRejections.reasons.map((reason) => ({
    ...reason,
    nationalShare: ratio(
      nationalRejections.reasons.find((candidate) => candidate.reason === reason.reason)?.count ?? 0,
      nationalRejections.rejected,
    ),
  }));

  return {
    report: 'province-monthly',
    audience: provinceCode,
    provinceCode,
    locale: context.locale,
    generatedAt: context.generatedAt,
    homeOperator,
    period: periodModel(period),
    dataIncomplete: context.dataIncomplete,
    lakeStartsOn: lakeStartNoted(context),
    headline: headlineOf(home, local),
    flows: {
      totalCompleted: totalCompleted(rows.flows, period, scope),
      home,
      withOperators,
      trend: flowTrend(rows.flows, rows.base, compared.trend, homeOperator, scope),
    },
    dissatisfaction: { ...local, categories },
    rejections: { ...localRejections, reasons },
    valueMirror: valueMirrorFigures(rows.valueMirror, homeOperator, scope),
    guidance: guidanceFor(categories, context.locale),
    dataQuality: dataQualityFigures(rows.dataQuality, plan.partitionsRead, context.partitionsMissing, scope),
  };
}
