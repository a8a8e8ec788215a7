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
