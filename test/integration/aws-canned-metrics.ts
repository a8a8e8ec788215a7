// Small canned results of the six metric queries for 2019-W48 (and November 2019), as Athena
// would return them: column names with Athena types, then rows, the day-grained queries' rows by
// week (each named by its Monday). Shared by the AWS handler and bundle tests; small enough to
// check by hand.
import type { MetricQueryName, QueryRow } from '#core/ports.ts';

export type Cell = string | number | null;
export const canned: Record<MetricQueryName, { columns: [string, string][]; rows: Cell[][] }> = {
  flows: {
    columns: [
      ['period_start', 'varchar'],
      ['province_code', 'varchar'],
      ['donor', 'varchar'],
      ['recipient', 'varchar'],
      ['ports', 'bigint'],
    ],
    rows: [
      ['2019-11-18', '44', 'CMCC', 'CTCC', 100],
      ['2019-11-25', '44', 'CMCC', 'CTCC', 120],
      ['2019-11-25', '11', 'CUCC', 'CMCC', 40],
      ['2019-11-25', '31', 'CTCC', 'CUCC', 25],
      ['2019-11-25', '44', 'CTCC', 'CMCC', 30],
    ],
  },
  requests: {
    columns: [
      ['period_start', 'varchar'],
      ['province_code', 'varchar'],
      ['donor', 'varchar'],
      ['status', 'varchar'],
      ['reject_reason', 'varchar'],
      ['requests', 'bigint'],
    ],
    rows: [
      ['2019-11-25', '44', 'CMCC', 'completed', null, 120],
      ['2019-11-25', '44', 'CMCC', 'rejected', 'ARREARS', 10],
      ['2019-11-25', '11', 'CUCC', 'rejected', 'CONTRACT_ACTIVE', 4],
    ],
  },
  exit_categories: {
    columns: [
      ['period_start', 'varchar'],
      ['province_code', 'varchar'],
      ['operator_code', 'varchar'],
      ['category_code', 'varchar'],
      ['responses', 'bigint'],
    ],
    rows: [
      ['2019-11-25', '44', 'CMCC', 'NETWORK', 30],
      ['2019-11-25', '44', 'CMCC', 'PRICE', 12],
      ['2019-11-18', '44', 'CMCC', 'NETWORK', 25],
    ],
  },
  subscriber_base: {
    columns: [
      ['base_month', 'varchar'],
      ['province_code', 'varchar'],
      ['operator_code', 'varchar'],
      ['subscribers', 'bigint'],
    ],
    rows: [
      ['2019-11', '44', 'CMCC', 80_000_000],
      ['2019-11', '44', 'CTCC', 30_000_000],
      ['2019-11', '11', 'CUCC', 9_000_000],
      ['2019-11', '31', 'CTCC', 8_000_000],
    ],
  },
  value_mirror: {
    columns: [
      ['side', 'varchar'],
      ['province_code', 'varchar'],
      ['operator_code', 'varchar'],
      ['plan_code', 'varchar'],
      ['ports', 'bigint'],
      ['with_usage', 'bigint'],
      ['overpaying', 'bigint'],
      ['fee_sum_fen', 'bigint'],
    ],
    rows: [
      ['leaver', '44', 'CMCC', 'P128', 120, 100, 40, 1_536_000],
      ['joiner', '44', 'CTCC', 'P128', 120, 0, 0, 1_536_000],
    ],
  },
  data_quality: {
    columns: [
      ['table_name', 'varchar'],
      ['province_code', 'varchar'],
      ['outcome', 'varchar'],
      ['row_count', 'bigint'],
    ],
    rows: [
      ['port_requests', '44', 'clean', 500],
      ['port_requests', '44', 'unknown_code', 3],
      ['port_requests', '44', 'superseded', 12],
    ],
  },
};

/** The canned rows as an engine hands them to the core (numbers as numbers). */
export function cannedQueryRows(name: MetricQueryName): QueryRow[] {
  const { columns, rows } = canned[name];
  return rows.map((cells) => Object.fromEntries(columns.map(([column], index) => [column, cells[index] ?? null])));
}
