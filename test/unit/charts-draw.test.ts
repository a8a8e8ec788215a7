// Drawing charts to PNG: the image is a PNG at twice the display size, the same spec gives the
// same bytes, and a spec the chart cannot draw fails with a message that names the problem.
import { describe, expect, it } from 'vitest';
import type { GroupedBarChartSpec, TrendChartSpec } from '#render/charts/chart-spec.ts';
import { ChartError, MissingGlyphError, drawChart } from '#render/charts/draw-chart.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const trendSpec: TrendChartSpec = {
  kind: 'trend',
  id: 'trend',
  title: '中国移动携入、携出与净流量',
  alt: '折线图',
  yTitle: '携转数',
  xLabels: ['第41周', '第42周', '第43周', '第44周', '第45周', '第46周', '第47周', '第48周'],
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
    expect(image.width).toBe(600);
    expect(pngSize(image.content)).toEqual({ width: 2 * image.width, height: 2 * image.height });
    expect(image.cid).toBe(`chart-${spec.id}@mnp-briefings`);
    expect(image.fileName).toBe(`chart-${spec.id}.png`);
    expect(image.alt).toBe(spec.alt);
  });

  it('gives a trend chart its 260 px height and lying bars a height that grows with the labels', async () => {
    const trend = await drawChart(trendSpec);
    const fewBars = await drawChart(barSpec);
    const manyBars = await drawChart({ ...barSpec, labels: [...barSpec.labels, ...barSpec.labels.map((l) => `${l}2`)], series: barSpec.series.map((s) => ({ ...s, values: [...s.values, ...s.values] })) });

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
});
