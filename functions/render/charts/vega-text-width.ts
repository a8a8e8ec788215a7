// Teaches Vega the real width of text in the chart font. Without a canvas (in Node) Vega guesses
// 0.8 em per character, too narrow for Chinese, so legends and axis labels were laid out short
// and clipped at the image edge. Vega documents a user-defined textMetrics.width for this case
// (vl-convert uses it); the hook is process-wide, so it looks the font up by the item's family
// and keeps Vega's estimate for any other font.

import type { FontMetrics } from './font-metrics.ts';
import * as vega from './vega-runtime.ts';

interface TextItem {
  readonly font?: string;
  readonly fontSize?: number;
}
type WidthFunction = (item: TextItem, text: unknown) => number;
interface VegaTextMetrics {
  width: WidthFunction;
  estimateWidth: WidthFunction;
}

const fontsByFamily = new Map<string, FontMetrics>();
let installed = false;

export function useFontForTextWidth(metrics: FontMetrics): void {
  fontsByFamily.set(metrics.family, metrics);
  if (installed) return;
  const textMetrics = (vega as unknown as { textMetrics?: VegaTextMetrics }).textMetrics;
  if (!textMetrics || typeof textMetrics.estimateWidth !== 'function') {
    throw new Error('this version of vega exports no textMetrics; chart labels cannot be measured');
  }
  const estimate = textMetrics.estimateWidth;
  textMetrics.width = (item, text) => {
    const metrics = fontsByFamily.get(item.font ?? '');
    if (!metrics) return estimate(item, text);
    const fontSize = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    return metrics.measure(text == null ? '' : String(text).trim(), fontSize);
  };
  installed = true;
}
