// Runs a plan's metric queries through the engine (one pass, whatever the audience count) and
// reads the lake's partition markers. The only core step that touches a port.
import { lakeContract } from '#reference/index.ts';
import { missingPartitions } from './data-quality.ts';
import type { LakeInventory, LakeTable, PartitionState, QueryEngine } from './ports.ts';
import type { QueryPlan } from './query-plan.ts';
import {
  readBaseRows,
  readCategoryRows,
  readDataQualityRows,
  readFlowRows,
  readRequestRows,
  readValueMirrorRows,
  type MetricRows,
} from './rows.ts';

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
  const present = Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await inventory.listPartitions(table, rangeOf(table))] as const)));
  return missingPartitions(plan, present as Record<LakeTable, PartitionState[]>, (table) => lakeContract[table].partition.column);
}

export async function collectMetrics(engine: QueryEngine, inventory: LakeInventory, plan: QueryPlan): Promise<CollectedMetrics> {
  const { queries } = plan;
  const [flows, requests, categories, base, valueMirror, dataQuality, partitionsMissing] = await Promise.all([
    engine.runMetric('flows', queries.flows),
    engine.runMetric('requests', queries.requests),
    engine.runMetric('exit_categories', queries.exit_categories),
    engine.runMetric('subscriber_base', queries.subscriber_base),
    engine.runMetric('value_mirror', queries.value_mirror),
    engine.runMetric('data_quality', queries.data_quality),
    findMissingPartitions(inventory, plan),
  ]);
  return {
    rows: {
      flows: readFlowRows(flows),
      requests: readRequestRows(requests),
      categories: readCategoryRows(categories),
      base: readBaseRows(base),
      valueMirror: readValueMirrorRows(valueMirror),
      dataQuality: readDataQualityRows(dataQuality),
    },
    partitionsMissing,
    queryCount: Object.keys(queries).length,
  };
}
