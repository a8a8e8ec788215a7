// Which curated partitions are stale, and what each is built from (docs/curated-layer.md).
// Pure: given the raw lake's files and the record kept beside each curated partition, it says
// which to build, which to remove, and how to batch the builds. Adapters list, build and write.
import { createHash } from 'node:crypto';
import { addDays, addMonths, monthOf } from './period.ts';
import type { QueryParameters } from './ports.ts';
import { COMPLETION_LOOKBACK_DAYS, type QueryPlan, VERSION_NEIGHBOUR_DAYS } from './query-plan.ts';

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

/** The raw tables the curated layer follows. */
export type FollowedTable = 'port_requests' | 'exit_reasons' | 'usage_monthly';

/** The raw partitions the curated layer follows, per table, in order of value. */
export type RawListing = Readonly<Record<FollowedTable, readonly RawPartitionFiles[]>>;

/** Lists every followed raw table at once, with an adapter's `list`. */
export async function listFollowedTables(
  list: (table: FollowedTable) => Promise<readonly RawPartitionFiles[]>,
): Promise<RawListing> {
  const [requests, exits, usage] = await Promise.all([
    list('port_requests'),
    list('exit_reasons'),
    list('usage_monthly'),
  ]);
  return { port_requests: requests, exit_reasons: exits, usage_monthly: usage };
}

/**
 * A curated unit: the curated partitions built together from one raw partition's point of view.
 * 'requests' units (dt) hold the partitions of every table that follows port_requests; 'exits'
 * units (dt) those that follow exit_reasons; 'usage' units (month) those that follow usage_monthly.
 */
export type CuratedUnitKind = 'requests' | 'exits' | 'usage';

export interface CuratedUnit {
  readonly kind: CuratedUnitKind;
  readonly value: string;
}

/** What a curated unit was built from: kept beside it, compared on every curate. */
export interface UnitRecord {
  readonly unit: CuratedUnit;
  /** A hash of the SQL that built it: changed SQL makes every unit of its kind stale. */
  readonly sqlVersion: string;
  /** Raw partitions read ("port_requests/dt=2019-11-01") and their files, in order. */
  readonly inputs: Readonly<Record<string, readonly RawFileStamp[]>>;
  /**
   * What the unit's partitions held when it was built, per curated table ("name:size", sorted;
   * none where the table has no partition for it). A store that cannot list them records none.
   */
  readonly outputs?: Readonly<Record<string, readonly string[]>>;
  readonly builtAt?: string;
}

/**
 * A clean version is filed under its request's Beijing date; a misfiled one is most often a day
 * off (a UTC date), or as far as the 7 days in which a request is decided (a loader filing a
 * status update under its own date). A requests unit tells a request with versions that far
 * apart as spread: it reads the port_id of every partition that many days either side (the
 * RANGE of port_requests_spread_keys.sql, which test/unit/curation-plan.test.ts holds to this).
 */
export const NEIGHBOUR_DAYS = VERSION_NEIGHBOUR_DAYS;
const USAGE_MONTHS = 3;
/**
 * Days built in one batch at most. A requests batch holds its days' rows (and the port_ids of
 * its neighbours a week either side) in one DuckDB temp table; longer batches read the usage months fewer times
 * (docs/performance.md). Days alone do not bound the memory: see MAX_BATCH_BYTES.
 */
export const MAX_BATCH_DAYS = 16;
/**
 * Raw Parquet bytes of the followed table's partitions one batch targets at most, so that a
 * batch stays inside the engine's 600 MB whatever the day's volume: at national scale 16 days of
 * the late-November peak (up to 21 MB a day against 5 MB) ran out of it. Large enough for the
 * eight days a loader's day changes (the day and the seven before it, where status updates are
 * filed) to be one batch on most days at that scale (late December: 77 MiB), so the usage months
 * are read once for them; the peak's worst eight days (133 MiB) still make two
 * (docs/performance.md). A day above the limit is still built, alone.
 */
export const MAX_BATCH_BYTES = 96 * 1024 * 1024;

/** The raw partitions a requests unit's dates read: the targets and NEIGHBOUR_DAYS either side (the placed SQL's RANGE). */
export function requestsReadRange(from: string, to: string): { readonly from: string; readonly to: string } {
  return { from: addDays(from, -NEIGHBOUR_DAYS), to: addDays(to, NEIGHBOUR_DAYS) };
}

/**
 * The usage months a requests unit's leavers may need. Only clean rows leave, and a clean row of
 * partition D was requested on Beijing day D (a row filed under another day is quarantined as
 * malformed_timestamp) and completed within 7 days of it (later is malformed too), so it left in
 * month(D)..month(D+7) and its usage lies in the 3 months before.
 */
export function usageReadRange(from: string, to: string): { readonly from: string; readonly to: string } {
  return {
    from: addMonths(monthOf(from), -USAGE_MONTHS),
    to: addMonths(monthOf(addDays(to, COMPLETION_LOOKBACK_DAYS)), -1),
  };
}

const inRange = (value: string, range: { from: string; to: string }) => value >= range.from && value <= range.to;

type Inputs = Record<string, readonly RawFileStamp[]>;

function addPartitions(inputs: Inputs, raw: RawListing, table: FollowedTable, range: { from: string; to: string }) {
  const column = table === 'usage_monthly' ? 'month' : 'dt';
  for (const partition of raw[table].filter((p) => inRange(p.value, range)))
    inputs[`${table}/${column}=${partition.value}`] = partition.files;
}

/**
 * Every raw partition before `value`, as one stamp: an exits unit subtracts the copies its
 * answers supersede, which may lie in any earlier partition (the contract does not bound how
 * late an answer is re-delivered), so any change before it makes it stale. One digest keeps the
 * record small.
 */
function earlierPartitionsStamp(partitions: readonly RawPartitionFiles[], value: string): RawFileStamp {
  let stamps = earlierStampsOf.get(partitions);
  if (!stamps) {
    // One pass over the listing for all its units (a digest per unit would be quadratic).
    stamps = [];
    const hash = createHash('sha256');
    let files = 0;
    for (const [index, partition] of [...partitions].sort((a, b) => (a.value < b.value ? -1 : 1)).entries()) {
      stamps.push({ before: partition.value, partitions: index, files, version: hash.copy().digest('hex') });
      hash.update(JSON.stringify(partition));
      files += partition.files.length;
    }
    stamps.push({ before: '\uffff', partitions: partitions.length, files, version: hash.digest('hex') });
    earlierStampsOf.set(partitions, stamps);
  }
  const stamp = stamps.find((candidate) => candidate.before >= value)!;
  return { name: `${stamp.partitions} earlier partitions`, size: stamp.files, version: stamp.version.slice(0, 32) };
}

/** Per listing, the digest of the partitions before each value, in order. */
const earlierStampsOf = new WeakMap<
  readonly RawPartitionFiles[],
  { before: string; partitions: number; files: number; version: string }[]
>();

/** What each unit kind follows, reads and takes as build parameters: the one place for them. */
export interface UnitKindRule {
  readonly follows: FollowedTable;
  readonly partition: 'dt' | 'month';
  /** Consecutive units built in one batch at most. */
  readonly maxBatch: number;
  /** Raw bytes of its own partitions a batch targets at most (MAX_BATCH_BYTES), where memory grows with them. */
  readonly maxBatchBytes?: number;
  /** The raw files a unit depends on, as they are now. */
  inputs(value: string, raw: RawListing): Inputs;
  /** The build parameters of a batch of consecutive units from..to (their partitions, in the curated SQL's names). */
  parameters(from: string, to: string, raw: RawListing): QueryParameters;
}

export const UNIT_KINDS: Readonly<Record<CuratedUnitKind, UnitKindRule>> = {
  requests: {
    follows: 'port_requests',
    partition: 'dt',
    maxBatch: MAX_BATCH_DAYS,
    maxBatchBytes: MAX_BATCH_BYTES,
    inputs(value, raw) {
      const inputs: Inputs = {};
      addPartitions(inputs, raw, 'port_requests', requestsReadRange(value, value));
      addPartitions(inputs, raw, 'usage_monthly', usageReadRange(value, value));
      return inputs;
    },
    parameters(from, to) {
      const days = requestsReadRange(from, to);
      const months = usageReadRange(from, to);
      return {
        requests_from_dt: days.from,
        requests_to_dt: days.to,
        target_from_dt: from,
        target_to_dt: to,
        usage_from_month: months.from,
        usage_to_month: months.to,
      };
    },
  },
  exits: {
    follows: 'exit_reasons',
    partition: 'dt',
    maxBatch: MAX_BATCH_DAYS,
    inputs(value, raw) {
      const inputs: Inputs = { [`exit_reasons/dt<${value}`]: [earlierPartitionsStamp(raw.exit_reasons, value)] };
      addPartitions(inputs, raw, 'exit_reasons', { from: value, to: value });
      return inputs;
    },
    parameters(from, to, raw) {
      return {
        exits_from_dt: raw.exit_reasons[0]?.value ?? from,
        exits_to_dt: to,
        target_from_dt: from,
        target_to_dt: to,
      };
    },
  },
  usage: {
    follows: 'usage_monthly',
    partition: 'month',
    maxBatch: 1,
    inputs(value, raw) {
      const inputs: Inputs = {};
      addPartitions(inputs, raw, 'usage_monthly', { from: value, to: value });
      return inputs;
    },
    parameters: (from, to) => ({ usage_from_month: from, usage_to_month: to }),
  },
};

export const UNIT_KIND_NAMES = Object.keys(UNIT_KINDS) as readonly CuratedUnitKind[];

export const unitKey = (unit: CuratedUnit): string => `${UNIT_KINDS[unit.kind].partition}=${unit.value}`;

/** The raw files a unit depends on, as they are now. */
export function unitInputs(unit: CuratedUnit, raw: RawListing): Record<string, readonly RawFileStamp[]> {
  return UNIT_KINDS[unit.kind].inputs(unit.value, raw);
}

/**
 * Whether a record's files are the listing's, file by file (in the listing's order). Compared
 * field by field, not as JSON text: a year's records hold some four million characters, and
 * serialising them was most of a plan. A record of another shape is simply not the same.
 */
function sameFiles(recorded: readonly RawFileStamp[] | undefined, now: readonly RawFileStamp[] | undefined): boolean {
  if (!Array.isArray(recorded) || !Array.isArray(now) || recorded.length !== now.length) return false;
  return now.every((file, index) => {
    const other = recorded[index] as Partial<RawFileStamp> | null | undefined;
    if (other === null || other === undefined) return false;
    return other.name === file.name && other.size === file.size && other.version === file.version;
  });
}

function sameInputs(recorded: UnitRecord['inputs'], now: UnitRecord['inputs']): boolean {
  if (typeof recorded !== 'object' || recorded === null) return false;
  const keys = Object.keys(now);
  return Object.keys(recorded).length === keys.length && keys.every((key) => sameFiles(recorded[key], now[key]));
}

const NEIGHBOUR_KEY = 'port_requests/dt=';

/**
 * The neighbouring port_requests partitions that changed, when only they did (not the unit's own
 * partition, not its usage months); otherwise undefined. A requests unit's rows depend on its
 * neighbours through its set of spread requests alone (port_requests_spread_keys.sql), so a
 * writer that can compare that set against these partitions may keep the unit.
 */
function changedNeighboursOnly(
  unit: CuratedUnit,
  recorded: UnitRecord['inputs'],
  now: UnitRecord['inputs'],
): string[] | undefined {
  if (unit.kind !== 'requests' || typeof recorded !== 'object' || recorded === null) return undefined;
  const own = `${NEIGHBOUR_KEY}${unit.value}`;
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(recorded), ...Object.keys(now)])) {
    if (sameFiles(recorded[key], now[key])) continue;
    if (key === own || !key.startsWith(NEIGHBOUR_KEY)) return undefined;
    changed.push(key.slice(NEIGHBOUR_KEY.length));
  }
  return changed.sort();
}

export interface CurationPlan {
  /** Units to (re)build, with the inputs to record once built. */
  readonly build: readonly (CuratedUnit & {
    readonly inputs: UnitRecord['inputs'];
    /** 'neighbours changed': only partitions a week either side changed (changedNeighboursOnly). */
    readonly reason: 'new' | 'raw changed' | 'neighbours changed' | 'sql changed';
    /** With 'neighbours changed': the dt of each neighbouring partition that changed. */
    readonly changedNeighbours?: readonly string[];
  })[];
  /** Curated units whose raw partition is gone. */
  readonly remove: readonly CuratedUnit[];
  readonly fresh: number;
}

export function planCuration(
  raw: RawListing,
  records: ReadonlyMap<string, UnitRecord>,
  /** The hash of each kind's build SQL as it is now (one string: the same for every kind). */
  sqlVersion: string | Readonly<Record<CuratedUnitKind, string>>,
  /**
   * range: plan only the units it reads (the records given may be only theirs); the others stay
   * as they are. present: the units with a record or a curated partition, whether or not their
   * record is intact (default: those of the records given); those whose raw partition is gone
   * are removed.
   */
  options: { rebuild?: boolean; range?: CurateRange; present?: readonly CuratedUnit[] } = {},
): CurationPlan {
  const { range } = options;
  if (range && range.from > range.to)
    throw new Error(`curation range ${range.from}..${range.to} ends before it starts`);
  const expected: CuratedUnit[] = UNIT_KIND_NAMES.flatMap((kind) =>
    raw[UNIT_KINDS[kind].follows].map((p) => ({ kind, value: p.value })),
  ).filter((unit) => !range || unitInRange(unit, range));
  const build: CurationPlan['build'][number][] = [];
  let fresh = 0;
  for (const unit of expected) {
    const inputs = unitInputs(unit, raw);
    const record = records.get(`${unit.kind}/${unitKey(unit)}`);
    const inputsChanged = record !== undefined && !sameInputs(record.inputs, inputs);
    // --rebuild builds every unit: none is kept for an unchanged spread set, so none is told apart.
    const changedNeighbours =
      inputsChanged && !options.rebuild ? changedNeighboursOnly(unit, record.inputs, inputs) : undefined;
    const reason = !record
      ? 'new'
      : record.sqlVersion !== (typeof sqlVersion === 'string' ? sqlVersion : sqlVersion[unit.kind])
        ? 'sql changed'
        : changedNeighbours
          ? 'neighbours changed'
          : inputsChanged
            ? 'raw changed'
            : undefined;
    if (reason === 'neighbours changed') build.push({ ...unit, inputs, reason, changedNeighbours });
    else if (reason || options.rebuild) build.push({ ...unit, inputs, reason: reason ?? 'sql changed' });
    else fresh += 1;
  }
  const wanted = new Set(expected.map((unit) => `${unit.kind}/${unitKey(unit)}`));
  const remove = new Map<string, CuratedUnit>();
  for (const unit of options.present ?? [...records.values()].map((record) => record.unit)) {
    const key = `${unit.kind}/${unitKey(unit)}`;
    if ((!range || unitInRange(unit, range)) && !wanted.has(key)) remove.set(key, unit);
  }
  return { build, remove: [...remove.values()], fresh };
}

/**
 * Consecutive dates in runs of at most maxDays and, given each date's raw bytes, at most maxBytes
 * (a longer day alone): each run is one build.
 */
export function batchDates(
  dates: readonly string[],
  maxDays = MAX_BATCH_DAYS,
  size?: { readonly bytesOf: (date: string) => number; readonly maxBytes: number },
): { from: string; to: string; dates: string[] }[] {
  const batches: { from: string; to: string; dates: string[]; bytes: number }[] = [];
  for (const date of [...dates].sort()) {
    const last = batches.at(-1);
    const bytes = size?.bytesOf(date) ?? 0;
    if (
      last &&
      addDays(last.to, 1) === date &&
      last.dates.length < maxDays &&
      (!size || last.bytes + bytes <= size.maxBytes)
    ) {
      last.to = date;
      last.dates.push(date);
      last.bytes += bytes;
    } else {
      batches.push({ from: date, to: date, dates: [date], bytes });
    }
  }
  return batches.map(({ from, to, dates: batchDays }) => ({ from, to, dates: batchDays }));
}

/** A curate's outcome, whichever engine wrote it. */
export interface CurateSummary {
  /** Units built, per kind. */
  readonly built: Readonly<Record<CuratedUnitKind, number>>;
  /** Request days whose neighbours changed but whose spread requests did not: record renewed, not rebuilt. */
  readonly kept: number;
  readonly removed: number;
  readonly fresh: number;
  readonly batches: number;
  readonly ms: number;
  /** Raw partitions without _SUCCESS: curated from what is there, still held by the reports. */
  readonly rawIncomplete: number;
}

/**
 * The curated units a run reads: requests and exit-answer days from..to, and the usage months
 * its data-quality line counts (by default the months of those days).
 */
export interface CurateRange {
  readonly from: string;
  readonly to: string;
  readonly months?: { readonly from: string; readonly to: string };
}

/**
 * The curated units a report's plan reads (its requests, exit-answer and usage partitions): every
 * partition its queries open, the days read only to rank versions and copies included (a spread
 * request's versions a week either side of the days counted, VERSION_NEIGHBOUR_DAYS).
 */
export function curatedRangeOf(plan: QueryPlan): CurateRange {
  const scanned = plan.partitionsScanned;
  const days = [...scanned.port_requests, ...scanned.exit_reasons].sort();
  const months = [...scanned.usage_monthly].sort();
  return {
    from: days[0]!,
    to: days.at(-1)!,
    ...(months.length > 0 ? { months: { from: months[0]!, to: months.at(-1)! } } : {}),
  };
}

/**
 * The raw partitions the units a range reads depend on, per table: its request days and a
 * week either side, every exit-answer day up to its last (a unit's earlier answers), and the
 * usage months its leavers and its own months need. A listing of these plans the range exactly.
 */
export function rawPartitionsFor(range: CurateRange): Readonly<Record<FollowedTable, { from: string; to: string }>> {
  const usage = usageReadRange(range.from, range.to);
  const months = range.months ?? { from: monthOf(range.from), to: monthOf(range.to) };
  return {
    port_requests: requestsReadRange(range.from, range.to),
    exit_reasons: { from: '', to: range.to },
    // months as YYYY-MM strings: sorted as text, in time order
    usage_monthly: { from: [usage.from, months.from].sort()[0]!, to: [usage.to, months.to].sort()[1]! },
  };
}

/** Whether a unit is one the range reads: its dt, or its month, falls in it. */
export function unitInRange(unit: CuratedUnit, range: CurateRange): boolean {
  if (UNIT_KINDS[unit.kind].partition === 'dt') return inRange(unit.value, range);
  return inRange(unit.value, range.months ?? { from: monthOf(range.from), to: monthOf(range.to) });
}
