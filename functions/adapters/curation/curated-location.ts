// Where a local lake's curated layer lives: `--curated DIR` or MNP_CURATED_DIR when given; else
// <lake>/_curated beside the raw table folders (a name starting with '_' is not a table to any
// reader of the lake, Athena included); and where the lake cannot be written (a read-only copy
// or mount), a folder of the user's cache named after the lake's path, so that `curate` and the
// runs find the same layer without being told.
import { createHash } from 'node:crypto';
import { constants, realpathSync } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ConfigurationError } from '#core/errors.ts';
import { lakeTables } from '#reference/index.ts';

export const CURATED_FOLDER = '_curated';

/** The layer's folder when the lake cannot hold it: $XDG_CACHE_HOME (or ~/.cache)/mnp-briefings/curated/<lake path digest>. */
export function cachedCuratedDir(lakeDir: string): string {
  const cacheRoot = process.env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache');
  const lakeDigest = createHash('sha256').update(resolve(lakeDir)).digest('hex').slice(0, 16);
  return join(cacheRoot, 'mnp-briefings', 'curated', lakeDigest);
}

async function canWrite(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A path with the symbolic links of its existing part resolved (the rest may not exist yet). */
function physicalPath(path: string): string {
  const absolute = resolve(path);
  const rest: string[] = [];
  for (let existing = absolute; ; existing = dirname(existing)) {
    try {
      return join(realpathSync(existing), ...rest);
    } catch {
      if (dirname(existing) === existing) return absolute;
      rest.unshift(basename(existing));
    }
  }
}

/**
 * A chosen folder that would write curated tables among the raw ones: the lake's root itself, or
 * a folder inside a raw table's (the raw folders are only ever read). <lake>/_curated is fine.
 */
function assertOutsideRawTables(lakeDir: string, chosen: string): void {
  const lake = physicalPath(lakeDir);
  const curated = physicalPath(chosen);
  const rawTable = lakeTables.find((table) => {
    const folder = join(lake, table);
    return curated === folder || curated.startsWith(`${folder}${sep}`);
  });
  if (curated === lake || rawTable)
    throw new ConfigurationError(
      `--curated ${chosen}: ${rawTable ? `inside the raw table folder ${rawTable}/` : 'the lake folder itself'}; the curated tables would sit among the raw ones, which are only ever read: choose another folder (the default is ${join(lakeDir, CURATED_FOLDER)})`,
    );
}

export async function curatedDirOf(lakeDir: string, explicit?: string): Promise<string> {
  const chosen = explicit ?? process.env.MNP_CURATED_DIR?.trim();
  if (chosen) {
    assertOutsideRawTables(lakeDir, chosen);
    return chosen;
  }
  const beside = join(lakeDir, CURATED_FOLDER);
  return (await canWrite(beside)) ? beside : cachedCuratedDir(lakeDir);
}
