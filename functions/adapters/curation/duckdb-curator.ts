// Writes the curated layer of a local lake with DuckDB (docs/curated-layer.md): lists the raw
// files, asks the core which curated units are stale, builds them in batches of consecutive
// days with the shared build SQL, swaps each partition into place, and records what it was
// built from. The raw lake is only read. A unit's record is written after its partitions, so
// an interrupted curate leaves it stale, never falsely fresh.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CurateRange, CurateSummary } from '#core/curation.ts';
import { UNIT_KINDS } from '#core/curation.ts';
import type { LakeTable } from '#core/ports.ts';
import { compileCuratedBuild } from '#sql/curated-catalog.ts';
import { sqlString } from '#sql/sql-string.ts';
import { DuckDbEngine } from '../engine/duckdb.ts';
import { SCHEMA_MEMO_FILE } from '../engine/schema-memo.ts';
import { assertLakeFolder } from '../lake/fs-lake.ts';
import { curatedViewStatements } from './curated-files.ts';
import { type CuratedLock, lockCuratedLayer } from './curated-lock.ts';
import { buildFile, fragmentFile, runCuration, SHARED_FRAGMENTS, tablesOfUnit } from './curation-run.ts';
import { fsCurationObjects } from './fs-curation-objects.ts';

export type { CurateSummary } from '#core/curation.ts';
export { curatedSqlVersion } from './curation-run.ts';

export interface CurateOptions {
  readonly lakeDir: string;
  readonly curatedDir: string;
  /** Rebuild every unit, fresh or not. */
  readonly rebuild?: boolean;
  /** Only the units a run reads (a report's check before its queries); the rest stay as they are. */
  readonly range?: CurateRange;
  readonly memoryLimit?: string;
  /** Days built in one DuckDB pass at most (default: each unit kind's maxBatch). */
  readonly batchDays?: number;
  /** Called before the work starts (total units) and after each batch (units done). */
  readonly onProgress?: (event: { done: number; total: number; label: string }) => void;
  /**
   * The writer's lock (curated-lock.ts): `held` when the caller holds it (a run, from its check
   * to its end); otherwise taken here for the curate, waiting for another holder up to waitMs.
   */
  readonly lock?: { readonly held: CuratedLock } | { readonly waitMs: number; readonly onWait?: () => void };
}

/** How long `curate` waits by default for another curate or run to finish with the layer. */
export const CURATE_LOCK_WAIT_MS = 30 * 60_000;

const tempTableOf = (fragment: string) => `curated_${fragment}`;
const SPREAD_CHANGED_FILE = 'curated/checks/spread_changed.sql';

/**
 * Fragments built over a raw view narrowed to the rows they can join. The leavers' usage joins
 * three usage months (some 14 M rows for a batch of eleven days) to the batch's leavers, whom
 * some 1.3 M of them match, and DuckDB runs the contract's checks on every usage row before the
 * join, which costs more than the join. Over the usage of the numbers of the batch's clean
 * completed requests (every leaver is one: leaver_usage.sql), the checks run on the rows that
 * can match, and a batch without a completed port reads no usage; the same rows come out. The
 * SQL writer inlines the fragments instead, for its engine to plan (docs/performance.md).
 */
const NARROWED_VIEWS: Readonly<Record<string, { readonly table: LakeTable; readonly predicate: string }>> = {
  leaver_usage: {
    table: 'usage_monthly',
    predicate:
      `msisdn_hash IN (SELECT msisdn_hash FROM ${tempTableOf('port_requests_placed')} ` +
      `WHERE quarantine_reason IS NULL AND status = 'completed')`,
  },
};

const copyTo = (sql: string, dir: string, column: string) =>
  `COPY (${sql}) TO ${sqlString(dir)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY ("${column}"), OVERWRITE_OR_IGNORE)`;

export async function curateLake(options: CurateOptions): Promise<CurateSummary> {
  await assertLakeFolder(options.lakeDir);
  if (options.lock && 'held' in options.lock) return curateLocked(options, options.lock.held);
  const held = await lockCuratedLayer(options.curatedDir, options.lock ?? { waitMs: CURATE_LOCK_WAIT_MS });
  try {
    return await curateLocked(options, held);
  } finally {
    await held.release();
  }
}

/**
 * The staging folders are the writers': a writer stopped long enough to lose the lock may still
 * be writing into its own when it resumes, so each holder stages in one named by its token, and
 * clears what earlier holders (killed, or stopped and taken over) left.
 */
const STAGING_PREFIX = '.staging';

async function clearOtherStaging(curatedDir: string, ours: string): Promise<void> {
  const names = await readdir(curatedDir).catch(() => [] as string[]);
  for (const name of names)
    if (name.startsWith(STAGING_PREFIX) && name !== ours)
      await rm(join(curatedDir, name), { recursive: true, force: true });
}

async function curateLocked(options: CurateOptions, lock: CuratedLock): Promise<CurateSummary> {
  const staging = `${STAGING_PREFIX}-${lock.token}`;
  lock.assertHeld();
  await clearOtherStaging(options.curatedDir, staging);
  const { stale: _stale, ...summary } = await runCuration({
    objects: fsCurationObjects({ lakeDir: options.lakeDir, curatedDir: options.curatedDir }),
    staging,
    fence: () => lock.assertHeld(),
    ...(options.rebuild ? { rebuild: true } : {}),
    ...(options.range ? { range: options.range } : {}),
    ...(options.batchDays ? { batchDays: options.batchDays } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    // The folder exists: lockCuratedLayer made it (here, or for the run that holds the lock).
    openWriter: async () => {
      const engine = await DuckDbEngine.open({
        lakeDir: options.lakeDir,
        ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
        // The raw files' schemas, kept between curates: a new day reads its own files' footers,
        // not a year of earlier exit-answer days' again. A rebuild reads them all.
        schemaMemo: { file: join(options.curatedDir, SCHEMA_MEMO_FILE), forget: options.rebuild === true },
      });
      return {
        close: () => engine.close(),
        async unchangedSpread(days, changed, raw) {
          const sorted = [...days].sort();
          const changedSorted = [...changed].sort();
          // Every partition between the first and the last changed one is read as changed: an
          // unchanged one among them only finds what the targets' spread sets already hold.
          const parameters = {
            ...UNIT_KINDS.requests.parameters(sorted[0]!, sorted.at(-1)!, raw),
            changed_from_dt: changedSorted[0] ?? sorted[0]!,
            changed_to_dt: changedSorted.at(-1) ?? sorted[0]!,
          };
          const check = compileCuratedBuild(SPREAD_CHANGED_FILE, parameters);
          const touched = new Set<string>();
          await engine.runStatements(parameters, async (connection) => {
            const held = await curatedViewStatements(options.curatedDir, parameters, 'port_requests_spread');
            for (const statement of held.statements) await connection.run(statement);
            const reader = await connection.runAndReadAll(check.sql, check.values);
            for (const row of reader.getRowObjectsJson()) touched.add(String(row['dt']));
          });
          return new Set(days.filter((day) => !touched.has(day)));
        },
        async build(batch, staging) {
          const stagingDir = join(options.curatedDir, staging);
          await engine.runStatements(batch.parameters, async (connection) => {
            // The fragments several tables of the kind read are materialised once per batch.
            const replaced: Record<string, string> = {};
            for (const fragment of SHARED_FRAGMENTS[batch.kind]) {
              const built = compileCuratedBuild(fragmentFile(fragment), batch.parameters, replaced);
              const materialise = () =>
                connection.run(`CREATE OR REPLACE TEMP TABLE ${tempTableOf(fragment)} AS ${built.sql}`, built.values);
              const narrowed = NARROWED_VIEWS[fragment];
              if (narrowed) await engine.withNarrowedView(narrowed.table, narrowed.predicate, materialise);
              else await materialise();
              replaced[fragment] = tempTableOf(fragment);
            }
            for (const table of tablesOfUnit(batch.kind)) {
              const build = compileCuratedBuild(buildFile(table.name), batch.parameters, replaced);
              await connection.run(
                copyTo(build.sql, join(stagingDir, table.name), table.partitionColumn),
                build.values,
              );
            }
            for (const temp of Object.values(replaced)) await connection.run(`DROP TABLE ${temp}`);
          });
        },
      };
    },
  });
  return summary;
}
