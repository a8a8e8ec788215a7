// Which curated partitions are stale, and what each is built from (docs/curated-layer.md).
// Pure: given the raw lake's files and the record kept beside each curated partition, it says
// which to build, which to remove, and how to batch the builds. Adapters list, build and write.
import { addDays, addMonths, monthOf } from './period.ts';

/** A raw file as the freshness record keeps it: a data file or a marker such as _SUCCESS. */
export interface RawFileStamp {
  readonly name: string;
  readonly size: number;
  /** Modification time in ms locally; the ETag in S3. */
  readonly version: string;
}

export interface RawPartitionFiles {
  readonly value: string;
  readonly files: readonly RawFileStamp[];
}

/** The raw partitions the curated layer follows, in order of value. */
export interface RawListing {
  readonly port_requests: readonly RawPartitionFiles[];
  readonly usage_monthly: readonly RawPartitionFiles[];
}

/**
 * A curated unit: the curated partitions built together from one raw partition's point of view.
 * 'requests' units (dt) hold the partitions of every table that follows port_requests; 'usage'
 * units (month) those that follow usage_monthly.
 */
export type CuratedUnitKind = 'requests' | 'usage';

export interface CuratedUnit {
  readonly kind: CuratedUnitKind;
  readonly value: string;
}

/** What a curated unit was built from: kept beside it, compared on every curate. */
export interface UnitRecord {
  readonly unit: CuratedUnit;
  /** A hash of the SQL that built it: changed SQL makes every unit stale. */
  readonly sqlVersion: string;
  /** Raw partitions read ("port_requests/dt=2019-11-01") and their files, in order. */
  readonly inputs: Readonly<Record<string, readonly RawFileStamp[]>>;
  readonly builtAt?: string;
}

/**
 * A clean version is filed under its request's Beijing date; a misfiled one is most often a day
 * off: a requests unit reads its own partition and a day either side (port_requests_placed.sql).
 */
export const NEIGHBOUR_DAYS = 1;
/** Completed within 7 days of the request; usage of the 3 months before the month of leaving. */
const COMPLETION_DAYS = 7;
const USAGE_MONTHS = 3;
/**
 * Requests units built in one batch at most. A batch holds its days' rows (and a neighbour day
 * either side) in one DuckDB temp table: at national scale 33 days of November (the Double 11
 * peak) ran out of the engine's 600 MB; 16 days stay well inside it. Longer batches read the
 * usage months fewer times (docs/performance.md).
 */
export const MAX_BATCH_DAYS = 16;

export const unitKey = (unit: CuratedUnit): string => `${unit.kind === 'requests' ? 'dt' : 'month'}=${unit.value}`;

/** The raw partitions a requests unit's dates read: the targets and NEIGHBOUR_DAYS either side (the placed SQL's RANGE). */
export function requestsReadRange(from: string, to: string): { readonly from: string; readonly to: string } {
  return { from: addDays(from, -NEIGHBOUR_DAYS), to: addDays(to, NEIGHBOUR_DAYS) };
}

/**
 * The usage months a requests unit's leavers may need: a clean row of partition D was requested
 * on D-1..D+1 and completed within 7 days, so it left in month(D-1)..month(D+8) and its usage
 * lies in the 3 months before.
 */
export function usageReadRange(from: string, to: string): { readonly from: string; readonly to: string } {
  return {
    from: addMonths(monthOf(addDays(from, -1)), -USAGE_MONTHS),
    to: addMonths(monthOf(addDays(to, 1 + COMPLETION_DAYS)), -1),
  };
}

const inRange = (value: string, range: { from: string; to: string }) => value >= range.from && value <= range.to;

/** The raw files a unit depends on, as they are now. */
export function unitInputs(unit: CuratedUnit, raw: RawListing): Record<string, readonly RawFileStamp[]> {
  const inputs: Record<string, readonly RawFileStamp[]> = {};
  if (unit.kind === 'usage') {
    for (const partition of raw.usage_monthly.filter((p) => p.value === unit.value))
      inputs[`usage_monthly/month=${partition.value}`] = partition.files;
    return inputs;
  }
  const days = requestsReadRange(unit.value, unit.value);
  const months = usageReadRange(unit.value, unit.value);
  for (const partition of raw.port_requests.filter((p) => inRange(p.value, days)))
    inputs[`port_requests/dt=${partition.value}`] = partition.files;
  for (const partition of raw.usage_monthly.filter((p) => inRange(p.value, months)))
    inputs[`usage_monthly/month=${partition.value}`] = partition.files;
  return inputs;
}

const sameInputs = (a: UnitRecord['inputs'], b: UnitRecord['inputs']) => JSON.stringify(a) === JSON.stringify(b);

export interface CurationPlan {
  /** Units to (re)build, with the inputs to record once built. */
  readonly build: readonly (CuratedUnit & {
    readonly inputs: UnitRecord['inputs'];
    readonly reason: 'new' | 'raw changed' | 'sql changed';
  })[];
  /** Curated units whose raw partition is gone. */
  readonly remove: readonly CuratedUnit[];
  readonly fresh: number;
}

export function planCuration(
  raw: RawListing,
  records: ReadonlyMap<string, UnitRecord>,
  sqlVersion: string,
  options: { rebuild?: boolean } = {},
): CurationPlan {
  const expected: CuratedUnit[] = [
    ...raw.port_requests.map((p) => ({ kind: 'requests' as const, value: p.value })),
    ...raw.usage_monthly.map((p) => ({ kind: 'usage' as const, value: p.value })),
  ];
  const build: CurationPlan['build'][number][] = [];
  let fresh = 0;
  for (const unit of expected) {
    const inputs = unitInputs(unit, raw);
    const record = records.get(`${unit.kind}/${unitKey(unit)}`);
    const reason = !record
      ? 'new'
      : record.sqlVersion !== sqlVersion
        ? 'sql changed'
        : !sameInputs(record.inputs, inputs)
          ? 'raw changed'
          : undefined;
    if (reason || options.rebuild) build.push({ ...unit, inputs, reason: reason ?? 'sql changed' });
    else fresh += 1;
  }
  const wanted = new Set(expected.map((unit) => `${unit.kind}/${unitKey(unit)}`));
  const remove = [...records.values()]
    .map((record) => record.unit)
    .filter((unit) => !wanted.has(`${unit.kind}/${unitKey(unit)}`));
  return { build, remove, fresh };
}

/** Consecutive requests dates in runs of at most MAX_BATCH_DAYS: each run is one build. */
export function batchDates(
  dates: readonly string[],
  maxDays = MAX_BATCH_DAYS,
): { from: string; to: string; dates: string[] }[] {
  const batches: { from: string; to: string; dates: string[] }[] = [];
  for (const date of [...dates].sort()) {
    const last = batches.at(-1);
    if (last && addDays(last.to, 1) === date && last.dates.length < maxDays) {
      last.to = date;
      last.dates.push(date);
    } else {
      batches.push({ from: date, to: date, dates: [date] });
    }
  }
  return batches;
}

/** A curate's outcome, whichever engine wrote it. */
export interface CurateSummary {
  readonly built: { readonly requests: number; readonly usage: number };
  readonly removed: number;
  readonly fresh: number;
  readonly batches: number;
  readonly ms: number;
  /** Raw partitions without _SUCCESS: curated from what is there, still held by the reports. */
  readonly rawIncomplete: number;
}

/**
 * The plan's builds limited to a dt range (a run's fallback curates only what its reports read):
 * requests units whose dt, usage units whose month, falls in it. The others stay stale.
 */
export function planWithinRange(plan: CurationPlan, range: { from: string; to: string }): CurationPlan {
  if (range.from > range.to) throw new Error(`curation range ${range.from}..${range.to} ends before it starts`);
  const months = { from: monthOf(range.from), to: monthOf(range.to) };
  return {
    ...plan,
    build: plan.build.filter((unit) => inRange(unit.value, unit.kind === 'requests' ? range : months)),
  };
}
