// Which periods a lake can report on: the latest complete week or month is the latest one
// whose every port_requests day carries a _SUCCESS marker.
import { DataNotReadyError } from './errors.ts';
import { latestCompletePeriod, type Period, type PeriodKind } from './period.ts';
import type { LakeInventory } from './ports.ts';

export async function latestCompleteDay(inventory: LakeInventory): Promise<string> {
  const partitions = await inventory.listPartitions('port_requests');
  const complete = partitions.filter((partition) => partition.complete).map((partition) => partition.value);
  const last = complete[complete.length - 1];
  if (!last) throw new DataNotReadyError('the lake has no complete port_requests partition yet', ['port_requests']);
  return last;
}

export async function latestCompletePeriodInLake(inventory: LakeInventory, kind: PeriodKind): Promise<Period> {
  return latestCompletePeriod(kind, await latestCompleteDay(inventory));
}

/** The days of port_requests the lake holds: the first and last partition, and the last complete one. */
export interface LakeRange {
  readonly first?: string;
  readonly last?: string;
  readonly lastComplete?: string;
}

export async function lakeRange(inventory: LakeInventory): Promise<LakeRange> {
  const partitions = await inventory.listPartitions('port_requests');
  const complete = partitions.filter((partition) => partition.complete);
  return {
    ...(partitions[0] ? { first: partitions[0].value, last: partitions.at(-1)!.value } : {}),
    ...(complete.length > 0 ? { lastComplete: complete.at(-1)!.value } : {}),
  };
}

/** "the lake holds port_requests from 2019-06-01 to 2019-12-31 (complete to 2019-12-31)" */
export function describeLakeRange(range: LakeRange): string {
  if (!range.first) return 'the lake holds no port_requests partition';
  const complete = range.lastComplete ? `complete to ${range.lastComplete}` : 'none complete yet';
  return `the lake holds port_requests from ${range.first} to ${range.last} (${complete})`;
}
