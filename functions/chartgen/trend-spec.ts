// The trend chart as Vega-Lite, from its layout's values (functions/render/charts/trend-chart.ts).
import type { TopLevelSpec } from 'vega-lite';
import { COUNT_FORMAT, TURNED_LABEL_ANGLE } from '#render/charts/chart-theme.ts';
import type { TrendVariant } from '#render/charts/chart-variants.ts';
import { SOLID, type TrendParams } from '#render/charts/trend-chart.ts';
import { chartFrame } from './chart-config.ts';

export function trendVegaLite(variant: TrendVariant, params: TrendParams): TopLevelSpec {
  const series = { field: 'series', type: 'nominal', sort: params.names } as const;
  return {
    ...chartFrame(params.height, params.font),
    title: { text: params.titleLines, subtitle: params.subtitle },
    data: { values: params.data },
    encoding: {
      x: {
        field: 'label',
        type: 'ordinal',
        sort: params.xOrder,
        scale: { padding: 0.4 },
        axis: {
          title: null,
          labelAngle: variant.turnedLabels ? TURNED_LABEL_ANGLE : 0,
          labelOverlap: params.xLabelOverlap,
          labelLimit: params.xLabelLimit,
        },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        axis: { title: null, format: COUNT_FORMAT, tickMinStep: 1, domain: false, ticks: false, tickCount: 5 },
      },
      color: {
        ...series,
        scale: { domain: params.names, range: params.colors },
        legend: {
          symbolType: 'stroke',
          symbolSize: 400,
          columns: params.legendColumns,
          labelLimit: params.legendLabelLimit,
        },
      },
      strokeDash: {
        ...series,
        scale: { domain: params.names, range: params.dashes },
      },
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 2, invalid: 'break-paths-show-domains' } },
      { mark: { type: 'point', filled: true, size: 30, opacity: 1 }, encoding: { strokeDash: { value: SOLID } } },
    ],
  } as TopLevelSpec;
}
