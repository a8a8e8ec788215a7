// The typed views of the metric queries' rows: what an engine hands over is checked once, and a
// value of the wrong kind stops the run with the query, the column and the value named.
import { describe, expect, it } from 'vitest';
import { QueryError } from '#core/errors.ts';
import { readDataQualityRows, readFlowRows, readRequestRows, readValueMirrorRows } from '#core/rows.ts';

const flow = { period_start: '2019-11-04', province_code: '44', donor: 'CMCC', recipient: 'CUCC', ports: 3 };

describe('metric rows', () => {
  it('types each row, taking a count given as text (an engine returning BIGINT as a string)', () => {
    expect(readFlowRows([flow, { ...flow, province_code: '11', ports: '12' }])).toEqual([
      { periodStart: '2019-11-04', provinceCode: '44', donor: 'CMCC', recipient: 'CUCC', ports: 3 },
      { periodStart: '2019-11-04', provinceCode: '11', donor: 'CMCC', recipient: 'CUCC', ports: 12 },
    ]);
  });

  it('keeps a missing reject reason and province as null', () => {
    const request = {
      period_start: '2019-11-04',
      province_code: '44',
      donor: 'CTCC',
      status: 'completed',
      requests: 5,
    };
    expect(readRequestRows([{ ...request, reject_reason: null }])[0]!.rejectReason).toBeNull();
    expect(readRequestRows([request])[0]!.rejectReason).toBeNull();
    const quality = { table_name: 'usage_monthly', province_code: null, outcome: 'clean', row_count: 7 };
    expect(readDataQualityRows([quality])).toEqual([
      { table: 'usage_monthly', provinceCode: null, outcome: 'clean', rows: 7 },
    ]);
  });

  it('names the query, the column and the value of a row it cannot read', () => {
    const read = (rows: Record<string, unknown>[]) => () => readFlowRows(rows as never);
    expect(read([flow, { ...flow, ports: 'three' }])).toThrow(
      new QueryError('query flows returned "three" in column ports, expected a number', 'flows'),
    );
    expect(read([{ ...flow, province_code: null }])).toThrow(
      'query flows returned null in column province_code, expected text',
    );
    expect(read([{ ...flow, ports: Number.POSITIVE_INFINITY }])).toThrow('in column ports, expected a number');
  });

  it('refuses a value-mirror side it does not know', () => {
    const row = {
      side: 'mover',
      province_code: '44',
      operator_code: 'CMCC',
      plan_code: 'P1',
      ports: 1,
      with_usage: 1,
      overpaying: 0,
      fee_sum_fen: 5800,
    };
    expect(() => readValueMirrorRows([row])).toThrow('query value_mirror returned side mover');
    expect(readValueMirrorRows([{ ...row, side: 'joiner' }])[0]!.feeSumFen).toBe(5800);
  });
});
