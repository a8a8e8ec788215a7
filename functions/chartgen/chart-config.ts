// The Vega-Lite frame and theme every chart spec shares, from the sizes and greys of
// functions/render/charts/chart-theme.ts. Used only to compile the chart templates.
import type { Config } from 'vega-lite';
import {
  DISPLAY_WIDTH,
  DOMAIN,
  GRID,
  LABEL_FONT_SIZE,
  LEGEND_COLUMN_GAP,
  MUTED,
  PADDING,
  SYMBOL_LABEL_GAP,
  TEXT_COLOR,
  TITLE_FONT_SIZE,
} from '#render/charts/chart-theme.ts';

/** The top-level fields every chart spec shares: schema, size, padding and the theme. */
export function chartFrame(height: number, fontFamily: string) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: DISPLAY_WIDTH,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: PADDING,
    config: chartConfig(fontFamily),
  } as const;
}

export function chartConfig(fontFamily: string): Config {
  return {
    font: fontFamily,
    background: 'white',
    view: { stroke: null },
    title: {
      anchor: 'start',
      fontSize: TITLE_FONT_SIZE,
      lineHeight: TITLE_FONT_SIZE + 4,
      fontWeight: 'normal',
      color: '#1a1a1a',
      subtitleFontSize: LABEL_FONT_SIZE,
      subtitleColor: MUTED,
      subtitlePadding: 4,
      offset: 12,
    },
    axis: {
      labelFontSize: LABEL_FONT_SIZE,
      labelColor: TEXT_COLOR,
      titleFontSize: LABEL_FONT_SIZE,
      titleFontWeight: 'normal',
      titleColor: MUTED,
      domainColor: DOMAIN,
      tickColor: DOMAIN,
      gridColor: GRID,
      labelPadding: 4,
    },
    legend: {
      orient: 'bottom',
      direction: 'horizontal',
      title: null,
      labelFontSize: LABEL_FONT_SIZE,
      labelColor: TEXT_COLOR,
      symbolSize: 120,
      symbolStrokeWidth: 2,
      labelOffset: SYMBOL_LABEL_GAP,
      columnPadding: LEGEND_COLUMN_GAP,
      rowPadding: 6,
      offset: 14,
    },
  };
}
