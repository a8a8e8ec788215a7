// Typed views of the metric query results. Adapters hand over plain strings and numbers; here
// each row is checked once so the figure code can trust its fields.
import { QueryError } from './errors.ts';
import type { MetricQueryName, QueryRow } from './ports.ts';

export interface FlowRow {
  day: string;
  provinceCode: string;
  donor: string;
  recipient: string;
  ports: number;
}
export interface RequestRow {
  day: string;
  provinceCode: string;
  donor: string;
  status: string;
  rejectReason: string | null;
  requests: number;
}
export interface CategoryRow {
  day: string;
  provinceCode: string;
  operatorCode: string;
  categoryCode: string;
  responses: number;
}
export interface BaseRow {
  month: string;
  provinceCode: string;
  operatorCode: string;
  subscribers: number;
}
export interface ValueMirrorRow {
  side: 'leaver' | 'joiner';
  provinceCode: string;
  operatorCode: string;
  planCode: string;
  ports: number;
  withUsage: number;
  overpaying: number;
  feeSumCny: number;
}
export interface DataQualityRow {
  table: string;
  provinceCode: string | null;
  outcome: string;
  rows: number;
}

/** Every query's rows under its registry key. */
export type { MetricRows } from './metric-registry.ts';

function reader(query: MetricQueryName, row: QueryRow) {
  const fail = (column: string, expected: string): never => {
    throw new QueryError(
      `query ${query} returned ${JSON.stringify(row[column])} in column ${column}, expected ${expected}`,
      query,
    );
  };
  return {
    text(column: string): string {
      const value = row[column];
      return typeof value === 'string' ? value : fail(column, 'text');
    },
    optionalText(column: string): string | null {
      const value = row[column];
      return value === null || value === undefined
        ? null
        : typeof value === 'string'
          ? value
          : fail(column, 'text or null');
    },
    count(column: string): number {
      const value = typeof row[column] === 'string' ? Number(row[column]) : row[column];
      return typeof value === 'number' && Number.isFinite(value) ? value : fail(column, 'a number');
    },
  };
}

export function readFlowRows(rows: readonly QueryRow[]): FlowRow[] {
  return rows.map((row) => {
    const r = reader('flows', row);
    return {
      day: r.text('day'),
      provinceCode: r.text('province_code'),
      donor: r.text('donor'),
      recipient: r.text('recipient'),
      ports: r.count('ports'),
    };
  });
}

export function readRequestRows(rows: readonly QueryRow[]): RequestRow[] {
  return rows.map((row) => {
    const r = reader('requests', row);
    return {
      day: r.text('day'),
      provinceCode: r.text('province_code'),
      donor: r.text('donor'),
      status: r.text('status'),
      rejectReason: r.optionalText('reject_reason'),
      requests: r.count('requests'),
    };
  });
}

export function readCategoryRows(rows: readonly QueryRow[]): CategoryRow[] {
  return rows.map((row) => {
    const r = reader('exit_categories', row);
    return {
      day: r.text('day'),
      provinceCode: r.text('province_code'),
      operatorCode: r.text('operator_code'),
      categoryCode: r.text('category_code'),
      responses: r.count('responses'),
    };
  });
}

export function readBaseRows(rows: readonly QueryRow[]): BaseRow[] {
  return rows.map((row) => {
    const r = reader('subscriber_base', row);
    return {
      month: r.text('base_month'),
      provinceCode: r.text('province_code'),
      operatorCode: r.text('operator_code'),
      subscribers: r.count('subscribers'),
    };
  });
}

export function readValueMirrorRows(rows: readonly QueryRow[]): ValueMirrorRow[] {
  return rows.map((row) => {
    const r = reader('value_mirror', row);
    const side = r.text('side');
    if (side !== 'leaver' && side !== 'joiner')
      throw new QueryError(`query value_mirror returned side ${side}`, 'value_mirror');
    return {
      side,
      provinceCode: r.text('province_code'),
      operatorCode: r.text('operator_code'),
      planCode: r.text('plan_code'),
      ports: r.count('ports'),
      withUsage: r.count('with_usage'),
      overpaying: r.count('overpaying'),
      feeSumCny: r.count('fee_sum_cny'),
    };
  });
}

export function readDataQualityRows(rows: readonly QueryRow[]): DataQualityRow[] {
  return rows.map((row) => {
    const r = reader('data_quality', row);
    return {
      table: r.text('table_name'),
      provinceCode: r.optionalText('province_code'),
      outcome: r.text('outcome'),
      rows: r.count('row_count'),
    };
  });
}
