// The chart specs: what each chart shows, in the reader's language, with operator colours,
// a dashed comparison series, and alt text that states the figures.
import { describe, expect, it } from 'vitest';
import { operatorByCode } from '#reference/index.ts';
import { chartSpecsOf } from '#render/chart-specs.ts';
import type { GroupedBarChartSpec, TrendChartSpec } from '#render/charts/chart-spec.ts';
import { provinceModel, smallHqModel } from './render-models.ts';

describe('headquarters charts', () => {
  it('are the port-ins and port-outs per operator, the trend and the category mix', () => {
    expect(chartSpecsOf(smallHqModel(), 'zh-CN').map((spec) => `${spec.id}:${spec.kind}`)).toEqual([
      'operators:grouped-bars',
      'trend:trend',
      'categories:grouped-bars',
    ]);
  });

  it('draw the home operator trend with port-outs dashed, in the operator colour', () => {
    // act
    const trend = chartSpecsOf(smallHqModel(), 'en').find((spec) => spec.id === 'trend') as TrendChartSpec;
    // assess
    expect(trend.xLabels).toEqual(['W47', 'W48']);
    expect(trend.series.map((series) => [series.name, series.values, series.dashed === true])).toEqual([
      ['Port-ins', [4_046, 4_444], false],
      ['Port-outs', [5_070, 5_678], true],
      ['Net flow', [-1_024, -1_234], false],
    ]);
    expect(trend.series[0]!.color).toBe(operatorByCode.get('CMCC')!.color);
    expect(trend.alt).toContain('W48 port-ins 4,444, port-outs 5,678, net \u22121,234');
  });

  it('name each operator beside its bars, in its reference colour, each bar saying what it counts', () => {
    // act
    const operators = chartSpecsOf(smallHqModel(), 'zh-CN').find(
      (spec) => spec.id === 'operators',
    ) as GroupedBarChartSpec;
    // assess
    const colors = ['CMCC', 'CUCC', 'CTCC'].map((code) => operatorByCode.get(code)!.color);
    expect(operators).toMatchObject({ labels: ['中国移动', '中国联通', '中国电信'], horizontal: true, legend: false });
    expect(
      operators.series.map((series) => [series.name, series.colors, series.values, series.dashed === true]),
    ).toEqual([
      ['携入', colors, [4_444, 2_222, 3_210], false],
      ['携出', colors, [5_678, 2_577, 1_621], true],
    ]);
    expect(operators.series.map((series) => series.valueLabels)).toEqual([
      ['携入 4,444', '携入 2,222', '携入 3,210'],
      ['携出 5,678', '携出 2,577', '携出 1,621'],
    ]);
  });

  it('set the category shares against earlier periods, hatched', () => {
    // act
    const categories = chartSpecsOf(smallHqModel(), 'en').find(
      (spec) => spec.id === 'categories',
    ) as GroupedBarChartSpec;
    // assess
    expect(categories).toMatchObject({ valueFormat: 'percent', horizontal: true });
    expect(categories.series.map((series) => [series.name, series.values, series.dashed === true])).toEqual([
      ['This week', [0.576, 0.312, 0.112], false],
      ['Earlier', [0.551, 0.339, 0.11], true],
    ]);
    expect(categories.series.map((series) => series.valueLabels)).toEqual([
      ['57.6%', '31.2%', '11.2%'],
      ['55.1%', '33.9%', '11.0%'],
    ]);
    // Short names on the chart; the alt text, like the table, keeps the full ones.
    expect(categories.labels[0]).toBe('Network');
    expect(categories.alt).toContain('Network coverage and quality 57.6% (earlier 55.1%)');
  });
});

describe('province charts', () => {
  it('show flows with each counterpart operator and the category mix beside the national share', () => {
    // act
    const specs = chartSpecsOf(provinceModel(), 'en');
    // assess
    const counterparts = specs.find((spec) => spec.id === 'operators') as GroupedBarChartSpec;
    const categories = specs.find((spec) => spec.id === 'categories') as GroupedBarChartSpec;
    expect(counterparts.labels).toEqual(['China Unicom', 'China Telecom']);
    expect(counterparts.series.map((series) => series.colors)).toEqual(
      [0, 1].map(() => ['CUCC', 'CTCC'].map((code) => operatorByCode.get(code)!.color)),
    );
    expect(categories.series.map((series) => [series.name, series.values])).toEqual([
      ['Province', [0.41, 0.35, 0.24]],
      ['National', [0.312, 0.576, 0.112]],
    ]);
    expect(categories.alt).toContain('Tariff level 41.0% (national 31.2%)');
  });

  it('have no chart for a section without figures', () => {
    // prepare
    const model = provinceModel();
    model.flows.withOperators = [];
    model.dissatisfaction.categories = [];
    // act
    const ids = chartSpecsOf(model, 'zh-CN').map((spec) => spec.id);
    // assess
    expect(ids).toEqual(['trend']);
  });
});
