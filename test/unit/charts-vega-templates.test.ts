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
import { fillVegaTemplate, type VegaTemplate } from '#render/charts/vega-template.ts';
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
