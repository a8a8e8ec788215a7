// Writes the curated layer of a local lake with DuckDB (docs/curated-layer.md): lists the raw
// files, asks the core which curated units are stale, builds them in batches of consecutive
// days with the shared build SQL, swaps each partition into place, and records what it was
// built from. The raw lake is only read. A unit's record is written after its partitions, so
// an interrupted curate leaves it stale, never falsely fresh.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CURATED_TABLES } from '#core/curated-tables.ts';
import {
  batchDates,
  type CuratedUnit,
  planCuration,
  type RawListing,
  type RawPartitionFiles,
  requestsReadRange,
  type UnitRecord,
  unitKey,
  usageReadRange,
} from '#core/curation.ts';
import { LakeError } from '#core/errors.ts';
import type { QueryParameters } from '#core/ports.ts';
import { lakeContract } from '#reference/index.ts';
import { compileCuratedBuild } from '#sql/curated-catalog.ts';
import { DuckDbEngine } from '../engine/duckdb.ts';
import { assertLakeFolder } from '../lake/fs-lake.ts';
import { RECORDS_FOLDER } from './curated-files.ts';

export interface CurateOptions {
  readonly lakeDir: string;
  readonly curatedDir: string;
  /** Rebuild every unit, fresh or not. */
  readonly rebuild?: boolean;
  readonly memoryLimit?: string;
  /** Days built in one DuckDB pass at most (default MAX_BATCH_DAYS). */
  readonly batchDays?: number;
  /** Called before the work starts (total units) and after each batch (units done). */
  readonly onProgress?: (event: { done: number; total: number; label: string }) => void;
}

export interface CurateSummary {
  readonly built: { readonly requests: number; readonly usage: number };
  readonly removed: number;
  readonly fresh: number;
  readonly batches: number;
  readonly ms: number;
  /** Raw partitions without _SUCCESS: curated from what is there, still held by the reports. */
  readonly rawIncomplete: number;
}

const SUCCESS = '_SUCCESS';

async function listRawTable(lakeDir: string, table: 'port_requests' | 'usage_monthly'): Promise<RawPartitionFiles[]> {
  const column = lakeContract[table].partition.column;
  const tableDir = join(lakeDir, table);
  const folders = (await readdir(tableDir, { withFileTypes: true }).catch(() => []))
    .filter((entry) => entry.isDirectory() && entry.name.startsWith(`${column}=`))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    folders.map(async (folder) => {
      const names = (await readdir(join(tableDir, folder))).filter((name) => !name.startsWith('.')).sort();
      const files = await Promise.all(
        names.map(async (name) => {
          const info = await stat(join(tableDir, folder, name));
          return { name, size: info.size, version: String(Math.trunc(info.mtimeMs)) };
        }),
      );
      return {
        value: folder.slice(column.length + 1),
        files: files.filter((file) => file.name === SUCCESS || !file.name.startsWith('_')),
      };
    }),
  );
}

export async function listRaw(lakeDir: string): Promise<RawListing> {
  const [portRequests, usage] = await Promise.all([
    listRawTable(lakeDir, 'port_requests'),
    listRawTable(lakeDir, 'usage_monthly'),
  ]);
  return { port_requests: portRequests, usage_monthly: usage };
}

const recordPath = (curatedDir: string, unit: CuratedUnit) =>
  join(curatedDir, RECORDS_FOLDER, unit.kind, `${unitKey(unit)}.json`);

export async function readRecords(curatedDir: string): Promise<Map<string, UnitRecord>> {
  const records = new Map<string, UnitRecord>();
  for (const kind of ['requests', 'usage'] as const) {
    const dir = join(curatedDir, RECORDS_FOLDER, kind);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((file) => file.endsWith('.json'))) {
      try {
        const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as UnitRecord;
        records.set(`${record.unit.kind}/${unitKey(record.unit)}`, record);
      } catch {
        // an unreadable record is no record: the unit is rebuilt
      }
    }
  }
  return records;
}

const BUILD_FILES = {
  placed: 'curated/fragments/port_requests_placed.sql',
  leaverUsage: 'curated/fragments/leaver_usage.sql',
} as const;
const TEMP = { port_requests_placed: 'curated_placed', leaver_usage: 'curated_leaver_usage' } as const;
const buildFile = (table: string) => `curated/build/${table}.sql`;

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

async function swapPartition(stagingDir: string, curatedDir: string, table: string, folder: string): Promise<void> {
  const target = join(curatedDir, table, folder);
  await rm(target, { recursive: true, force: true });
  const staged = join(stagingDir, table, folder);
  if (await stat(staged).catch(() => undefined)) {
    await mkdir(join(curatedDir, table), { recursive: true });
    await rename(staged, target);
  }
}

async function writeRecord(curatedDir: string, record: UnitRecord): Promise<void> {
  const path = recordPath(curatedDir, record.unit);
  await mkdir(join(curatedDir, RECORDS_FOLDER, record.unit.kind), { recursive: true });
  await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 1)}\n`);
  await rename(`${path}.tmp`, path);
}

const copyTo = (sql: string, dir: string, column: string) =>
  `COPY (${sql}) TO '${dir.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY ("${column}"), OVERWRITE_OR_IGNORE)`;

export async function curateLake(options: CurateOptions): Promise<CurateSummary> {
  const started = performance.now();
  await assertLakeFolder(options.lakeDir);
  const [raw, records] = await Promise.all([listRaw(options.lakeDir), readRecords(options.curatedDir)]);
  const sqlVersion = curatedSqlVersion();
  const plan = planCuration(raw, records, sqlVersion, { rebuild: options.rebuild === true });
  const rawIncomplete = [...raw.port_requests, ...raw.usage_monthly].filter(
    (partition) => !partition.files.some((file) => file.name === SUCCESS),
  ).length;
  for (const unit of plan.remove) {
    const tables = CURATED_TABLES.filter((table) => (table.follows === 'port_requests') === (unit.kind === 'requests'));
    for (const table of tables)
      await rm(join(options.curatedDir, table.name, unitKey(unit)), { recursive: true, force: true });
    await rm(recordPath(options.curatedDir, unit), { force: true });
  }
  const requestUnits = new Map(plan.build.filter((unit) => unit.kind === 'requests').map((unit) => [unit.value, unit]));
  const usageUnits = plan.build.filter((unit) => unit.kind === 'usage');
  const batches = batchDates([...requestUnits.keys()], options.batchDays);
  const total = plan.build.length;
  const summary = (batchCount: number): CurateSummary => ({
    built: { requests: requestUnits.size, usage: usageUnits.length },
    removed: plan.remove.length,
    fresh: plan.fresh,
    batches: batchCount,
    ms: Math.round(performance.now() - started),
    rawIncomplete,
  });
  if (total === 0) return summary(0);

  await mkdir(options.curatedDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new LakeError(
      `cannot write the curated layer at ${options.curatedDir} (${error.code}): give a writable place with --curated DIR`,
      { cause: error },
    );
  });
  const stagingDir = join(options.curatedDir, `.staging-${process.pid}`);
  const engine = await DuckDbEngine.open({
    lakeDir: options.lakeDir,
    ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
  });
  let done = 0;
  options.onProgress?.({ done, total, label: 'starting' });
  try {
    for (const batch of batches) {
      const days = requestsReadRange(batch.from, batch.to);
      const months = usageReadRange(batch.from, batch.to);
      const parameters: QueryParameters = {
        requests_from_dt: days.from,
        requests_to_dt: days.to,
        target_from_dt: batch.from,
        target_to_dt: batch.to,
        usage_from_month: months.from,
        usage_to_month: months.to,
      };
      await rm(stagingDir, { recursive: true, force: true });
      await mkdir(stagingDir, { recursive: true });
      await engine.runStatements(parameters, async (connection) => {
        const placed = compileCuratedBuild(BUILD_FILES.placed, parameters);
        await connection.run(
          `CREATE OR REPLACE TEMP TABLE ${TEMP.port_requests_placed} AS ${placed.sql}`,
          placed.values,
        );
        const usage = compileCuratedBuild(BUILD_FILES.leaverUsage, parameters, {
          port_requests_placed: TEMP.port_requests_placed,
        });
        await connection.run(`CREATE OR REPLACE TEMP TABLE ${TEMP.leaver_usage} AS ${usage.sql}`, usage.values);
        for (const table of CURATED_TABLES.filter((candidate) => candidate.follows === 'port_requests')) {
          const build = compileCuratedBuild(buildFile(table.name), parameters, TEMP);
          await connection.run(copyTo(build.sql, join(stagingDir, table.name), table.partitionColumn), build.values);
        }
        await connection.run(`DROP TABLE ${TEMP.port_requests_placed}`);
        await connection.run(`DROP TABLE ${TEMP.leaver_usage}`);
      });
      for (const date of batch.dates) {
        for (const table of CURATED_TABLES.filter((candidate) => candidate.follows === 'port_requests'))
          await swapPartition(stagingDir, options.curatedDir, table.name, `dt=${date}`);
        const unit = requestUnits.get(date)!;
        await writeRecord(options.curatedDir, {
          unit: { kind: 'requests', value: date },
          sqlVersion,
          inputs: unit.inputs,
          builtAt: new Date().toISOString(),
        });
      }
      done += batch.dates.length;
      options.onProgress?.({ done, total, label: `dt ${batch.from}..${batch.to}` });
    }
    for (const unit of usageUnits) {
      const parameters: QueryParameters = { usage_from_month: unit.value, usage_to_month: unit.value };
      await rm(stagingDir, { recursive: true, force: true });
      await mkdir(stagingDir, { recursive: true });
      await engine.runStatements(parameters, async (connection) => {
        for (const table of CURATED_TABLES.filter((candidate) => candidate.follows === 'usage_monthly')) {
          const build = compileCuratedBuild(buildFile(table.name), parameters);
          await connection.run(copyTo(build.sql, join(stagingDir, table.name), table.partitionColumn), build.values);
        }
      });
      for (const table of CURATED_TABLES.filter((candidate) => candidate.follows === 'usage_monthly'))
        await swapPartition(stagingDir, options.curatedDir, table.name, `month=${unit.value}`);
      await writeRecord(options.curatedDir, {
        unit: { kind: 'usage', value: unit.value },
        sqlVersion,
        inputs: unit.inputs,
        builtAt: new Date().toISOString(),
      });
      done += 1;
      options.onProgress?.({ done, total, label: `month ${unit.value}` });
    }
  } finally {
    await engine.close();
    await rm(stagingDir, { recursive: true, force: true });
  }
  return summary(batches.length + usageUnits.length);
}
