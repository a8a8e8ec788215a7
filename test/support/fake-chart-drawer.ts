// A stand-in for the chart drawer, for tests about the HTML and the mail rather than the
// pictures: each chart keeps its real id, alt text and size slot, and gets a few bytes of PNG.
import type { ChartImage, ChartSpec } from '#render/charts/chart-spec.ts';

export async function fakeDrawChart(spec: ChartSpec): Promise<ChartImage> {
  return {
    cid: `chart-${spec.id}@mnp-briefings`,
    fileName: `chart-${spec.id}.png`,
    content: new Uint8Array([137, 80, 78, 71]),
    alt: spec.alt,
    width: 600,
    height: 300,
  };
}
