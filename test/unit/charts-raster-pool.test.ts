// Rasterising charts on worker threads (the CLI's runs): the same PNG bytes as drawing in-process,
// the documents' facts (name, size) before the PNG is done, and a rasteriser failure named as a
// chart error.
import { afterAll, describe, expect, it } from 'vitest';
import type { TrendChartSpec } from '#render/charts/chart-spec.ts';
import { ChartError, createChartDrawer } from '#render/charts/draw-chart.ts';
import { createRasterPool } from '#render/charts/raster-pool.ts';

const spec: TrendChartSpec = {
  kind: 'trend',
  id: 'trend',
  title: '中国移动携入、携出与净流量',
  alt: '折线图',
  yTitle: '携转数',
  xLabels: ['41周', '42周', '43周', '44周'],
  series: [
    { name: '携入', color: '#0072b2', values: [12034, 13200, null, 15010] },
    { name: '携出', color: '#0072b2', dashed: true, values: [9034, 9900, 10500, 11020] },
  ],
};

const pool = createRasterPool(2);
afterAll(() => pool.close());

describe('the raster pool', () => {
  it('draws the same PNG bytes as resvg on the calling thread', async () => {
    const inProcess = createChartDrawer();
    const pooled = createChartDrawer({ rasterize: pool.rasterize });

    const [expected, ...actual] = await Promise.all([inProcess.draw(spec), pooled.draw(spec), pooled.draw(spec)]);

    for (const image of actual) expect(Buffer.from(image.content).equals(Buffer.from(expected.content))).toBe(true);
  });

  it("gives a chart's name and size before its PNG, which follows", async () => {
    const pooled = createChartDrawer({ rasterize: pool.rasterize });

    const started = await pooled.start(spec);

    expect(started).toMatchObject({ cid: 'chart-trend@mnp-briefings', fileName: 'chart-trend.png', width: 400 });
    expect(started.content).toBeInstanceOf(Promise);
    expect((await started.content).byteLength).toBeGreaterThan(1000);
  });

  it('fails an SVG resvg cannot read with a ChartError, and keeps drawing afterwards', async () => {
    const broken = pool.rasterize('<svg', { fitTo: { mode: 'zoom', value: 2 } });

    await expect(broken).rejects.toBeInstanceOf(ChartError);
    const after = await pool.rasterize('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"/>', {});
    expect(after).toMatchObject({ width: 4, height: 2 });
  });
});
