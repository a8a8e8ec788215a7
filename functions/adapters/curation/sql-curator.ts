// Writes the curated layer with a SQL engine, Trino or Athena (docs/curated-layer.md, "Written
// by SQL"): the same build texts as DuckDB, with the fragments inlined (no temp tables). Per batch
// and curated table: a staging table over <curated>/_staging/<table>/, INSERT INTO it the
// build SQL, DROP it (an external table: its files stay), then the shared run moves each staged
// partition into the curated table's place and writes the unit's record last. One writer per
// curated prefix at a time: two would move each other's partitions. Must not import DuckDB (it
// goes into a Lambda bundle).
import type { CuratedTable } from '#core/curated-tables.ts';
import { CURATED_TABLES, HIVE_TYPES } from '#core/curated-tables.ts';
import type { CurateSummary, CurationPlan } from '#core/curation.ts';
import type { SqlValue } from '#sql/catalog.ts';
import { compileCuratedBuild } from '#sql/curated-catalog.ts';
import { buildFile, type CurationObjects, planStaleUnits, runCuration, tablesOfUnit } from './curation-run.ts';

export type { CurationObjects } from './curation-run.ts';

/** Runs one statement (DDL or INSERT) to its end; values bind the ? parameters. */
export interface CuratedSqlEngine {
  readonly dialect: 'athena' | 'trino';
  execute(sql: string, values?: readonly SqlValue[]): Promise<void>;
}

export interface SqlCurateOptions {
  readonly engine: CuratedSqlEngine;
  readonly objects: CurationObjects;
  /** catalog.schema (Trino) or the Glue database (Athena) holding the raw tables; the curated tables live in the same one. */
  readonly schema: string;
  /** Where the curated tables' folders are, e.g. s3://bucket/prefix/curated/ or local:///dir/ */
  readonly curatedLocation: string;
  readonly rebuild?: boolean;
  /** A dt range: build only the stale units whose dt or month falls in it (Prepare's fallback). */
  readonly range?: { readonly from: string; readonly to: string };
  readonly onProgress?: (event: { done: number; total: number; label: string }) => void;
  /** Stop cleanly between batches when little time is left; the rest stays stale and is counted. */
  readonly remainingMs?: () => number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function qualifiedName(dialect: CuratedSqlEngine['dialect'], schema: string, table: string): string {
  const parts = [...schema.split('.'), table];
  const expected = dialect === 'trino' ? 3 : 2;
  if (parts.length !== expected || parts.some((part) => !IDENTIFIER.test(part)))
    throw new Error(
      `${JSON.stringify(schema)}.${table} is not a ${dialect === 'trino' ? 'catalog.schema' : 'Glue database'} of plain lower-case SQL names`,
    );
  return dialect === 'trino'
    ? parts.map((part) => `"${part}"`).join('.')
    : parts.map((part) => `\`${part}\``).join('.');
}

function locationLiteral(location: string): string {
  if (!/^(s3|local):\/\/\S+$/.test(location) || location.includes("'"))
    throw new Error(`${JSON.stringify(location)} is not a location such as s3://bucket/prefix/ or local:///dir/`);
  return `'${location}'`;
}

/** CREATE TABLE (if not there) of a curated table: Parquet over `location`, partitioned like its raw table. */
export function curatedTableDdl(
  dialect: CuratedSqlEngine['dialect'],
  schema: string,
  table: CuratedTable,
  location: string,
): string {
  const name = qualifiedName(dialect, schema, table.name);
  if (dialect === 'trino') {
    const columns = [...table.columns, [table.partitionColumn, 'VARCHAR'] as const]
      .map(([column, type]) => `  "${column}" ${type}`)
      .join(',\n');
    return (
      `CREATE TABLE IF NOT EXISTS ${name} (\n${columns}\n)\n` +
      `WITH (format = 'PARQUET', external_location = ${locationLiteral(location)}, partitioned_by = ARRAY['${table.partitionColumn}'])`
    );
  }
  // Athena's DDL is Hive's: backquoted names, Hive types, the partition column apart.
  const columns = table.columns.map(([column, type]) => `  \`${column}\` ${HIVE_TYPES[type]}`).join(',\n');
  return (
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${name} (\n${columns}\n)\n` +
    `PARTITIONED BY (\`${table.partitionColumn}\` string)\nSTORED AS PARQUET\nLOCATION ${locationLiteral(location)}\n` +
    `TBLPROPERTIES ('parquet.compression' = 'SNAPPY')`
  );
}

/** INSERT of a build text into a table of the curated columns, in the table's order and types. */
function insertBuild(
  dialect: CuratedSqlEngine['dialect'],
  schema: string,
  target: string,
  table: CuratedTable,
  build: string,
) {
  const columns = [...table.columns.map(([column]) => column), table.partitionColumn];
  const select = [
    ...table.columns.map(([column, type]) => `CAST(built."${column}" AS ${type})`),
    `CAST(built."${table.partitionColumn}" AS VARCHAR)`,
  ];
  // The build text may end in a comment: the closing parenthesis goes on a line of its own.
  return (
    `INSERT INTO ${qualifiedName(dialect, schema, target).replaceAll('`', '"')} (${columns.map((column) => `"${column}"`).join(', ')})\n` +
    `SELECT ${select.join(', ')}\nFROM (\n${build}\n) built`
  );
}

const rootOf = (location: string) => location.replace(/\/+$/, '');

/** What is stale, without building. */
export async function planSqlCuration(
  objects: CurationObjects,
  range?: { from: string; to: string },
): Promise<CurationPlan> {
  return (await planStaleUnits(objects, range ? { range } : {})).plan;
}

export async function curateWithSql(options: SqlCurateOptions): Promise<CurateSummary & { readonly stale: number }> {
  const { engine, schema } = options;
  const dialect = engine.dialect;
  const root = rootOf(options.curatedLocation);
  // Fixed names (one writer per curated prefix and schema): a curate finds and clears what an
  // interrupted one left, staged files and staging tables alike.
  const staging = '_staging';
  qualifiedName(dialect, schema, 'curated');
  locationLiteral(`${root}/`);
  // Trino's Hive catalog holds the curated tables the reports read; in Athena they are Glue
  // tables with partition projection, made by the stack.
  if (dialect === 'trino') {
    await options.objects.ensureFolders(CURATED_TABLES.map((table) => table.name));
    // Re-created each time (external tables: the files stay) so that they lie over this
    // curatedLocation, whatever an earlier curate of the schema gave them.
    for (const table of CURATED_TABLES) {
      await engine.execute(`DROP TABLE IF EXISTS ${qualifiedName(dialect, schema, table.name)}`);
      await engine.execute(curatedTableDdl(dialect, schema, table, `${root}/${table.name}`));
    }
  }
  const summary = await runCuration({
    objects: options.objects,
    staging,
    ...(options.rebuild ? { rebuild: true } : {}),
    ...(options.range ? { range: options.range } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.remainingMs ? { remainingMs: options.remainingMs } : {}),
    openWriter: async () => ({
      close: async () => {},
      async build(batch) {
        for (const table of tablesOfUnit(batch.kind)) {
          const stagingTable = { ...table, name: `${table.name}_staging` };
          const name = qualifiedName(dialect, schema, stagingTable.name);
          const build = compileCuratedBuild(buildFile(table.name), batch.parameters);
          await engine.execute(`DROP TABLE IF EXISTS ${name}`);
          await engine.execute(curatedTableDdl(dialect, schema, stagingTable, `${root}/${staging}/${table.name}`));
          try {
            await engine.execute(insertBuild(dialect, schema, stagingTable.name, table, build.sql), build.values);
          } finally {
            // An external table: dropping it leaves the staged files for the run to move.
            await engine.execute(`DROP TABLE IF EXISTS ${name}`);
          }
        }
      },
    }),
  });
  if (dialect === 'trino') {
    const [catalog, schemaName] = schema.split('.');
    for (const table of CURATED_TABLES)
      await engine.execute(
        `CALL "${catalog}".system.sync_partition_metadata(schema_name => '${schemaName}', table_name => '${table.name}', mode => 'FULL')`,
      );
  }
  return summary;
}
