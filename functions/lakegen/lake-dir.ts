// Makes the target folder ready for a lake without ever clobbering something else: an empty or
// missing folder is fine, an existing lake gets its tables replaced, anything else is refused.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LakeDirNotUsableError } from './errors.ts';

/** Files starting with "_" or "." are not data (the Athena convention), so a lake may hold them. */
function belongsToLake(entry: string, tables: readonly string[]): boolean {
  return tables.includes(entry) || entry.startsWith('_') || entry.startsWith('.');
}

async function existingEntries(lakeDir: string): Promise<string[] | undefined> {
  try {
    const info = await stat(lakeDir);
    if (!info.isDirectory()) throw new LakeDirNotUsableError(`${lakeDir} exists and is not a folder`, lakeDir);
    return await readdir(lakeDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Replaces the tables of an existing lake. */
export async function prepareLakeDir(lakeDir: string, tables: readonly string[]): Promise<void> {
  const entries = await existingEntries(lakeDir);
  if (entries === undefined) {
    await mkdir(lakeDir, { recursive: true });
    return;
  }
  const foreign = entries.filter((entry) => !belongsToLake(entry, tables));
  if (foreign.length > 0) {
    throw new LakeDirNotUsableError(
      `refusing to write a lake into ${lakeDir}: it is not empty and does not look like a lake ` +
        `(found ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); use an empty folder or an existing lake`,
      lakeDir,
    );
  }
  for (const table of tables) await rm(join(lakeDir, table), { recursive: true, force: true });
}
