// mnp-briefings curate: brings the lake's curated layer up to date (docs/curated-layer.md):
// builds exactly the curated partitions whose raw inputs changed (or --rebuild: all of them),
// with a progress bar and a summary. Idempotent: a second call finds everything fresh.
// run, rerun, backfill, preview and demo do the same first, silently.
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { curatedDirOf } from '#adapters/curation/curated-location.ts';
import type { CurateSummary } from '#core/curation.ts';
import type { CliIo } from '../io.ts';

interface CurateOptions {
  readonly lake: string;
  readonly curated?: string;
  readonly rebuild?: boolean;
  readonly json?: boolean;
}

function summaryLine(summary: CurateSummary, curatedDir: string, stray: readonly string[]): string {
  const { requests, exits, usage } = summary.built;
  if (requests + exits + usage + summary.kept + summary.fresh + summary.removed === 0)
    return `nothing to curate: the lake holds no partition of port_requests, exit_reasons or usage_monthly yet; in ${curatedDir}`;
  const parts = [
    requests + exits + usage === 0
      ? 'curated layer up to date'
      : `built ${requests} request day(s), ${exits} exit-answer day(s) and ${usage} usage month(s)`,
    ...(summary.kept > 0
      ? [`${summary.kept} request day(s) kept (a neighbour changed, not their spread requests: record renewed)`]
      : []),
    `${summary.fresh} fresh`,
    ...(summary.removed > 0 ? [`${summary.removed} removed (raw partition gone)`] : []),
    ...(summary.rawIncomplete > 0
      ? [`${summary.rawIncomplete} raw partition(s) without _SUCCESS (curated as they are; reports still hold them)`]
      : []),
    ...(stray.length > 0 ? [`not partitions, not read: ${stray.join(', ')}`] : []),
    `${(summary.ms / 1000).toFixed(1)} s`,
  ];
  return `${parts.join(', ')}; in ${curatedDir}`;
}

export function registerCurate(program: Command, io: CliIo): void {
  program
    .command('curate')
    .description(
      'build the curated layer the reports read (current state of each request, daily rollups, leaver usage, quarantine counts): only what is stale',
    )
    .option('--lake <dir>', 'lake folder (read only)', 'lake')
    .option(
      '--curated <dir>',
      'where the curated layer lives (default: MNP_CURATED_DIR, else <lake>/_curated, else the user cache for a read-only lake)',
    )
    .option('--rebuild', 'rebuild every curated partition from the raw lake')
    .option('--json', 'print a JSON summary for scripts')
    .action(async (options: CurateOptions) => {
      // Loaded on use: DuckDB is a native module that --help and argument errors need not load.
      const [{ curateLake, CURATE_LOCK_WAIT_MS }, { assertLakeFolder, strayPartitionFolders }] = await Promise.all([
        import('#adapters/curation/duckdb-curator.ts'),
        import('#adapters/lake/fs-lake.ts'),
      ]);
      // Before the curated folder is chosen: <lake>/_curated would make a mistyped lake exist.
      await assertLakeFolder(options.lake);
      const curatedDir = await curatedDirOf(options.lake, options.curated);
      let bar: SingleBar | undefined;
      const summary = await curateLake({
        lakeDir: options.lake,
        curatedDir,
        rebuild: options.rebuild === true,
        lock: {
          waitMs: CURATE_LOCK_WAIT_MS,
          onWait: () => io.err(`curate: waiting for another curate or run to finish with ${curatedDir}`),
        },
        onProgress: ({ done, total, label }) => {
          if (!io.isTty || !process.stderr.isTTY || options.json) {
            if (done > 0) io.err(`curate ${done}/${total} ${label}`);
            return;
          }
          bar ??= new SingleBar({
            format: 'curate [{bar}] {value}/{total} {label}',
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: false,
          });
          if (done === 0) bar.start(total, 0, { label });
          else bar.update(done, { label });
        },
      });
      bar?.stop();
      // Folders such as dt=2019-12-15.tmp: no engine reads them (Athena's projection never lists them).
      const stray = await strayPartitionFolders(options.lake);
      io.out(
        options.json
          ? JSON.stringify({ curatedDir, ...summary, notPartitions: stray })
          : summaryLine(summary, curatedDir, stray),
      );
    });
}
