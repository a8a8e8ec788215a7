// Chart specs that between them reach every layout the chart module can draw: trends with one to
// many series, dashed, gaps, level, turned and thinned period labels; bars lying and upright,
// hatched, in per-bar colours, with value texts with and without a legend, counts and percents,
// wrapped and turned labels, missing and all-missing values, both locales' texts. The compiled
// Vega templates are checked against Vega-Lite on each of these.
import type { ChartSeries, ChartSpec, GroupedBarChartSpec, TrendChartSpec } from '#render/charts/chart-spec.ts';

const BLUE = '#1f77b4';
const GREEN = '#2ca02c';
const OPERATOR_COLORS = ['#0072b2', '#d55e00', '#009e73'];

const weeks = (count: number, prefix = 'W') => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

function trend(
  id: string,
  xLabels: readonly string[],
  series: readonly ChartSeries[],
  title = 'Port flows',
): TrendChartSpec {
  return { kind: 'trend', id, title, alt: id, yTitle: 'Ports', xLabels, series };
}

const trends: TrendChartSpec[] = [
  trend(
    'trend-zh',
    ['41周', '42周', '43周', '44周', '45周', '46周', '47周', '48周'],
    [
      { name: '携入', color: BLUE, values: [12034, 13200, null, 15010, 14230, 13500, 16020, 15500] },
      { name: '携出', color: BLUE, dashed: true, values: [9034, 9900, 10500, 11020, 11230, 10500, 9020, 9800] },
      { name: '净流量', color: GREEN, values: [3000, 3300, null, 3990, 3000, 3000, 7000, 5700] },
    ],
    '中国移动携入、携出与净流量',
  ),
  trend('trend-one-series', ['W47', 'W48'], [{ name: 'Port-ins', color: BLUE, values: [4046, 4444] }]),
  trend(
    'trend-negative',
    ['W47', 'W48'],
    [
      { name: 'Port-ins', color: BLUE, values: [4046, 4444] },
      { name: 'Port-outs', color: BLUE, dashed: true, values: [5070, 5678] },
      { name: 'Net flow', color: GREEN, values: [-1024, -1234] },
    ],
  ),
  trend(
    'trend-turned',
    ['January 2019', 'February 2019', 'March 2019', 'April 2019', 'May 2019', 'June 2019'],
    [{ name: 'Port-ins', color: BLUE, values: [1, 2, 3, 4, 5, 6] }],
  ),
  trend('trend-thinned', weeks(30, '2019-W'), [
    { name: 'Port-ins', color: BLUE, values: weeks(30).map((_, i) => i * 7) },
  ]),
  trend(
    'trend-gaps',
    ['W1', 'W2', 'W3'],
    [
      { name: 'Port-ins', color: BLUE, values: [null, null, null] },
      { name: 'Port-outs', color: GREEN, dashed: true, values: [null, 5, null] },
    ],
  ),
  trend(
    'trend-many-series',
    weeks(4),
    [
      ...['China Mobile', 'China Unicom', 'China Telecom', 'China Broadnet', 'Others "quoted"', "Operator's own"].map(
        (name, i) => ({
          name,
          color: `#${(i * 2 + 1).toString(16).repeat(6)}`,
          dashed: i % 2 === 1,
          values: [i, i + 1, null, i * 100],
        }),
      ),
    ],
    'A long title that needs more than one line because it says a great deal about the chart below it',
  ),
];

function bars(
  id: string,
  horizontal: boolean,
  valueFormat: 'count' | 'percent',
  labels: readonly string[],
  series: readonly ChartSeries[],
  legend?: boolean,
): GroupedBarChartSpec {
  return {
    kind: 'grouped-bars',
    id,
    title: 'Reasons for leaving',
    alt: id,
    labels,
    valueFormat,
    horizontal,
    series,
    ...(legend === undefined ? {} : { legend }),
  };
}

const SHORT = ['Coverage', 'Tariff', 'Relocation', 'Other'];
const LONG = ['Family or broadband bundle elsewhere', 'Tariff level', 'Relocation to another province', 'Other'];
const ZH = ['网络覆盖与质量', '资费水平', '新疆维吾尔自治区', '其他'];
const MANY = Array.from({ length: 24 }, (_, i) => `Province number ${i + 1}`);

function pair(
  values: readonly (number | null)[],
  compare: readonly (number | null)[],
  texts: boolean,
  colors = false,
): ChartSeries[] {
  const text = (v: number | null) => (v === null ? null : `${v}`);
  return [
    {
      name: 'This province',
      color: BLUE,
      values,
      ...(colors ? { colors: OPERATOR_COLORS.concat(OPERATOR_COLORS).slice(0, values.length) } : {}),
      ...(texts ? { valueLabels: values.map(text) } : {}),
    },
    {
      name: 'Nationwide',
      color: GREEN,
      dashed: true,
      values: compare,
      ...(colors ? { colors: OPERATOR_COLORS.concat(OPERATOR_COLORS).slice(0, values.length) } : {}),
      ...(texts ? { valueLabels: compare.map(text) } : {}),
    },
  ];
}

const barSpecs: GroupedBarChartSpec[] = [];
for (const horizontal of [true, false]) {
  for (const valueFormat of ['count', 'percent'] as const) {
    const scale = valueFormat === 'percent' ? 0.01 : 100;
    const values = [32, 25, null, 5].map((v) => (v === null ? null : v * scale));
    const compare = [28, 27, 20, 7].map((v) => v * scale);
    for (const texts of [false, true]) {
      for (const legend of [undefined, false, true]) {
        const tag = `${horizontal ? 'lying' : 'upright'}-${valueFormat}-${texts ? 'texts' : 'axis'}-${legend ?? 'default'}`;
        barSpecs.push(
          bars(`bars-${tag}`, horizontal, valueFormat, SHORT, pair(values, compare, texts, legend === false), legend),
        );
      }
      barSpecs.push(
        bars(
          `bars-long-${horizontal}-${valueFormat}-${texts}`,
          horizontal,
          valueFormat,
          LONG,
          pair(values, compare, texts),
        ),
      );
      barSpecs.push(
        bars(
          `bars-long-own-colours-${horizontal}-${valueFormat}-${texts}`,
          horizontal,
          valueFormat,
          LONG,
          pair(values, compare, texts, true),
          false,
        ),
      );
      barSpecs.push(
        bars(
          `bars-zh-${horizontal}-${valueFormat}-${texts}`,
          horizontal,
          valueFormat,
          ZH,
          pair(values, compare, texts),
          !texts,
        ),
      );
    }
    barSpecs.push(
      bars(`bars-many-${horizontal}-${valueFormat}`, horizontal, valueFormat, MANY, [
        { name: 'Share', color: BLUE, values: MANY.map((_, i) => (i % 5 === 0 ? null : i * scale)) },
      ]),
    );
    barSpecs.push(
      bars(
        `bars-all-missing-${horizontal}-${valueFormat}`,
        horizontal,
        valueFormat,
        SHORT,
        pair([null, null, null, null], [null, null, null, null], true),
      ),
    );
    barSpecs.push(
      bars(
        `bars-zero-${horizontal}-${valueFormat}`,
        horizontal,
        valueFormat,
        SHORT,
        pair([0, 0, 0, 0], [0, 0, null, 0], false),
      ),
    );
  }
}

/** The operators chart as the headquarters briefing draws it: own colours, hatched port-outs, texts, no legend. */
barSpecs.push({
  kind: 'grouped-bars',
  id: 'operators',
  title: '各运营商携入与携出',
  alt: 'operators',
  labels: ['中国移动', '中国联通', '中国电信'],
  valueFormat: 'count',
  horizontal: true,
  legend: false,
  series: [
    {
      name: '携入',
      color: '#595959',
      colors: OPERATOR_COLORS,
      values: [566, 462, 1010],
      valueLabels: ['携入 566', '携入 462', '携入 1,010'],
    },
    {
      name: '携出',
      color: '#595959',
      colors: OPERATOR_COLORS,
      dashed: true,
      values: [1179, 519, 340],
      valueLabels: ['携出 1,179', '携出 519', '携出 340'],
    },
  ],
});

export const CHART_VARIANT_SPECS: readonly ChartSpec[] = [...trends, ...barSpecs];
