// What the benchmark measures, in full and in --quick form, parsed from the command line once.
import { parseArgs } from 'node:util';
import type { GeneratedLakeSpec } from './lakes.ts';

export const SEED = 20191127;

export interface BenchConfig {
  readonly quick: boolean;
  readonly runs: number;
  /** Render rounds of the 32 models in the render-only measure. */
  readonly renderRounds: number;
  /**
   * Runs of the naive per-province measure. Each is 31 full query passes (several minutes at
   * national scale), and each pass is itself a sample: 1 run by default, --naive-runs to change.
   */
  readonly naiveRuns: number;
  /** The what-if run: the end-to-end measure again with this DuckDB memory_limit. */
  readonly memoryLimit: string;
  readonly whatIfRuns: number;
  /** Fresh-process imports of each Lambda bundle. */
  readonly importRepeats: number;
  readonly weekId: string;
  readonly monthId: string;
  readonly oneYear: GeneratedLakeSpec;
  /** Generated separately and joined to the one-year lake into the three-year lake. */
  readonly history: GeneratedLakeSpec;
  readonly threeYearName: string;
  /** Stop after the lakes are ready (e.g. to generate them ahead of a measuring session). */
  readonly lakesOnly: boolean;
  /** Skip the naive per-province measure (the longest one). */
  readonly skipNaive: boolean;
  /** Runs of the end-to-end measure on the raw feed, before the curated layer (--raw). */
  readonly rawRuns: number;
  /** Runs of "curate one new day into an up-to-date lake". */
  readonly newDayRuns: number;
  /** Runs of a new day with the week before it changed too (not a target). */
  readonly weekChangedRuns: number;
}

/**
 * The smallest whole scale whose 2019 holds at least 20 M distinct port requests (port_id),
 * not counting the status-update rows: 20.19 M at 62, 19.86 M at 61. It also gives about
 * 25 M port_requests rows, 14 M exit reasons and usage rows for every leaver.
 */
const FULL_SCALE = 62;

/** What `npm run bench -- --help` prints. */
export const BENCH_USAGE = `usage: npm run bench -- [options]

Generates the national-scale lakes once (bench/.cache), measures each target in fresh processes
and writes bench/results/latest.{json,md} with medians and a PASS or MISS per target.

  --quick             a small lake: checks that the script works, measures nothing
  --runs N            runs of each measure (default 5; 3 with --quick)
  --raw-runs N        runs of the end-to-end measure on the raw feed
  --naive-runs N      runs of the naive per-province measure (default 1)
  --skip-naive        leave out the naive per-province measure (the longest)
  --memory-limit SIZE DuckDB memory limit of the what-if run (default 4GB)
  --lakes-only        generate the lakes and stop
  --help              print this and stop
`;

/** True when the command line asks for the usage rather than a run. */
export function wantsBenchUsage(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export function parseBenchConfig(argv: readonly string[]): BenchConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      'lakes-only': { type: 'boolean', default: false },
      'skip-naive': { type: 'boolean', default: false },
      'naive-runs': { type: 'string' },
      'raw-runs': { type: 'string' },
      // the what-if: the engine holds DuckDB to DEFAULT_MEMORY_LIMIT; this shows a roomier limit
      'memory-limit': { type: 'string', default: '4GB' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const runs = values.runs === undefined ? (quick ? 3 : 5) : Number(values.runs);
  for (const [name, value] of [
    ['--runs', values.runs],
    ['--naive-runs', values['naive-runs']],
    ['--raw-runs', values['raw-runs']],
  ] as const) {
    if (value !== undefined && !/^([1-9]|[1-4]\d|50)$/.test(value))
      throw new Error(`${name} must be a whole number from 1 to 50, got ${value}`);
  }
  const common = {
    weekId: '2019-W50',
    monthId: '2019-11',
    runs,
    // --quick only checks that the script works: one naive run, fewer rounds and imports.
    renderRounds: quick ? 2 : Math.max(runs, 5),
    naiveRuns: values['naive-runs'] !== undefined ? Number(values['naive-runs']) : 1,
    memoryLimit: values['memory-limit']!,
    whatIfRuns: quick ? 1 : Math.min(runs, 3),
    importRepeats: quick ? 2 : 5,
    lakesOnly: values['lakes-only'] === true,
    skipNaive: values['skip-naive'] === true,
    rawRuns: values['raw-runs'] !== undefined ? Number(values['raw-runs']) : quick ? 1 : Math.min(runs, 3),
    // A new day costs about a second a run and moves with the shared machine's load: more runs.
    newDayRuns: quick ? 2 : Math.max(runs, 5),
    weekChangedRuns: quick ? 1 : 3,
  };
  if (quick) {
    return {
      ...common,
      quick,
      oneYear: { name: 'quick-2019-11-12-scale2', from: '2019-11-01', to: '2019-12-31', seed: SEED, scale: 2 },
      // Ends early enough that its usage months (up to 2019-07) stay clear of those the week reads.
      history: { name: 'quick-2019-07-08-scale2', from: '2019-07-01', to: '2019-08-31', seed: SEED, scale: 2 },
      threeYearName: 'quick-2019-07-12-joined',
    };
  }
  return {
    ...common,
    quick,
    oneYear: { name: `2019-scale${FULL_SCALE}`, from: '2019-01-01', to: '2019-12-31', seed: SEED, scale: FULL_SCALE },
    history: {
      name: `2017-2018-scale${FULL_SCALE}`,
      from: '2017-01-01',
      to: '2018-12-31',
      seed: SEED,
      scale: FULL_SCALE,
    },
    threeYearName: `2017-2019-scale${FULL_SCALE}-joined`,
  };
}
