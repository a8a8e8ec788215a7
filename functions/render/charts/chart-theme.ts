// The look every chart shares: sizes in CSS pixels at display size, greys, the white card and the
// bundled font (the Vega-Lite config built from these is in functions/chartgen); plus the layout
// sums (legend rows, label rotation, label wrapping) that need real text widths, which Vega itself
// cannot know in Node.
//
// The size is set for a phone: a 400 px chart shown in the 347 px column of a 375 px screen
// keeps its 14 px labels at 12 px. A desktop page shows it somewhat larger, a mail at its size.
import type { ChartVariant } from './chart-variants.ts';
import type { SlotValues } from './vega-template.ts';

export const DISPLAY_WIDTH = 400;
/** The PNG is drawn at twice the display size, for sharp screens. */
export const DEVICE_SCALE = 2;
export const LABEL_FONT_SIZE = 14;
export const TITLE_FONT_SIZE = 16;

/** Room around the drawing, so that the outermost label never touches the image edge. */
export const PADDING = { left: 10, right: 14, top: 10, bottom: 10 } as const;

export const TEXT_COLOR = '#333333';
export const MUTED = '#5f5f5f';
export const GRID = '#e5e5e5';
export const DOMAIN = '#9e9e9e';

/** Legend geometry, shared by the config and the row count below. */
const SYMBOL_WIDTH = 22;
export const SYMBOL_LABEL_GAP = 6;
export const LEGEND_COLUMN_GAP = 18;

/** A chart's layout: its variant, the values its template takes, and what the drawer needs besides. */
export interface ChartLayout<V extends ChartVariant, P extends SlotValues> {
  readonly variant: V;
  readonly params: P;
  /** Display height in CSS pixels. */
  readonly height: number;
  /** SVG definitions (patterns) the spec refers to, to add to Vega's SVG; may be empty. */
  readonly svgDefs: string;
}

/** Measures a text's width in CSS pixels at a font size, with the chart font. */
export type MeasureText = (text: string, fontSize: number) => number;

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
  /** Turned by TURNED_LABEL_ANGLE, else level. */
  readonly turned: boolean;
  readonly labelLimit: number;
  /** Turned labels stand clear of each other down to a slot of about two lines. */
  readonly labelOverlap: false | 'parity';
  /** Display height to add so that turned labels do not squeeze the plot. */
  readonly extraHeight: number;
}

/** Labels that do not fit level turn by this many degrees. */
export const TURNED_LABEL_ANGLE = -45;
const LONGEST_TURNED_LABEL = 240;
/** Height a level label row takes, already inside the base heights. */
const LEVEL_LABEL_HEIGHT = 16;

/** Category labels along the x axis stay level when each fits its slot, else they turn 45°. */
export function xLabelLayout(labels: readonly string[], plotWidth: number, measure: MeasureText): XLabelLayout {
  const slot = plotWidth / Math.max(1, labels.length);
  const widest = Math.max(0, ...labels.map((label) => measure(label, LABEL_FONT_SIZE)));
  if (widest + 6 <= slot)
    return { turned: false, labelLimit: Math.ceil(widest) + 2, labelOverlap: false, extraHeight: 0 };
  const labelLimit = Math.ceil(Math.min(widest, LONGEST_TURNED_LABEL)) + 2;
  return {
    turned: true,
    labelLimit,
    labelOverlap: slot >= 2 * LABEL_FONT_SIZE ? false : 'parity',
    extraHeight: Math.max(0, Math.ceil(labelLimit * Math.SQRT1_2) - LEVEL_LABEL_HEIGHT),
  };
}

/** The widest a label beside lying bars may be before it wraps: about a third of the width. */
export const CATEGORY_LABEL_WIDTH = Math.round(DISPLAY_WIDTH * 0.36);

/**
 * A label in lines no wider than maxWidth: at spaces where it has them, else between any two
 * characters (Chinese). Nothing is cut: a single word wider than the room keeps its own line.
 */
export function wrapLabel(
  label: string,
  maxWidth: number,
  measure: MeasureText,
  fontSize: number = LABEL_FONT_SIZE,
): string[] {
  if (measure(label, fontSize) <= maxWidth) return [label];
  const spaced = label.includes(' ');
  const pieces = spaced ? label.split(' ') : [...label];
  const joiner = spaced ? ' ' : '';
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    const candidate = line === '' ? piece : `${line}${joiner}${piece}`;
    if (line !== '' && measure(candidate, fontSize) > maxWidth) {
      lines.push(line);
      line = piece;
    } else {
      line = candidate;
    }
  }
  return [...lines, line];
}

/** A chart title in as many lines as the width needs, and the display height the lines beyond the first add. */
export function titleLayout(title: string, measure: MeasureText): { lines: string[]; extraHeight: number } {
  const lines = wrapLabel(title, INNER_WIDTH, measure, TITLE_FONT_SIZE);
  return { lines, extraHeight: (lines.length - 1) * (TITLE_FONT_SIZE + 4) };
}

/** Lines of a multi-line label are joined with this in the data; the axis splits them again. */
export const LINE_BREAK = '\n';

/** d3 formats: thousands separators for counts, whole or trimmed percents for fractions. */
export const COUNT_FORMAT = ',~f';
export const PERCENT_FORMAT = '~%';
