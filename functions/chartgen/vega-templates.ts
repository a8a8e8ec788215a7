// Compiles each chart variant's Vega-Lite spec to a Vega template (see
// functions/render/charts/vega-template.ts): the spec is built with a marker in every value its
// layout takes from the data, then compiled once. Run by `npm run charts:compile`, which writes
// functions/render/charts/vega-templates.json; a test fails while that file is stale.
import { compile, type TopLevelSpec } from 'vega-lite';
import { CHART_VARIANTS, type ChartVariant, variantKey } from '#render/charts/chart-variants.ts';
import type { BarLayout } from '#render/charts/grouped-bar-chart.ts';
import type { TrendLayout } from '#render/charts/trend-chart.ts';
import { numberSlot, type SlotValues, slotMarker, type VegaTemplate } from '#render/charts/vega-template.ts';
import { groupedBarVegaLite } from './grouped-bar-spec.ts';
import { trendVegaLite } from './trend-spec.ts';

type SlotKind = 'number' | 'string' | 'list';

/** Each slot of a kind's layout values, by the form its marker takes. */
const TREND_SLOTS: Record<keyof TrendLayout['params'], SlotKind> = {
  height: 'number',
  font: 'string',
  titleLines: 'list',
  subtitle: 'string',
  data: 'list',
  xOrder: 'list',
  xLabelLimit: 'number',
  xLabelOverlap: 'string',
  names: 'list',
  colors: 'list',
  dashes: 'list',
  legendColumns: 'number',
  legendLabelLimit: 'number',
};

const BAR_SLOTS: Record<keyof BarLayout['params'], SlotKind> = {
  height: 'number',
  font: 'string',
  titleLines: 'list',
  data: 'list',
  categoryLabelLimit: 'number',
  categoryLabelOverlap: 'string',
  valueEnd: 'number',
  valueFormat: 'string',
  tickMinStep: 'number',
  names: 'list',
  fills: 'list',
  strokes: 'list',
  legendColumns: 'number',
  legendLabelLimit: 'number',
};

/** The Vega-Lite spec of a layout: what the renderer compiled at run time before the templates. */
export function vegaLiteOf(layout: TrendLayout | BarLayout): TopLevelSpec {
  return layout.variant.kind === 'trend'
    ? trendVegaLite(layout.variant, layout.params as TrendLayout['params'])
    : groupedBarVegaLite(layout.variant, layout.params as BarLayout['params']);
}

function markers(slots: Record<string, SlotKind>): { values: SlotValues; numberSlots: Record<string, string> } {
  const numberSlots: Record<string, string> = {};
  const values = Object.fromEntries(
    Object.entries(slots).map(([name, kind], index) => {
      if (kind === 'string') return [name, slotMarker(name)];
      if (kind === 'list') return [name, [slotMarker(name)]];
      numberSlots[String(numberSlot(index))] = name;
      return [name, numberSlot(index)];
    }),
  );
  return { values, numberSlots };
}

export function compileVegaTemplate(variant: ChartVariant): VegaTemplate {
  const { values, numberSlots } = markers(variant.kind === 'trend' ? TREND_SLOTS : BAR_SLOTS);
  const layout = { variant, params: values, height: 0, svgDefs: '' } as TrendLayout | BarLayout;
  return { numberSlots, vega: compile(vegaLiteOf(layout)).spec };
}

/** Every variant's template by its key, as vega-templates.json holds them. */
export function compileVegaTemplates(): Record<string, VegaTemplate> {
  return Object.fromEntries(CHART_VARIANTS.map((variant) => [variantKey(variant), compileVegaTemplate(variant)]));
}
