// The curated tables (docs/curated-layer.md): their names, the raw table each follows, their
// partition and columns in file order. One home for the fact: the DuckDB views and writer, the
// SQL writer and the Glue tables of the CDK app all read it here.

export type CuratedColumnType = 'VARCHAR' | 'TIMESTAMP' | 'BIGINT' | 'DECIMAL(12,2)' | 'DECIMAL(38,2)';

/** Each column type as Hive (Glue, Athena's DDL) writes it. */
export const HIVE_TYPES: Readonly<Record<CuratedColumnType, string>> = {
  VARCHAR: 'string',
  TIMESTAMP: 'timestamp',
  BIGINT: 'bigint',
  'DECIMAL(12,2)': 'decimal(12,2)',
  'DECIMAL(38,2)': 'decimal(38,2)',
};

export interface CuratedTable {
  readonly name: string;
  /** The raw table whose partitions it follows: port_requests or exit_reasons (dt), usage_monthly (month). */
  readonly follows: 'port_requests' | 'exit_reasons' | 'usage_monthly';
  readonly partitionColumn: 'dt' | 'month';
  /** Columns in file order, the partition column excluded (it lives in the folder name). */
  readonly columns: readonly (readonly [name: string, type: CuratedColumnType])[];
}

const request: readonly (readonly [string, CuratedColumnType])[] = [
  ['port_id', 'VARCHAR'],
  ['province_code', 'VARCHAR'],
  ['donor_operator', 'VARCHAR'],
  ['recipient_operator', 'VARCHAR'],
  ['status', 'VARCHAR'],
  ['reject_reason', 'VARCHAR'],
  ['requested_at', 'TIMESTAMP'],
  ['completed_at', 'TIMESTAMP'],
];
const usage: readonly (readonly [string, CuratedColumnType])[] = [
  ['usage_months', 'BIGINT'],
  ['data_used_mb', 'BIGINT'],
  ['data_allowance_mb', 'BIGINT'],
  ['voice_used_min', 'BIGINT'],
  ['voice_allowance_min', 'BIGINT'],
];
const planAndQuarantine: readonly (readonly [string, CuratedColumnType])[] = [
  ['plan_code', 'VARCHAR'],
  ['monthly_fee_cny', 'DECIMAL(12,2)'],
  ['quarantine_reason', 'VARCHAR'],
];
/** A completed port's group as flows counts it: the Beijing day of completion, province and pair. */
const completedPortGroup: readonly (readonly [string, CuratedColumnType])[] = [
  ['day', 'VARCHAR'],
  ['province_code', 'VARCHAR'],
  ['donor', 'VARCHAR'],
  ['recipient', 'VARCHAR'],
];
/** An exit answer's group as exit_categories counts it: the Beijing day of collection and its codes. */
const exitAnswerGroup: readonly (readonly [string, CuratedColumnType])[] = [
  ['day', 'VARCHAR'],
  ['province_code', 'VARCHAR'],
  ['operator_code', 'VARCHAR'],
  ['category_code', 'VARCHAR'],
];

export const CURATED_TABLES: readonly CuratedTable[] = [
  {
    name: 'port_requests_current',
    follows: 'port_requests',
    partitionColumn: 'dt',
    columns: [...request, ...planAndQuarantine, ...usage],
  },
  {
    name: 'port_requests_spread',
    follows: 'port_requests',
    partitionColumn: 'dt',
    columns: [...request, ['updated_at', 'TIMESTAMP'], ...planAndQuarantine, ...usage],
  },
  {
    name: 'flows_daily',
    follows: 'port_requests',
    partitionColumn: 'dt',
    columns: [...completedPortGroup, ['ports', 'BIGINT']],
  },
  {
    name: 'value_mirror_daily',
    follows: 'port_requests',
    partitionColumn: 'dt',
    columns: [
      ...completedPortGroup,
      ['plan_code', 'VARCHAR'],
      ['leavers', 'BIGINT'],
      ['with_usage', 'BIGINT'],
      ['overpaying', 'BIGINT'],
      // A sum of fees: as wide as the raw-feed query's sum, so that no lake's fees overflow it.
      ['fee_sum_cny', 'DECIMAL(38,2)'],
    ],
  },
  {
    name: 'requests_daily',
    follows: 'port_requests',
    partitionColumn: 'dt',
    columns: [
      ['day', 'VARCHAR'],
      ['province_code', 'VARCHAR'],
      ['donor', 'VARCHAR'],
      ['status', 'VARCHAR'],
      ['reject_reason', 'VARCHAR'],
      ['requests', 'BIGINT'],
    ],
  },
  {
    name: 'port_requests_quality',
    follows: 'port_requests',
    partitionColumn: 'dt',
    columns: [
      ['province_code', 'VARCHAR'],
      ['outcome', 'VARCHAR'],
      ['row_count', 'BIGINT'],
    ],
  },
  {
    name: 'exit_answers_daily',
    follows: 'exit_reasons',
    partitionColumn: 'dt',
    columns: [...exitAnswerGroup, ['responses', 'BIGINT']],
  },
  {
    name: 'exit_answers_superseded',
    follows: 'exit_reasons',
    partitionColumn: 'dt',
    columns: [...exitAnswerGroup, ['responses', 'BIGINT']],
  },
  {
    name: 'exit_reasons_quality',
    follows: 'exit_reasons',
    partitionColumn: 'dt',
    columns: [
      ['province_code', 'VARCHAR'],
      ['outcome', 'VARCHAR'],
      ['row_count', 'BIGINT'],
    ],
  },
  {
    name: 'usage_quality',
    follows: 'usage_monthly',
    partitionColumn: 'month',
    columns: [
      ['province_code', 'VARCHAR'],
      ['outcome', 'VARCHAR'],
      ['row_count', 'BIGINT'],
    ],
  },
];

export function curatedTable(name: string): CuratedTable {
  const table = CURATED_TABLES.find((candidate) => candidate.name === name);
  if (!table) throw new Error(`no curated table ${name}`);
  return table;
}

/** The scan parameters that bound each curated table's partitions in the curated metric queries. */
export const CURATED_SCAN_PARAMETERS: Readonly<Record<string, readonly [from: string, to: string]>> = {
  port_requests_current: ['requests_from_dt', 'requests_to_dt'],
  port_requests_spread: ['requests_from_dt', 'requests_to_dt'],
  flows_daily: ['requests_from_dt', 'requests_to_dt'],
  value_mirror_daily: ['requests_from_dt', 'requests_to_dt'],
  requests_daily: ['requests_from_dt', 'requests_to_dt'],
  port_requests_quality: ['requests_from_dt', 'requests_to_dt'],
  exit_answers_daily: ['exits_from_dt', 'exits_to_dt'],
  exit_answers_superseded: ['exits_from_dt', 'exits_to_dt'],
  exit_reasons_quality: ['exits_from_dt', 'exits_to_dt'],
  usage_quality: ['usage_from_month', 'usage_to_month'],
};
