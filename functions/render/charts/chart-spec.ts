// What a chart shows, already in the reader's language: the renderer builds these specs from a
// report model and the locale; the chart module only draws them. Colours are explicit so that an
// operator keeps its colour in every chart.

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  /** Dashed line or hatched bar, so that colour is never the only carrier of meaning. */
  readonly dashed?: boolean;
  /** A colour per value instead of one per series (bars only): each operator in its own colour. */
  readonly colors?: readonly string[];
  /**
   * Text written at the end of each bar, already in the reader's language ("携入 566", "22.2%");
   * a chart whose bars all carry one draws no value axis.
   */
  readonly valueLabels?: readonly (string | null)[];
}

interface ChartBase {
  /** Stable id, used for the Content-ID and file name (e.g. "trend"). */
  readonly id: string;
  readonly title: string;
  /** Alt text that states the chart's numbers. */
  readonly alt: string;
}

/** A line per series over periods (x labels in order). */
export interface TrendChartSpec extends ChartBase {
  readonly kind: 'trend';
  readonly xLabels: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly yTitle: string;
}

/** Bars per category label, one bar per series side by side. */
export interface GroupedBarChartSpec extends ChartBase {
  readonly kind: 'grouped-bars';
  readonly labels: readonly string[];
  /**
   * A legend of the series under the plot; off when the bar texts name the series themselves.
   * @default true
   */
  readonly legend?: boolean;
  readonly series: readonly ChartSeries[];
  /** 'percent' values are fractions (0.25 = 25 %). */
  readonly valueFormat: 'count' | 'percent';
  readonly horizontal: boolean;
}

export type ChartSpec = TrendChartSpec | GroupedBarChartSpec;

export interface ChartImage {
  readonly cid: string;
  readonly fileName: string;
  readonly content: Uint8Array;
  readonly alt: string;
  /** Display size in CSS pixels (the PNG is drawn at twice this for sharp screens). */
  readonly width: number;
  readonly height: number;
}

/**
 * A chart laid out, its PNG perhaps still being drawn (off the main thread): the documents that
 * show it need only its name and size, so they are rendered meanwhile.
 */
export interface DrawingChart extends Omit<ChartImage, 'content'> {
  readonly content: Uint8Array | Promise<Uint8Array>;
}
