// Assembles one province's monthly guidance report, sliced from the rows every province shares.
// It holds the province's own figures and national aggregates only: no other province, no
// target, no ranking.

import { dataQualityFigures } from './data-quality.ts';
import { dissatisfactionFigures } from './dissatisfaction.ts';
import { difference, inPeriod, ratio, sumBy } from './figures.ts';
import { activeOperators, compareFlows, flowTrend, homeFlow, totalCompleted } from './flows.ts';
import { guidanceFor } from './guidance.ts';
import { type BriefingContext, headlineOf, periodModel } from './hq-weekly.ts';
import { rejectionFigures } from './rejections.ts';
import type { CounterpartFlow, ProvinceMonthlyBriefing } from './report-model.ts';
import { valueMirrorFigures } from './value-mirror.ts';

export function buildProvinceMonthlyBriefing(context: BriefingContext, provinceCode: string): ProvinceMonthlyBriefing {
  const { plan, rows, homeOperator } = context;
  const { period, windows } = plan;
  const scope = { provinceCode };
  const national = {};
  const previous = windows.flows[windows.flows.length - 2]!;
  const previousCategories = windows.categories.slice(0, -1);
  const previousRejections = windows.rejections[windows.rejections.length - 2]!;

  const home = compareFlows(
    homeFlow(rows.flows, rows.base, period, homeOperator, scope),
    homeFlow(rows.flows, rows.base, previous, homeOperator, scope),
  );
  const periodRows = rows.flows.filter((row) => row.provinceCode === provinceCode && inPeriod(row.day, period));
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
  const nationwide = dissatisfactionFigures(rows.categories, period, previousCategories, homeOperator, national);
  const categories = local.categories.map((figure) => {
    const nationalShare =
      nationwide.categories.find((candidate) => candidate.category === figure.category)?.share ??
      (nationwide.responses > 0 ? 0 : null);
    return { ...figure, nationalShare, overIndex: difference(figure.share, nationalShare) };
  });

  const localRejections = rejectionFigures(rows.requests, period, previousRejections, homeOperator, scope);
  const nationalRejections = rejectionFigures(rows.requests, period, previousRejections, homeOperator, national);
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
    headline: headlineOf(home, local),
    flows: {
      totalCompleted: totalCompleted(rows.flows, period, scope),
      home,
      withOperators,
      trend: flowTrend(rows.flows, rows.base, windows.flows, homeOperator, scope),
    },
    dissatisfaction: { ...local, categories },
    rejections: { ...localRejections, reasons },
    valueMirror: valueMirrorFigures(rows.valueMirror, homeOperator, scope),
    guidance: guidanceFor(categories, context.locale),
    dataQuality: dataQualityFigures(rows.dataQuality, plan.partitionsRead, context.partitionsMissing, scope),
  };
}
