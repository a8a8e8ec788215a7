// The physical layout of each lake table, derived from reference/lake-contract.json: the
// contract's column order and the Parquet types the engines expect.
import { lakeContract, type LakeTableName } from '#reference/index.ts';

export type { LakeTableName };
export type ParquetType = 'VARCHAR' | 'TIMESTAMP' | 'INTEGER' | 'BIGINT' | 'DECIMAL(10,2)';
export type CellValue = string | number | null;
/** A row keyed by contract column name; timestamps are UTC epoch milliseconds. */
export type LakeRow = Readonly<Record<string, CellValue>>;

export interface ColumnSpec {
  readonly name: string;
  readonly parquetType: ParquetType;
}

export interface TableSpec {
  readonly name: LakeTableName;
  readonly partitionColumn: 'dt' | 'month';
  readonly columns: readonly ColumnSpec[];
}

export const LAKE_TABLES: readonly LakeTableName[] = ['port_requests', 'exit_reasons', 'usage_monthly', 'subscriber_base'];

/** The contract says "integer"; data-contract.md says which of them are int64. */
const INT64_COLUMNS = new Set(['data_allowance_mb', 'data_used_mb', 'subscribers']);

function parquetTypeOf(name: string, type: 'string' | 'timestamp' | 'integer' | 'decimal'): ParquetType {
  switch (type) {
    case 'string':
      return 'VARCHAR';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'decimal':
      return 'DECIMAL(10,2)';
    case 'integer':
      return INT64_COLUMNS.has(name) ? 'BIGINT' : 'INTEGER';
  }
}

export function tableSpec(name: LakeTableName): TableSpec {
  const table = lakeContract[name];
  return {
    name,
    partitionColumn: table.partition.column,
    columns: table.columns.map((column) => ({ name: column.name, parquetType: parquetTypeOf(column.name, column.type) })),
  };
}
