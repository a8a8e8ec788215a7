// The report archive as a local folder (OUT/<report>/<period>/<audience>/...). Writes go to a
// temporary file first and are renamed into place, so a reader never sees half a report.
import { constants } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { ArchiveError } from '#core/errors.ts';
import type { ReportStore } from '#core/ports.ts';

/**
 * Node's recursive mkdir reports ENOENT where the folder it would make lies on a read-only file
 * system: the nearest folder that exists says what is wrong (EROFS, EACCES).
 */
async function unwritableAncestor(folder: string): Promise<string | undefined> {
  for (let existing = folder; ; existing = dirname(existing)) {
    try {
      await access(existing, constants.F_OK);
    } catch {
      if (dirname(existing) === existing) return undefined;
      continue;
    }
    try {
      await access(existing, constants.W_OK);
      return undefined;
    } catch (error) {
      return `${existing} cannot be written (${(error as NodeJS.ErrnoException).code}: a read-only file system or folder?)`;
    }
  }
}

export class FsReportStore implements ReportStore {
  constructor(readonly rootDir: string) {}

  private pathOf(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === ''))
      throw new ArchiveError(`invalid archive key ${key}`);
    return join(this.rootDir, ...key.split('/'));
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temporary, body);
      await rename(temporary, path);
    } catch (error) {
      const why = (await unwritableAncestor(dirname(path))) ?? (error as Error).message;
      throw new ArchiveError(`could not write ${path}: ${why}`, { cause: error });
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    // Walk only the folder the prefix names (an audience's sent/ versions, say), not the whole archive.
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    if (folder.split('/').some((part) => part === '..')) throw new ArchiveError(`invalid archive prefix ${prefix}`);
    const entries = await readdir(join(this.rootDir, ...folder.split('/').filter(Boolean)), {
      recursive: true,
      withFileTypes: true,
    }).catch(() => []);
    return entries
      .filter((entry) => entry.isFile() && !entry.name.endsWith('.tmp'))
      .map((entry) => relative(this.rootDir, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix))
      .sort();
  }

  locate(key: string): string {
    return this.pathOf(key);
  }
}
