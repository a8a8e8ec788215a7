// The data-quality line: rows read, rows quarantined by reason, superseded versions, requests
// left out because their latest version is quarantined, and the
// partitions read that have no _SUCCESS marker (still loading, or never loaded).
import { lakeTables } from '#reference/index.ts';
import { inScope, type Scope, sumBy } from './figures.ts';
import type { LakeTable, PartitionState } from './ports.ts';
import type { DataQualityRow } from './rows.ts';

export const QUARANTINE_REASONS = [
  'missing_key',
  'unknown_code',
  'malformed_timestamp',
  'negative_value',
  'donor_equals_recipient',
] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

export interface DataQualityFigures {
  rowsRead: number;
  rowsUsed: number;
  quarantinedTotal: number;
  quarantined: { reason: string; count: number }[];
  supersededVersions: number;
  /** Requests left out because their latest version is quarantined (an older version was clean). */
  latestQuarantined: number;
  /** Per table, the partitions counted (every one the figures draw on) and what their rows became. */
  tables: {
    table: string;
    firstPartition: string | null;
    lastPartition: string | null;
    rowsRead: number;
    quarantined: number;
  }[];
  partitionsMissing: string[];
}

/** Outcomes that describe versions or requests rather than rows read. */
const NOT_ROWS_READ = new Set(['superseded', 'latest_quarantined']);
const NOT_QUARANTINE = new Set(['clean', ...NOT_ROWS_READ]);

function byLakeTableOrder(a: string, b: string): number {
  const rank = (table: string) => {
    const index = (lakeTables as readonly string[]).indexOf(table);
    return index < 0 ? lakeTables.length : index;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

export function dataQualityFigures(
  rows: readonly DataQualityRow[],
  partitionsRead: Readonly<Record<LakeTable, readonly string[]>>,
  partitionsMissing: readonly string[],
  scope: Scope,
): DataQualityFigures {
  const scoped = rows.filter((row) => inScope(scope, row.provinceCode));
  const read = scoped.filter((row) => !NOT_ROWS_READ.has(row.outcome));
  const quarantinedRows = read.filter((row) => !NOT_QUARANTINE.has(row.outcome));
  const reasons = [...QUARANTINE_REASONS, ...new Set(quarantinedRows.map((row) => row.outcome))].filter(
    (reason, index, all) => all.indexOf(reason) === index,
  );
  // In the lake's table order, not the order rows came in: engines return unordered rows.
  const tables = (Object.keys(partitionsRead) as LakeTable[]).sort(byLakeTableOrder).map((table) => ({
    table,
    firstPartition: partitionsRead[table][0] ?? null,
    lastPartition: partitionsRead[table].at(-1) ?? null,
    rowsRead: sumBy(
      read.filter((row) => row.table === table),
      (row) => row.rows,
    ),
    quarantined: sumBy(
      quarantinedRows.filter((row) => row.table === table),
      (row) => row.rows,
    ),
  }));
  const quarantinedTotal = sumBy(quarantinedRows, (row) => row.rows);
  const rowsRead = sumBy(read, (row) => row.rows);
  return {
    rowsRead,
    rowsUsed: rowsRead - quarantinedTotal,
    quarantinedTotal,
    quarantined: reasons.map((reason) => ({
      reason,
      count: sumBy(
        quarantinedRows.filter((row) => row.outcome === reason),
        (row) => row.rows,
      ),
    })),
    supersededVersions: sumBy(
      scoped.filter((row) => row.outcome === 'superseded'),
      (row) => row.rows,
    ),
    latestQuarantined: sumBy(
      scoped.filter((row) => row.outcome === 'latest_quarantined'),
      (row) => row.rows,
    ),
    tables,
    partitionsMissing: [...partitionsMissing],
  };
}

/**
 * Partitions a plan reads that are not ready, as "table/col=value": a partition of the period
 * itself that is absent or lacks its _SUCCESS marker; an earlier partition (trend, lookback)
 * that lacks its marker or is a gap inside the table's range. History before a table's first
 * partition is not missing: the lake simply starts there. Except for the usage: a leaver's
 * verdict is summed over the months found, so a month missing would move it silently (where a
 * base missing shows as no rate). Its months are missing from the month of the lake's first
 * port_requests partition on, also when the table begins later or is absent; before that, from
 * its own first month (usage delivered from three months before the first requests).
 */
export function missingPartitions(
  plan: {
    partitionsRead: Readonly<Record<LakeTable, readonly string[]>>;
    periodPartitions: Readonly<Record<LakeTable, readonly string[]>>;
  },
  present: Readonly<Record<LakeTable, readonly PartitionState[]>>,
  partitionColumn: (table: LakeTable) => string,
): string[] {
  const lakeStartDay = present.port_requests?.[0]?.value;
  return (Object.keys(plan.partitionsRead) as LakeTable[]).flatMap((table) => {
    const states = new Map(present[table].map((partition) => [partition.value, partition]));
    const lakeStart = table === 'usage_monthly' ? lakeStartDay?.slice(0, 7) : undefined;
    const first = [present[table][0]?.value, lakeStart].filter((value) => value !== undefined).sort()[0];
    const required = new Set(plan.periodPartitions[table]);
    return plan.partitionsRead[table]
      .filter((value) => {
        const state = states.get(value);
        if (state) return !state.complete;
        return required.has(value) || (first !== undefined && value >= first);
      })
      .map((value) => `${table}/${partitionColumn(table)}=${value}`);
  });
}
