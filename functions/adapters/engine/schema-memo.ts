// What the engine learnt of raw files' Parquet schemas, kept by path, size and modification time
// (the stamps the curated layer's records trust), so that a curate reads the footers of the files
// it has not seen before, not those of a year of earlier exit-answer days again for each new day
// (docs/performance.md, "A new day"). Only a memo: a file whose stamp changed, or a memo that
// cannot be read, is read and checked again. It records only files that passed the contract check.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { localFileVersion } from '../lake/fs-lake.ts';
import type { FileColumns } from './parquet-schema.ts';

export interface KnownSchema {
  readonly columns: FileColumns;
  /** The Parquet schema as one string: files with the same one are read alike. */
  readonly signature: string;
}

/** The memo's file in the curated folder. */
export const SCHEMA_MEMO_FILE = '_raw_schemas.json';

const MEMO_FORMAT = 2;

interface MemoFile {
  readonly format: number;
  readonly schemas: readonly { readonly signature: string; readonly columns: readonly [string, string][] }[];
  /** By path under the lake folder: its stamp (fileStamp) and the index of its schema. */
  readonly files: Readonly<Record<string, readonly [string, number]>>;
}

/** A file's size and version, as the records take them; undefined when it cannot be stat'ed. */
export function fileStamp(path: string): string | undefined {
  try {
    const info = statSync(path);
    return `${info.size}:${localFileVersion(info)}`;
  } catch {
    return undefined;
  }
}

export class SchemaMemo {
  private readonly known = new Map<string, { readonly stamp: string; readonly schema: KnownSchema }>();
  private changed = false;

  private constructor(
    private readonly memoFile: string,
    private readonly lakeDir: string,
  ) {}

  /** The memo in memoFile (empty when there is none, or it is not one this code wrote). */
  static open(memoFile: string, lakeDir: string, options: { readonly forget?: boolean } = {}): SchemaMemo {
    const memo = new SchemaMemo(memoFile, lakeDir);
    if (options.forget) return memo;
    try {
      const stored = JSON.parse(readFileSync(memoFile, 'utf8')) as MemoFile;
      if (stored.format !== MEMO_FORMAT) return memo;
      const schemas = stored.schemas.map(
        (schema): KnownSchema => ({ signature: schema.signature, columns: new Map(schema.columns) }),
      );
      for (const [path, [stamp, index]] of Object.entries(stored.files)) {
        const schema = schemas[index];
        if (schema) memo.known.set(join(lakeDir, path), { stamp, schema });
      }
    } catch {
      // none yet, or unreadable: every file is read as if never seen
    }
    return memo;
  }

  /** The schema read from the file when it had this stamp, if any. */
  schemaOf(path: string, stamp: string): KnownSchema | undefined {
    const entry = this.known.get(path);
    return entry?.stamp === stamp ? entry.schema : undefined;
  }

  remember(path: string, stamp: string, schema: KnownSchema): void {
    this.known.set(path, { stamp, schema });
    this.changed = true;
  }

  /** Writes the memo if it learnt anything, leaving out files that are gone. */
  save(): void {
    if (!this.changed) return;
    const indexOf = new Map<string, number>();
    const schemas: MemoFile['schemas'][number][] = [];
    const files: Record<string, readonly [string, number]> = {};
    for (const [path, { stamp, schema }] of this.known) {
      if (!existsSync(path)) continue;
      let index = indexOf.get(schema.signature);
      if (index === undefined) {
        index = schemas.length;
        indexOf.set(schema.signature, index);
        schemas.push({ signature: schema.signature, columns: [...schema.columns] });
      }
      files[relative(this.lakeDir, path)] = [stamp, index];
    }
    const memo: MemoFile = { format: MEMO_FORMAT, schemas, files };
    const temporary = `${this.memoFile}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(memo));
      renameSync(temporary, this.memoFile);
      this.changed = false;
    } catch {
      // a memo that cannot be written costs the next curate its footers, nothing else
    }
  }
}
