// The grouped-bar chart's layout: per category label one bar per series side by side, lying
// (labels on the left, read on a phone without turning the head) or upright. A dashed series gets
// hatched bars, drawn by SVG patterns that the drawer adds to Vega's output. Bars may carry their
// own colour (an operator's) and a text at their end (its figure, in the reader's language); a
// chart whose bars all carry a text draws no value axis, and long labels wrap, never cut. The
// Vega-Lite spec these values fill is functions/chartgen/grouped-bar-spec.ts.
import type { ChartSeries, GroupedBarChartSpec } from './chart-spec.ts';
import {
  CATEGORY_LABEL_WIDTH,
  type ChartLayout,
  COUNT_FORMAT,
  DISPLAY_WIDTH,
  INNER_WIDTH,
  LABEL_FONT_SIZE,
  LINE_BREAK,
  legendExtraHeight,
  legendLayout,
  type MeasureText,
  PADDING,
  PERCENT_FORMAT,
  TITLE_FONT_SIZE,
  titleLayout,
  wrapLabel,
  xLabelLayout,
} from './chart-theme.ts';
import type { BarVariant } from './chart-variants.ts';

const UPRIGHT_HEIGHT = 280;
/** Room the value axis labels take beside upright bars. */
const VALUE_AXIS_WIDTH = 50;
/** A lying bar is as thick as a line of its text. */
const BAR_THICKNESS = LABEL_FONT_SIZE + 4;
export const BAND_PADDING = 0.28;
export const LABEL_PADDING = 6;
/** Gap between a bar's end and its text. */
export const TEXT_GAP = 5;
/** Height of the title block, the value axis and a legend row, at the label and title sizes. */
const TITLE_BLOCK = TITLE_FONT_SIZE + 14;
const VALUE_AXIS_BLOCK = LABEL_FONT_SIZE + 12;
const LEGEND_BLOCK = LABEL_FONT_SIZE + 22;

export interface BarDatum {
  readonly label: string;
  /** The label's place in the category order: carried by the data, so that charts in other orders share a parse. */
  readonly order: number;
  readonly series: string;
  readonly value: number | null;
  readonly fill: string;
  readonly stroke: string;
  readonly text: string;
}

/** What a grouped-bar template takes from the data. */
export type BarParams = {
  readonly height: number;
  readonly font: string;
  readonly titleLines: readonly string[];
  /** In series order, each series' bars in category order; the category labels as drawn (wrapped lines joined by LINE_BREAK). */
  readonly data: readonly BarDatum[];
  readonly categoryLabelLimit: number;
  /** Upright bars only. */
  readonly categoryLabelOverlap: false | 'parity';
  /** End of the value scale beside lying bars with texts (0 where the scale finds its own), a Vega signal. */
  readonly valueEnd: number;
  readonly valueFormat: string;
  readonly tickMinStep: number;
  /** Series names in order, with the fills and outlines of their legend entries. */
  readonly names: readonly string[];
  readonly fills: readonly string[];
  readonly strokes: readonly string[];
  readonly legendColumns: number;
  readonly legendLabelLimit: number;
};

export type BarLayout = ChartLayout<BarVariant, BarParams>;

/** The Vega signal that holds valueEnd, so that charts with other ends share a parse. */
export const VALUE_END_SIGNAL = 'valueEnd' satisfies keyof BarParams;

export function groupedBarChart(spec: GroupedBarChartSpec, fontFamily: string, measure: MeasureText): BarLayout {
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
  return {
    variant: {
      kind: 'grouped-bars',
      horizontal: spec.horizontal,
      turnedLabels: !spec.horizontal && xLabels.turned,
      valueTexts: labelled,
      legend: showLegend,
    },
    height,
    svgDefs: hatchPatterns(spec.series),
    params: {
      height,
      font: fontFamily,
      titleLines: title.lines,
      data,
      categoryLabelLimit: spec.horizontal ? Math.ceil(labelWidth) + 4 : xLabels.labelLimit,
      categoryLabelOverlap: spec.horizontal ? false : xLabels.labelOverlap,
      valueEnd: labelled && spec.horizontal ? valueRoom(spec, data, labelWidth, measure) : 0,
      valueFormat: spec.valueFormat === 'percent' ? PERCENT_FORMAT : COUNT_FORMAT,
      tickMinStep: spec.valueFormat === 'percent' ? 0.01 : 1,
      names,
      fills: spec.series.map((series) => (series.dashed ? `url(#${hatchId(series.color)})` : series.color)),
      strokes: spec.series.map((series) => series.color),
      legendColumns: legend.columns,
      legendLabelLimit: legend.labelLimit,
    },
  };
}

function barData(spec: GroupedBarChartSpec, shownLabels: readonly string[]): BarDatum[] {
  return spec.series.flatMap((series) =>
    shownLabels.map((label, index) => {
      const color = series.colors?.[index] ?? series.color;
      return {
        label,
        order: index,
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

function hatchId(color: string): string {
  return `hatch-${color.slice(1).toLowerCase()}`;
}

// Stripes rising at 45 degrees, 6 px apart and 2.5 px wide (measured across them), drawn in an
// upright tile: along an axis they repeat every 6 * sqrt(2) px. A tile rotated by
// patternTransform drew the same stripes at about twice resvg's cost (docs/performance.md).
const HATCH_TILE = (6 * Math.SQRT2).toFixed(4);
const HATCH_STRIPE = (2.5 * Math.SQRT2).toFixed(4);
// The stripe through the tile's top-left corner, and the one along its rising diagonal.
const HATCH_STRIPES =
  `M0,0H${HATCH_STRIPE}L0,${HATCH_STRIPE}Z` + `M${HATCH_TILE},0V${HATCH_STRIPE}L${HATCH_STRIPE},${HATCH_TILE}H0Z`;

/** Diagonal stripes in a colour over a pale tint of it, one pattern per colour a dashed series uses. */
function hatchPatterns(series: readonly ChartSeries[]): string {
  const colors = new Set(
    series.filter((entry) => entry.dashed).flatMap((entry) => [entry.color, ...(entry.colors ?? [])]),
  );
  return [...colors]
    .map(
      (color) =>
        `<pattern id="${hatchId(color)}" patternUnits="userSpaceOnUse" width="${HATCH_TILE}" height="${HATCH_TILE}">` +
        `<rect width="${HATCH_TILE}" height="${HATCH_TILE}" fill="${color}" fill-opacity="0.2"/>` +
        `<path d="${HATCH_STRIPES}" fill="${color}"/></pattern>`,
    )
    .join('');
}
