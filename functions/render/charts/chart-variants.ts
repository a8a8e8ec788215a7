// The layouts a chart can take that change the shape of its Vega, not only its values: each has
// its own compiled template (vega-templates.json). Everything else a layout takes from the data
// (texts, orders, colours, sizes, formats) is a parameter filled into that template.

/** Period labels turned 45° (they do not fit level), which sets their alignment in the Vega. */
export interface TrendVariant {
  readonly kind: 'trend';
  readonly turnedLabels: boolean;
}

export interface BarVariant {
  readonly kind: 'grouped-bars';
  readonly horizontal: boolean;
  /** Upright bars only: category labels turned 45°. */
  readonly turnedLabels: boolean;
  /** Every bar carries its text: a text layer, and lying bars lose their value axis. */
  readonly valueTexts: boolean;
  /** A series legend; without one each bar is drawn in its own colour. */
  readonly legend: boolean;
}

export type ChartVariant = TrendVariant | BarVariant;

/** The name of a variant's template, e.g. "grouped-bars:lying:texts:own-colours". */
export function variantKey(variant: ChartVariant): string {
  const labels = variant.turnedLabels ? 'turned' : 'level';
  if (variant.kind === 'trend') return `trend:${labels}`;
  return [
    variant.kind,
    variant.horizontal ? 'lying' : `upright-${labels}`,
    variant.valueTexts ? 'texts' : 'axis',
    variant.legend ? 'legend' : 'own-colours',
  ].join(':');
}

/** Every variant, one template each. */
export const CHART_VARIANTS: readonly ChartVariant[] = [
  ...[false, true].map((turnedLabels): TrendVariant => ({ kind: 'trend', turnedLabels })),
  ...[true, false].flatMap((horizontal) =>
    (horizontal ? [false] : [false, true]).flatMap((turnedLabels) =>
      [false, true].flatMap((valueTexts) =>
        [true, false].map(
          (legend): BarVariant => ({ kind: 'grouped-bars', horizontal, turnedLabels, valueTexts, legend }),
        ),
      ),
    ),
  ),
];
