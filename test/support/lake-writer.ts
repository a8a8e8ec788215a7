// Writes small hand-made lakes for tests: rows given as plain objects become Parquet files in
// the contract's layout, with the lake schema's column types, and a _SUCCESS marker unless told not.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type LakeTableName, lakeContract, sqlTypeOf } from '#reference/lake-schema.ts';

export type FixtureRow = Record<string, string | number | null>;

export interface WriteOptions {
  /** @default true */
  readonly success?: boolean;
  /** @default 'part-0.parquet' */
  readonly fileName?: string;
  /** Override, drop (null) or add columns to simulate schema drift: name -> SQL type. */
  readonly columnTypes?: Readonly<Record<string, string | null>>;
}

function literal(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

export async function writePartition(
  lakeDir: string,
  table: LakeTableName,
  partitionValue: string,
  rows: readonly FixtureRow[],
  options: WriteOptions = {},
): Promise<string> {
  const { partition, columns } = lakeContract[table];
  const dir = join(lakeDir, table, `${partition.column}=${partitionValue}`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, options.fileName ?? 'part-0.parquet');
  const typed = columns
    .map((column) => {
      const override = options.columnTypes?.[column.name];
      const type = override === undefined ? sqlTypeOf(column.type) : override;
      return { name: column.name, type };
    })
    .filter((column): column is { name: string; type: string } => column.type !== null);
  for (const [name, type] of Object.entries(options.columnTypes ?? {})) {
    if (type !== null && !columns.some((column) => column.name === name)) typed.push({ name, type });
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(`CREATE TABLE t (${typed.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
    for (const row of rows) {
      const values = typed.map((c) => `CAST(${literal(row[c.name] ?? null)} AS ${c.type})`);
      await connection.run(`INSERT INTO t VALUES (${values.join(', ')})`);
    }
    await connection.run(`COPY t TO '${file.replaceAll("'", "''")}' (FORMAT PARQUET, COMPRESSION SNAPPY)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  if (options.success !== false) await writeFile(join(dir, '_SUCCESS'), '');
  return file;
}

/** Empty partitions with markers, so that a hand-made lake has no "missing partition" noise. */
export async function markEmptyPartitions(
  lakeDir: string,
  table: LakeTableName,
  values: readonly string[],
): Promise<void> {
  const { partition } = lakeContract[table];
  for (const value of values) {
    const dir = join(lakeDir, table, `${partition.column}=${value}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '_SUCCESS'), '');
  }
}
