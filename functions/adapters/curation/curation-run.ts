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
  type CurateSummary,
  type CurationPlan,
  planCuration,
  planWithinRange,
  type RawListing,
  requestsReadRange,
  type UnitRecord,
  unitKey,
  usageReadRange,
} from '#core/curation.ts';
import type { QueryParameters } from '#core/ports.ts';
import { compileCuratedBuild } from '#sql/curated-catalog.ts';
import { isDataFileName, SUCCESS_MARKER } from '../lake/fs-lake.ts';

/** The object-store side of a curated layer: raw listing, unit records, curated partitions. */
export interface CurationObjects {
  /** The raw partitions' files (data files and _SUCCESS), version = ETag in S3, mtime locally. */
  listRaw(): Promise<RawListing>;
  /** Every unit record under _built_from/, keyed "<kind>/<dt|month>=<value>"; an unreadable one is left out. */
  readRecords(): Promise<Map<string, UnitRecord>>;
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
}

/** The raw files a unit's record tracks: the data files and the _SUCCESS marker (it gates the reports). */
export const tracksRawFile = (name: string): boolean => name === SUCCESS_MARKER || isDataFileName(name);

export const BUILD_FILES = {
  placed: 'curated/fragments/port_requests_placed.sql',
  leaverUsage: 'curated/fragments/leaver_usage.sql',
} as const;
export const buildFile = (table: string) => `curated/build/${table}.sql`;

const SAMPLE_PARAMETERS: QueryParameters = {
  requests_from_dt: '2000-01-01',
  requests_to_dt: '2000-01-01',
  target_from_dt: '2000-01-01',
  target_to_dt: '2000-01-01',
  usage_from_month: '2000-01',
  usage_to_month: '2000-01',
};

/** A hash of every build text as the engine receives it (reference code lists included). */
export function curatedSqlVersion(): string {
  const hash = createHash('sha256');
  for (const file of [
    BUILD_FILES.placed,
    BUILD_FILES.leaverUsage,
    ...CURATED_TABLES.map((table) => buildFile(table.name)),
  ]) {
    hash.update(file).update(compileCuratedBuild(file, SAMPLE_PARAMETERS).sql);
  }
  return hash.digest('hex').slice(0, 16);
}

/** The curated tables a unit kind holds: those following port_requests (dt) or usage_monthly (month). */
export function tablesOfUnit(kind: CuratedUnitKind): CuratedTable[] {
  return CURATED_TABLES.filter((table) => table.follows === (kind === 'requests' ? 'port_requests' : 'usage_monthly'));
}

/** One build: requests units of consecutive days, or one usage month, with the build parameters. */
export interface CurationBatch {
  readonly kind: CuratedUnitKind;
  /** dt values (requests) or the one month (usage). */
  readonly values: readonly string[];
  readonly parameters: QueryParameters;
  readonly label: string;
}

/** Builds a batch's partitions of every table of its kind under the staging folder. */
export interface BatchWriter {
  build(batch: CurationBatch, staging: string): Promise<void>;
  close(): Promise<void>;
}

export interface CurationRunOptions {
  readonly objects: CurationObjects;
  /** Opened only when something is to be built. */
  readonly openWriter: () => Promise<BatchWriter>;
  /** The staging folder under the curated root, one per writer run. */
  readonly staging: string;
  readonly rebuild?: boolean;
  readonly range?: { readonly from: string; readonly to: string };
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
  options: { rebuild?: boolean; range?: { from: string; to: string } } = {},
): Promise<{ plan: CurationPlan; raw: RawListing }> {
  const [raw, records] = await Promise.all([objects.listRaw(), objects.readRecords()]);
  const plan = planCuration(raw, records, curatedSqlVersion(), { rebuild: options.rebuild === true });
  return { plan: options.range ? planWithinRange(plan, options.range) : plan, raw };
}

function batchesOf(plan: CurationPlan, batchDays: number | undefined): CurationBatch[] {
  const requestDates = plan.build.filter((unit) => unit.kind === 'requests').map((unit) => unit.value);
  const requests = batchDates(requestDates, batchDays).map((batch): CurationBatch => {
    const days = requestsReadRange(batch.from, batch.to);
    const months = usageReadRange(batch.from, batch.to);
    return {
      kind: 'requests',
      values: batch.dates,
      label: `dt ${batch.from}..${batch.to}`,
      parameters: {
        requests_from_dt: days.from,
        requests_to_dt: days.to,
        target_from_dt: batch.from,
        target_to_dt: batch.to,
        usage_from_month: months.from,
        usage_to_month: months.to,
      },
    };
  });
  const usage = plan.build
    .filter((unit) => unit.kind === 'usage')
    .map(
      (unit): CurationBatch => ({
        kind: 'usage',
        values: [unit.value],
        label: `month ${unit.value}`,
        parameters: { usage_from_month: unit.value, usage_to_month: unit.value },
      }),
    );
  return [...requests, ...usage];
}

export async function runCuration(options: CurationRunOptions): Promise<CurateSummary & { readonly stale: number }> {
  const started = performance.now();
  const { objects, staging } = options;
  const sqlVersion = curatedSqlVersion();
  const { plan, raw } = await planStaleUnits(objects, {
    ...(options.rebuild ? { rebuild: true } : {}),
    ...(options.range ? { range: options.range } : {}),
  });
  const rawIncomplete = [...raw.port_requests, ...raw.usage_monthly].filter(
    (partition) => !partition.files.some((file) => file.name === SUCCESS_MARKER),
  ).length;
  for (const unit of plan.remove) {
    for (const table of tablesOfUnit(unit.kind)) await objects.removePartition(table.name, unitKey(unit));
    await objects.removeRecord(unit);
  }
  const inputsOf = new Map(plan.build.map((unit) => [`${unit.kind}/${unit.value}`, unit.inputs]));
  const batches = batchesOf(plan, options.batchDays);
  const total = plan.build.length;
  const built = { requests: 0, usage: 0 };
  let batchesRun = 0;
  const summary = () => ({
    built: { ...built },
    removed: plan.remove.length,
    fresh: plan.fresh,
    batches: batchesRun,
    ms: Math.round(performance.now() - started),
    rawIncomplete,
    stale: total - built.requests - built.usage,
  });
  if (total === 0) return summary();

  const writer = await options.openWriter();
  let longestBatchMs = 0;
  options.onProgress?.({ done: 0, total, label: 'starting' });
  try {
    for (const batch of batches) {
      const remaining = options.remainingMs?.();
      if (remaining !== undefined && (remaining <= 0 || remaining < longestBatchMs)) break;
      const batchStarted = performance.now();
      await objects.removeStaging(staging);
      await objects.ensureFolders(tablesOfUnit(batch.kind).map((table) => `${staging}/${table.name}`));
      await writer.build(batch, staging);
      for (const value of batch.values) {
        const unit: CuratedUnit = { kind: batch.kind, value };
        for (const table of tablesOfUnit(batch.kind))
          await objects.replacePartition(staging, table.name, unitKey(unit));
        await objects.writeRecord({
          unit,
          sqlVersion,
          inputs: inputsOf.get(`${batch.kind}/${value}`)!,
          builtAt: new Date().toISOString(),
        });
        built[batch.kind] += 1;
      }
      batchesRun += 1;
      longestBatchMs = Math.max(longestBatchMs, performance.now() - batchStarted);
      options.onProgress?.({ done: built.requests + built.usage, total, label: batch.label });
    }
  } finally {
    await writer.close();
    await objects.removeStaging(staging);
  }
  return summary();
}
