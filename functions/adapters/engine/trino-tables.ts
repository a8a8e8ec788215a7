// The lake's tables in a Trino Hive catalog: one external, partitioned Parquet table per table
// of the lake schema (reference/lake-schema.ts), over <lake location>/<table>/, and its
// partitions found by system.sync_partition_metadata. The test Trino registers its lakes this
// way; an operator can print the same statements for a cluster of their own (docs/aws.md).
import { type LakeTableName, lakeContract, lakeTables, sqlTypeOf } from '#reference/lake-schema.ts';
import { sqlString } from '#sql/sql-string.ts';
import { runTrinoStatement, type TrinoConnection, type TrinoStatementOptions } from './trino-http.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`${JSON.stringify(name)} is not a plain lower-case SQL name`);
  return name;
}

/** CREATE TABLE of one lake table over its folder; partition column last, as Hive wants it. */
export function lakeTableDdl(catalog: string, schema: string, table: LakeTableName, tableLocation: string): string {
  const { columns, partition } = lakeContract[table];
  const columnList = [
    ...columns.map((column) => `  "${identifier(column.name)}" ${sqlTypeOf(column.type)}`),
    `  "${partition.column}" VARCHAR`,
  ].join(',\n');
  return (
    `CREATE TABLE ${identifier(catalog)}.${identifier(schema)}.${identifier(table)} (\n${columnList}\n)\n` +
    `WITH (format = 'PARQUET', external_location = ${sqlString(tableLocation)}, partitioned_by = ARRAY['${partition.column}'])`
  );
}

export interface RegisterLakeOptions {
  readonly catalog: string;
  readonly schema: string;
  /** The folder holding the table folders, as Trino names it, e.g. local:///tmp/lake or s3://bucket/lake */
  readonly lakeLocation: string;
  /** Told each step before it runs. */
  readonly onStep?: (description: string) => void;
  readonly statement?: TrinoStatementOptions;
}

/** (Re)creates the schema's lake tables over the lake and registers every partition folder found. */
export async function registerLakeTables(connection: TrinoConnection, options: RegisterLakeOptions): Promise<void> {
  const { catalog, schema } = options;
  const run = async (description: string, sql: string) => {
    options.onStep?.(description);
    try {
      await runTrinoStatement(connection, sql, options.statement);
    } catch (error) {
      throw new Error(`Trino step "${description}" failed: ${(error as Error).message}`, { cause: error });
    }
  };
  await run(
    `create schema ${catalog}.${schema}`,
    `CREATE SCHEMA IF NOT EXISTS ${identifier(catalog)}.${identifier(schema)}`,
  );
  for (const table of lakeTables) {
    const location = `${options.lakeLocation.replace(/\/+$/, '')}/${table}`;
    await run(
      `drop table ${schema}.${table}`,
      `DROP TABLE IF EXISTS ${identifier(catalog)}.${identifier(schema)}.${table}`,
    );
    await run(`create table ${schema}.${table} over ${location}`, lakeTableDdl(catalog, schema, table, location));
    await run(
      `sync partitions of ${schema}.${table}`,
      `CALL ${identifier(catalog)}.system.sync_partition_metadata(schema_name => ${sqlString(schema)}, table_name => ${sqlString(table)}, mode => 'FULL')`,
    );
  }
}
