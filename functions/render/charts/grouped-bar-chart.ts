// The grouped-bar chart as Vega-Lite: per category label one bar per series side by side, lying
// (labels on the left, read on a phone without turning the head) or upright. A dashed series gets
// hatched bars, drawn by SVG patterns that the drawer adds to Vega's output. Bars may carry their
// own colour (an operator's) and a text at their end (its figure, in the reader's language); a
// chart whose bars all carry a text draws no value axis, and long labels wrap, never cut.
import type { ChartSeries, GroupedBarChartSpec } from './chart-spec.ts';
import {
  CATEGORY_LABEL_WIDTH,
  type ChartLayout,
  COUNT_FORMAT,
  chartFrame,
  DISPLAY_WIDTH,
  INNER_WIDTH,
  LABEL_FONT_SIZE,
  LINE_BREAK,
  legendExtraHeight,
  legendLayout,
  type MeasureText,
  PADDING,
  PERCENT_FORMAT,
  TEXT_COLOR,
  TITLE_FONT_SIZE,
  titleLayout,
  wrapLabel,
  xLabelLayout,
} from './chart-theme.ts';

const UPRIGHT_HEIGHT = 280;
/** Room the value axis labels take beside upright bars. */
const VALUE_AXIS_WIDTH = 50;
/** A lying bar is as thick as a line of its text. */
const BAR_THICKNESS = LABEL_FONT_SIZE + 4;
const BAND_PADDING = 0.28;
const LABEL_PADDING = 6;
/** Gap between a bar's end and its text. */
const TEXT_GAP = 5;
/** Height of the title block, the value axis and a legend row, at the label and title sizes. */
const TITLE_BLOCK = TITLE_FONT_SIZE + 14;
const VALUE_AXIS_BLOCK = LABEL_FONT_SIZE + 12;
const LEGEND_BLOCK = LABEL_FONT_SIZE + 22;

interface BarDatum {
  readonly label: string;
  readonly series: string;
  readonly value: number | null;
  readonly fill: string;
  readonly stroke: string;
  readonly text: string;
}

export function groupedBarChart(spec: GroupedBarChartSpec, fontFamily: string, measure: MeasureText): ChartLayout {
  const names = spec.series.map((series) => series.name);
  const showLegend = spec.legend ?? true;
  const legend = legendLayout(names, measure);
  const labelled = spec.series.every((series) => series.valueLabels !== undefined);
  const labels = spec.horizontal
    ? spec.labels.map((label) => wrapLabel(label, CATEGORY_LABEL_WIDTH, measure))
    : spec.labels.map((label) => [label]);
  const shownLabels = labels.map((lines) => lines.join(LINE_BREAK));
  const legendHeight = showLegend ? LEGEND_BLOCK + legendExtraHeight(legend) : 0;
  const xLabels = xLabelLayout(spec.labels, INNER_WIDTH - VALUE_AXIS_WIDTH, measure);
  const step =
    Math.max(
      spec.series.length * BAR_THICKNESS,
      Math.max(...labels.map((lines) => lines.length)) * (LABEL_FONT_SIZE + 3),
    ) /
    (1 - BAND_PADDING);
  const title = titleLayout(spec.title, measure);
  const height =
    title.extraHeight +
    (spec.horizontal
      ? Math.round(
          PADDING.top +
            PADDING.bottom +
            TITLE_BLOCK +
            (labelled ? 0 : VALUE_AXIS_BLOCK) +
            legendHeight +
            spec.labels.length * step,
        )
      : UPRIGHT_HEIGHT + (showLegend ? legendExtraHeight(legend) : -LEGEND_BLOCK) + xLabels.extraHeight);
  const data = barData(spec, shownLabels);
  const labelWidth = Math.max(0, ...labels.flat().map((line) => measure(line, LABEL_FONT_SIZE)));
  const category = {
    field: 'label',
    type: 'nominal',
    sort: shownLabels,
    scale: { paddingInner: BAND_PADDING, paddingOuter: BAND_PADDING / 2 },
    axis: spec.horizontal
      ? {
          title: null,
          ticks: false,
          labelLimit: Math.ceil(labelWidth) + 4,
          labelPadding: LABEL_PADDING,
          labelExpr: "split(datum.value, '\\n')",
          labelLineHeight: LABEL_FONT_SIZE + 2,
        }
      : {
          title: null,
          ticks: false,
          labelAngle: xLabels.angle,
          labelLimit: xLabels.labelLimit,
          labelOverlap: xLabels.labelOverlap,
        },
  } as const;
  const format = spec.valueFormat === 'percent' ? PERCENT_FORMAT : COUNT_FORMAT;
  const value = {
    field: 'value',
    type: 'quantitative',
    scale:
      labelled && spec.horizontal
        ? { domain: [0, valueRoom(spec, data, labelWidth, measure)], nice: false, zero: true }
        : { zero: true },
    axis:
      labelled && spec.horizontal
        ? null
        : {
            title: null,
            format,
            tickMinStep: spec.valueFormat === 'percent' ? 0.01 : 1,
            domain: false,
            ticks: false,
            tickCount: 5,
          },
  } as const;
  const offset = { field: 'series', type: 'nominal', sort: names, scale: { paddingInner: 0.06 } } as const;
  const position = spec.horizontal
    ? { y: category, x: value, yOffset: offset }
    : { x: category, y: value, xOffset: offset };
  const text = spec.horizontal
    ? { type: 'text', align: 'left', baseline: 'middle', dx: TEXT_GAP, fontSize: LABEL_FONT_SIZE, color: TEXT_COLOR }
    : {
        type: 'text',
        align: 'center',
        baseline: 'bottom',
        dy: -TEXT_GAP,
        fontSize: LABEL_FONT_SIZE,
        color: TEXT_COLOR,
      };
  return {
    height,
    svgDefs: hatchPatterns(spec.series),
    vegaLite: {
      ...chartFrame(height, fontFamily),
      title: { text: title.lines },
      data: { values: data },
      encoding: position,
      layer: [
        {
          mark: { type: 'bar', strokeWidth: 1, invalid: 'filter' },
          encoding: barColours(spec, names, showLegend, legend),
        },
        ...(labelled
          ? [{ mark: { ...text, invalid: 'filter' }, encoding: { text: { field: 'text', type: 'nominal' } } }]
          : []),
      ],
    } as ChartLayout['vegaLite'],
  };
}

function barData(spec: GroupedBarChartSpec, shownLabels: readonly string[]): BarDatum[] {
  return spec.series.flatMap((series) =>
    shownLabels.map((label, index) => {
      const color = series.colors?.[index] ?? series.color;
      return {
        label,
        series: series.name,
        value: series.values[index] ?? null,
        fill: series.dashed ? `url(#${hatchId(color)})` : color,
        stroke: color,
        text: series.valueLabels?.[index] ?? '',
      };
    }),
  );
}

/**
 * The end of the value scale, so that the longest bar still leaves room for its text: each bar
 * plus its text must fit the plot, the plot being what the category labels leave of the width.
 */
function valueRoom(
  spec: GroupedBarChartSpec,
  data: readonly BarDatum[],
  labelWidth: number,
  measure: MeasureText,
): number {
  const plot = DISPLAY_WIDTH - PADDING.left - PADDING.right - labelWidth - LABEL_PADDING - 4;
  const largest = Math.max(0, ...data.map((datum) => datum.value ?? 0));
  const needed = data.map((datum) => {
    const room = plot - TEXT_GAP - measure(datum.text, LABEL_FONT_SIZE) - 2;
    return room > plot * 0.25 ? ((datum.value ?? 0) * plot) / room : (datum.value ?? 0) * 4;
  });
  const end = Math.max(largest, ...needed);
  return end > 0 ? end : spec.valueFormat === 'percent' ? 0.01 : 1;
}

/** Series colours through a scale with a legend, or each bar's own colour without one. */
function barColours(
  spec: GroupedBarChartSpec,
  names: readonly string[],
  showLegend: boolean,
  legend: ReturnType<typeof legendLayout>,
): object {
  if (!showLegend) {
    return {
      color: { field: 'fill', type: 'nominal', scale: null, legend: null },
      stroke: { field: 'stroke', type: 'nominal', scale: null, legend: null },
    };
  }
  return {
    color: {
      field: 'series',
      type: 'nominal',
      sort: names,
      scale: {
        domain: names,
        range: spec.series.map((series) => (series.dashed ? `url(#${hatchId(series.color)})` : series.color)),
      },
      legend: { symbolType: 'square', symbolSize: 160, columns: legend.columns, labelLimit: legend.labelLimit },
    },
    stroke: {
      field: 'series',
      type: 'nominal',
      sort: names,
      scale: { domain: names, range: spec.series.map((series) => series.color) },
    },
  };
}

function hatchId(color: string): string {
  return `hatch-${color.slice(1).toLowerCase()}`;
}

/** Diagonal stripes in a colour over a pale tint of it, one pattern per colour a dashed series uses. */
function hatchPatterns(series: readonly ChartSeries[]): string {
  const colors = new Set(
    series.filter((entry) => entry.dashed).flatMap((entry) => [entry.color, ...(entry.colors ?? [])]),
  );
  return [...colors]
    .map(
      (color) =>
        `<pattern id="${hatchId(color)}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
        `<rect width="6" height="6" fill="${color}" fill-opacity="0.2"/>` +
        `<rect width="2.5" height="6" fill="${color}"/></pattern>`,
    )
    .join('');
}
