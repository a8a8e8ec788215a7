// The lake as a local folder: partition folders, their _SUCCESS markers and their data files.
// Files whose name starts with '_' or '.' are not data, as in Athena.
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LakeError, LakeNotFoundError } from '#core/errors.ts';
import { isCalendarDate, isCalendarMonth } from '#core/period.ts';
import type { LakeInventory, LakeTable, PartitionState } from '#core/ports.ts';
import { lakeContract } from '#reference/index.ts';

export const SUCCESS_MARKER = '_SUCCESS';

export function isDataFileName(name: string): boolean {
  return !name.startsWith('_') && !name.startsWith('.');
}

/**
 * A local file's version as the curated layer's records keep it (in S3, the ETag): its
 * modification time in whole milliseconds and its inode. With its size, what tells a changed
 * file: the inode tells a file replaced by one of the same size and modification time (rsync -a,
 * tar x and other writers that rename a new file into place keep the time they copy). Not the
 * change time, which chmod and a hard link move too: a lake made read-only would be rebuilt whole.
 */
export function localFileVersion(info: { readonly mtimeMs: number; readonly ino: number }): string {
  return `${Math.trunc(info.mtimeMs)}.${info.ino}`;
}

/**
 * Whether a partition folder's value is one the table can hold: a calendar date (dt) or month.
 * Any other folder (dt=2019-12-15.tmp, dt=latest) is not a partition: Athena's partition
 * projection never reads it, so no engine does, and `curate` and the runs name it in a warning.
 */
export function isPartitionValue(table: LakeTable, value: string): boolean {
  return lakeContract[table].partition.kind === 'day' ? isCalendarDate(value) : isCalendarMonth(value);
}

/** The folders under each table that look like partitions but are not ("port_requests/dt=latest"). */
export async function strayPartitionFolders(lakeDir: string): Promise<string[]> {
  const stray: string[] = [];
  for (const table of Object.keys(lakeContract) as LakeTable[]) {
    const prefix = `${lakeContract[table].partition.column}=`;
    const tableDir = join(lakeDir, table);
    for (const entry of folderEntries(tableDir))
      if (
        entryIs('folder', tableDir, entry) &&
        entry.name.startsWith(prefix) &&
        !isPartitionValue(table, entry.name.slice(prefix.length))
      )
        stray.push(`${table}/${entry.name}`);
  }
  return stray.sort();
}

/**
 * A folder's entries, read synchronously on purpose: a lake listing is hundreds of small
 * metadata calls, and the thread pool's round trip for each cost four to five times the call
 * (docs/performance.md, "A new day"). A missing folder has no entries (a table with no partition
 * yet); any other failure, such as a folder that cannot be read, is thrown, never read as empty.
 */
export function folderEntries(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Whether a folder entry is a file or a folder, a symbolic link counting as what it points to:
 * loaders that stage files elsewhere (git-annex, DVC, a shared store) link them into place, and
 * DuckDB and Athena read through the link. A link that points nowhere is an error naming it,
 * never a partition or file quietly left out.
 */
export function entryIs(kind: 'file' | 'folder', dir: string, entry: Dirent): boolean {
  if (!entry.isSymbolicLink()) return kind === 'file' ? entry.isFile() : entry.isDirectory();
  const path = join(dir, entry.name);
  const target = statSync(path, { throwIfNoEntry: false });
  if (!target) throw new LakeError(`${path} is a symbolic link to nothing: restore its target or remove it`);
  return kind === 'file' ? target.isFile() : target.isDirectory();
}

/**
 * That the lake folder exists and is a lake. An empty folder is a lake nothing has landed in yet
 * (the runs say so and hold); a folder that holds other things but none of the lake's tables is a
 * mistyped --lake (the repository, a home folder), named here rather than curated or held forever.
 */
export async function assertLakeFolder(lakeDir: string): Promise<void> {
  const info = await stat(lakeDir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new LakeNotFoundError(
      `no lake at ${lakeDir}: create one with "mnp-briefings generate --lake ${lakeDir}" or pass --lake`,
    );
  }
  const entries = folderEntries(lakeDir).filter((entry) => isDataFileName(entry.name));
  const tables = Object.keys(lakeContract);
  if (
    entries.length > 0 &&
    !entries.some((entry) => tables.includes(entry.name) && entryIs('folder', lakeDir, entry))
  ) {
    throw new LakeNotFoundError(
      `${lakeDir} is not a lake: it holds none of its tables (${tables.map((table) => `${table}/`).join(', ')}); pass --lake`,
    );
  }
}

export class FsLake implements LakeInventory {
  constructor(readonly lakeDir: string) {}

  partitionDir(table: LakeTable, value: string): string {
    return join(this.lakeDir, table, `${lakeContract[table].partition.column}=${value}`);
  }

  async listPartitions(table: LakeTable): Promise<PartitionState[]> {
    const prefix = `${lakeContract[table].partition.column}=`;
    const tableDir = join(this.lakeDir, table);
    const folders = folderEntries(tableDir)
      .filter((entry) => entry.name.startsWith(prefix) && entryIs('folder', tableDir, entry))
      .map((entry) => entry.name.slice(prefix.length))
      .filter((value) => isPartitionValue(table, value))
      .sort();
    return Promise.all(
      folders.map(async (value) => {
        const names = folderEntries(this.partitionDir(table, value)).map((entry) => entry.name);
        return { table, value, complete: names.includes(SUCCESS_MARKER) };
      }),
    );
  }

  /** Data files of the partitions whose value lies in [from, to], in a stable order. */
  async dataFiles(table: LakeTable, from: string, to: string): Promise<string[]> {
    const partitions = (await this.listPartitions(table)).filter((p) => p.value >= from && p.value <= to);
    const perPartition = await Promise.all(
      partitions.map(async ({ value }) => {
        const dir = this.partitionDir(table, value);
        return folderEntries(dir)
          .filter((entry) => isDataFileName(entry.name) && entryIs('file', dir, entry))
          .map((entry) => join(dir, entry.name))
          .sort();
      }),
    );
    return perPartition.flat();
  }
}
