// The data-quality table list does not depend on the order an engine returns rows in (SQL
// results are unordered; DuckDB and Trino return the UNION ALL branches in different orders).
import { describe, expect, it } from 'vitest';
import { dataQualityFigures } from '#core/data-quality.ts';
import type { DataQualityRow } from '#core/rows.ts';

const rows: DataQualityRow[] = [
  { table: 'subscriber_base', provinceCode: '44', outcome: 'clean', rows: 3 },
  { table: 'exit_reasons', provinceCode: '44', outcome: 'clean', rows: 7 },
  { table: 'port_requests', provinceCode: '44', outcome: 'unknown_code', rows: 1 },
  { table: 'port_requests', provinceCode: '44', outcome: 'clean', rows: 12 },
  { table: 'usage_monthly', provinceCode: '44', outcome: 'negative_value', rows: 2 },
];

// The partitions read, keyed in an order that is not the lake's.
const partitionsRead = {
  subscriber_base: ['2019-11'],
  usage_monthly: ['2019-09', '2019-11'],
  exit_reasons: ['2019-11-25'],
  port_requests: ['2019-11-18', '2019-12-01'],
};

describe('data-quality tables', () => {
  it('lists the tables in the lake order whatever the row or key order', () => {
    const forward = dataQualityFigures(rows, partitionsRead, [], {});
    const backward = dataQualityFigures([...rows].reverse(), partitionsRead, [], {});
    expect(forward.tables.map((entry) => entry.table)).toEqual([
      'port_requests',
      'exit_reasons',
      'usage_monthly',
      'subscriber_base',
    ]);
    expect(backward.tables).toEqual(forward.tables);
    // port_requests: 12 clean + 1 quarantined read
    expect(forward.tables[0]).toEqual({
      table: 'port_requests',
      firstPartition: '2019-11-18',
      lastPartition: '2019-12-01',
      rowsRead: 13,
      quarantined: 1,
    });
  });
});
