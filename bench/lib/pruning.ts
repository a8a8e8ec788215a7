// The partition-pruning proof: a copy of a lake (hard links, so no bytes are copied) in which
// every data file of a partition the report's plan does not read is replaced by garbage. If
// the engine opened any of them the run would fail; so a run that succeeds with the same
// figures as on the intact lake shows that it never did. A control then poisons one file the
// plan does read, in the copy only, and the run must fail.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePeriod } from '#core/period.ts';
import type { LakeTable } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';

export interface PoisonedLake {
  readonly dir: string;
  readonly partitionsKept: number;
  readonly partitionsPoisoned: number;
  readonly dataFilesKept: number;
  readonly dataFilesPoisoned: number;
  /** A data file the plan reads, to poison for the control run. */
  readonly controlFile: string;
}

const GARBAGE_HEADER = Buffer.from(
  'NOT PARQUET: this partition is outside the query plan; the benchmark made it unreadable.\n',
);

export function partitionsScannedBy(
  reportId: string,
  periodId: string,
): Readonly<Record<LakeTable, readonly string[]>> {
  return planQueries(parsePeriod(periodId), reportDefinition(reportId).trend).partitionsScanned;
}

export async function buildPoisonedLake(
  sourceDir: string,
  targetDir: string,
  reportId: string,
  periodId: string,
): Promise<PoisonedLake> {
  const read = partitionsScannedBy(reportId, periodId);
  await rm(targetDir, { recursive: true, force: true });
  let partitionsKept = 0;
  let partitionsPoisoned = 0;
  let dataFilesKept = 0;
  let dataFilesPoisoned = 0;
  let controlFile = '';
  for (const table of Object.keys(read) as LakeTable[]) {
    const wanted = new Set(read[table]);
    for (const partition of (await readdir(join(sourceDir, table))).sort()) {
      const value = partition.slice(partition.indexOf('=') + 1);
      const keep = wanted.has(value);
      if (keep) partitionsKept += 1;
      else partitionsPoisoned += 1;
      const from = join(sourceDir, table, partition);
      const to = join(targetDir, table, partition);
      await mkdir(to, { recursive: true });
      for (const file of await readdir(from)) {
        if (file.startsWith('_') || keep) {
          await link(join(from, file), join(to, file));
          if (!file.startsWith('_')) {
            dataFilesKept += 1;
            if (table === 'port_requests') controlFile = join(to, file);
          }
        } else {
          await writeFile(join(to, file), Buffer.concat([GARBAGE_HEADER, randomBytes(256)]));
          dataFilesPoisoned += 1;
        }
      }
    }
  }
  return { dir: targetDir, partitionsKept, partitionsPoisoned, dataFilesKept, dataFilesPoisoned, controlFile };
}

/** Poisons one file of the copy: unlinked first, so that the hard-linked original stays whole. */
export async function poisonControlFile(file: string): Promise<void> {
  await unlink(file);
  await writeFile(file, Buffer.concat([GARBAGE_HEADER, randomBytes(256)]));
}

/** The first path at which two JSON values differ, or undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) return path;
  if (a && typeof a === 'object') {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    for (const key of keys) {
      const found = firstDifference(left[key], right[key], `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : path;
}

export async function readBriefingJson(
  outDir: string,
  reportId: string,
  periodId: string,
  audience: string,
): Promise<unknown> {
  return JSON.parse(await readFile(join(outDir, reportId, periodId, audience, 'briefing.json'), 'utf8'));
}
