// The look every chart shares: sizes in CSS pixels at display size, greys, the white card and the
// bundled font, as a Vega-Lite config; plus the layout sums (legend rows, label rotation) that
// need real text widths, which Vega itself cannot know in Node.
import type { Config, TopLevelSpec } from 'vega-lite';

export const DISPLAY_WIDTH = 600;
/** The PNG is drawn at twice the display size, for sharp screens. */
export const DEVICE_SCALE = 2;
export const LABEL_FONT_SIZE = 12;
export const TITLE_FONT_SIZE = 15;

/** Room around the drawing, so that the outermost label never touches the image edge. */
export const PADDING = { left: 12, right: 24, top: 12, bottom: 12 } as const;

const TEXT = '#333333';
const MUTED = '#5f5f5f';
const GRID = '#e5e5e5';
const DOMAIN = '#9e9e9e';

/** Legend geometry, shared by the config and the row count below. */
const SYMBOL_WIDTH = 22;
const SYMBOL_LABEL_GAP = 6;
const LEGEND_COLUMN_GAP = 18;

/** A chart kind's Vega-Lite spec and what the drawer needs besides. */
export interface ChartLayout {
  readonly vegaLite: TopLevelSpec;
  /** Display height in CSS pixels. */
  readonly height: number;
  /** SVG definitions (patterns) the spec refers to, to add to Vega's SVG; may be empty. */
  readonly svgDefs: string;
}

/** Measures a text's width in CSS pixels at a font size, with the chart font. */
export type MeasureText = (text: string, fontSize: number) => number;

export function chartConfig(fontFamily: string): Config {
  return {
    font: fontFamily,
    background: 'white',
    view: { stroke: null },
    title: {
      anchor: 'start',
      fontSize: TITLE_FONT_SIZE,
      fontWeight: 'normal',
      color: '#1a1a1a',
      subtitleFontSize: LABEL_FONT_SIZE,
      subtitleColor: MUTED,
      subtitlePadding: 4,
      offset: 12,
    },
    axis: {
      labelFontSize: LABEL_FONT_SIZE,
      labelColor: TEXT,
      titleFontSize: LABEL_FONT_SIZE,
      titleFontWeight: 'normal',
      titleColor: MUTED,
      domainColor: DOMAIN,
      tickColor: DOMAIN,
      gridColor: GRID,
      labelPadding: 4,
    },
    legend: {
      orient: 'bottom',
      direction: 'horizontal',
      title: null,
      labelFontSize: LABEL_FONT_SIZE,
      labelColor: TEXT,
      symbolSize: 120,
      symbolStrokeWidth: 2,
      labelOffset: SYMBOL_LABEL_GAP,
      columnPadding: LEGEND_COLUMN_GAP,
      rowPadding: 6,
      offset: 14,
    },
  };
}

/** Width the drawing has inside the padding. */
export const INNER_WIDTH = DISPLAY_WIDTH - PADDING.left - PADDING.right;

export interface LegendLayout {
  readonly columns: number;
  readonly rows: number;
  /** Legend label limit: the longest label, so that none is cut. */
  readonly labelLimit: number;
}

/** As many legend entries per row as fit the width, with every label whole. */
export function legendLayout(names: readonly string[], measure: MeasureText): LegendLayout {
  const widest = Math.max(0, ...names.map((name) => measure(name, LABEL_FONT_SIZE)));
  const labelLimit = Math.ceil(Math.min(widest, INNER_WIDTH - SYMBOL_WIDTH - SYMBOL_LABEL_GAP)) + 2;
  const entry = SYMBOL_WIDTH + SYMBOL_LABEL_GAP + labelLimit + LEGEND_COLUMN_GAP;
  const columns = Math.max(1, Math.min(names.length, Math.floor((INNER_WIDTH + LEGEND_COLUMN_GAP) / entry)));
  return { columns, rows: Math.ceil(names.length / columns), labelLimit };
}

/** Extra display height for legend rows beyond the first. */
export function legendExtraHeight(layout: LegendLayout): number {
  return (layout.rows - 1) * (LABEL_FONT_SIZE + 10);
}

export interface XLabelLayout {
  readonly angle: number;
  readonly labelLimit: number;
  /** Turned labels stand clear of each other down to a slot of about two lines. */
  readonly labelOverlap: false | 'parity';
  /** Display height to add so that turned labels do not squeeze the plot. */
  readonly extraHeight: number;
}

const LONGEST_TURNED_LABEL = 240;
/** Height a level label row takes, already inside the base heights. */
const LEVEL_LABEL_HEIGHT = 16;

/** Category labels along the x axis stay level when each fits its slot, else they turn 45°. */
export function xLabelLayout(labels: readonly string[], plotWidth: number, measure: MeasureText): XLabelLayout {
  const slot = plotWidth / Math.max(1, labels.length);
  const widest = Math.max(0, ...labels.map((label) => measure(label, LABEL_FONT_SIZE)));
  if (widest + 6 <= slot) return { angle: 0, labelLimit: Math.ceil(widest) + 2, labelOverlap: false, extraHeight: 0 };
  const labelLimit = Math.ceil(Math.min(widest, LONGEST_TURNED_LABEL)) + 2;
  return {
    angle: -45,
    labelLimit,
    labelOverlap: slot >= 2 * LABEL_FONT_SIZE ? false : 'parity',
    extraHeight: Math.max(0, Math.ceil(labelLimit * Math.SQRT1_2) - LEVEL_LABEL_HEIGHT),
  };
}

/** Label limit for a category axis: the longest label, up to a third of the width. */
export function categoryLabelLimit(labels: readonly string[], measure: MeasureText): number {
  const widest = Math.max(0, ...labels.map((label) => measure(label, LABEL_FONT_SIZE)));
  return Math.ceil(Math.min(widest, DISPLAY_WIDTH / 3)) + 2;
}

/** d3 formats: thousands separators for counts, whole or trimmed percents for fractions. */
export const COUNT_FORMAT = ',~f';
export const PERCENT_FORMAT = '~%';
