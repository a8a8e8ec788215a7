// The staging side of the lake writer: how a contract column is held in DuckDB while rows
// arrive, and how it turns into its contract type on the way out. Appending is the generator's
// hot path, so staging is shaped for cheap appends: timestamps wait as epoch milliseconds,
// wide numbers as doubles, and low-cardinality strings (codes, plan codes, verbatims, the
// partition) as integer codes into a dictionary that the output query turns back into text.

import { sqlString } from '#sql/sql-string.ts';
import type { ColumnSpec, TableSpec } from './table-schemas.ts';

export type StagingType = 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'CODE';

/** Strings that are (nearly) unique per row; every other string column is dictionary-coded. */
const UNIQUE_STRING_COLUMNS = new Set(['port_id', 'msisdn_hash', 'response_id']);

export function stagingType(column: ColumnSpec): StagingType {
  if (column.parquetType === 'VARCHAR') return UNIQUE_STRING_COLUMNS.has(column.name) ? 'VARCHAR' : 'CODE';
  if (column.parquetType === 'INTEGER') return 'INTEGER';
  return 'DOUBLE';
}

/** Grow-only string <-> code map; codes are 1-based to match SQL list indexing. */
export class Dictionary {
  private readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      this.values.push(value);
      code = this.values.length;
      this.codes.set(value, code);
    }
    return code;
  }
}

export const PARTITION_KEY = 'partition_key';

/** One dictionary per coded column, plus the partition key's. */
export type Dictionaries = ReadonlyMap<string, Dictionary>;

export function createDictionaries(spec: TableSpec): Dictionaries {
  const coded = spec.columns.filter((column) => stagingType(column) === 'CODE').map((column) => column.name);
  return new Map([PARTITION_KEY, ...coded].map((name) => [name, new Dictionary()]));
}

export function stagingTableDdl(tableName: string, spec: TableSpec): string {
  const columns = spec.columns.map((column) => {
    const type = stagingType(column);
    return `"${column.name}" ${type === 'CODE' ? 'INTEGER' : type}`;
  });
  return `CREATE OR REPLACE TABLE ${tableName} (${PARTITION_KEY} INTEGER, ${columns.join(', ')})`;
}

/** The text of a coded column: its dictionary as a list literal, indexed by the code. */
function decode(name: string, dictionary: Dictionary | undefined): string {
  const values = dictionary?.values ?? [];
  if (values.length === 0) return `CAST(NULL AS VARCHAR)`;
  return `([${values.map(sqlString).join(', ')}])["${name}"]`;
}

function outputExpression(column: ColumnSpec, dictionaries: Dictionaries): string {
  const name = `"${column.name}"`;
  if (stagingType(column) === 'CODE') return `${decode(column.name, dictionaries.get(column.name))} AS ${name}`;
  switch (column.parquetType) {
    case 'TIMESTAMP':
      return `make_timestamp(CAST(${name} * 1000 AS BIGINT)) AS ${name}`;
    case 'VARCHAR':
    case 'INTEGER':
      return name;
    default:
      // BIGINT and DECIMAL(p,s) wait as doubles
      return `CAST(${name} AS ${column.parquetType}) AS ${name}`;
  }
}

/** The contract's columns in contract order, plus the partition under its lake name. */
export function outputSelect(tableName: string, spec: TableSpec, dictionaries: Dictionaries): string {
  const columns = spec.columns.map((column) => outputExpression(column, dictionaries)).join(', ');
  return `SELECT ${columns}, ${decode(PARTITION_KEY, dictionaries.get(PARTITION_KEY))} AS "${spec.partitionColumn}" FROM ${tableName}`;
}
