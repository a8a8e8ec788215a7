// The chart templates compiled at build time draw exactly what Vega-Lite compiled at run time
// did: for every chart variant the renderer can produce, the filled-in template equals
// compile() of the same Vega-Lite spec. The committed templates are those the generator writes.
import { fileURLToPath } from 'node:url';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { compileVegaTemplates, vegaLiteOf } from '#chartgen/vega-templates.ts';
import { chartSpecsOf } from '#render/chart-specs.ts';
import type { ChartSpec } from '#render/charts/chart-spec.ts';
import { CHART_VARIANTS, variantKey } from '#render/charts/chart-variants.ts';
import { BUNDLED_CHART_FONT, chartLayout } from '#render/charts/draw-chart.ts';
import { loadFontMetrics } from '#render/charts/font-metrics.ts';
import {
  fillVegaTemplate,
  numberSlot,
  slotMarker,
  type VegaTemplate,
  viewInputsOf,
} from '#render/charts/vega-template.ts';
import committedTemplates from '#render/charts/vega-templates.json' with { type: 'json' };
import { CHART_VARIANT_SPECS } from '../support/chart-variants.ts';
import { provinceModel, smallHqModel } from './render-models.ts';

const metrics = loadFontMetrics(fileURLToPath(BUNDLED_CHART_FONT));
const measure = (text: string, fontSize: number) => metrics.measure(text, fontSize);
const templates: Record<string, VegaTemplate> = committedTemplates;

const rendererSpecs: ChartSpec[] = (['zh-CN', 'en'] as const).flatMap((locale) =>
  [smallHqModel(), provinceModel()].flatMap((model) =>
    chartSpecsOf(model, locale).map((spec) => ({ ...spec, id: `${model.report}-${locale}-${spec.id}` })),
  ),
);
const specs = [...CHART_VARIANT_SPECS, ...rendererSpecs];

describe('compiled chart templates', () => {
  it('are what the generator writes now (else run npm run charts:compile)', () => {
    expect(templates).toEqual(compileVegaTemplates());
  });

  it('are each reached by some chart of the variant specs', () => {
    const reached = new Set(specs.map((spec) => variantKey(chartLayout(spec, metrics.family, measure).variant)));

    expect([...reached].sort()).toEqual(CHART_VARIANTS.map(variantKey).sort());
  });

  it.each(specs.map((spec) => [spec.id, spec] as const))(
    'filled for %s, equal compile() of its Vega-Lite spec',
    (_, spec) => {
      const layout = chartLayout(spec, metrics.family, measure);

      const filled = fillVegaTemplate(templates[variantKey(layout.variant)]!, layout.params);

      // Compared as the JSON Vega reads, key order included.
      const compiled = JSON.stringify(compile(vegaLiteOf(layout)).spec);
      expect(filled).toEqual(JSON.parse(compiled));
      expect(JSON.stringify(filled)).toBe(compiled);
    },
  );
});

describe('fillVegaTemplate', () => {
  const template: VegaTemplate = {
    numberSlots: { [String(numberSlot(0))]: 'height' },
    vega: {
      height: numberSlot(0),
      title: [slotMarker('title')],
      font: slotMarker('font'),
      transform: [
        { expr: `datum["label"]===${JSON.stringify(slotMarker('order'))} ? 0 : 1` },
        { expr: `indexof([${JSON.stringify(slotMarker('order'))}], datum['label'])` },
        { signal: `format(datum["value"], ${JSON.stringify(slotMarker('format'))})` },
      ],
    },
  };

  it('writes each slot as Vega-Lite writes the value, sort orders spelled out', () => {
    const filled = fillVegaTemplate(template, {
      height: 312,
      title: ['Two', 'lines'],
      font: 'Chart Sans',
      order: ['a', 'b\n"c"'],
      format: '~%',
    });

    expect(filled).toEqual({
      height: 312,
      title: ['Two', 'lines'],
      font: 'Chart Sans',
      transform: [
        { expr: 'datum["label"]==="a" ? 0 : datum["label"]==="b\\n\\"c\\"" ? 1 : 2' },
        { expr: 'indexof(["a","b\\n\\"c\\""], datum[\'label\'])' },
        { signal: 'format(datum["value"], "~%")' },
      ],
    });
  });

  it('never reads a filled-in text as a slot', () => {
    const filled = fillVegaTemplate(template, {
      height: 1,
      title: [slotMarker('font')],
      font: slotMarker('height'),
      order: [slotMarker('format')],
      format: ',~f',
    }) as { title: unknown; font: unknown; transform: { expr?: string }[] };

    expect(filled.title).toEqual([slotMarker('font')]);
    expect(filled.font).toBe(slotMarker('height'));
    expect(filled.transform[0]!.expr).toBe(`datum["label"]===${JSON.stringify(slotMarker('format'))} ? 0 : 1`);
  });

  it('refuses a template slot the values do not fill, naming it', () => {
    expect(() => fillVegaTemplate(template, { height: 1, title: [], font: 'x', order: [] })).toThrow(
      /slot "format" that no value fills/,
    );
  });
});

describe('viewInputsOf', () => {
  it('finds in every committed template the data set of its data and the value-scale end of lying bars with texts', () => {
    const inputs = Object.entries(templates).map(([key, template]) => [key, viewInputsOf(template)] as const);

    for (const [key, found] of inputs) {
      expect(found.dataSet, key).toBe('source_0');
      expect(found.signals, key).toEqual(key.startsWith('grouped-bars:lying:texts') ? ['valueEnd'] : []);
    }
  });

  it('refuses a template whose data is not a slot', () => {
    const template: VegaTemplate = { numberSlots: {}, vega: { data: [{ name: 'source_0', values: [] }] } };

    expect(() => viewInputsOf(template)).toThrow(/no data set holding its "data" slot/);
  });
});
