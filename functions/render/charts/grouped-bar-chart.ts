// The grouped-bar chart as Vega-Lite: per category label one bar per series side by side, upright
// or lying (for long label lists such as provinces). A dashed series gets hatched bars, drawn by
// an SVG pattern that the drawer adds to Vega's output.
import type { ChartSeries, GroupedBarChartSpec } from './chart-spec.ts';
import {
  COUNT_FORMAT,
  DISPLAY_WIDTH,
  INNER_WIDTH,
  PADDING,
  PERCENT_FORMAT,
  categoryLabelLimit,
  chartConfig,
  legendExtraHeight,
  legendLayout,
  xLabelLayout,
  type ChartLayout,
  type MeasureText,
} from './chart-theme.ts';

const UPRIGHT_HEIGHT = 300;
/** Horizontal bars: title, value axis and one legend row, around the bands. */
const LYING_FRAME_HEIGHT = 110;
/** Room the value axis labels take beside upright bars. */
const VALUE_AXIS_WIDTH = 50;

export function groupedBarChart(spec: GroupedBarChartSpec, fontFamily: string, measure: MeasureText): ChartLayout {
  const names = spec.series.map((series) => series.name);
  const legend = legendLayout(names, measure);
  const bandHeight = 12 + 10 * spec.series.length;
  const xLabels = xLabelLayout(spec.labels, INNER_WIDTH - VALUE_AXIS_WIDTH, measure);
  const height = spec.horizontal
    ? LYING_FRAME_HEIGHT + spec.labels.length * bandHeight + legendExtraHeight(legend)
    : UPRIGHT_HEIGHT + legendExtraHeight(legend) + xLabels.extraHeight;
  const values = spec.series.flatMap((series) =>
    spec.labels.map((label, index) => ({ label, series: series.name, value: series.values[index] ?? null })),
  );
  const format = spec.valueFormat === 'percent' ? PERCENT_FORMAT : COUNT_FORMAT;
  const category = {
    field: 'label',
    type: 'nominal',
    sort: [...spec.labels],
    scale: { paddingInner: 0.3, paddingOuter: 0.15 },
    axis: spec.horizontal
      ? { title: null, ticks: false, labelLimit: categoryLabelLimit(spec.labels, measure), labelPadding: 6 }
      : { title: null, ticks: false, labelAngle: xLabels.angle, labelLimit: xLabels.labelLimit, labelOverlap: xLabels.labelOverlap },
  } as const;
  const value = {
    field: 'value',
    type: 'quantitative',
    scale: { zero: true },
    axis: { title: null, format, tickMinStep: spec.valueFormat === 'percent' ? 0.01 : 1, domain: false, ticks: false, tickCount: 5 },
  } as const;
  const offset = { field: 'series', type: 'nominal', sort: names, scale: { paddingInner: 0.08 } } as const;
  return {
    height,
    svgDefs: hatchPatterns(spec.series),
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: DISPLAY_WIDTH,
      height,
      autosize: { type: 'fit', contains: 'padding' },
      padding: PADDING,
      config: chartConfig(fontFamily),
      title: { text: spec.title },
      data: { values },
      mark: { type: 'bar', strokeWidth: 1, invalid: 'filter' },
      encoding: {
        ...(spec.horizontal ? { y: category, x: value, yOffset: offset } : { x: category, y: value, xOffset: offset }),
        color: {
          field: 'series',
          type: 'nominal',
          sort: names,
          scale: { domain: names, range: spec.series.map((series, index) => (series.dashed ? `url(#${hatchId(index)})` : series.color)) },
          legend: { symbolType: 'square', symbolSize: 144, columns: legend.columns, labelLimit: legend.labelLimit },
        },
        stroke: {
          field: 'series',
          type: 'nominal',
          sort: names,
          scale: { domain: names, range: spec.series.map((series) => series.color) },
        },
      },
    },
  };
}

function hatchId(seriesIndex: number): string {
  return `hatch-${seriesIndex}`;
}

/** Diagonal stripes in the series colour over a pale tint of it. */
function hatchPatterns(series: readonly ChartSeries[]): string {
  return series
    .map((entry, index) =>
      entry.dashed
        ? `<pattern id="${hatchId(index)}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
          `<rect width="6" height="6" fill="${entry.color}" fill-opacity="0.18"/>` +
          `<rect width="2.5" height="6" fill="${entry.color}"/></pattern>`
        : '',
    )
    .join('');
}
