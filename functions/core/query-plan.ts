// What a report reads: for a period, the scans (partition bounds and instants) the metric
// queries choose their parameters from (metric-registry.ts), and the lake partitions read. Pure: the same period always gives the same plan.

import { METRIC_KEYS, METRIC_REGISTRY, type MetricQueryName } from './metric-registry.ts';
import {
  addDays,
  addMonths,
  beijingMidnightUtc,
  datesBetween,
  monthOf,
  type Period,
  trailingPeriods,
} from './period.ts';
import { type LakeTable, type QueryParameters, TABLE_SCAN_PARAMETERS } from './ports.ts';

/** Ports complete, are rejected or cancelled within 7 days of the request. */
export const COMPLETION_LOOKBACK_DAYS = 7;
/**
 * Days either side of a query's port_requests partitions in which a request's other versions are
 * looked for. A clean version is filed under its request's Beijing date, so versions in other
 * partitions are misfiled ones: a day off (a UTC date) or up to the 7 days in which a request is
 * decided (a status update filed under its own date). Every query ranks a request's versions
 * over its partitions and these days either side, so that a newer version just outside one
 * query's partitions leaves the request out of all the report's figures alike, and of every
 * report that counts it (the curated layer's NEIGHBOUR_DAYS is the same bound).
 */
export const VERSION_NEIGHBOUR_DAYS = COMPLETION_LOOKBACK_DAYS;
/** The value mirror compares a leaver's plan with usage over this many months before leaving. */
export const USAGE_MONTHS_BEFORE_LEAVING = 3;

export interface TrendWindows {
  /** Periods of the flow trend, oldest first, ending with the report period. */
  readonly flows: readonly Period[];
  /** Periods of the category comparison (previous ones first, the report period last). */
  readonly categories: readonly Period[];
  /** Periods of the rejection comparison. */
  readonly rejections: readonly Period[];
}

export interface QueryPlan {
  readonly period: Period;
  readonly windows: TrendWindows;
  readonly queries: Readonly<Record<MetricQueryName, QueryParameters>>;
  /**
   * Every partition whose rows the queries count, as table -> partition values: what readiness
   * requires and the data-quality line counts.
   */
  readonly partitionsRead: Readonly<Record<LakeTable, readonly string[]>>;
  /**
   * Every partition the queries open: partitionsRead and the days read only to rank versions and
   * copies (VERSION_NEIGHBOUR_DAYS), which may not exist yet and are never required.
   */
  readonly partitionsScanned: Readonly<Record<LakeTable, readonly string[]>>;
  /** The partitions of the report period itself: without them there is no report to trust. */
  readonly periodPartitions: Readonly<Record<LakeTable, readonly string[]>>;
}

export interface TrendLengths {
  readonly flows: number;
  readonly categories: number;
  readonly rejections: number;
}

function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let month = from; month <= to; month = addMonths(month, 1)) months.push(month);
  return months;
}

/**
 * The parameter groups a metric query picks from (see metric-registry.ts): partition bounds per
 * table and the UTC instants of a window that ends with the report period.
 */
export interface PlanScans {
  readonly period: Period;
  readonly windows: TrendWindows;
  /** port_requests partitions holding the completions from `from` on: a lookback week earlier. */
  completionPartitions(from: Period): QueryParameters;
  /** port_requests partitions of the requests made from `from` on. */
  requestPartitions(from: Period): QueryParameters;
  /** exit_reasons partitions of the answers collected from `from` on. */
  exitPartitions(from: Period): QueryParameters;
  /** from_ts, to_ts: the start of `from` and the end of the report period, as UTC instants. */
  instants(from: Period): QueryParameters;
  /**
   * period_unit: the report's period kind, to which the day-grained queries group their rows
   * (`date_trunc`, whose units 'week' (from Monday, as ISO weeks) and 'month' are the kinds' names).
   */
  readonly periodUnit: QueryParameters;
  /** usage_monthly months of the value mirror: the months before the period's months. */
  readonly usageMonths: QueryParameters;
  /** subscriber_base months of the flow trend. */
  readonly baseMonths: QueryParameters;
  /**
   * Every partition the figure queries read, per table (the span of their scans): the rows that
   * could have entered the report's figures, which the data-quality line counts.
   */
  readonly figureScans: QueryParameters;
}

export function planScans(period: Period, windows: TrendWindows): Omit<PlanScans, 'figureScans'> {
  const usageMonths = {
    usage_from_month: addMonths(monthOf(period.start), -USAGE_MONTHS_BEFORE_LEAVING),
    usage_to_month: addMonths(monthOf(period.end), -1),
  };
  return {
    period,
    windows,
    completionPartitions: (from) => ({
      requests_from_dt: addDays(from.start, -COMPLETION_LOOKBACK_DAYS),
      requests_to_dt: period.end,
    }),
    requestPartitions: (from) => ({ requests_from_dt: from.start, requests_to_dt: period.end }),
    exitPartitions: (from) => ({ exits_from_dt: from.start, exits_to_dt: period.end }),
    instants: (from) => ({
      from_ts: beijingMidnightUtc(from.start),
      to_ts: beijingMidnightUtc(addDays(period.end, 1)),
    }),
    periodUnit: { period_unit: period.kind },
    usageMonths,
    baseMonths: { base_from_month: monthOf(windows.flows[0]!.start), base_to_month: monthOf(period.start) },
  };
}

/** Per table, the first and last partition any of the queries scans (ISO dates and months sort as text). */
export function scanSpan(queries: readonly QueryParameters[]): QueryParameters {
  const span: Record<string, string> = {};
  for (const [fromName, toName] of Object.values(TABLE_SCAN_PARAMETERS)) {
    const bounded = queries.filter((parameters) => parameters[fromName] !== undefined);
    if (bounded.length === 0) continue;
    span[fromName] = bounded.map((parameters) => String(parameters[fromName])).sort()[0]!;
    span[toName] = bounded
      .map((parameters) => String(parameters[toName]))
      .sort()
      .at(-1)!;
  }
  return span;
}

/**
 * A query's parameters with its scans widened to where the rows that decide its rows' fate may
 * lie (what the SQL reads and ranks): port_requests by VERSION_NEIGHBOUR_DAYS either side
 * (requests_from_dt, requests_to_dt), exit_reasons by as many days after (exits_to_dt: a copy of
 * an answer delivered again then is its latest, and moves it out of the period). For the query
 * that counts rows read (data quality), the partitions it counts stay counted_from_dt..
 * counted_to_dt and exits_from_dt..counted_exits_to_dt; the figure queries count by their
 * instants, which those days lie outside.
 */
function withRankingDays(parameters: QueryParameters, countsRows = false): QueryParameters {
  const widened: Record<string, string | number> = { ...parameters };
  const from = parameters['requests_from_dt'];
  const to = parameters['requests_to_dt'];
  if (from !== undefined && to !== undefined) {
    widened['requests_from_dt'] = addDays(String(from), -VERSION_NEIGHBOUR_DAYS);
    widened['requests_to_dt'] = addDays(String(to), VERSION_NEIGHBOUR_DAYS);
    if (countsRows) Object.assign(widened, { counted_from_dt: from, counted_to_dt: to });
  }
  const exitsTo = parameters['exits_to_dt'];
  if (exitsTo !== undefined) {
    widened['exits_to_dt'] = addDays(String(exitsTo), VERSION_NEIGHBOUR_DAYS);
    if (countsRows) widened['counted_exits_to_dt'] = exitsTo;
  }
  return widened;
}

/** Every partition some query reads, from the scan bounds of its parameters. */
function partitionsReadBy(
  queries: Readonly<Record<MetricQueryName, QueryParameters>>,
): Record<LakeTable, readonly string[]> {
  const span = scanSpan(Object.values(queries));
  const read = (table: LakeTable): string[] => {
    const [fromName, toName] = TABLE_SCAN_PARAMETERS[table];
    const from = span[fromName];
    const to = span[toName];
    if (from === undefined || to === undefined) return [];
    return String(from).length === 7 ? monthsBetween(String(from), String(to)) : datesBetween(String(from), String(to));
  };
  return {
    port_requests: read('port_requests'),
    exit_reasons: read('exit_reasons'),
    usage_monthly: read('usage_monthly'),
    subscriber_base: read('subscriber_base'),
  };
}

export function planQueries(period: Period, lengths: TrendLengths): QueryPlan {
  const windows: TrendWindows = {
    flows: trailingPeriods(period, lengths.flows),
    categories: trailingPeriods(period, lengths.categories),
    rejections: trailingPeriods(period, lengths.rejections),
  };
  const partial = planScans(period, windows);
  // The figure queries first; a query that counts what they read (data quality) gets their span.
  const figureKeys = METRIC_KEYS.filter((key) => !METRIC_REGISTRY[key].countsFigureScans);
  const figureScans = scanSpan(
    figureKeys.map((key) => METRIC_REGISTRY[key].parameters({ ...partial, figureScans: {} })),
  );
  const scans: PlanScans = { ...partial, figureScans };
  const counted = Object.fromEntries(
    METRIC_KEYS.map((key) => [METRIC_REGISTRY[key].sql, METRIC_REGISTRY[key].parameters(scans)]),
  ) as Record<MetricQueryName, QueryParameters>;
  const queries = Object.fromEntries(
    METRIC_KEYS.map((key) => {
      const { sql, countsFigureScans } = METRIC_REGISTRY[key];
      return [sql, withRankingDays(counted[sql], countsFigureScans === true)];
    }),
  ) as Record<MetricQueryName, QueryParameters>;

  // The partitions whose rows the figures count: readiness and the data-quality line. The days
  // either side that are read only to rank versions are neither required nor counted.
  const partitionsRead = partitionsReadBy(counted);
  const periodPartitions: Record<LakeTable, readonly string[]> = {
    port_requests: datesBetween(period.start, period.end),
    exit_reasons: datesBetween(period.start, period.end),
    usage_monthly: [],
    subscriber_base: [monthOf(period.start)],
  };
  return { period, windows, queries, partitionsRead, partitionsScanned: partitionsReadBy(queries), periodPartitions };
}
