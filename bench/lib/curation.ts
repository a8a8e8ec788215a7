// The curated layer's measures (docs/performance.md): curate from nothing, curate one new day
// into an up-to-date lake, and the yardstick: a bare DuckDB pass that writes the same year's
// deduplicated port requests to Parquet in one statement, with the engine's settings.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { curatedDirOf } from '#adapters/curation/curated-location.ts';
import { type CurateSummary, curateLake } from '#adapters/curation/duckdb-curator.ts';
import { sqlString } from '#sql/sql-string.ts';

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

/**
 * What a bare pass does, each in one statement over the whole lake, with no quarantine rules:
 * - requests: every port_requests row, the latest updated_at per port_id (the yardstick);
 * - leaver-usage: each leaver's usage over the three months before the month they left, as
 *   leaver_usage.sql sums it (every completed version a leaver, each usage row clean);
 * - exit-answers: every exit_reasons row, the latest collected_at per response_id.
 * The last two put the curate's other raw inputs beside the yardstick, each read as plainly. Not a
 * lower bound of a curate: the usage join in one statement builds a hash table of the year's
 * leavers (some 10 GB), which the curate's day batches never hold.
 */
export const BARE_PARTS = ['requests', 'leaver-usage', 'exit-answers'] as const;
export type BarePart = (typeof BARE_PARTS)[number];

function barePassSql(lakeDir: string, part: BarePart): string {
  const table = (name: string) =>
    `read_parquet(${sqlString(join(lakeDir, name, '*', '*.parquet'))}, hive_partitioning = true)`;
  const beijingDay = `CAST(CAST(completed_at AS TIMESTAMP) + INTERVAL '8' HOUR AS DATE)`;
  switch (part) {
    case 'requests':
      return (
        `SELECT * EXCLUDE (version_rank) FROM (` +
        `SELECT *, row_number() OVER (PARTITION BY port_id ORDER BY updated_at DESC) AS version_rank ` +
        `FROM ${table('port_requests')}) WHERE version_rank = 1`
      );
    case 'leaver-usage':
      return (
        `SELECT l.msisdn_hash, l.operator_code, l.leave_month, count(u.msisdn_hash) AS usage_months, ` +
        `sum(u.data_used_mb) AS data_used_mb, sum(u.data_allowance_mb) AS data_allowance_mb, ` +
        `sum(u.voice_used_min) AS voice_used_min, sum(u.voice_allowance_min) AS voice_allowance_min ` +
        `FROM (SELECT DISTINCT msisdn_hash, donor_operator AS operator_code, ` +
        `substr(CAST(${beijingDay} AS VARCHAR), 1, 7) AS leave_month, ` +
        `substr(CAST(${beijingDay} - INTERVAL '3' MONTH AS VARCHAR), 1, 7) AS first_usage_month ` +
        `FROM ${table('port_requests')} WHERE status = 'completed' AND completed_at IS NOT NULL) l ` +
        `JOIN ${table('usage_monthly')} u ON u.msisdn_hash = l.msisdn_hash AND u.operator_code = l.operator_code ` +
        `AND u."month" >= l.first_usage_month AND u."month" < l.leave_month ` +
        `GROUP BY l.msisdn_hash, l.operator_code, l.leave_month`
      );
    case 'exit-answers':
      return (
        `SELECT * EXCLUDE (copy_rank) FROM (` +
        `SELECT *, row_number() OVER (PARTITION BY response_id ORDER BY collected_at DESC) AS copy_rank ` +
        `FROM ${table('exit_reasons')}) WHERE copy_rank = 1`
      );
  }
}

/** One statement (see BARE_PARTS) to one Parquet file, with all the memory DuckDB wants. */
export async function barePass(lakeDir: string, outDir: string, part: BarePart = 'requests'): Promise<BareRun> {
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
  // As the engine reads the lake: its timestamps are UTC.
  await connection.run("SET TimeZone = 'UTC'");
  const out = join(outDir, `bare-${part}.parquet`);
  try {
    const started = performance.now();
    const reader = await connection.runAndReadAll(
      `COPY (${barePassSql(lakeDir, part)}) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION snappy)`,
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
