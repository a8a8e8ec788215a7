// The grouped-bar chart as Vega-Lite, from its layout's values (functions/render/charts/grouped-bar-chart.ts).
import type { TopLevelSpec } from 'vega-lite';
import { LABEL_FONT_SIZE, TEXT_COLOR, TURNED_LABEL_ANGLE } from '#render/charts/chart-theme.ts';
import type { BarVariant } from '#render/charts/chart-variants.ts';
import {
  BAND_PADDING,
  type BarParams,
  LABEL_PADDING,
  TEXT_GAP,
  VALUE_END_SIGNAL,
} from '#render/charts/grouped-bar-chart.ts';
import { chartFrame } from './chart-config.ts';

export function groupedBarVegaLite(variant: BarVariant, params: BarParams): TopLevelSpec {
  const category = {
    field: 'label',
    type: 'nominal',
    sort: { field: 'order', op: 'min' },
    scale: { paddingInner: BAND_PADDING, paddingOuter: BAND_PADDING / 2 },
    axis: variant.horizontal
      ? {
          title: null,
          ticks: false,
          labelLimit: params.categoryLabelLimit,
          labelPadding: LABEL_PADDING,
          labelExpr: "split(datum.value, '\\n')",
          labelLineHeight: LABEL_FONT_SIZE + 2,
        }
      : {
          title: null,
          ticks: false,
          labelAngle: variant.turnedLabels ? TURNED_LABEL_ANGLE : 0,
          labelLimit: params.categoryLabelLimit,
          labelOverlap: params.categoryLabelOverlap,
        },
  } as const;
  const textBesideBars = variant.valueTexts && variant.horizontal;
  const value = {
    field: 'value',
    type: 'quantitative',
    scale: textBesideBars ? { domain: [0, { expr: VALUE_END_SIGNAL }], nice: false, zero: true } : { zero: true },
    axis: textBesideBars
      ? null
      : {
          title: null,
          format: params.valueFormat,
          tickMinStep: params.tickMinStep,
          domain: false,
          ticks: false,
          tickCount: 5,
        },
  } as const;
  const offset = { field: 'series', type: 'nominal', sort: params.names, scale: { paddingInner: 0.06 } } as const;
  const position = variant.horizontal
    ? { y: category, x: value, yOffset: offset }
    : { x: category, y: value, xOffset: offset };
  const text = variant.horizontal
    ? { type: 'text', align: 'left', baseline: 'middle', dx: TEXT_GAP, fontSize: LABEL_FONT_SIZE, color: TEXT_COLOR }
    : {
        type: 'text',
        align: 'center',
        baseline: 'bottom',
        dy: -TEXT_GAP,
        fontSize: LABEL_FONT_SIZE,
        color: TEXT_COLOR,
      };
  return {
    ...chartFrame(params.height, params.font),
    ...(textBesideBars ? { params: [{ name: VALUE_END_SIGNAL, value: params.valueEnd }] } : {}),
    title: { text: params.titleLines },
    data: { values: params.data },
    encoding: position,
    layer: [
      {
        mark: { type: 'bar', strokeWidth: 1, invalid: 'filter' },
        encoding: barColours(variant, params),
      },
      ...(variant.valueTexts
        ? [{ mark: { ...text, invalid: 'filter' }, encoding: { text: { field: 'text', type: 'nominal' } } }]
        : []),
    ],
  } as TopLevelSpec;
}

/** Series colours through a scale with a legend, or each bar's own colour without one. */
function barColours(variant: BarVariant, params: BarParams): object {
  if (!variant.legend) {
    return {
      color: { field: 'fill', type: 'nominal', scale: null, legend: null },
      stroke: { field: 'stroke', type: 'nominal', scale: null, legend: null },
    };
  }
  return {
    color: {
      field: 'series',
      type: 'nominal',
      sort: params.names,
      scale: { domain: params.names, range: params.fills },
      legend: {
        symbolType: 'square',
        symbolSize: 160,
        columns: params.legendColumns,
        labelLimit: params.legendLabelLimit,
      },
    },
    stroke: {
      field: 'series',
      type: 'nominal',
      sort: params.names,
      scale: { domain: params.names, range: params.strokes },
    },
  };
}
