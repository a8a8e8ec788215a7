// The SQL catalog: fragments expanded once, named parameters bound positionally, values never in the text.
import { describe, expect, it } from 'vitest';
import { METRIC_QUERIES } from '#core/ports.ts';
import { compileMetricQuery, metricQueryTemplate } from '#sql/catalog.ts';

describe('the SQL catalog', () => {
  it('binds every named parameter to a positional ? in order', () => {
    const query = compileMetricQuery('subscriber_base', { base_from_month: '2019-10', base_to_month: '2019-11' });
    expect(query.parameterNames).toEqual(['base_from_month', 'base_to_month']);
    expect(query.values).toEqual(['2019-10', '2019-11']);
    expect(query.sql).toContain('BETWEEN ? AND ?');
    expect(query.sql).not.toContain('2019-10');
  });

  it('keeps values out of the SQL text, even hostile ones', () => {
    const hostile = "2019-11-25' OR '1'='1";
    const query = compileMetricQuery('flows', {
      requests_from_dt: hostile,
      requests_to_dt: hostile,
      from_ts: hostile,
      to_ts: hostile,
      period_unit: hostile,
    });
    expect(query.sql).not.toContain(hostile);
    expect(query.values.every((value) => value === hostile)).toBe(true);
  });

  it('refuses to run a query with a parameter missing', () => {
    expect(() => compileMetricQuery('flows', { requests_from_dt: '2019-11-18', period_unit: 'week' })).toThrow(
      ':requests_to_dt',
    );
  });

  it('reads every table through its quarantine fragment and uses only portable SQL', () => {
    for (const name of METRIC_QUERIES) {
      const { sql } = metricQueryTemplate(name);
      expect(sql, name).not.toMatch(/\{\{|::|\bQUALIFY\b|GROUP BY ALL|\bILIKE\b|EXCLUDE\s*\(/i);
      expect(sql, name).not.toMatch(/--/);
      expect(sql, name).toMatch(/quarantine_reason/);
    }
  });

  it('never selects the free-text verbatim column', () => {
    for (const name of METRIC_QUERIES) expect(metricQueryTemplate(name).sql, name).not.toMatch(/verbatim/i);
  });
});
