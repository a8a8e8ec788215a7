// The physical schema of the lake, read once from lake-contract.json: each table's partition
// column and, per column, the Parquet type the files carry (string, timestamp, int32, int64,
// decimal(p,s)) and whether it may be NULL. Every place that needs a column's type derives it
// from here: the generator and the test lake writer (what they write), the Glue tables and the
// Trino test tables (what the engines declare), the DuckDB views (what DuckDB casts to).
import * as z from 'zod/mini';
import './schema.ts';
import lakeContractJson from './lake-contract.json' with { type: 'json' };

const DECIMAL = /^decimal\((\d{1,2}),(\d{1,2})\)$/;

export type DecimalType = `decimal(${number},${number})`;
export type PhysicalType = 'string' | 'timestamp' | 'int32' | 'int64' | DecimalType;
/** What a column holds, whatever its width: the engines accept any width of the same kind. */
export type ColumnKind = 'string' | 'timestamp' | 'integer' | 'decimal';

const physicalType = z.union([
  z.enum(['string', 'timestamp', 'int32', 'int64']),
  z.pipe(
    z.string().check(
      z.regex(DECIMAL, 'decimal(precision,scale)'),
      z.refine(
        (type) => decimalShape(type as DecimalType).scale <= decimalShape(type as DecimalType).precision,
        'scale above precision',
      ),
    ),
    z.transform((type) => type as DecimalType),
  ),
]);
const columnSchema = z.object({
  name: z.string().check(z.regex(/^[a-z_]+$/)),
  type: physicalType,
  nullable: z.boolean(),
});
const tableSchema = z.object({
  partition: z.object({ column: z.enum(['dt', 'month']), kind: z.enum(['day', 'month']) }),
  columns: z.array(columnSchema).check(z.minLength(1)),
});
const lakeContractSchema = z.object({
  port_requests: tableSchema,
  exit_reasons: tableSchema,
  usage_monthly: tableSchema,
  subscriber_base: tableSchema,
});

export type LakeContract = z.infer<typeof lakeContractSchema>;
export type LakeTableName = keyof LakeContract;
export type LakeColumn = z.infer<typeof columnSchema>;

export const lakeContract: LakeContract = lakeContractSchema.parse(lakeContractJson);
export const lakeTables = Object.keys(lakeContract) as LakeTableName[];

function decimalShape(type: DecimalType): { precision: number; scale: number } {
  const [, precision, scale] = DECIMAL.exec(type)!;
  return { precision: Number(precision), scale: Number(scale) };
}

export function columnKind(type: PhysicalType): ColumnKind {
  if (type === 'int32' || type === 'int64') return 'integer';
  if (type === 'string' || type === 'timestamp') return type;
  return 'decimal';
}

/** The SQL name of a physical type, as DuckDB and Trino (Athena) both spell it in DDL and CAST. */
export type SqlType = 'VARCHAR' | 'TIMESTAMP' | 'INTEGER' | 'BIGINT' | `DECIMAL(${number},${number})`;

export function sqlTypeOf(type: PhysicalType): SqlType {
  switch (type) {
    case 'string':
      return 'VARCHAR';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'int32':
      return 'INTEGER';
    case 'int64':
      return 'BIGINT';
    default: {
      const { precision, scale } = decimalShape(type);
      return `DECIMAL(${precision},${scale})`;
    }
  }
}

export function decimalOf(type: PhysicalType): { precision: number; scale: number } | undefined {
  return columnKind(type) === 'decimal' ? decimalShape(type as DecimalType) : undefined;
}
