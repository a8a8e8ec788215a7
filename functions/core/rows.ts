// Typed views of the metric query results. Adapters hand over plain strings and numbers; here
// each row is checked once so the figure code can trust its fields.
import { QueryError } from './errors.ts';
import type { MetricQueryName, QueryRow } from './ports.ts';

export interface FlowRow {
  /** The first Beijing day of the report period (week or month) the row counts in. */
  periodStart: string;
  provinceCode: string;
  donor: string;
  recipient: string;
  ports: number;
}
export interface RequestRow {
  /** The first Beijing day of the report period (week or month) the row counts in. */
  periodStart: string;
  provinceCode: string;
  donor: string;
  status: string;
  rejectReason: string | null;
  requests: number;
}
export interface CategoryRow {
  /** The first Beijing day of the report period (week or month) the row counts in. */
  periodStart: string;
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
  /** The leavers' (or joiners') monthly fees summed in fen: a whole number, so sums add up alike in any order. */
  feeSumFen: number;
}
export interface DataQualityRow {
  table: string;
  provinceCode: string | null;
  outcome: string;
  rows: number;
}

/** Every query's rows under its registry key. */
export type { MetricRows } from './metric-registry.ts';

/**
 * Checked reads of a query's columns. Made once per query, not per row: the reports read some
 * 200,000 rows a run, and closures made per row cost more than the checks.
 */
function columnReader(query: MetricQueryName) {
  const fail = (row: QueryRow, column: string, expected: string): never => {
    throw new QueryError(
      `query ${query} returned ${JSON.stringify(row[column])} in column ${column}, expected ${expected}`,
      query,
    );
  };
  return {
    text(row: QueryRow, column: string): string {
      const value = row[column];
      return typeof value === 'string' ? value : fail(row, column, 'text');
    },
    optionalText(row: QueryRow, column: string): string | null {
      const value = row[column];
      return value === null || value === undefined
        ? null
        : typeof value === 'string'
          ? value
          : fail(row, column, 'text or null');
    },
    count(row: QueryRow, column: string): number {
      const value = typeof row[column] === 'string' ? Number(row[column]) : row[column];
      return typeof value === 'number' && Number.isFinite(value) ? value : fail(row, column, 'a number');
    },
  };
}

export function readFlowRows(rows: readonly QueryRow[]): FlowRow[] {
  const r = columnReader('flows');
  return rows.map((row) => ({
    periodStart: r.text(row, 'period_start'),
    provinceCode: r.text(row, 'province_code'),
    donor: r.text(row, 'donor'),
    recipient: r.text(row, 'recipient'),
    ports: r.count(row, 'ports'),
  }));
}

export function readRequestRows(rows: readonly QueryRow[]): RequestRow[] {
  const r = columnReader('requests');
  return rows.map((row) => ({
    periodStart: r.text(row, 'period_start'),
    provinceCode: r.text(row, 'province_code'),
    donor: r.text(row, 'donor'),
    status: r.text(row, 'status'),
    rejectReason: r.optionalText(row, 'reject_reason'),
    requests: r.count(row, 'requests'),
  }));
}

export function readCategoryRows(rows: readonly QueryRow[]): CategoryRow[] {
  const r = columnReader('exit_categories');
  return rows.map((row) => ({
    periodStart: r.text(row, 'period_start'),
    provinceCode: r.text(row, 'province_code'),
    operatorCode: r.text(row, 'operator_code'),
    categoryCode: r.text(row, 'category_code'),
    responses: r.count(row, 'responses'),
  }));
}

export function readBaseRows(rows: readonly QueryRow[]): BaseRow[] {
  const r = columnReader('subscriber_base');
  return rows.map((row) => ({
    month: r.text(row, 'base_month'),
    provinceCode: r.text(row, 'province_code'),
    operatorCode: r.text(row, 'operator_code'),
    subscribers: r.count(row, 'subscribers'),
  }));
}

export function readValueMirrorRows(rows: readonly QueryRow[]): ValueMirrorRow[] {
  const r = columnReader('value_mirror');
  return rows.map((row) => {
    const side = r.text(row, 'side');
    if (side !== 'leaver' && side !== 'joiner')
      throw new QueryError(`query value_mirror returned side ${side}`, 'value_mirror');
    return {
      side,
      provinceCode: r.text(row, 'province_code'),
      operatorCode: r.text(row, 'operator_code'),
      planCode: r.text(row, 'plan_code'),
      ports: r.count(row, 'ports'),
      withUsage: r.count(row, 'with_usage'),
      overpaying: r.count(row, 'overpaying'),
      feeSumFen: r.count(row, 'fee_sum_fen'),
    };
  });
}

export function readDataQualityRows(rows: readonly QueryRow[]): DataQualityRow[] {
  const r = columnReader('data_quality');
  return rows.map((row) => ({
    table: r.text(row, 'table_name'),
    provinceCode: r.optionalText(row, 'province_code'),
    outcome: r.text(row, 'outcome'),
    rows: r.count(row, 'row_count'),
  }));
}
