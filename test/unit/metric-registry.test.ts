// The registry of metric queries: each entry's parameters are exactly what its SQL names, for
// both report kinds, and the plan's partitions follow from those parameters.
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, METRIC_QUERIES, METRIC_REGISTRY } from '#core/metric-registry.ts';
import { parsePeriod } from '#core/period.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { metricQueryTemplate } from '#sql/catalog.ts';

const plans = [
  planQueries(parsePeriod('2019-W48'), reportDefinition('hq-weekly').trend),
  planQueries(parsePeriod('2019-11'), reportDefinition('province-monthly').trend),
];

describe('the metric registry', () => {
  it('names each SQL file once', () => {
    expect(new Set(METRIC_QUERIES).size).toBe(METRIC_KEYS.length);
  });

  it.each(METRIC_KEYS)('gives %s exactly the parameters its SQL names', (key) => {
    const { sql } = METRIC_REGISTRY[key];
    const named = [...new Set(metricQueryTemplate(sql).parameterNames)].sort();
    for (const plan of plans) expect(Object.keys(plan.queries[sql]).sort()).toEqual(named);
  });

  it('reads the partitions its queries bound, no more', () => {
    // W48 with an 8-week flow trend: W41 starts 7 Oct; completions reach 7 days back, to 30 Sep.
    // Categories compare 5 weeks (from W44, 28 Oct). Usage: the 3 months before November.
    const [weekly] = plans;
    expect(weekly!.partitionsRead.port_requests[0]).toBe('2019-09-30');
    expect(weekly!.partitionsRead.port_requests.at(-1)).toBe('2019-12-01');
    expect(weekly!.partitionsRead.exit_reasons[0]).toBe('2019-10-28');
    expect(weekly!.partitionsRead.usage_monthly).toEqual(['2019-08', '2019-09', '2019-10', '2019-11']);
    expect(weekly!.partitionsRead.subscriber_base).toEqual(['2019-10', '2019-11']);
  });
});
