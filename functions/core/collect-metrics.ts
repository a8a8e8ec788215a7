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
  readonly queryCount: number;
}

export async function findMissingPartitions(inventory: LakeInventory, plan: QueryPlan): Promise<string[]> {
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
  return missingPartitions(
    plan,
    present as Record<LakeTable, PartitionState[]>,
    (table) => lakeContract[table].partition.column,
  );
}

export async function collectMetrics(
  engine: QueryEngine,
  inventory: LakeInventory,
  plan: QueryPlan,
): Promise<CollectedMetrics> {
  await engine.readyFor?.(plan);
  const [results, partitionsMissing] = await Promise.all([
    Promise.all(
      METRIC_KEYS.map((key) => engine.runMetric(METRIC_REGISTRY[key].sql, plan.queries[METRIC_REGISTRY[key].sql])),
    ),
    findMissingPartitions(inventory, plan),
  ]);
  const raw = Object.fromEntries(METRIC_KEYS.map((key, index) => [key, results[index]!])) as Record<
    (typeof METRIC_KEYS)[number],
    QueryRow[]
  >;
  return { rows: readMetricRows(raw), partitionsMissing, queryCount: METRIC_KEYS.length };
}
