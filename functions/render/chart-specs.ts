// The charts of a briefing, as specs in the reader's language: the home operator's trend, the
// port-ins and port-outs per operator (or per counterpart operator for a province), and the mix
// of leaving reasons against earlier periods (or the national mix). Operators keep their
// reference colour, but colour never carries meaning alone: operators are named beside their
// bars, port-outs and comparison series are dashed or hatched, and each bar states its figure.
// Every alt text states the figures the chart draws, with the full names.
import type { Briefing, Locale } from '#core/report-model.ts';
import { operatorByCode } from '#reference/index.ts';
import type { ChartSpec, GroupedBarChartSpec, TrendChartSpec } from './charts/chart-spec.ts';
import { hasMessage } from './locale.ts';
import { itemsOf, type RenderContext, renderContextOf } from './render-context.ts';

/** Net flow and comparison series are not operators: dark and mid grey, both AA on white. */
const NET_COLOR = '#404040';
const COMPARISON_COLOR = '#6b6b6b';
const FALLBACK_OPERATOR_COLOR = '#595959';
/** A bar series whose bars each carry an operator's colour has this one only as a fallback. */
const NEUTRAL_BAR_COLOR = FALLBACK_OPERATOR_COLOR;

export const CHART_IDS = { trend: 'trend', operators: 'operators', categories: 'categories' } as const;

function colorOf(operator: string): string {
  return operatorByCode.get(operator)?.color ?? FALLBACK_OPERATOR_COLOR;
}

function trendChart(model: Briefing, c: RenderContext): TrendChartSpec {
  const trend = model.flows.trend;
  const color = colorOf(model.homeOperator);
  const points = trend.map((point) =>
    c.t('charts.trendPoint', {
      period: c.periods.short(point.period),
      portIns: c.format.count(point.portIns),
      portOuts: c.format.count(point.portOuts),
      net: c.format.signed(point.net),
    }),
  );
  return {
    kind: 'trend',
    id: CHART_IDS.trend,
    title: c.t('charts.trendTitle', { home: c.home }),
    alt: c.t('charts.trendAlt', { home: c.home, unit: c.word('unit'), points: itemsOf(c, points) }),
    xLabels: trend.map((point) => c.periods.axis(point.period)),
    yTitle: c.t('charts.trendYTitle'),
    series: [
      { name: c.t('flows.portIns'), color, values: trend.map((point) => point.portIns) },
      { name: c.t('flows.portOuts'), color, values: trend.map((point) => point.portOuts), dashed: true },
      { name: c.t('flows.net'), color: NET_COLOR, values: trend.map((point) => point.net) },
    ],
  };
}

/**
 * One row per operator, named on the axis, with its port-ins (solid) and port-outs (hatched) in
 * the operator's colour; each bar says which it is and its count, so the chart needs no legend.
 */
function operatorsChart(model: Briefing, c: RenderContext): GroupedBarChartSpec {
  const flows =
    model.report === 'hq-weekly'
      ? model.flows.byOperator.map(({ operator, portIns, portOuts }) => ({ operator, portIns, portOuts }))
      : model.flows.withOperators.map(({ operator, portIns, portOuts }) => ({ operator, portIns, portOuts }));
  const items = flows.map((flow) =>
    c.t('charts.operatorItem', {
      operator: c.labels.operator(flow.operator),
      portIns: c.format.count(flow.portIns),
      portOuts: c.format.count(flow.portOuts),
    }),
  );
  const hq = model.report === 'hq-weekly';
  const colors = flows.map((flow) => colorOf(flow.operator));
  return {
    kind: 'grouped-bars',
    id: CHART_IDS.operators,
    title: hq ? c.t('charts.operatorsTitle') : c.t('charts.counterpartsTitle', { home: c.home }),
    alt: hq
      ? c.t('charts.operatorsAlt', { items: itemsOf(c, items) })
      : c.t('charts.counterpartsAlt', { home: c.home, items: itemsOf(c, items) }),
    labels: flows.map((flow) => c.labels.operator(flow.operator)),
    series: [
      {
        name: c.t('flows.portIns'),
        color: NEUTRAL_BAR_COLOR,
        colors,
        values: flows.map((flow) => flow.portIns),
        valueLabels: flows.map((flow) => c.t('charts.barPortIns', { value: c.format.count(flow.portIns) })),
      },
      {
        name: c.t('flows.portOuts'),
        color: NEUTRAL_BAR_COLOR,
        colors,
        values: flows.map((flow) => flow.portOuts),
        valueLabels: flows.map((flow) => c.t('charts.barPortOuts', { value: c.format.count(flow.portOuts) })),
        dashed: true,
      },
    ],
    valueFormat: 'count',
    horizontal: true,
    legend: false,
  };
}

/** A category's name on the chart: the locale's short form where it has one, else the full name. */
function shortCategory(c: RenderContext, code: string): string {
  const key = `charts.categoryShort.${code}`;
  return hasMessage(c.locale, key) ? c.t(key) : c.labels.category(code);
}

function categoriesChart(model: Briefing, c: RenderContext): GroupedBarChartSpec {
  const color = colorOf(model.homeOperator);
  const current = c.word('current');
  const shares = (values: readonly (number | null)[]) => values.map((value) => c.format.share(value));
  const base = { kind: 'grouped-bars', id: CHART_IDS.categories, valueFormat: 'percent', horizontal: true } as const;
  if (model.report === 'hq-weekly') {
    const categories = model.dissatisfaction.categories;
    const items = categories.map((category) =>
      c.t('charts.categoryItem', {
        category: c.labels.category(category.category),
        share: c.format.share(category.share),
        previousShare: c.format.share(category.previousShare),
      }),
    );
    return {
      ...base,
      title: c.t('charts.categoriesTitle', { current }),
      alt: c.t('charts.categoriesAlt', { current, items: itemsOf(c, items) }),
      labels: categories.map((category) => shortCategory(c, category.category)),
      series: [
        {
          name: c.t('charts.seriesCurrent', { current: c.word('currentTitle') }),
          color,
          values: categories.map((category) => category.share),
        },
        {
          name: c.t('charts.seriesEarlier'),
          color: COMPARISON_COLOR,
          values: categories.map((category) => category.previousShare),
          dashed: true,
        },
      ].map((series) => ({ ...series, valueLabels: shares(series.values) })),
    };
  }
  const categories = model.dissatisfaction.categories;
  const items = categories.map((category) =>
    c.t('charts.categoryItemProvince', {
      category: c.labels.category(category.category),
      share: c.format.share(category.share),
      nationalShare: c.format.share(category.nationalShare),
    }),
  );
  return {
    ...base,
    title: c.t('charts.categoriesTitleProvince'),
    alt: c.t('charts.categoriesAltProvince', { items: itemsOf(c, items) }),
    labels: categories.map((category) => shortCategory(c, category.category)),
    series: [
      { name: c.t('charts.seriesProvince'), color, values: categories.map((category) => category.share) },
      {
        name: c.t('charts.seriesNational'),
        color: COMPARISON_COLOR,
        values: categories.map((category) => category.nationalShare),
        dashed: true,
      },
    ].map((series) => ({ ...series, valueLabels: shares(series.values) })),
  };
}

/** The charts a briefing shows, in the order they appear; none for a section without figures. */
export function chartSpecsOf(model: Briefing, locale: Locale): ChartSpec[] {
  const c = renderContextOf(model, locale);
  const specs: ChartSpec[] = [];
  const operatorCount = model.report === 'hq-weekly' ? model.flows.byOperator.length : model.flows.withOperators.length;
  if (operatorCount > 0) specs.push(operatorsChart(model, c));
  if (model.flows.trend.length > 0) specs.push(trendChart(model, c));
  if (model.dissatisfaction.categories.length > 0) specs.push(categoriesChart(model, c));
  return specs;
}
