// The curated layer's SQL is one text per table for Athena (Trino) and DuckDB: every build text
// and every curated metric query must parse as Trino (dt-sql-parser, Trino's own grammar).
import { TrinoSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { CURATED_TABLES } from '#core/curated-tables.ts';
import { METRIC_QUERIES } from '#core/ports.ts';
import { compileCuratedBuild, compileCuratedMetricQuery, readsCurated } from '#sql/curated-catalog.ts';

const trino = new TrinoSQL();
const errorsOf = (sql: string) =>
  trino.validate(sql).map((error) => `${error.startLine}:${error.startColumn} ${error.message}`);

const build = {
  requests_from_dt: '2019-10-31',
  requests_to_dt: '2019-12-01',
  exits_from_dt: '2019-01-01',
  exits_to_dt: '2019-11-30',
  target_from_dt: '2019-11-01',
  target_to_dt: '2019-11-30',
  usage_from_month: '2019-07',
  usage_to_month: '2019-11',
};
const metric = {
  ...build,
  from_ts: '2019-10-31 16:00:00',
  to_ts: '2019-11-30 16:00:00',
  period_unit: 'month',
  exits_from_dt: '2019-11-01',
  exits_to_dt: '2019-11-30',
  base_from_month: '2019-11',
  base_to_month: '2019-11',
  counted_from_dt: '2019-11-07',
  counted_to_dt: '2019-11-24',
  counted_exits_to_dt: '2019-11-30',
};

describe('curated SQL in the Athena (Trino) dialect', () => {
  it.each(CURATED_TABLES.map((table) => table.name))('the build of %s parses as Trino', (name) => {
    expect(errorsOf(compileCuratedBuild(`curated/build/${name}.sql`, build).sql)).toEqual([]);
  });

  it.each(METRIC_QUERIES.filter(readsCurated))('the curated form of %s parses as Trino', (name) => {
    expect(errorsOf(compileCuratedMetricQuery(name, metric).sql)).toEqual([]);
  });

  it('every metric query but the subscriber base has a curated form', () => {
    expect(METRIC_QUERIES.filter(readsCurated).sort()).toEqual([
      'data_quality',
      'exit_categories',
      'flows',
      'requests',
      'value_mirror',
    ]);
  });
});
