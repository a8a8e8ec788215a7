// node bin/run-ts.js bench/explain.ts --lake DIR [--report hq-weekly] [--period 2019-W50] [--query value_mirror]
//   [--top N] [--memory-limit 1GB] [--threads 2]
// Prints DuckDB's EXPLAIN ANALYZE of one metric query (or all six) for a report's period: the
// plan with the time, rows and memory of each operator, from the engine itself (its views over
// the data files inside the query's partition bounds, its settings).
import { parseArgs } from 'node:util';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { parsePeriod } from '#core/period.ts';
import { METRIC_QUERIES, type MetricQueryName } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';

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
    /** DuckDB's memory_limit, e.g. 1GB (default: the engine's, DEFAULT_MEMORY_LIMIT). */
    'memory-limit': { type: 'string' },
    /** The operators that took longest, instead of the drawn plan. */
    top: { type: 'string' },
  },
});
if (!values.lake) throw new Error('--lake is required');
const plan = planQueries(parsePeriod(values.period!), reportDefinition(values.report!).trend);
const names = (values.query ? [values.query] : METRIC_QUERIES) as MetricQueryName[];
const engine = await DuckDbEngine.open({
  lakeDir: values.lake,
  threads: Number(values.threads),
  ...(values['memory-limit'] ? { memoryLimit: values['memory-limit'] } : {}),
});
try {
  for (const name of names) {
    const started = performance.now();
    const text = await engine.explainMetric(name, plan.queries[name], values.top ? 'json' : 'text');
    const ms = Math.round(performance.now() - started);
    // The process's peak so far: the query that raises it is the one that sets the run's peak.
    const peakMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(
      `\n=== ${values.report} ${values.period} ${name}: ${ms} ms, peak RSS so far ${peakMiB} MiB ===\n`,
    );
    process.stdout.write(`${values.top ? topOperators(text, Number(values.top)) : text}\n`);
  }
} finally {
  await engine.close();
}
