// The trend chart's layout: a line with points per series over the period labels in order, a gap
// where a value is missing, dashed series dashed, and one legend under the plot. The Vega-Lite
// spec these values fill is functions/chartgen/trend-spec.ts.
import type { TrendChartSpec } from './chart-spec.ts';
import {
  type ChartLayout,
  INNER_WIDTH,
  LABEL_FONT_SIZE,
  legendExtraHeight,
  legendLayout,
  type MeasureText,
  titleLayout,
  xLabelLayout,
} from './chart-theme.ts';
import type { TrendVariant } from './chart-variants.ts';

const BASE_HEIGHT = 260;
const DASH = [6, 4];
/** A solid line as a dash pattern (the points of every series are solid). */
export const SOLID = [1, 0];

export interface TrendDatum {
  readonly label: string;
  readonly series: string;
  readonly value: number | null;
}

/** What the trend template takes from the data. */
export type TrendParams = {
  readonly height: number;
  readonly font: string;
  readonly titleLines: readonly string[];
  readonly subtitle: string;
  readonly data: readonly TrendDatum[];
  /** The period labels in order. */
  readonly xOrder: readonly string[];
  readonly xLabelLimit: number;
  readonly xLabelOverlap: false | 'parity';
  /** Series names in order, their colours and dash patterns. */
  readonly names: readonly string[];
  readonly colors: readonly string[];
  readonly dashes: readonly (readonly number[])[];
  readonly legendColumns: number;
  readonly legendLabelLimit: number;
};

export type TrendLayout = ChartLayout<TrendVariant, TrendParams>;

export function trendChart(spec: TrendChartSpec, fontFamily: string, measure: MeasureText): TrendLayout {
  const names = spec.series.map((series) => series.name);
  const legend = legendLayout(names, measure);
  const xLabels = xLabelLayout(spec.xLabels, plotWidth(spec, measure), measure);
  const title = titleLayout(spec.title, measure);
  const height = BASE_HEIGHT + title.extraHeight + legendExtraHeight(legend) + xLabels.extraHeight;
  return {
    variant: { kind: 'trend', turnedLabels: xLabels.turned },
    height,
    svgDefs: '',
    params: {
      height,
      font: fontFamily,
      titleLines: title.lines,
      subtitle: spec.yTitle,
      data: spec.series.flatMap((series) =>
        spec.xLabels.map((label, index) => ({ label, series: series.name, value: series.values[index] ?? null })),
      ),
      xOrder: [...spec.xLabels],
      xLabelLimit: xLabels.labelLimit,
      xLabelOverlap: xLabels.labelOverlap,
      names,
      colors: spec.series.map((series) => series.color),
      dashes: spec.series.map((series) => (series.dashed ? DASH : SOLID)),
      legendColumns: legend.columns,
      legendLabelLimit: legend.labelLimit,
    },
  };
}

/** Room for the x labels: the inner width less the y axis labels, whose widest is the largest value. */
function plotWidth(spec: TrendChartSpec, measure: MeasureText): number {
  const largest = Math.max(0, ...spec.series.flatMap((series) => series.values.map((value) => Math.abs(value ?? 0))));
  const axisLabel = `-${largest.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  return INNER_WIDTH - measure(axisLabel, LABEL_FONT_SIZE) - 8;
}
