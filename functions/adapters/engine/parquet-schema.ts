// Checks one Parquet file's columns against the data contract. The rules, documented in the
// README: an extra column is ignored; a missing column reads as NULL (so a missing required
// column quarantines the file's rows as missing_key); a column of Parquet's Null type (written
// with no value) reads as NULL whatever the contract's type; a column whose type cannot hold the
// contract's type stops the run with an error naming the file and the column.
import { LakeError } from '#core/errors.ts';
import type { LakeTable } from '#core/ports.ts';
import { type ColumnKind, columnKind, lakeContract } from '#reference/lake-schema.ts';

export type FileColumns = ReadonlyMap<string, string>;

/** The type a file's column has when it was written with Parquet's Null type (no value at all). */
export const NULL_TYPED = 'NULL';

const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;
const ACCEPTED: Record<ColumnKind, (duckdbType: string) => boolean> = {
  string: (type) => type === 'VARCHAR',
  timestamp: (type) => /^TIMESTAMP( WITH TIME ZONE|_NS|_MS|_S)?$/.test(type),
  integer: (type) => INTEGER.test(type),
  decimal: (type) => INTEGER.test(type) || /^DECIMAL\(\d+,\d+\)$/.test(type) || type === 'DOUBLE' || type === 'FLOAT',
};

export function checkFileSchema(table: LakeTable, file: string, columns: FileColumns): void {
  for (const column of lakeContract[table].columns) {
    const found = columns.get(column.name);
    const kind = columnKind(column.type);
    if (found !== undefined && found !== NULL_TYPED && !ACCEPTED[kind](found)) {
      throw new LakeError(`${file}: column ${column.name} is ${found}, the data contract says ${kind} (${table})`);
    }
  }
}
