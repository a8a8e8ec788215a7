// The embedded engine: DuckDB over the local lake folder, running the same SQL files as Athena.
// Each query gets views over exactly the data files inside its partition bounds, so a query
// never opens a file of another period, and each file's schema is checked against the data
// contract before DuckDB reads it (drift becomes an error naming the file and column).
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LakeError, QueryError } from '#core/errors.ts';
import {
  TABLE_SCAN_PARAMETERS,
  type LakeTable,
  type MetricQueryName,
  type QueryEngine,
  type QueryParameters,
  type QueryRow,
} from '#core/ports.ts';
import { compileMetricQuery } from '#sql/catalog.ts';
import { lakeContract } from '#reference/index.ts';
import { FsLake, assertLakeFolder } from '../lake/fs-lake.ts';
import { checkFileSchema, type FileColumns } from './parquet-schema.ts';

export interface DuckDbEngineOptions {
  readonly lakeDir: string;
  /** @default 2 (the machines have two cores) */
  readonly threads?: number;
  /** Called after each query with its name, rows and milliseconds. */
  readonly onQuery?: (event: { name: MetricQueryName; rows: number; ms: number; files: number }) => void;
}

const SQL_TYPES = { string: 'VARCHAR', timestamp: 'TIMESTAMP', integer: 'BIGINT', decimal: 'DECIMAL(12,2)' } as const;
const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export class DuckDbEngine implements QueryEngine {
  private readonly lake: FsLake;
  private readonly checkedFiles = new Map<string, FileColumns>();
  private queue: Promise<unknown> = Promise.resolve();
  queryCount = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: DuckDbEngineOptions,
  ) {
    this.lake = new FsLake(options.lakeDir);
  }

  static async open(options: DuckDbEngineOptions): Promise<DuckDbEngine> {
    await assertLakeFolder(options.lakeDir);
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      threads: String(options.threads ?? 2),
    });
    const connection = await instance.connect();
    // Lake timestamps are UTC; a TIMESTAMPTZ column must not shift with the machine's zone.
    await connection.run("SET TimeZone = 'UTC'");
    return new DuckDbEngine(instance, connection, options);
  }

  runMetric(name: MetricQueryName, parameters: QueryParameters): Promise<QueryRow[]> {
    // One connection, one query at a time: the views are rebound per query.
    const run = this.queue.then(() => this.runExclusive(name, parameters));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runExclusive(name: MetricQueryName, parameters: QueryParameters): Promise<QueryRow[]> {
    const started = performance.now();
    const query = compileMetricQuery(name, parameters);
    let files = 0;
    for (const table of Object.keys(TABLE_SCAN_PARAMETERS) as LakeTable[]) {
      files += await this.bindTableView(table, parameters);
    }
    this.queryCount += 1;
    try {
      const reader = await this.connection.runAndReadAll(query.sql, [...query.values]);
      const rows = toPlainRows(reader.getRowObjectsJson(), reader.columnNames(), reader.columnTypes().map(String));
      this.options.onQuery?.({ name, rows: rows.length, ms: Math.round(performance.now() - started), files });
      return rows;
    } catch (error) {
      throw new QueryError(`query ${name} failed in DuckDB: ${(error as Error).message.split('\n')[0]}`, name, { cause: error });
    }
  }

  /** (Re)creates the view of one table over the files inside the query's bounds; returns the file count. */
  private async bindTableView(table: LakeTable, parameters: QueryParameters): Promise<number> {
    const [fromKey, toKey] = TABLE_SCAN_PARAMETERS[table];
    const from = parameters[fromKey];
    const to = parameters[toKey];
    const files = from === undefined || to === undefined ? [] : await this.lake.dataFiles(table, String(from), String(to));
    for (const file of files) await this.checkFile(table, file);
    await this.connection.run(`CREATE OR REPLACE TEMP VIEW ${table} AS ${this.viewSql(table, files)}`);
    return files.length;
  }

  private async checkFile(table: LakeTable, file: string): Promise<void> {
    if (this.checkedFiles.has(file)) return;
    let columns: FileColumns;
    try {
      const reader = await this.connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(file)}, hive_partitioning = false)`);
      columns = new Map(reader.getRowObjectsJson().map((row) => [String(row['column_name']).toLowerCase(), String(row['column_type'])]));
    } catch (error) {
      throw new LakeError(`${file} is not a readable Parquet file: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    checkFileSchema(table, file, columns);
    this.checkedFiles.set(file, columns);
  }

  /** Every contract column, typed; a column a file lacks reads as NULL (and quarantines the row if required). */
  private viewSql(table: LakeTable, files: readonly string[]): string {
    const { columns, partition } = lakeContract[table];
    const present = new Set(files.flatMap((file) => [...(this.checkedFiles.get(file)?.keys() ?? [])]));
    const select = columns.map((column) => {
      const source = present.has(column.name) ? `"${column.name}"` : 'NULL';
      return `CAST(${source} AS ${SQL_TYPES[column.type]}) AS "${column.name}"`;
    });
    const partitionColumn = `"${partition.column}"`;
    if (files.length === 0) {
      return `SELECT ${select.join(', ')}, CAST(NULL AS VARCHAR) AS ${partitionColumn} WHERE false`;
    }
    const fileList = `[${files.map(quoteLiteral).join(', ')}]`;
    return (
      `SELECT ${select.join(', ')}, ${partitionColumn} FROM read_parquet(${fileList}, ` +
      `hive_partitioning = true, union_by_name = true, hive_types = {'${partition.column}': VARCHAR})`
    );
  }

  async close(): Promise<void> {
    await this.queue;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function toPlainRows(rows: Record<string, unknown>[], names: string[], types: string[]): QueryRow[] {
  const numeric = names.filter((_name, index) => NUMERIC_TYPE.test(types[index] ?? ''));
  return rows.map((row) => {
    const plain: Record<string, string | number | null> = {};
    for (const name of names) {
      const value = row[name];
      if (value === null || value === undefined) plain[name] = null;
      else if (numeric.includes(name)) plain[name] = Number(value);
      else plain[name] = String(value);
    }
    return plain;
  });
}
