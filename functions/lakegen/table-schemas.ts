// The physical layout of each lake table as the generator writes it: the contract's column
// order and each column's type, both from the lake's one schema (reference/lake-schema.ts).
import { type LakeTableName, lakeContract, lakeTables, type SqlType, sqlTypeOf } from '#reference/lake-schema.ts';

export type { LakeTableName };
/** The DuckDB type of the Parquet column the generator writes. */
export type ParquetType = SqlType;
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

export const LAKE_TABLES: readonly LakeTableName[] = lakeTables;

export function tableSpec(name: LakeTableName): TableSpec {
  const table = lakeContract[name];
  return {
    name,
    partitionColumn: table.partition.column,
    columns: table.columns.map((column) => ({ name: column.name, parquetType: sqlTypeOf(column.type) })),
  };
}
