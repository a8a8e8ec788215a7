// The curated layer as a local folder: <curated>/<table>/<dt|month>=<value>/*.parquet, and the
// record of what each unit was built from under <curated>/_built_from/. Also the DuckDB view of
// a curated table over the files of a scan window (typed even when no file is there).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CURATED_SCAN_PARAMETERS, CURATED_TABLES, type CuratedTable } from '#core/curated-tables.ts';
import {
  type CuratedUnit,
  type CuratedUnitKind,
  type CurateRange,
  UNIT_KIND_NAMES,
  unitInRange,
} from '#core/curation.ts';
import type { QueryParameters } from '#core/ports.ts';
import { sqlString } from '#sql/sql-string.ts';

export const RECORDS_FOLDER = '_built_from';

async function namesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Whether a record (`requests/dt=2019-11-20.json`, under the records folder) is of a unit the range reads. */
export function recordInRange(path: string, range: CurateRange): boolean {
  const slash = path.indexOf('/');
  const kind = path.slice(0, slash);
  if (!(UNIT_KIND_NAMES as readonly string[]).includes(kind)) return false;
  const name = path.slice(slash + 1);
  const unit: CuratedUnit = {
    kind: kind as CuratedUnitKind,
    value: name.slice(name.indexOf('=') + 1, -'.json'.length),
  };
  return unitInRange(unit, range);
}

export async function curatedDataFiles(
  curatedDir: string,
  table: CuratedTable,
  from: string,
  to: string,
): Promise<string[]> {
  const prefix = `${table.partitionColumn}=`;
  const folders = (await namesIn(join(curatedDir, table.name))).filter(
    (name) => name.startsWith(prefix) && name.slice(prefix.length) >= from && name.slice(prefix.length) <= to,
  );
  const files = await Promise.all(
    folders.map(async (folder) =>
      (await namesIn(join(curatedDir, table.name, folder)))
        .filter((name) => name.endsWith('.parquet'))
        .map((name) => join(curatedDir, table.name, folder, name)),
    ),
  );
  return files.flat();
}

export function curatedViewSql(table: CuratedTable, files: readonly string[]): string {
  const select = table.columns.map(([name, type]) => `CAST("${name}" AS ${type}) AS "${name}"`);
  const partition = `"${table.partitionColumn}"`;
  if (files.length === 0) {
    return `SELECT ${table.columns.map(([name, type]) => `CAST(NULL AS ${type}) AS "${name}"`).join(', ')}, CAST(NULL AS VARCHAR) AS ${partition} WHERE false`;
  }
  return (
    `SELECT ${select.join(', ')}, ${partition} FROM read_parquet([${files.map(sqlString).join(', ')}], ` +
    `hive_partitioning = true, hive_types = {'${table.partitionColumn}': VARCHAR})`
  );
}

/** CREATE OR REPLACE TEMP VIEW statements for every curated table, over the query's scan window; with the files bound. */
export async function curatedViewStatements(
  curatedDir: string,
  parameters: QueryParameters,
  sql: string,
): Promise<{ statements: string[]; files: string[] }> {
  const statements: string[] = [];
  const files: string[] = [];
  // Only the tables the query names: the files bound are the files it opens.
  for (const table of CURATED_TABLES.filter((candidate) => new RegExp(`\\b${candidate.name}\\b`).test(sql))) {
    const [fromKey, toKey] = CURATED_SCAN_PARAMETERS[table.name]!;
    const from = parameters[fromKey];
    const to = parameters[toKey];
    const tableFiles =
      from === undefined || to === undefined ? [] : await curatedDataFiles(curatedDir, table, String(from), String(to));
    files.push(...tableFiles);
    statements.push(`CREATE OR REPLACE TEMP VIEW ${table.name} AS ${curatedViewSql(table, tableFiles)}`);
  }
  return { statements, files };
}
