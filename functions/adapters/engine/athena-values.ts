// Values in and out of Athena. In: ExecutionParameters are SQL literals given as strings, so a
// string arrives quoted (inner quotes doubled) and a number bare. Out: GetQueryResults returns
// every cell as a string beside the column types; numbers become numbers, NULL stays null.
import type { ColumnInfo, Row } from '@aws-sdk/client-athena';
import type { QueryRow } from '#core/ports.ts';
import type { SqlValue } from '#sql/catalog.ts';
import { sqlString } from '#sql/sql-string.ts';

const NUMERIC_TYPES = new Set([
  'tinyint',
  'smallint',
  'integer',
  'int',
  'bigint',
  'real',
  'float',
  'double',
  'decimal',
]);

/** One positional parameter as the SQL literal Athena substitutes for its `?`. */
export function toExecutionParameter(value: SqlValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot pass ${value} to Athena: not a finite number`);
    return String(value);
  }
  return sqlString(value);
}

/** A Trino (Athena) type name or signature, e.g. bigint or decimal(38,2), that holds a number. */
export function isNumericType(type: string): boolean {
  return NUMERIC_TYPES.has(type.toLowerCase().replace(/\(.*$/, ''));
}

export interface ResultColumn {
  readonly name: string;
  readonly numeric: boolean;
}

export function resultColumns(columnInfo: readonly ColumnInfo[] | undefined): ResultColumn[] {
  return (columnInfo ?? []).map((column) => ({
    name: column.Name ?? column.Label ?? '',
    // Types arrive as e.g. "bigint", "varchar", "decimal" (precision and scale sit in other fields).
    numeric: isNumericType(column.Type ?? ''),
  }));
}

/** A data row; a cell without VarCharValue is SQL NULL (an empty string arrives as ''). */
export function toQueryRow(row: Row, columns: readonly ResultColumn[]): QueryRow {
  const data = row.Data ?? [];
  const plain: Record<string, string | number | null> = {};
  columns.forEach((column, index) => {
    const text = data[index]?.VarCharValue;
    if (text === undefined || text === null) plain[column.name] = null;
    else if (column.numeric) plain[column.name] = Number(text);
    else plain[column.name] = text;
  });
  return plain;
}
