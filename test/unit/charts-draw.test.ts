// Drawing charts to PNG: the image is a PNG at twice the display size, the same spec gives the
// same bytes, hatched bars keep their stripes, and a spec the chart cannot draw fails with a
// message that names the problem.
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import type { ChartSpec, GroupedBarChartSpec, TrendChartSpec } from '#render/charts/chart-spec.ts';
import { ChartError, createChartDrawer, drawChart, MissingGlyphError } from '#render/charts/draw-chart.ts';
import { CHART_VARIANT_SPECS } from '../support/chart-variants.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const trendSpec: TrendChartSpec = {
  kind: 'trend',
  id: 'trend',
  title: '中国移动携入、携出与净流量',
  alt: '折线图',
  yTitle: '携转数',
  xLabels: ['41周', '42周', '43周', '44周', '45周', '46周', '47周', '48周'],
  series: [
    { name: '携入', color: '#1f77b4', values: [12034, 13200, null, 15010, 14230, 13500, 16020, 15500] },
    { name: '携出', color: '#1f77b4', dashed: true, values: [9034, 9900, 10500, 11020, 11230, 10500, 9020, 9800] },
    { name: '净流量', color: '#2ca02c', values: [3000, 3300, null, 3990, 3000, 3000, 7000, 5700] },
  ],
};

const barSpec: GroupedBarChartSpec = {
  kind: 'grouped-bars',
  id: 'categories',
  title: '离网原因占比：本省与全国',
  alt: '横向柱状图',
  labels: ['网络覆盖与质量', '资费水平', '新疆维吾尔自治区', '其他'],
  valueFormat: 'percent',
  horizontal: true,
  series: [
    { name: '本省', color: '#1f77b4', values: [0.32, 0.25, 0.18, 0.05] },
    { name: '全国', color: '#1f77b4', dashed: true, values: [0.28, 0.27, 0.2, 0.07] },
  ],
};

/** Operators in their own colours, port-outs hatched, each bar naming what it counts. */
const operatorSpec: GroupedBarChartSpec = {
  kind: 'grouped-bars',
  id: 'operators',
  title: 'Port-ins and port-outs per operator',
  alt: 'Horizontal bar chart',
  labels: ['China Mobile', 'China Unicom', 'China Telecom'],
  valueFormat: 'count',
  horizontal: true,
  legend: false,
  series: [
    {
      name: 'Port-ins',
      color: '#595959',
      colors: ['#0072b2', '#d55e00', '#009e73'],
      values: [566, 462, 1010],
      valueLabels: ['Port-ins 566', 'Port-ins 462', 'Port-ins 1,010'],
    },
    {
      name: 'Port-outs',
      color: '#595959',
      colors: ['#0072b2', '#d55e00', '#009e73'],
      values: [1179, 519, 340],
      valueLabels: ['Port-outs 1,179', 'Port-outs 519', 'Port-outs 340'],
      dashed: true,
    },
  ],
};

/** The texts of an SVG's <text> elements, entities decoded. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)]
    .flatMap((match) =>
      [...match[1]!.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)]
        .map((tspan) => tspan[1]!)
        .concat(match[1]!.includes('<tspan') ? [] : [match[1]!]),
    )
    .map((text) => text.replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
}

function pngSize(content: Uint8Array): { width: number; height: number } {
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('drawChart', () => {
  it.each([
    ['a trend chart', trendSpec],
    ['a horizontal grouped-bar chart', barSpec],
    ['an upright grouped-bar chart', { ...barSpec, id: 'upright', horizontal: false, valueFormat: 'count' } as const],
  ])('draws %s with Chinese labels as a PNG at twice its display size', async (_, spec) => {
    const image = await drawChart(spec);

    expect([...image.content.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    // 400 px: shown in a phone's 347 px column, 14 px labels still read at 12 px.
    expect(image.width).toBe(400);
    expect(pngSize(image.content)).toEqual({ width: 2 * image.width, height: 2 * image.height });
    expect(image.cid).toBe(`chart-${spec.id}@mnp-briefings`);
    expect(image.fileName).toBe(`chart-${spec.id}.png`);
    expect(image.alt).toBe(spec.alt);
  });

  it('gives a trend chart with level period labels its 260 px height and lying bars a height that grows with the labels', async () => {
    const trend = await drawChart(trendSpec);
    const fewBars = await drawChart(barSpec);
    const manyBars = await drawChart({
      ...barSpec,
      labels: [...barSpec.labels, ...barSpec.labels.map((l) => `${l}2`)],
      series: barSpec.series.map((s) => ({ ...s, values: [...s.values, ...s.values] })),
    });

    expect(trend.height).toBe(260);
    expect(manyBars.height).toBeGreaterThan(fewBars.height);
  });

  it('draws the same bytes for the same spec', async () => {
    const first = await drawChart(trendSpec);
    const second = await drawChart(trendSpec);
    const bars = [await drawChart(barSpec), await drawChart(barSpec)];

    expect(Buffer.from(second.content).equals(Buffer.from(first.content))).toBe(true);
    expect(Buffer.from(bars[1]!.content).equals(Buffer.from(bars[0]!.content))).toBe(true);
  });

  it('refuses a label with a character the chart font lacks, naming it', async () => {
    const spec = { ...barSpec, labels: ['网络覆盖与质量', '资费水平', '龘龘区', '其他'] };

    const drawing = drawChart(spec);

    await expect(drawing).rejects.toBeInstanceOf(MissingGlyphError);
    await expect(drawChart(spec)).rejects.toThrow(/"龘" \(U\+9F98\).*scripts\/build-chart-font\.sh/);
  });

  it('refuses a series whose values do not match the labels', async () => {
    const spec = { ...trendSpec, series: [{ name: '携入', color: '#1f77b4', values: [1, 2] }] };

    await expect(drawChart(spec)).rejects.toThrow(ChartError);
    await expect(drawChart(spec)).rejects.toThrow(/"携入" has 2 values for 8 labels/);
  });

  it('writes each bar its own text, in the operator colour, port-outs hatched, with no value axis', async () => {
    const { svg } = await createChartDrawer().drawSvg(operatorSpec);

    const texts = svgTexts(svg);
    for (const label of [...operatorSpec.labels, ...operatorSpec.series.flatMap((series) => series.valueLabels!)])
      expect(texts).toContain(label);
    for (const color of ['#0072b2', '#d55e00', '#009e73']) {
      expect(svg).toContain(`fill="${color}"`);
      expect(svg).toContain(`<pattern id="hatch-${color.slice(1)}"`);
      expect(svg).toContain(`fill="url(#hatch-${color.slice(1)})"`);
    }
    expect(texts).not.toContain('1,000');
  });

  it('wraps a category label too long for its room instead of cutting it', async () => {
    const spec = {
      ...barSpec,
      labels: ['Family or broadband bundle elsewhere', 'Tariff level', 'Relocation', 'Other'],
    };

    const { svg } = await createChartDrawer().drawSvg(spec);

    const texts = svgTexts(svg);
    expect(texts.join(' ')).toContain('Family or broadband');
    expect(texts.join(' ')).toContain('bundle elsewhere');
    expect(svg).not.toContain('\u2026');
  });

  it('refuses a bar text with a character the chart font lacks', async () => {
    const spec = {
      ...operatorSpec,
      series: [{ ...operatorSpec.series[0]!, valueLabels: ['龘 566', '462', '1,010'] }, operatorSpec.series[1]!],
    };

    await expect(drawChart(spec)).rejects.toBeInstanceOf(MissingGlyphError);
  });
});

describe('a chart drawn from a parse kept of an earlier chart', () => {
  // The same labels and series with other figures, in another category order: the fixed slot
  // values stay (titles, names, sizes that follow the labels), the data and the value scale's end
  // change.
  const otherFigures = (spec: ChartSpec): ChartSpec => {
    const order = spec.kind === 'trend' ? [...spec.xLabels.keys()] : [...spec.labels.keys()].reverse();
    const step = spec.kind === 'grouped-bars' && spec.valueFormat === 'percent' ? 0.01 : 1;
    const figures = (series: ChartSpec['series'][number]) =>
      order.map((index) => {
        const value = series.values[index] ?? null;
        return value === null ? null : value * 0.6 + step;
      });
    if (spec.kind === 'trend')
      return { ...spec, series: spec.series.map((series) => ({ ...series, values: figures(series) })) };
    return {
      ...spec,
      labels: order.map((index) => spec.labels[index]!),
      series: spec.series.map((series) => ({
        ...series,
        values: figures(series),
        ...(series.colors ? { colors: order.map((index) => series.colors![index]!) } : {}),
        ...(series.valueLabels ? { valueLabels: order.map((index) => `${series.valueLabels![index]} `) } : {}),
      })),
    };
  };
  const specs = [trendSpec, barSpec, operatorSpec, ...CHART_VARIANT_SPECS];

  it('draws the SVG a drawer of its own draws, each chart in turn after one of the same fixed values', async () => {
    const shared = createChartDrawer();
    const drawnInTurn: string[] = [];
    for (const spec of specs) {
      await shared.drawSvg(otherFigures(spec));
      drawnInTurn.push((await shared.drawSvg(spec)).svg);
    }
    const drawnAlone: string[] = [];
    for (const spec of specs) drawnAlone.push((await createChartDrawer().drawSvg(spec)).svg);

    expect(drawnInTurn).toEqual(drawnAlone);
    // most charts were drawn from the parse of the one before
    expect(shared.specsParsed).toBeLessThan(specs.length * 1.2);
  });
});

describe('the hatching of a bar', () => {
  it('draws the stripes where a tile turned by 45 degrees drew them', async () => {
    const { svg } = await createChartDrawer().drawSvg(operatorSpec);
    const drawn = /<pattern id="hatch-0072b2"[\s\S]*?<\/pattern>/.exec(svg)![0].replace('hatch-0072b2', 'h');
    const turned =
      '<pattern id="h" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">' +
      '<rect width="6" height="6" fill="#0072b2" fill-opacity="0.2"/><rect width="2.5" height="6" fill="#0072b2"/></pattern>';
    const filled = (pattern: string) =>
      new Resvg(
        `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><defs>${pattern}</defs>` +
          '<rect x="3.5" y="2.25" width="110" height="30" fill="url(#h)"/></svg>',
        { fitTo: { mode: 'zoom', value: 2 }, background: 'white' },
      ).render().pixels;

    const [ours, theirs] = [filled(drawn), filled(turned)];
    const differences: number[] = [];
    for (let at = 0; at < ours.length; at += 4) {
      differences.push(Math.max(...[0, 1, 2].map((channel) => Math.abs(ours[at + channel]! - theirs[at + channel]!))));
    }

    // Only the stripes' anti-aliased edges differ: stripes 3 px off differ by some 85 on average,
    // nearly half the pixels by more than 64.
    expect(differences.reduce((sum, d) => sum + d, 0) / differences.length).toBeLessThan(8);
    expect(differences.filter((d) => d > 64).length / differences.length).toBeLessThan(0.03);
  });
});
