// The curated layer's SQL (docs/curated-layer.md): the text that builds each curated table from
// the raw tables, and the metric queries that read the curated tables instead of the raw feed.
// The same placeholders as the raw catalog; curated fragments live in curated/fragments/ and
// fall back to the raw fragments (the quarantine rules stay written once).
import { existsSync } from 'node:fs';
import { assetUrl } from '#asset-root';
import type { MetricQueryName, QueryParameters } from '#core/ports.ts';
import {
  bindNamedParameters,
  type CompiledQuery,
  expandPlaceholders,
  type FragmentSources,
  readSqlFile,
  type SqlValue,
} from './catalog.ts';

export type CuratedColumnType = 'VARCHAR' | 'TIMESTAMP' | 'BIGINT' | 'DECIMAL(12,2)';

export interface CuratedTable {
  readonly name: string;
  /** The raw table whose partitions it follows: port_requests (dt) or usage_monthly (month). */
  readonly follows: 'port_requests' | 'usage_monthly';
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
    columns: [
      ['day', 'VARCHAR'],
      ['province_code', 'VARCHAR'],
      ['donor', 'VARCHAR'],
      ['recipient', 'VARCHAR'],
      ['ports', 'BIGINT'],
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
  requests_daily: ['requests_from_dt', 'requests_to_dt'],
  port_requests_quality: ['requests_from_dt', 'requests_to_dt'],
  usage_quality: ['usage_from_month', 'usage_to_month'],
};

const CURATED_FRAGMENTS = ['curated/fragments/', 'fragments/'] as const;

function compile(
  path: string,
  name: string,
  parameters: QueryParameters,
  replaced?: Readonly<Record<string, string>>,
): { sql: string; values: SqlValue[]; parameterNames: string[] } {
  const sources: FragmentSources = { folders: CURATED_FRAGMENTS, ...(replaced ? { replaced } : {}) };
  const { sql, names } = bindNamedParameters(expandPlaceholders(readSqlFile(path), [], sources));
  const values = names.map((parameter) => {
    const value = parameters[parameter];
    if (value === undefined) throw new Error(`curated query ${name} needs parameter :${parameter}`);
    return value;
  });
  return { sql, values, parameterNames: names };
}

const sqlRoot = assetUrl('functions/sql/');
const hasCuratedVariant = new Map<MetricQueryName, boolean>();

/** Whether a metric query has a curated form (the others keep reading the raw feed). */
export function readsCurated(name: MetricQueryName): boolean {
  let known = hasCuratedVariant.get(name);
  if (known === undefined) {
    known = existsSync(new URL(`curated/metrics/${name}.sql`, sqlRoot));
    hasCuratedVariant.set(name, known);
  }
  return known;
}

/** The curated form of a metric query: same parameters, same rows as the raw-feed form. */
export function compileCuratedMetricQuery(name: MetricQueryName, parameters: QueryParameters): CompiledQuery {
  return { name, ...compile(`curated/metrics/${name}.sql`, name, parameters) };
}

/**
 * The SQL that builds one curated table (or one of its intermediate fragments) for the target
 * partitions given by :target_from_dt / :target_to_dt. `replaced` names fragments that the
 * writer has already materialised (DuckDB keeps port_requests_placed in a temp table).
 */
export function compileCuratedBuild(
  file: string,
  parameters: QueryParameters,
  replaced?: Readonly<Record<string, string>>,
): { sql: string; values: SqlValue[] } {
  return compile(file, file, parameters, replaced);
}
