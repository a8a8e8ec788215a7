// What every writer of the curated layer shares (docs/curated-layer.md): list the raw files,
// ask the core what is stale, remove what lost its raw partition, build the rest in batches
// (consecutive days; one month at a time), put each staged partition in place and write the
// unit's record LAST, so an interrupted curate leaves a unit stale, never falsely fresh. The
// writer only builds a batch into its staging area: DuckDB with COPY, Trino/Athena with INSERT.
// No engine is imported here (the SQL writer goes into a Lambda bundle).
import { createHash } from 'node:crypto';
import { CURATED_TABLES, type CuratedTable } from '#core/curated-tables.ts';
import {
  batchDates,
  type CuratedUnit,
  type CuratedUnitKind,
  type CurateRange,
  type CurateSummary,
  type CurationPlan,
  planCuration,
  type RawListing,
  UNIT_KIND_NAMES,
  UNIT_KINDS,
  type UnitKindRule,
  type UnitRecord,
  unitInRange,
  unitKey,
} from '#core/curation.ts';
import type { QueryParameters } from '#core/ports.ts';
import { compileCuratedBuild } from '#sql/curated-catalog.ts';
import { isDataFileName, SUCCESS_MARKER } from '../lake/fs-lake.ts';

/** The object-store side of a curated layer: raw listing, unit records, curated partitions. */
export interface CurationObjects {
  /** The raw partitions' files (data files and _SUCCESS), version = ETag in S3, mtime locally. */
  /** The followed raw tables' partitions; given a range, at least those rawPartitionsFor(range) names. */
  listRaw(range?: CurateRange): Promise<RawListing>;
  /** Every unit record under _built_from/, keyed "<kind>/<dt|month>=<value>"; an unreadable one is left out. */
  /** The units' records; given a range, at least those of the units it reads (unitInRange). */
  readRecords(range?: CurateRange): Promise<Map<string, UnitRecord>>;
  writeRecord(record: UnitRecord): Promise<void>;
  removeRecord(unit: CuratedUnit): Promise<void>;
  /** Removes <table>/<partition>/ ("dt=2019-11-01"), whatever it holds. */
  removePartition(table: string, partition: string): Promise<void>;
  /**
   * Replaces <table>/<partition>/ by what is staged under <staging>/<table>/<partition>/ (a
   * folder under the curated root); nothing staged leaves the partition absent.
   */
  replacePartition(staging: string, table: string, partition: string): Promise<void>;
  /** Removes the staging folder <staging>/ and all it holds. */
  removeStaging(staging: string): Promise<void>;
  /** Makes folders under the curated root exist where a store needs them to (a file system; S3 has none). */
  ensureFolders(folders: readonly string[]): Promise<void>;
  /**
   * The files a unit's partitions hold now, as UnitRecord.outputs has them. Optional: a store
   * without it records no outputs, and its records are trusted as they are.
   */
  outputsOf?(unit: CuratedUnit, tables: readonly string[]): Promise<Record<string, string[]>>;
  /**
   * The units that have a partition in some curated table ("<kind>/<dt|month>=<value>"), with or
   * without a record; given a range, at least those of the units it reads. What a curate stopped
   * between removing a record and swapping its partitions, or a record deleted by hand, leaves.
   */
  curatedUnits(range?: CurateRange): Promise<CuratedUnit[]>;
}

/**
 * The units with a partition in some curated table, from a store's listing of the folders (or
 * prefixes) right under a table ("dt=2019-11-26"); given a range, only those it reads.
 */
export async function unitsWithPartitions(
  partitionNamesOf: (table: string) => Promise<readonly string[]>,
  range?: CurateRange,
): Promise<CuratedUnit[]> {
  const units = await Promise.all(
    UNIT_KIND_NAMES.map(async (kind) => {
      const prefix = `${UNIT_KINDS[kind].partition}=`;
      const names = (await Promise.all(tablesOfUnit(kind).map((table) => partitionNamesOf(table.name)))).flat();
      const values = new Set(names.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)));
      return [...values].sort().map((value): CuratedUnit => ({ kind, value }));
    }),
  );
  return units.flat().filter((unit) => !range || unitInRange(unit, range));
}

/** A unit's outputs as the store lists them, for its record (none where the store cannot list them). */
async function outputsOfUnit(objects: CurationObjects, unit: CuratedUnit): Promise<Pick<UnitRecord, 'outputs'>> {
  if (!objects.outputsOf) return {};
  return {
    outputs: await objects.outputsOf(
      unit,
      tablesOfUnit(unit.kind).map((table) => table.name),
    ),
  };
}

/**
 * The records whose unit's partitions still hold what they held when it was built: a curated
 * file deleted or cut short by hand (or a table folder removed) makes its unit's record none, so
 * the unit is built again instead of read without it. A file changed in place at the same size
 * is not seen (no content is hashed).
 */
async function recordsOfIntactUnits(
  objects: CurationObjects,
  records: ReadonlyMap<string, UnitRecord>,
): Promise<Map<string, UnitRecord>> {
  const intact = new Map<string, UnitRecord>();
  for (const [key, record] of records) {
    const recorded = record.outputs;
    if (recorded && objects.outputsOf) {
      const now = await objects.outputsOf(record.unit, Object.keys(recorded));
      if (Object.entries(recorded).some(([table, files]) => files.join('\n') !== (now[table] ?? []).join('\n')))
        continue;
    }
    intact.set(key, record);
  }
  return intact;
}

/** The raw files a unit's record tracks: the data files and the _SUCCESS marker (it gates the reports). */
export const tracksRawFile = (name: string): boolean => name === SUCCESS_MARKER || isDataFileName(name);

/**
 * The fragments that several tables of a kind read, in order (a later one may read an earlier
 * one): DuckDB materialises each once per batch in a temp table; the SQL writer inlines them.
 */
export const SHARED_FRAGMENTS: Readonly<Record<CuratedUnitKind, readonly string[]>> = {
  requests: ['port_requests_placed', 'leaver_usage'],
  exits: ['exit_answers_chained'],
  usage: [],
};
export const fragmentFile = (fragment: string) => `curated/fragments/${fragment}.sql`;
export const buildFile = (table: string) => `curated/build/${table}.sql`;

const SAMPLE_PARAMETERS: QueryParameters = {
  requests_from_dt: '2000-01-01',
  requests_to_dt: '2000-01-01',
  exits_from_dt: '2000-01-01',
  exits_to_dt: '2000-01-01',
  target_from_dt: '2000-01-01',
  target_to_dt: '2000-01-01',
  usage_from_month: '2000-01',
  usage_to_month: '2000-01',
};

let sqlVersionMemo: Readonly<Record<CuratedUnitKind, string>> | undefined;

/**
 * Per unit kind, a hash of its build texts as the engine receives them (fragments and reference
 * code lists included): changed SQL rebuilds the units of its own kind only. The texts ship with
 * the code, so it is worked out once a process (compiling them took some 13 ms of a new day).
 */
export function curatedSqlVersion(): Readonly<Record<CuratedUnitKind, string>> {
  sqlVersionMemo ??= hashBuildTexts();
  return sqlVersionMemo;
}

function hashBuildTexts(): Record<CuratedUnitKind, string> {
  const version = (kind: CuratedUnitKind) => {
    const hash = createHash('sha256');
    for (const file of [
      ...SHARED_FRAGMENTS[kind].map(fragmentFile),
      ...tablesOfUnit(kind).map((t) => buildFile(t.name)),
    ])
      hash.update(file).update(compileCuratedBuild(file, SAMPLE_PARAMETERS).sql);
    return hash.digest('hex').slice(0, 16);
  };
  return Object.fromEntries(UNIT_KIND_NAMES.map((kind) => [kind, version(kind)])) as Record<CuratedUnitKind, string>;
}

/** The curated tables a unit kind holds: those following its raw table. */
export function tablesOfUnit(kind: CuratedUnitKind): CuratedTable[] {
  return CURATED_TABLES.filter((table) => table.follows === UNIT_KINDS[kind].follows);
}

/**
 * The order a unit's partitions are put in place: port_requests_spread last, so that a curate
 * stopped between two swaps never leaves a new spread partition beside older ones, which the
 * spread check (BatchWriter.unchangedSpread) would then take for a whole unit's.
 */
function swapOrder(kind: CuratedUnitKind): CuratedTable[] {
  const tables = tablesOfUnit(kind);
  return [
    ...tables.filter((table) => table.name !== SPREAD_TABLE),
    ...tables.filter((table) => table.name === SPREAD_TABLE),
  ];
}
const SPREAD_TABLE = 'port_requests_spread';

/** One build: units of one kind and consecutive days (or one month), with the build parameters. */
export interface CurationBatch {
  readonly kind: CuratedUnitKind;
  /** dt values, or the one month. */
  readonly values: readonly string[];
  readonly parameters: QueryParameters;
  readonly label: string;
}

/** Builds a batch's partitions of every table of its kind under the staging folder. */
export interface BatchWriter {
  build(batch: CurationBatch, staging: string): Promise<void>;
  /**
   * Of request days whose neighbours alone changed, those whose set of spread requests is the
   * one their curated partitions hold (port_requests_spread_keys.sql against
   * port_requests_spread): their rows would come out the same, so only their records are
   * renewed. A writer without it rebuilds them.
   */
  unchangedSpread?(
    days: readonly string[],
    /** The neighbouring partitions (dt) that changed since those days were built. */
    changed: readonly string[],
    raw: RawListing,
  ): Promise<ReadonlySet<string>>;
  close(): Promise<void>;
}

export interface CurationRunOptions {
  readonly objects: CurationObjects;
  /** Opened only when something is to be built. */
  readonly openWriter: () => Promise<BatchWriter>;
  /** The staging folder under the curated root, one per writer run. */
  readonly staging: string;
  /**
   * Throws when this writer is no longer the layer's only one (its lock was taken over while it
   * was stopped): checked before every removal, swap and record, so that it writes nothing more.
   */
  readonly fence?: () => void;
  readonly rebuild?: boolean;
  readonly range?: CurateRange;
  readonly batchDays?: number;
  readonly onProgress?: (event: { done: number; total: number; label: string }) => void;
  /**
   * Time left to the caller: no batch starts when less is left than the longest batch so far
   * took (the first always starts while any time is left); the rest stays stale.
   */
  readonly remainingMs?: () => number;
}

export async function planStaleUnits(
  objects: CurationObjects,
  options: { rebuild?: boolean; range?: CurateRange } = {},
): Promise<{ plan: CurationPlan; raw: RawListing; records: ReadonlyMap<string, UnitRecord> }> {
  const { range } = options;
  const [raw, read, curatedUnits] = await Promise.all([
    objects.listRaw(range),
    objects.readRecords(range),
    objects.curatedUnits(range),
  ]);
  const records = await recordsOfIntactUnits(objects, read);
  const plan = planCuration(raw, records, curatedSqlVersion(), {
    rebuild: options.rebuild === true,
    ...(range ? { range } : {}),
    // A unit whose raw partition is gone is removed whatever state its record or files are in.
    present: [...[...read.values()].map((record) => record.unit), ...curatedUnits],
  });
  return { plan, raw, records: read };
}

function sizeLimitOf(rule: UnitKindRule, raw: RawListing) {
  if (rule.maxBatchBytes === undefined) return undefined;
  const bytes = new Map(
    raw[rule.follows].map((partition) => [partition.value, partition.files.reduce((sum, file) => sum + file.size, 0)]),
  );
  return { bytesOf: (date: string) => bytes.get(date) ?? 0, maxBytes: rule.maxBatchBytes };
}

function batchesOf(plan: CurationPlan, raw: RawListing, batchDays: number | undefined): CurationBatch[] {
  return UNIT_KIND_NAMES.flatMap((kind) => {
    const rule = UNIT_KINDS[kind];
    const values = plan.build.filter((unit) => unit.kind === kind).map((unit) => unit.value);
    const runs =
      rule.partition === 'dt'
        ? batchDates(values, batchDays ?? rule.maxBatch, sizeLimitOf(rule, raw))
        : values.sort().map((value) => ({ from: value, to: value, dates: [value] }));
    return runs.map(
      (run): CurationBatch => ({
        kind,
        values: run.dates,
        label: `${kind} ${rule.partition} ${run.from === run.to ? run.from : `${run.from}..${run.to}`}`,
        parameters: rule.parameters(run.from, run.to, raw),
      }),
    );
  });
}

/** Whether the fence still lets this writer through (no throw): a writer that lost the layer leaves it alone. */
function stillWriter(fence: () => void): boolean {
  try {
    fence();
    return true;
  } catch {
    return false;
  }
}

export async function runCuration(options: CurationRunOptions): Promise<CurateSummary & { readonly stale: number }> {
  const started = performance.now();
  const { objects, staging } = options;
  const fence = options.fence ?? (() => {});
  const sqlVersion = curatedSqlVersion();
  const { plan, raw } = await planStaleUnits(objects, {
    ...(options.rebuild ? { rebuild: true } : {}),
    ...(options.range ? { range: options.range } : {}),
  });
  const rawIncomplete = UNIT_KIND_NAMES.flatMap((kind) => raw[UNIT_KINDS[kind].follows]).filter(
    (partition) => !partition.files.some((file) => file.name === SUCCESS_MARKER),
  ).length;
  for (const unit of plan.remove) {
    fence();
    for (const table of tablesOfUnit(unit.kind)) await objects.removePartition(table.name, unitKey(unit));
    await objects.removeRecord(unit);
  }
  const inputsOf = new Map(plan.build.map((unit) => [`${unit.kind}/${unit.value}`, unit.inputs]));
  const built = Object.fromEntries(UNIT_KIND_NAMES.map((kind) => [kind, 0])) as Record<CuratedUnitKind, number>;
  const builtCount = () => Object.values(built).reduce((sum, count) => sum + count, 0);
  let batchesRun = 0;
  let kept = 0;
  let total = plan.build.length;
  const summary = () => ({
    built: { ...built },
    kept,
    removed: plan.remove.length,
    fresh: plan.fresh,
    batches: batchesRun,
    ms: Math.round(performance.now() - started),
    rawIncomplete,
    stale: plan.build.length - builtCount() - kept,
  });
  if (total === 0) return summary();

  const writer = await options.openWriter();
  let longestBatchMs = 0;
  try {
    const neighboursOnly = plan.build.filter((unit) => unit.reason === 'neighbours changed');
    const changed = [...new Set(neighboursOnly.flatMap((unit) => unit.changedNeighbours ?? []))];
    const keep =
      neighboursOnly.length > 0 && writer.unchangedSpread
        ? await writer.unchangedSpread(
            neighboursOnly.map((unit) => unit.value),
            changed,
            raw,
          )
        : new Set<string>();
    for (const value of keep) {
      const unit: CuratedUnit = { kind: 'requests', value };
      fence();
      await objects.writeRecord({
        unit,
        sqlVersion: sqlVersion.requests,
        inputs: inputsOf.get(`requests/${value}`)!,
        ...(await outputsOfUnit(objects, unit)),
        builtAt: new Date().toISOString(),
      });
      kept += 1;
    }
    const toBuild = plan.build.filter((unit) => unit.kind !== 'requests' || !keep.has(unit.value));
    const batches = batchesOf({ ...plan, build: toBuild }, raw, options.batchDays);
    total = toBuild.length;
    options.onProgress?.({ done: 0, total, label: 'starting' });
    for (const batch of batches) {
      const remaining = options.remainingMs?.();
      if (remaining !== undefined && (remaining <= 0 || remaining < longestBatchMs)) break;
      const batchStarted = performance.now();
      fence();
      await objects.removeStaging(staging);
      await objects.ensureFolders(tablesOfUnit(batch.kind).map((table) => `${staging}/${table.name}`));
      await writer.build(batch, staging);
      for (const value of batch.values) {
        const unit: CuratedUnit = { kind: batch.kind, value };
        // The old record goes first: a curate stopped while the partitions are swapped (some gone,
        // some new) leaves the unit without a record, so stale, never fresh by the old one.
        fence();
        await objects.removeRecord(unit);
        for (const table of swapOrder(batch.kind)) {
          fence();
          await objects.replacePartition(staging, table.name, unitKey(unit));
        }
        fence();
        await objects.writeRecord({
          unit,
          sqlVersion: sqlVersion[batch.kind],
          inputs: inputsOf.get(`${batch.kind}/${value}`)!,
          ...(await outputsOfUnit(objects, unit)),
          builtAt: new Date().toISOString(),
        });
        built[batch.kind] += 1;
      }
      batchesRun += 1;
      longestBatchMs = Math.max(longestBatchMs, performance.now() - batchStarted);
      options.onProgress?.({ done: builtCount(), total, label: batch.label });
    }
  } finally {
    await writer.close();
    if (stillWriter(fence)) await objects.removeStaging(staging);
  }
  return summary();
}
