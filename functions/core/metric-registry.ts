// The metric queries, one entry each: the SQL file it runs (functions/sql/metrics/<sql>.sql),
// its parameters taken from the plan's scans, and the reader that types its rows. The rest
// derives from here: the query names the engines accept, each query's parameters in a plan,
// the rows a briefing reads (MetricRows) and the run's single pass over the engine. Adding a
// metric is the how-to in docs/design.md ("Adding a metric").
import type { QueryParameters, QueryRow } from './ports.ts';
import type { PlanScans } from './query-plan.ts';
import {
  readBaseRows,
  readCategoryRows,
  readDataQualityRows,
  readFlowRows,
  readRequestRows,
  readValueMirrorRows,
} from './rows.ts';

export interface MetricQuery<Sql extends string, Row> {
  /** The file name in functions/sql/metrics, without .sql. */
  readonly sql: Sql;
  /** The named parameters of the SQL, from the plan's scans (partition bounds and instants). */
  readonly parameters: (scans: PlanScans) => QueryParameters;
  /** Checks and types the engine's rows. */
  readonly read: (rows: readonly QueryRow[]) => Row[];
  /** True for a query that counts the rows the figure queries read (its parameters: scans.figureScans). */
  readonly countsFigureScans?: boolean;
}

const metric = <Sql extends string, Row>(entry: MetricQuery<Sql, Row>): MetricQuery<Sql, Row> => entry;

export const METRIC_REGISTRY = {
  /** Completed ports per period, province and donor -> recipient, over the flow trend. */
  flows: metric({
    sql: 'flows',
    parameters: (s) => ({
      ...s.completionPartitions(s.windows.flows[0]!),
      ...s.instants(s.windows.flows[0]!),
      ...s.periodUnit,
    }),
    read: readFlowRows,
  }),
  /** Requests per period, province, donor and outcome, over the rejection comparison. */
  requests: metric({
    sql: 'requests',
    parameters: (s) => ({
      ...s.requestPartitions(s.windows.rejections[0]!),
      ...s.instants(s.windows.rejections[0]!),
      ...s.periodUnit,
    }),
    read: readRequestRows,
  }),
  /** Exit answers per period, province, operator left and category, over the category comparison. */
  categories: metric({
    sql: 'exit_categories',
    parameters: (s) => ({
      ...s.exitPartitions(s.windows.categories[0]!),
      ...s.instants(s.windows.categories[0]!),
      ...s.periodUnit,
    }),
    read: readCategoryRows,
  }),
  /** Subscribers at the start of each month of the flow trend. */
  base: metric({ sql: 'subscriber_base', parameters: (s) => s.baseMonths, read: readBaseRows }),
  /** Leavers' plans against their usage, joiners' fees, for the report period. */
  valueMirror: metric({
    sql: 'value_mirror',
    parameters: (s) => ({ ...s.completionPartitions(s.period), ...s.instants(s.period), ...s.usageMonths }),
    read: readValueMirrorRows,
  }),
  /** What became of every row the figures could draw on: clean, quarantined by reason, superseded. */
  dataQuality: metric({
    sql: 'data_quality',
    parameters: (s) => s.figureScans,
    read: readDataQualityRows,
    countsFigureScans: true,
  }),
} as const;

export type MetricKey = keyof typeof METRIC_REGISTRY;
export type MetricQueryName = (typeof METRIC_REGISTRY)[MetricKey]['sql'];
export const METRIC_KEYS = Object.keys(METRIC_REGISTRY) as readonly MetricKey[];
export const METRIC_QUERIES: readonly MetricQueryName[] = METRIC_KEYS.map((key) => METRIC_REGISTRY[key].sql);

/** Every query's typed rows, under its registry key: what the report builders read. */
export type MetricRows = {
  readonly [K in MetricKey]: readonly ReturnType<(typeof METRIC_REGISTRY)[K]['read']>[number][];
};

/** Types each query's raw rows with its reader; `raw` holds the engine's rows per key. */
export function readMetricRows(raw: Readonly<Record<MetricKey, readonly QueryRow[]>>): MetricRows {
  // Built from the registry's keys, so it holds every key of MetricRows by construction.
  return Object.fromEntries(
    METRIC_KEYS.map((key) => [key, METRIC_REGISTRY[key].read(raw[key])]),
  ) as unknown as MetricRows;
}
