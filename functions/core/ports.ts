// The ports of the core: what it needs from the outside world, as small interfaces. Adapters
// (DuckDB or Athena, the file system or S3, file/SMTP/SES mail, a ledger) implement them.

import type { MetricQueryName } from './metric-registry.ts';
import type { QueryPlan } from './query-plan.ts';

// The query names come from the registry, the one list of metric queries.
export { METRIC_QUERIES, type MetricQueryName } from './metric-registry.ts';
export type QueryParameters = Readonly<Record<string, string | number>>;
/** A result row as adapters hand it over: plain strings and numbers (or null), never engine objects. */
export type QueryRow = Readonly<Record<string, string | number | null>>;

export interface QueryEngine {
  /**
   * Called with a run's plan before its queries: an engine that keeps derived data (the local
   * curated layer) brings what the plan reads up to date, or chooses the raw feed for the run.
   */
  readyFor?(plan: QueryPlan): Promise<void>;
  runMetric(name: MetricQueryName, parameters: QueryParameters): Promise<QueryRow[]>;
  close(): Promise<void>;
}

export type LakeTable = 'port_requests' | 'exit_reasons' | 'usage_monthly' | 'subscriber_base';

/** A partition folder of the lake, e.g. port_requests/dt=2019-11-25. */
export interface PartitionState {
  readonly table: LakeTable;
  /** The partition value: a date (dt) or a month. */
  readonly value: string;
  /** True when the loader has written its _SUCCESS marker. */
  readonly complete: boolean;
}

/** The partition values a run reads from one table, first and last (inclusive). */
export interface PartitionRange {
  readonly from: string;
  readonly to: string;
}

export interface LakeInventory {
  /**
   * The partitions present for a table, in order of value. Given a range, an inventory may
   * return only the partitions inside it plus the table's first partition (which says whether
   * the lake began before the range), so that a readiness check costs what the period needs.
   */
  listPartitions(table: LakeTable, within?: PartitionRange): Promise<PartitionState[]>;
}

/**
 * The parameters that bound each table's partition scan in the metric queries. Engines that
 * list files themselves (DuckDB) read only the partitions inside these bounds.
 */
export const TABLE_SCAN_PARAMETERS: Readonly<Record<LakeTable, readonly [from: string, to: string]>> = {
  port_requests: ['requests_from_dt', 'requests_to_dt'],
  exit_reasons: ['exits_from_dt', 'exits_to_dt'],
  usage_monthly: ['usage_from_month', 'usage_to_month'],
  subscriber_base: ['base_from_month', 'base_to_month'],
};

/** Where rendered reports are archived: a folder locally, the archive bucket in AWS. */
export interface ReportStore {
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<string[]>;
  /** Where a key can be found by a person: a path locally, an s3:// URL in AWS. */
  locate(key: string): string;
}

export interface RenderedBriefing {
  readonly html: string;
  readonly text: string;
  /** Inline images the HTML refers to by cid:, e.g. charts. */
  readonly images: readonly { cid: string; fileName: string; content: Uint8Array; alt: string }[];
  /** The HTML for a browser, with the images as files beside it rather than cid: links. */
  readonly pageHtml: string;
}

export interface BriefingRenderer {
  render(model: unknown): Promise<RenderedBriefing>;
}

/** Structured log lines; the same JSON shape locally and in Lambda. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
