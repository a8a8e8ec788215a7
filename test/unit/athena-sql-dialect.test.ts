// The metric SQL must be Trino (Athena engine v3) as well as DuckDB. dt-sql-parser's TrinoSQL
// parser is built from Trino's own grammar; every compiled metric query must pass it, and a
// DuckDB-only form must fail it (or the check would prove nothing).
import { TrinoSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { METRIC_QUERIES } from '#core/ports.ts';
import { metricQueryTemplate } from '#sql/catalog.ts';

const trino = new TrinoSQL();

function trinoErrors(sql: string): string[] {
  return trino.validate(sql).map((error) => `${error.startLine}:${error.startColumn} ${error.message}`);
}

describe('metric SQL in the Athena (Trino) dialect', () => {
  it.each(METRIC_QUERIES)('parses %s as Trino without error', (name) => {
    const { sql, parameterNames } = metricQueryTemplate(name);

    const errors = trinoErrors(sql);

    expect(errors).toEqual([]);
    expect(parameterNames.length).toBeGreaterThan(0);
  });

  it.each([
    ['a :: cast', 'SELECT x::int FROM t'],
    ['GROUP BY ALL', 'SELECT a, count(*) FROM t GROUP BY ALL'],
    ['SELECT * EXCLUDE', 'SELECT * EXCLUDE (a) FROM t'],
  ])('rejects the DuckDB-only form %s', (_form, sql) => {
    expect(trinoErrors(sql)).not.toEqual([]);
  });

  it('accepts the portable forms of the same', () => {
    expect(trinoErrors('SELECT CAST(x AS integer) FROM t WHERE d BETWEEN ? AND ? GROUP BY a')).toEqual([]);
  });
});
