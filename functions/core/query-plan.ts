// What a report reads: for a period, the parameters of each metric query and the lake
// partitions those queries touch. Pure: the same period always gives the same plan.
import {
  addDays,
  addMonths,
  beijingMidnightUtc,
  monthOf,
  datesBetween,
  trailingPeriods,
  type Period,
} from './period.ts';
import type { LakeTable, MetricQueryName, QueryParameters } from './ports.ts';

/** Ports complete, are rejected or cancelled within 7 days of the request. */
export const COMPLETION_LOOKBACK_DAYS = 7;
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
  /** Every partition the queries read, as table -> partition values. */
  readonly partitionsRead: Readonly<Record<LakeTable, readonly string[]>>;
  /** The partitions of the report period itself: without them there is no report to trust. */
  readonly periodPartitions: Readonly<Record<LakeTable, readonly string[]>>;
}

export interface TrendLengths {
  readonly flows: number;
  readonly categories: number;
  readonly rejections: number;
}

function span(periods: readonly Period[]): { from: Period; to: Period } {
  return { from: periods[0]!, to: periods[periods.length - 1]! };
}

function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let month = from; month <= to; month = addMonths(month, 1)) months.push(month);
  return months;
}

export function planQueries(period: Period, lengths: TrendLengths): QueryPlan {
  const windows: TrendWindows = {
    flows: trailingPeriods(period, lengths.flows),
    categories: trailingPeriods(period, lengths.categories),
    rejections: trailingPeriods(period, lengths.rejections),
  };
  const flows = span(windows.flows);
  const categories = span(windows.categories);
  const rejections = span(windows.rejections);
  const completionScan = (from: Period) => ({
    requests_from_dt: addDays(from.start, -COMPLETION_LOOKBACK_DAYS),
    requests_to_dt: period.end,
  });
  const instants = (from: Period) => ({
    from_ts: beijingMidnightUtc(from.start),
    to_ts: beijingMidnightUtc(addDays(period.end, 1)),
  });
  const usageMonths = {
    usage_from_month: addMonths(monthOf(period.start), -USAGE_MONTHS_BEFORE_LEAVING),
    usage_to_month: addMonths(monthOf(period.end), -1),
  };
  const baseMonths = { base_from_month: monthOf(flows.from.start), base_to_month: monthOf(period.start) };

  const queries: Record<MetricQueryName, QueryParameters> = {
    flows: { ...completionScan(flows.from), ...instants(flows.from) },
    requests: { requests_from_dt: rejections.from.start, requests_to_dt: period.end, ...instants(rejections.from) },
    exit_categories: { exits_from_dt: categories.from.start, exits_to_dt: period.end, ...instants(categories.from) },
    subscriber_base: baseMonths,
    value_mirror: { ...completionScan(period), ...instants(period), ...usageMonths },
    // Data quality counts the rows of the report period's own partitions.
    data_quality: {
      requests_from_dt: period.start,
      requests_to_dt: period.end,
      exits_from_dt: period.start,
      exits_to_dt: period.end,
      ...usageMonths,
      base_from_month: monthOf(period.start),
      base_to_month: monthOf(period.start),
    },
  };

  const partitionsRead: Record<LakeTable, readonly string[]> = {
    port_requests: datesBetween(addDays(flows.from.start, -COMPLETION_LOOKBACK_DAYS), period.end),
    exit_reasons: datesBetween(categories.from.start, period.end),
    usage_monthly: monthsBetween(usageMonths.usage_from_month, usageMonths.usage_to_month),
    subscriber_base: monthsBetween(baseMonths.base_from_month, baseMonths.base_to_month),
  };
  const periodPartitions: Record<LakeTable, readonly string[]> = {
    port_requests: datesBetween(period.start, period.end),
    exit_reasons: datesBetween(period.start, period.end),
    usage_monthly: [],
    subscriber_base: [monthOf(period.start)],
  };
  return { period, windows, queries, partitionsRead, periodPartitions };
}
