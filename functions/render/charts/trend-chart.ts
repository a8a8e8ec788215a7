// The trend chart as Vega-Lite: a line with points per series over the period labels in order,
// a gap where a value is missing, dashed series dashed, and one legend under the plot.
import type { TrendChartSpec } from './chart-spec.ts';
import {
  type ChartLayout,
  COUNT_FORMAT,
  chartFrame,
  INNER_WIDTH,
  LABEL_FONT_SIZE,
  legendExtraHeight,
  legendLayout,
  type MeasureText,
  titleLayout,
  xLabelLayout,
} from './chart-theme.ts';

const BASE_HEIGHT = 260;
const DASH = [6, 4];
const SOLID = [1, 0];

export function trendChart(spec: TrendChartSpec, fontFamily: string, measure: MeasureText): ChartLayout {
  const names = spec.series.map((series) => series.name);
  const legend = legendLayout(names, measure);
  const xLabels = xLabelLayout(spec.xLabels, plotWidth(spec, measure), measure);
  const title = titleLayout(spec.title, measure);
  const height = BASE_HEIGHT + title.extraHeight + legendExtraHeight(legend) + xLabels.extraHeight;
  const values = spec.series.flatMap((series) =>
    spec.xLabels.map((label, index) => ({ label, series: series.name, value: series.values[index] ?? null })),
  );
  const series = { field: 'series', type: 'nominal', sort: names } as const;
  return {
    height,
    svgDefs: '',
    vegaLite: {
      ...chartFrame(height, fontFamily),
      title: { text: title.lines, subtitle: spec.yTitle },
      data: { values },
      encoding: {
        x: {
          field: 'label',
          type: 'ordinal',
          sort: [...spec.xLabels],
          scale: { padding: 0.4 },
          axis: {
            title: null,
            labelAngle: xLabels.angle,
            labelOverlap: xLabels.labelOverlap,
            labelLimit: xLabels.labelLimit,
          },
        },
        y: {
          field: 'value',
          type: 'quantitative',
          axis: { title: null, format: COUNT_FORMAT, tickMinStep: 1, domain: false, ticks: false, tickCount: 5 },
        },
        color: {
          ...series,
          scale: { domain: names, range: spec.series.map((s) => s.color) },
          legend: {
            symbolType: 'stroke',
            symbolSize: 400,
            columns: legend.columns,
            labelLimit: legend.labelLimit,
          },
        },
        strokeDash: {
          ...series,
          scale: { domain: names, range: spec.series.map((s) => (s.dashed ? DASH : SOLID)) },
        },
      },
      layer: [
        { mark: { type: 'line', strokeWidth: 2, invalid: 'break-paths-show-domains' } },
        { mark: { type: 'point', filled: true, size: 30, opacity: 1 }, encoding: { strokeDash: { value: SOLID } } },
      ],
    },
  };
}

/** Room for the x labels: the inner width less the y axis labels, whose widest is the largest value. */
function plotWidth(spec: TrendChartSpec, measure: MeasureText): number {
  const largest = Math.max(0, ...spec.series.flatMap((series) => series.values.map((value) => Math.abs(value ?? 0))));
  const axisLabel = `-${largest.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  return INNER_WIDTH - measure(axisLabel, LABEL_FONT_SIZE) - 8;
}
