// The curated layer's objects on a local file system: the raw lake folder (only read) and the
// curated folder with its records under _built_from/. Used by the DuckDB writer, and by the SQL
// writer over a Trino catalog whose locations are local:///absolute/path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CuratedUnit,
  CurateRange,
  FollowedTable,
  RawListing,
  RawPartitionFiles,
  UnitRecord,
} from '#core/curation.ts';
import { listFollowedTables, rawPartitionsFor, UNIT_KIND_NAMES, unitKey } from '#core/curation.ts';
import { lakeContract } from '#reference/index.ts';
import { entryIs, folderEntries, isPartitionValue, localFileVersion } from '../lake/fs-lake.ts';
import { RECORDS_FOLDER, recordInRange } from './curated-files.ts';
import { type CurationObjects, tracksRawFile, unitsWithPartitions } from './curation-run.ts';

// The listing and the records are read synchronously on purpose: a year is about two thousand
// small metadata calls and seven hundred small files, and the thread pool's round trip for
// each cost four to five times the call (docs/performance.md, "A new day").
function listRawTable(
  lakeDir: string,
  table: FollowedTable,
  bounds?: { from: string; to: string },
): RawPartitionFiles[] {
  const column = lakeContract[table].partition.column;
  const tableDir = join(lakeDir, table);
  const inBounds = (name: string) => {
    const value = name.slice(column.length + 1);
    return isPartitionValue(table, value) && (!bounds || (value >= bounds.from && value <= bounds.to));
  };
  const folders = folderEntries(tableDir)
    .filter(
      (entry) => entry.name.startsWith(`${column}=`) && inBounds(entry.name) && entryIs('folder', tableDir, entry),
    )
    .map((entry) => entry.name)
    .sort();
  return folders.map((folder) => ({
    value: folder.slice(column.length + 1),
    files: readdirSync(join(tableDir, folder))
      .filter(tracksRawFile)
      .sort()
      .map((name) => {
        const info = statSync(join(tableDir, folder, name));
        return { name, size: info.size, version: localFileVersion(info) };
      }),
  }));
}

/** Given a range, only the partitions its units depend on are read (their files stat'ed): a run's check costs what it reads. */
export function listRaw(lakeDir: string, range?: CurateRange): Promise<RawListing> {
  const bounds = range ? rawPartitionsFor(range) : undefined;
  return listFollowedTables(async (table) => listRawTable(lakeDir, table, bounds?.[table]));
}

const recordPath = (curatedDir: string, unit: CuratedUnit) =>
  join(curatedDir, RECORDS_FOLDER, unit.kind, `${unitKey(unit)}.json`);

/** Given a range, only the records of the units it reads: a run's check costs what it reads, not the lake. */
export async function readRecords(curatedDir: string, range?: CurateRange): Promise<Map<string, UnitRecord>> {
  const read = (path: string) => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as UnitRecord;
    } catch {
      return undefined; // an unreadable record is no record: the unit is rebuilt
    }
  };
  const records = new Map<string, UnitRecord>();
  for (const kind of UNIT_KIND_NAMES) {
    const dir = join(curatedDir, RECORDS_FOLDER, kind);
    const names = folderEntries(dir).map((entry) => entry.name);
    for (const name of names) {
      if (!name.endsWith('.json') || (range && !recordInRange(`${kind}/${name}`, range))) continue;
      const record = read(join(dir, name));
      if (record) records.set(`${record.unit.kind}/${unitKey(record.unit)}`, record);
    }
  }
  return records;
}

/** A local raw lake and curated folder as CurationObjects. */
export function fsCurationObjects(options: { lakeDir: string; curatedDir: string }): CurationObjects {
  const { lakeDir, curatedDir } = options;
  return {
    listRaw: (range) => listRaw(lakeDir, range),
    readRecords: (range) => readRecords(curatedDir, range),
    async writeRecord(record) {
      const path = recordPath(curatedDir, record.unit);
      await mkdir(join(curatedDir, RECORDS_FOLDER, record.unit.kind), { recursive: true });
      await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 1)}\n`);
      await rename(`${path}.tmp`, path);
    },
    async removeRecord(unit) {
      await rm(recordPath(curatedDir, unit), { force: true });
    },
    async removePartition(table, partition) {
      await rm(join(curatedDir, table, partition), { recursive: true, force: true });
    },
    async replacePartition(staging, table, partition) {
      const target = join(curatedDir, table, partition);
      await rm(target, { recursive: true, force: true });
      const staged = join(curatedDir, staging, table, partition);
      if (await stat(staged).catch(() => undefined)) {
        await mkdir(join(curatedDir, table), { recursive: true });
        await rename(staged, target);
      }
    },
    async removeStaging(staging) {
      await rm(join(curatedDir, staging), { recursive: true, force: true });
    },
    async ensureFolders(folders) {
      for (const folder of folders) await mkdir(join(curatedDir, folder), { recursive: true });
    },
    curatedUnits: (range) =>
      unitsWithPartitions(async (table) => folderEntries(join(curatedDir, table)).map((entry) => entry.name), range),
    // Synchronous: a curate checks every unit's, and a round trip through libuv's pool per file
    // would cost more than the listing.
    async outputsOf(unit, tables) {
      const outputs: Record<string, string[]> = {};
      for (const table of tables) {
        const dir = join(curatedDir, table, unitKey(unit));
        outputs[table] = folderEntries(dir)
          .map((entry) => `${entry.name}:${statSync(join(dir, entry.name)).size}`)
          .sort();
      }
      return outputs;
    },
  };
}
