// node bin/run-ts.js bench/explain.ts --lake DIR [--report hq-weekly] [--period 2019-W50] [--query value_mirror]
//   [--top N] [--memory-limit 1GB] [--threads 2]
// Prints DuckDB's EXPLAIN ANALYZE of one metric query (or all six) for a report's period: the
// plan with the time, rows and memory of each operator. The views are bound the way
// DuckDbEngine binds them (the data files inside the query's partition bounds, every contract
// column cast to its type), so the plan is the engine's; the engine's own binding is private.
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { parsePeriod } from '#core/period.ts';
import { METRIC_QUERIES, TABLE_SCAN_PARAMETERS, type LakeTable, type MetricQueryName, type QueryParameters } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { lakeContract } from '#reference/index.ts';
import { compileMetricQuery } from '#sql/catalog.ts';

const SQL_TYPES = { string: 'VARCHAR', timestamp: 'TIMESTAMP', integer: 'BIGINT', decimal: 'DECIMAL(12,2)' } as const;
const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

function viewSql(table: LakeTable, files: readonly string[]): string {
  const { columns, partition } = lakeContract[table];
  const select = columns.map((column) => `CAST("${column.name}" AS ${SQL_TYPES[column.type]}) AS "${column.name}"`).join(', ');
  if (files.length === 0) return `SELECT ${columns.map((column) => `CAST(NULL AS ${SQL_TYPES[column.type]}) AS "${column.name}"`).join(', ')}, CAST(NULL AS VARCHAR) AS "${partition.column}" WHERE false`;
  return (
    `SELECT ${select}, "${partition.column}" FROM read_parquet([${files.map(quote).join(', ')}], ` +
    `hive_partitioning = true, union_by_name = true, hive_types = {'${partition.column}': VARCHAR})`
  );
}

interface ProfileNode {
  operator_name?: string;
  operator_type?: string;
  operator_timing?: number;
  operator_cardinality?: number;
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

/** The slowest operators of a JSON profile, one a line: seconds, rows out, name, detail. */
function topOperators(json: string, count: number): string {
  const nodes: ProfileNode[] = [];
  const walk = (node: ProfileNode) => {
    if (node.operator_name || node.operator_type) nodes.push(node);
    for (const child of node.children ?? []) walk(child);
  };
  walk(JSON.parse(json) as ProfileNode);
  return nodes
    .sort((a, b) => (b.operator_timing ?? 0) - (a.operator_timing ?? 0))
    .slice(0, count)
    .map((node) => {
      const detail = JSON.stringify(node.extra_info ?? {}).slice(0, 160);
      return `${(node.operator_timing ?? 0).toFixed(3).padStart(7)} s ${String(node.operator_cardinality ?? '').padStart(10)} rows  ${(node.operator_name ?? node.operator_type ?? '').trim()}  ${detail}`;
    })
    .join('\n');
}

const { values } = parseArgs({
  options: {
    lake: { type: 'string' },
    report: { type: 'string', default: 'hq-weekly' },
    period: { type: 'string', default: '2019-W50' },
    query: { type: 'string' },
    threads: { type: 'string', default: '2' },
    /** DuckDB's memory_limit, e.g. 1GB, to see what a bound costs (the engine leaves DuckDB's default, 80 % of RAM). */
    'memory-limit': { type: 'string' },
    /** The operators that took longest, instead of the drawn plan. */
    top: { type: 'string' },
  },
});
if (!values.lake) throw new Error('--lake is required');
const plan = planQueries(parsePeriod(values.period!), reportDefinition(values.report!).trend);
const names = (values.query ? [values.query] : METRIC_QUERIES) as MetricQueryName[];
const lake = new FsLake(values.lake);
// The engine's settings (functions/adapters/engine/duckdb.ts), so that the plan is the engine's.
const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', threads: values.threads!, preserve_insertion_order: 'false' });
const connection = await instance.connect();
await connection.run("SET TimeZone = 'UTC'");
await connection.run('LOAD parquet');
await connection.run('SET parquet_metadata_cache = true');
if (values['memory-limit']) await connection.run(`SET memory_limit = ${quote(values['memory-limit'])}`);
for (const name of names) {
  const parameters: QueryParameters = plan.queries[name];
  for (const table of Object.keys(TABLE_SCAN_PARAMETERS) as LakeTable[]) {
    const [fromKey, toKey] = TABLE_SCAN_PARAMETERS[table];
    const from = parameters[fromKey];
    const to = parameters[toKey];
    const files = from === undefined || to === undefined ? [] : await lake.dataFiles(table, String(from), String(to));
    await connection.run(`CREATE OR REPLACE TEMP VIEW ${table} AS ${viewSql(table, files)}`);
  }
  const query = compileMetricQuery(name, parameters);
  const started = performance.now();
  const format = values.top ? '(ANALYZE, FORMAT json)' : 'ANALYZE';
  const reader = await connection.runAndReadAll(`EXPLAIN ${format} ${query.sql}`, [...query.values]);
  const ms = Math.round(performance.now() - started);
  // The process's peak so far: the query that raises it is the one that sets the run's peak.
  const peakMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`\n=== ${values.report} ${values.period} ${name}: ${ms} ms, peak RSS so far ${peakMiB} MiB ===\n`);
  const text = reader.getRowObjectsJson().map((row) => String(row['explain_value'] ?? Object.values(row).at(-1))).join('\n');
  process.stdout.write(`${values.top ? topOperators(text, Number(values.top)) : text}\n`);
}
connection.closeSync();
instance.closeSync();
