// The chart specs: what each chart shows, in the reader's language, with operator colours,
// a dashed comparison series, and alt text that states the figures.
import { describe, expect, it } from 'vitest';
import { operatorByCode } from '#reference/index.ts';
import { chartSpecsOf } from '#render/chart-specs.ts';
import type { GroupedBarChartSpec, TrendChartSpec } from '#render/charts/chart-spec.ts';
import { provinceModel, smallHqModel } from './render-models.ts';

describe('headquarters charts', () => {
  it('are the port-ins and port-outs per operator, the trend and the category mix', () => {
    expect(chartSpecsOf(smallHqModel(), 'zh-CN').map((spec) => `${spec.id}:${spec.kind}`)).toEqual(['operators:grouped-bars', 'trend:trend', 'categories:grouped-bars']);
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

  it('keep each operator in its reference colour', () => {
    // act
    const operators = chartSpecsOf(smallHqModel(), 'zh-CN').find((spec) => spec.id === 'operators') as GroupedBarChartSpec;
    // assess
    expect(operators.labels).toEqual(['携入', '携出']);
    expect(operators.series.map((series) => [series.name, series.color, series.values])).toEqual([
      ['中国移动', operatorByCode.get('CMCC')!.color, [4_444, 5_678]],
      ['中国联通', operatorByCode.get('CUCC')!.color, [2_222, 2_577]],
      ['中国电信', operatorByCode.get('CTCC')!.color, [3_210, 1_621]],
    ]);
  });

  it('set the category shares against earlier periods, hatched', () => {
    // act
    const categories = chartSpecsOf(smallHqModel(), 'en').find((spec) => spec.id === 'categories') as GroupedBarChartSpec;
    // assess
    expect(categories).toMatchObject({ valueFormat: 'percent', horizontal: true });
    expect(categories.series.map((series) => [series.name, series.values, series.dashed === true])).toEqual([
      ['this week', [0.576, 0.312, 0.112], false],
      ['Earlier', [0.551, 0.339, 0.11], true],
    ]);
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
    expect(counterparts.series.map((series) => series.name)).toEqual(['China Unicom', 'China Telecom']);
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
