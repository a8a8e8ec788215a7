// The embedded engine: DuckDB over the local lake folder, running the same SQL files as Athena.
// Each query gets views over exactly the data files inside its partition bounds, so a query
// never opens a file of another period, and each file's schema is checked against the data
// contract before DuckDB reads it (drift becomes an error naming the file and column).
// Settings chosen for national-scale lakes on small machines (see docs/performance.md): no
// insertion order to keep (every metric query aggregates), Parquet footers cached between the
// queries of a run, file schemas read in one batch per query instead of one query a file, and
// a memory limit that keeps a national-scale run under 1.5 GB with no loss of speed.
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBResultReader } from '@duckdb/node-api';
import { ConfigurationError, LakeError, QueryError } from '#core/errors.ts';
import {
  type LakeTable,
  type MetricQueryName,
  type QueryEngine,
  type QueryParameters,
  type QueryRow,
  TABLE_SCAN_PARAMETERS,
} from '#core/ports.ts';
import { columnKind, lakeContract, sqlTypeOf } from '#reference/lake-schema.ts';
import { compileMetricQuery } from '#sql/catalog.ts';
import { compileCuratedMetricQuery, readsCurated } from '#sql/curated-catalog.ts';
import { sqlString } from '#sql/sql-string.ts';
import { curatedViewStatements } from '../curation/curated-files.ts';
import { assertLakeFolder, FsLake } from '../lake/fs-lake.ts';
import { checkFileSchema, type FileColumns, NULL_TYPED } from './parquet-schema.ts';
import { fileStamp, type KnownSchema, SchemaMemo } from './schema-memo.ts';

export interface DuckDbEngineOptions {
  readonly lakeDir: string;
  /** @default 2 (the machines have two cores) */
  readonly threads?: number;
  /**
   * DuckDB's memory_limit, e.g. "1GB". Above it DuckDB spills to a folder under the system's
   * temp directory (not its default, .tmp in the working directory), removed on close.
   * @default DEFAULT_MEMORY_LIMIT
   */
  readonly memoryLimit?: string;
  /** A fresh curated layer (docs/curated-layer.md): metric queries with a curated form read it instead of the raw feed. */
  readonly curatedDir?: string;
  /**
   * A memo of the raw files' schemas (schema-memo.ts), read on open and written on close: the
   * curate's, in its curated folder. `forget` starts it empty (a rebuild reads every footer).
   */
  readonly schemaMemo?: { readonly file: string; readonly forget?: boolean };
  /** Called after each query with its name, rows and milliseconds. */
  readonly onQuery?: (event: { name: MetricQueryName; rows: number; ms: number; files: number; bytes: number }) => void;
}

/**
 * DuckDB's own default is 80 % of the machine. At national scale the provincial six-month
 * windows then take about 1.6 GB; held to 600 MB they spill a little and take no longer
 * (docs/performance.md), and the whole run stays near 1.1 GB with Node's share.
 */
export const DEFAULT_MEMORY_LIMIT = '600MB';
let enginesOpened = 0;
const MEMORY_LIMIT = /^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

/**
 * Tables whose files, when they share one schema signature, are read without union_by_name
 * (DuckDB then matches their columns by name). An exit-answer day is built from every earlier
 * day's file: reading a year of schemas up front cost about 0.1 s of a new day's 0.9 s. The
 * other tables keep it: a request batch, whose leavers are joined to the usage months, measured
 * 7 % faster with it (docs/performance.md, "A new day").
 */
const READ_BY_FIRST_SCHEMA: ReadonlySet<LakeTable> = new Set(['exit_reasons']);

export class DuckDbEngine implements QueryEngine {
  private readonly lake: FsLake;
  /** Each checked file's columns, and its schema signature (files that share one may skip union_by_name). */
  private readonly checkedFiles = new Map<string, { readonly columns: FileColumns; readonly signature: string }>();
  /** The data files bound to the views of the latest query. */
  private boundFiles: string[] = [];
  /** The SQL each raw table's view was last bound to. */
  private readonly boundViewSql = new Map<LakeTable, string>();
  private queue: Promise<unknown> = Promise.resolve();
  queryCount = 0;
  /** Files whose Parquet footers were read to check their schema (the memo spares the rest). */
  footersRead = 0;
  /** The curated layer the metric queries read, or none: the raw feed. */
  private curatedDir: string | undefined;
  private readonly schemaMemo: SchemaMemo | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: DuckDbEngineOptions,
    private readonly spillDir: string,
  ) {
    this.lake = new FsLake(options.lakeDir);
    this.curatedDir = options.curatedDir;
    this.schemaMemo = options.schemaMemo
      ? SchemaMemo.open(options.schemaMemo.file, options.lakeDir, { forget: options.schemaMemo.forget === true })
      : undefined;
  }

  /**
   * Switches the queries that follow to a curated layer (fresh for what they read), or back to
   * the raw feed. Taken in turn with the queries: one already queued reads what it was given.
   */
  readCuratedLayer(curatedDir: string | undefined): Promise<void> {
    const switched = this.queue.then(() => {
      this.curatedDir = curatedDir;
    });
    this.queue = switched.catch(() => undefined);
    return switched;
  }

  static async open(options: DuckDbEngineOptions): Promise<DuckDbEngine> {
    await assertLakeFolder(options.lakeDir);
    const memoryLimit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    if (!MEMORY_LIMIT.test(memoryLimit))
      throw new ConfigurationError(
        `DuckDB memory limit ${JSON.stringify(memoryLimit)}: expected a size such as 600MB or 2GB`,
      );
    enginesOpened += 1;
    const spillDir = join(tmpdir(), `mnp-duckdb-${process.pid}-${enginesOpened}`);
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      threads: String(options.threads ?? 2),
      // Results are aggregates: no operator needs to keep the files' row order, which frees
      // the scans and window/aggregate sinks from buffering rows to restore it.
      preserve_insertion_order: 'false',
      memory_limit: memoryLimit,
      temp_directory: spillDir,
    });
    const connection = await instance.connect();
    // Lake timestamps are UTC; a TIMESTAMPTZ column must not shift with the machine's zone.
    await connection.run("SET TimeZone = 'UTC'");
    // The queries of one run read the same files' footers again and again.
    await connection.run('LOAD parquet');
    await connection.run('SET parquet_metadata_cache = true');
    return new DuckDbEngine(instance, connection, options, spillDir);
  }

  runMetric(name: MetricQueryName, parameters: QueryParameters): Promise<QueryRow[]> {
    // One connection, one query at a time: the views are rebound per query.
    const run = this.queue.then(() => this.runExclusive(name, parameters));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * DuckDB's EXPLAIN ANALYZE of one metric query, over the views the query itself would get: the
   * plan with each operator's time and rows, as text or as JSON (for the benchmark's diagnosis).
   */
  explainMetric(name: MetricQueryName, parameters: QueryParameters, format: 'text' | 'json' = 'text'): Promise<string> {
    const explain = this.queue.then(async () => {
      const query = this.compile(name, parameters);
      await this.bindTableViews(parameters, this.readsCurated(name), query.sql);
      const reader = await this.connection.runAndReadAll(
        `EXPLAIN ${format === 'json' ? '(ANALYZE, FORMAT json)' : 'ANALYZE'} ${query.sql}`,
        [...query.values],
      );
      return reader
        .getRowObjectsJson()
        .map((row) => String(row['explain_value'] ?? Object.values(row).at(-1)))
        .join('\n');
    });
    this.queue = explain.catch(() => undefined);
    return explain;
  }

  private async runExclusive(name: MetricQueryName, parameters: QueryParameters): Promise<QueryRow[]> {
    const started = performance.now();
    const query = this.compile(name, parameters);
    const files = await this.bindTableViews(parameters, this.readsCurated(name), query.sql);
    this.queryCount += 1;
    try {
      const reader = await this.connection.runAndReadAll(query.sql, [...query.values]);
      const rows = toPlainRows(reader);
      const ms = Math.round(performance.now() - started);
      // The Parquet bytes of the partition files the query opened: the proxy for Athena's scanned bytes.
      if (this.options.onQuery)
        this.options.onQuery({ name, rows: rows.length, ms, files, bytes: await sizeOf(this.boundFiles) });
      return rows;
    } catch (error) {
      const damaged = await this.damagedFileAmongBound(error);
      if (damaged) throw damaged;
      throw new QueryError(`query ${name} failed in DuckDB: ${firstLineOf(error)}`, name, { cause: error });
    }
  }

  /**
   * After a query or statement failed: the first file it read that DuckDB cannot read whole, as
   * an error naming it. A damaged data page under an intact footer passes the file check, then
   * fails the query in DuckDB's words alone ("don't know what type", "Out of buffer"), naming no
   * file. Read again column by column only on failure, and not after running out of memory.
   */
  private async damagedFileAmongBound(error: unknown): Promise<LakeError | undefined> {
    if (error instanceof LakeError || /out of memory/i.test(firstLineOf(error))) return undefined;
    for (const file of this.boundFiles) {
      try {
        await this.connection.run(`SELECT max(hash(COLUMNS(*))) FROM read_parquet(${sqlString(file)})`);
      } catch (readError) {
        return new LakeError(`${file} is a damaged Parquet file (${firstLineOf(readError)}): replace it`, {
          cause: readError,
        });
      }
    }
    return undefined;
  }

  private readsCurated(name: MetricQueryName): boolean {
    return this.curatedDir !== undefined && readsCurated(name);
  }

  private compile(name: MetricQueryName, parameters: QueryParameters) {
    return this.readsCurated(name) ? compileCuratedMetricQuery(name, parameters) : compileMetricQuery(name, parameters);
  }

  /**
   * Runs statements (e.g. the curated layer's build) over the raw views of the given scan
   * bounds, in the engine's queue. For the curation writer, not for reports.
   */
  runStatements(
    parameters: QueryParameters,
    statements: (connection: DuckDBConnection) => Promise<void>,
  ): Promise<void> {
    const run = this.queue.then(async () => {
      await this.bindTableViews(parameters, false);
      try {
        await statements(this.connection);
      } catch (error) {
        throw (await this.damagedFileAmongBound(error)) ?? error;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** (Re)creates the view of every raw (or every curated) table for a query's bounds; returns the number of files bound. */
  private async bindTableViews(parameters: QueryParameters, curated: boolean, sql = ''): Promise<number> {
    const rawTablesRead = rawTablesNamed(sql);
    this.boundFiles = [];
    if (curated && this.curatedDir !== undefined) {
      const views = await curatedViewStatements(this.curatedDir, parameters, sql);
      for (const statement of views.statements) await this.connection.run(statement);
      this.boundFiles.push(...views.files);
    }
    for (const table of Object.keys(TABLE_SCAN_PARAMETERS) as LakeTable[]) {
      // A curated query reads few raw tables (or none): bind only those its SQL names.
      if (curated && !rawTablesRead.has(table)) continue;
      await this.bindTableView(table, parameters);
    }
    return this.boundFiles.length;
  }

  /** (Re)creates the view of one table over the files inside the query's bounds; returns the file count. */
  private async bindTableView(table: LakeTable, parameters: QueryParameters): Promise<number> {
    const [fromKey, toKey] = TABLE_SCAN_PARAMETERS[table];
    const from = parameters[fromKey];
    const to = parameters[toKey];
    const files =
      from === undefined || to === undefined ? [] : await this.lake.dataFiles(table, String(from), String(to));
    await this.checkFiles(table, files);
    // A file with no column holds no row (columnlessFile) and DuckDB cannot open it: left out.
    const readable = files.filter((file) => this.checkedFiles.get(file)?.columns.size !== 0);
    const viewSql = this.viewSql(table, readable);
    await this.connection.run(`CREATE OR REPLACE TEMP VIEW ${table} AS ${viewSql}`);
    this.boundViewSql.set(table, viewSql);
    this.boundFiles.push(...readable);
    return files.length;
  }

  /**
   * For the statements of runStatements: runs `statements` with a raw table's view keeping only
   * the rows `predicate` keeps, then binds it over all its rows again. For a writer whose next
   * statement joins the table to rows it has just materialised: rows that cannot meet them need
   * not go through the contract's checks first. The predicate must keep every row the join can
   * meet, so that the statement's result is the same.
   */
  async withNarrowedView<T>(table: LakeTable, predicate: string, statements: () => Promise<T>): Promise<T> {
    const bound = this.boundViewSql.get(table);
    if (bound === undefined) throw new Error(`withNarrowedView: no view of ${table} is bound`);
    await this.connection.run(`CREATE OR REPLACE TEMP VIEW ${table} AS SELECT * FROM (${bound}) WHERE ${predicate}`);
    try {
      return await statements();
    } finally {
      await this.connection.run(`CREATE OR REPLACE TEMP VIEW ${table} AS ${bound}`);
    }
  }

  /**
   * Checks the files not yet checked, in order. One parquet_schema() call reads every footer;
   * files whose Parquet schema is identical get the DuckDB column types of the first of them,
   * so a lake of uniform files costs one DESCRIBE per table. If the batch cannot read a file,
   * the files are checked one by one, so that the error names the unreadable one.
   */
  private async checkFiles(table: LakeTable, files: readonly string[]): Promise<void> {
    const unchecked: { file: string; stamp: string | undefined }[] = [];
    for (const file of files) {
      if (this.checkedFiles.has(file)) continue;
      // Stamped before its footer is read: a file replaced meanwhile is not remembered as the new one.
      const stamp = this.schemaMemo ? fileStamp(file) : undefined;
      const known = stamp === undefined ? undefined : this.schemaMemo?.schemaOf(file, stamp);
      // Checked against the contract again all the same: the contract may have changed since.
      if (known) this.checkFile(table, file, known);
      else unchecked.push({ file, stamp });
    }
    if (unchecked.length === 0) return;
    this.footersRead += unchecked.length;
    const check = (file: string, stamp: string | undefined, schema: KnownSchema) => {
      this.checkFile(table, file, schema);
      if (stamp !== undefined) this.schemaMemo?.remember(file, stamp, schema);
    };
    let signatures: Map<string, string>;
    try {
      signatures = await this.schemaSignatures(unchecked.map(({ file }) => file));
    } catch {
      for (const { file, stamp } of unchecked)
        check(file, stamp, { columns: await this.describeFile(file), signature: `file:${file}` });
      return;
    }
    const typesBySignature = new Map<string, FileColumns>();
    for (const { file, stamp } of unchecked) {
      const signature = signatures.get(file) ?? `file:${file}`;
      let columns = typesBySignature.get(signature);
      if (!columns) {
        columns = await this.describeFile(file);
        typesBySignature.set(signature, columns);
      }
      check(file, stamp, { columns, signature });
    }
  }

  /**
   * Each file's Parquet schema (names, physical and logical types) as one comparable string, built
   * in SQL: one row a file, not one a column (converting those rows to JS cost more than reading
   * the footers). Its elements are sorted, as parquet_schema() gives no ordinal: for a flat schema
   * the set of top-level columns is the schema, as the checks go by name. A file with nested
   * columns, whose elements only make sense in order, gets no signature and is described alone.
   */
  private async schemaSignatures(files: readonly string[]): Promise<Map<string, string>> {
    const reader = await this.connection.runAndReadAll(
      'SELECT file_name, CASE WHEN count(*) FILTER (WHERE num_children > 0) > 1 THEN NULL ' +
        'ELSE string_agg(element, chr(10) ORDER BY element) END AS signature FROM (' +
        'SELECT file_name, CAST((name, type, type_length, repetition_type, num_children, converted_type, ' +
        'scale, precision, field_id, logical_type) AS VARCHAR) AS element, num_children ' +
        `FROM parquet_schema([${files.map(sqlString).join(', ')}])) GROUP BY file_name`,
    );
    const signatures = new Map<string, string>();
    for (const [file, signature] of reader.getRows())
      if (signature !== null) signatures.set(String(file), String(signature));
    return signatures;
  }

  private async describeFile(file: string): Promise<FileColumns> {
    try {
      const reader = await this.connection.runAndReadAll(
        `DESCRIBE SELECT * FROM read_parquet(${sqlString(file)}, hive_partitioning = false)`,
      );
      // A column pandas or pyarrow wrote with no value at all has Parquet's Null type, which
      // DuckDB describes as INTEGER: it holds no value of any type, and reads as NULL in any.
      const special = await this.connection.runAndReadAll(
        `SELECT lower(name), logical_type = 'NullType()', precision FROM parquet_schema(${sqlString(file)}) ` +
          `WHERE logical_type = 'NullType()' OR precision > ${WIDEST_DECIMAL_DIGITS}`,
      );
      const noValue = new Set<string>();
      for (const [name, isNull, precision] of special.getRows()) {
        // DuckDB reads a wider decimal (pyarrow's decimal256) as a DOUBLE of meaningless values.
        if (isNull !== true)
          throw new LakeError(
            `${file}: column ${String(name)} is a decimal of ${String(precision)} digits, more than the ${WIDEST_DECIMAL_DIGITS} DuckDB and Athena read: write it as decimal(10,2)`,
          );
        noValue.add(String(name));
      }
      const rows = reader.getRowObjectsJson();
      const names = new Set(rows.map((row) => String(row['column_name']).toLowerCase()));
      // DuckDB reads a name written twice (or twice but for case) as name, name_1: it would bind the first
      for (const row of rows) {
        const twice = /^(.+)_\d+$/.exec(String(row['column_name']).toLowerCase())?.[1];
        if (twice && names.has(twice) && CONTRACT_COLUMNS.has(twice) && (await this.namedTwice(file, twice)))
          throw new LakeError(
            `${file}: column ${twice} is written more than once (names differing at most in case): which one holds the value cannot be told; write it once`,
          );
      }
      return new Map(
        rows.map((row) => {
          const name = String(row['column_name']).toLowerCase();
          return [name, noValue.has(name) ? NULL_TYPED : String(row['column_type'])];
        }),
      );
    } catch (error) {
      if (error instanceof LakeError) throw error;
      if (NO_COLUMN.test(firstLineOf(error))) return await columnlessFile(file, error);
      throw new LakeError(`${file} is not a readable Parquet file: ${firstLineOf(error)}`, {
        cause: error,
      });
    }
  }

  private async namedTwice(file: string, name: string): Promise<boolean> {
    const reader = await this.connection.runAndReadAll(
      `SELECT count(*) FROM parquet_schema(${sqlString(file)}) WHERE lower(name) = ${sqlString(name)}`,
    );
    return Number(reader.getRows()[0]?.[0] ?? 0) > 1;
  }

  private checkFile(table: LakeTable, file: string, schema: KnownSchema): void {
    checkFileSchema(table, file, schema.columns);
    this.checkedFiles.set(file, schema);
  }

  /**
   * Every contract column, cast to its type in the lake schema, the type the Glue (Athena) and
   * Trino tables declare, so the SQL meets the same column types on every engine; a column a file
   * lacks reads as NULL (and quarantines the row if required). A number the contract's type
   * cannot hold (3,000,000,000 in an int64 file's tenure_months, a fee beyond decimal(10,2), a
   * NaN) reads as NULL too, so its row is quarantined as missing_key instead of failing the run.
   */
  private viewSql(table: LakeTable, files: readonly string[]): string {
    const { columns, partition } = lakeContract[table];
    const present = new Set(files.flatMap((file) => [...(this.checkedFiles.get(file)?.columns.keys() ?? [])]));
    const select = columns.map((column) => {
      const source = present.has(column.name) ? `"${column.name}"` : 'NULL';
      const kind = columnKind(column.type);
      const type = sqlTypeOf(column.type);
      const cast = `${kind === 'integer' || kind === 'decimal' ? 'TRY_CAST' : 'CAST'}(${source} AS ${type})`;
      // a negative amount finer than the contract's last digit (-0.004 at two decimals) would read
      // as 0.00, a clean fee: it stays negative (its row is quarantined as a negative value)
      if (kind === 'decimal' && source !== 'NULL')
        return `CASE WHEN ${source} < 0 AND ${cast} = 0 THEN -${smallestStepOf(type)} ELSE ${cast} END AS "${column.name}"`;
      return `${cast} AS "${column.name}"`;
    });
    const partitionColumn = `"${partition.column}"`;
    if (files.length === 0) {
      return `SELECT ${select.join(', ')}, CAST(NULL AS VARCHAR) AS ${partitionColumn} WHERE false`;
    }
    const fileList = `[${files.map(sqlString).join(', ')}]`;
    const oneSchema = new Set(files.map((file) => this.checkedFiles.get(file)?.signature ?? `file:${file}`)).size === 1;
    const unionByName = !(oneSchema && READ_BY_FIRST_SCHEMA.has(table));
    if (present.has(partition.column)) {
      // A file column named like the partition column is ignored, as Athena's table ignores it;
      // through hive_partitioning DuckDB let its statistics reach the folder's value (an internal
      // error on a DATE dt), so the value comes from the file's folder name instead.
      const fromFolder = `regexp_extract(filename, '${partition.column}=([^/]+)/[^/]*$', 1)`;
      return (
        `SELECT ${select.join(', ')}, ${fromFolder} AS ${partitionColumn} FROM read_parquet(${fileList}, ` +
        `hive_partitioning = false, union_by_name = ${unionByName}, filename = true)`
      );
    }
    return (
      `SELECT ${select.join(', ')}, ${partitionColumn} FROM read_parquet(${fileList}, ` +
      `hive_partitioning = true, union_by_name = ${unionByName}, hive_types = {'${partition.column}': VARCHAR})`
    );
  }

  async close(): Promise<void> {
    await this.queue;
    this.schemaMemo?.save();
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.spillDir, { recursive: true, force: true });
  }
}

/** The smallest amount a DECIMAL(p,s) type holds, typed: CAST(0.01 AS DECIMAL(10,2)). */
function smallestStepOf(type: string): string {
  const scale = Number(/DECIMAL\(\s*\d+\s*,\s*(\d+)\s*\)/i.exec(type)?.[1] ?? 0);
  return `CAST(${(10 ** -scale).toFixed(scale)} AS ${type})`;
}

/** Every column the data contract names, in any table. */
const CONTRACT_COLUMNS: ReadonlySet<string> = new Set(
  Object.values(lakeContract).flatMap((table) => table.columns.map((column) => column.name)),
);

/** The most digits a Parquet decimal column may have to be read as a decimal. */
const WIDEST_DECIMAL_DIGITS = 38;

/** DuckDB's refusal of a Parquet file whose schema has no column (what pandas writes for an empty frame). */
const NO_COLUMN = /need at least one non-root column/i;

/**
 * A file with no column, which DuckDB will not open: read from its footer (hyparquet) how many
 * rows it holds. None: the file is as good as absent, and its columns are none (the views leave
 * it out). Rows without any column cannot be told apart or checked: an error naming the file.
 */
async function columnlessFile(file: string, cause: unknown): Promise<FileColumns> {
  let rows: bigint;
  try {
    // Loaded here only: no run that meets no such file pays for it.
    const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
    rows = (await parquetMetadataAsync(await asyncBufferFromFile(file))).num_rows;
  } catch (footerError) {
    throw new LakeError(`${file} is not a readable Parquet file: ${firstLineOf(cause)}`, { cause: footerError });
  }
  if (rows > 0n)
    throw new LakeError(`${file} holds ${rows} rows but no column: rewrite it with the table's columns`, { cause });
  return new Map();
}

/** An error's first line, with control characters (DuckDB may quote a damaged file's bytes) made visible. */
function firstLineOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is replaced
  return (message.split('\n')[0] ?? '').replace(/[\u0000-\u001f\u007f]/g, '\uFFFD');
}

async function sizeOf(files: readonly string[]): Promise<number> {
  const sizes = await Promise.all(files.map(async (file) => (await stat(file).catch(() => undefined))?.size ?? 0));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** The raw lake tables a SQL text reads (a curated table's name, e.g. port_requests_current, is another word). */
function rawTablesNamed(sql: string): Set<string> {
  const code = sql.replace(/'[^']*'/g, "''"); // a table name in a string literal ('port_requests' AS table_name) is no read
  return new Set(
    (Object.keys(TABLE_SCAN_PARAMETERS) as LakeTable[]).filter((table) => new RegExp(`\\b${table}\\b`).test(code)),
  );
}

/**
 * The result as plain rows: numbers for numeric columns, strings for the rest. Read column by
 * column (getColumnsJson), which converts each value as getRowObjectsJson does but about three
 * times as fast on the reports' tens of thousands of rows.
 */
function toPlainRows(reader: DuckDBResultReader): QueryRow[] {
  const names = reader.columnNames();
  const types = reader.columnTypes().map(String);
  const columns = reader.getColumnsJson();
  const rows: Record<string, string | number | null>[] = Array.from({ length: columns[0]?.length ?? 0 }, () => ({}));
  names.forEach((name, index) => {
    const values = columns[index]!;
    const numeric = NUMERIC_TYPE.test(types[index] ?? '');
    for (let row = 0; row < rows.length; row += 1) {
      const value = values[row];
      rows[row]![name] = value === null || value === undefined ? null : numeric ? Number(value) : String(value);
    }
  });
  return rows;
}
