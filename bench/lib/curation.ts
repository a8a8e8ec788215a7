// The curated layer's measures (docs/performance.md): curate from nothing, curate one new day
// into an up-to-date lake, and the yardstick: a bare DuckDB pass that writes the same year's
// deduplicated port requests to Parquet in one statement, with the engine's settings.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { curatedDirOf } from '#adapters/curation/curated-location.ts';
import { type CurateSummary, curateLake } from '#adapters/curation/duckdb-curator.ts';

export interface CurateRun {
  readonly wallMs: number;
  readonly summary: CurateSummary;
}

export async function curateOnce(
  lakeDir: string,
  curated: string | undefined,
  fromNothing: boolean,
): Promise<CurateRun> {
  const curatedDir = await curatedDirOf(lakeDir, curated);
  if (fromNothing) await rm(curatedDir, { recursive: true, force: true });
  const started = performance.now();
  const memoryLimit = process.env.MNP_DUCKDB_MEMORY_LIMIT?.trim();
  const summary = await curateLake({ lakeDir, curatedDir, ...(memoryLimit ? { memoryLimit } : {}) });
  return { wallMs: performance.now() - started, summary };
}

export interface BareRun {
  readonly wallMs: number;
  readonly rows: number;
}

/** One statement: every port_requests row of the lake, the latest updated_at per port_id, to Parquet. */
export async function bareDedupPass(lakeDir: string, outDir: string): Promise<BareRun> {
  const spill = join(tmpdir(), `mnp-bench-bare-${process.pid}`);
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    threads: '2',
    preserve_insertion_order: 'false',
    // DuckDB's own memory limit (80 % of the machine) unless MNP_DUCKDB_MEMORY_LIMIT says
    // otherwise: the one-statement window over a national year ran out of memory at 600 MB and
    // at 1 GB, and at 2 GB took 29 s against 18 s at 3 GB (spilling). The yardstick is the bare
    // pass at its fastest, with all the memory it wants; its peak is reported, not judged.
    ...(process.env.MNP_DUCKDB_MEMORY_LIMIT?.trim()
      ? { memory_limit: process.env.MNP_DUCKDB_MEMORY_LIMIT.trim() }
      : {}),
    temp_directory: spill,
  });
  const connection = await instance.connect();
  const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
  const out = join(outDir, 'port_requests_dedup.parquet');
  try {
    const started = performance.now();
    const reader = await connection.runAndReadAll(
      `COPY (SELECT * EXCLUDE (version_rank) FROM (` +
        `SELECT *, row_number() OVER (PARTITION BY port_id ORDER BY updated_at DESC) AS version_rank ` +
        `FROM read_parquet(${quote(join(lakeDir, 'port_requests', '*', '*.parquet'))}, hive_partitioning = true)` +
        `) WHERE version_rank = 1) TO ${quote(out)} (FORMAT parquet, COMPRESSION snappy)`,
    );
    const rows = Number(reader.getRowObjectsJson()[0]?.['Count'] ?? Number.NaN);
    return { wallMs: performance.now() - started, rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(spill, { recursive: true, force: true });
    await rm(out, { force: true });
  }
}
