// The lake's one physical schema: the widths data-contract.md gives, and the SQL and Parquet
// names derived from them.
import { describe, expect, it } from 'vitest';
import { columnKind, decimalOf, lakeContract, sqlTypeOf } from '#reference/lake-schema.ts';

const typeOf = (table: keyof typeof lakeContract, column: string) =>
  lakeContract[table].columns.find((c) => c.name === column)?.type;

describe('lake schema', () => {
  it('gives the integer widths and the decimal of the data contract', () => {
    // data-contract.md: int32 tenure and voice minutes; int64 data volumes and subscriber counts
    expect(typeOf('port_requests', 'tenure_months')).toBe('int32');
    expect(typeOf('usage_monthly', 'voice_allowance_min')).toBe('int32');
    expect(typeOf('usage_monthly', 'voice_used_min')).toBe('int32');
    expect(typeOf('usage_monthly', 'data_allowance_mb')).toBe('int64');
    expect(typeOf('usage_monthly', 'data_used_mb')).toBe('int64');
    expect(typeOf('subscriber_base', 'subscribers')).toBe('int64');
    expect(typeOf('port_requests', 'monthly_fee_cny')).toBe('decimal(10,2)');
    expect(typeOf('usage_monthly', 'plan_fee_cny')).toBe('decimal(10,2)');
  });

  it('spells each physical type as DuckDB and Trino both accept it', () => {
    expect(['string', 'timestamp', 'int32', 'int64', 'decimal(10,2)'].map((type) => sqlTypeOf(type as never))).toEqual([
      'VARCHAR',
      'TIMESTAMP',
      'INTEGER',
      'BIGINT',
      'DECIMAL(10,2)',
    ]);
  });

  it('tells the kind of a column whatever its width', () => {
    expect(columnKind('int32')).toBe('integer');
    expect(columnKind('int64')).toBe('integer');
    expect(columnKind('decimal(18,4)')).toBe('decimal');
    expect(decimalOf('decimal(18,4)')).toEqual({ precision: 18, scale: 4 });
    expect(decimalOf('int64')).toBeUndefined();
  });
});
