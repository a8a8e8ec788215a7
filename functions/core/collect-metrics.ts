// Runs a plan's metric queries through the engine (one pass, whatever the audience count) and
// reads the lake's partition markers. The only core step that touches a port.
import { lakeContract } from '#reference/index.ts';
import { missingPartitions } from './data-quality.ts';
import { METRIC_KEYS, METRIC_REGISTRY, type MetricRows, readMetricRows } from './metric-registry.ts';
import type { LakeInventory, LakeTable, PartitionState, QueryEngine, QueryRow } from './ports.ts';
import type { QueryPlan } from './query-plan.ts';

export interface CollectedMetrics {
  readonly rows: MetricRows;
  readonly partitionsMissing: readonly string[];
  /** The lake's first port_requests day (undefined when it holds none). */
  readonly lakeStartsOn?: string;
  readonly queryCount: number;
}

export interface PartitionMarkers {
  /** Partitions the plan reads that are not ready, as "table/column=value". */
  readonly missing: string[];
  readonly lakeStartsOn?: string;
}

export async function findMissingPartitions(inventory: LakeInventory, plan: QueryPlan): Promise<string[]> {
  return (await readPartitionMarkers(inventory, plan)).missing;
}

/** The plan's partitions that are not ready, and the lake's first day, from one listing. */
export async function readPartitionMarkers(inventory: LakeInventory, plan: QueryPlan): Promise<PartitionMarkers> {
  const tables = Object.keys(plan.partitionsRead) as LakeTable[];
  const rangeOf = (table: LakeTable) => {
    const values = [...plan.partitionsRead[table]].sort();
    return { from: values[0]!, to: values.at(-1)! };
  };
  const present = Object.fromEntries(
    await Promise.all(
      tables.map(async (table) => [table, await inventory.listPartitions(table, rangeOf(table))] as const),
    ),
  );
  const listed = present as Record<LakeTable, PartitionState[]>;
  const missing = missingPartitions(plan, listed, (table) => lakeContract[table].partition.column);
  // The listing holds the table's first partition even when it lies before the range.
  const lakeStartsOn = listed.port_requests?.[0]?.value;
  return { missing, ...(lakeStartsOn ? { lakeStartsOn } : {}) };
}

export async function collectMetrics(
  engine: QueryEngine,
  inventory: LakeInventory,
  plan: QueryPlan,
): Promise<CollectedMetrics> {
  await engine.readyFor?.(plan);
  const [results, markers] = await Promise.all([
    Promise.all(
      METRIC_KEYS.map((key) => engine.runMetric(METRIC_REGISTRY[key].sql, plan.queries[METRIC_REGISTRY[key].sql])),
    ),
    readPartitionMarkers(inventory, plan),
  ]);
  const raw = Object.fromEntries(METRIC_KEYS.map((key, index) => [key, results[index]!])) as Record<
    (typeof METRIC_KEYS)[number],
    QueryRow[]
  >;
  return {
    rows: readMetricRows(raw),
    partitionsMissing: markers.missing,
    ...(markers.lakeStartsOn ? { lakeStartsOn: markers.lakeStartsOn } : {}),
    queryCount: METRIC_KEYS.length,
  };
}
