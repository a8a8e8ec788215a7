// npm run bench [-- --quick] [-- --runs N] [-- --lakes-only] [-- --skip-naive]
// The performance benchmark: generates (once, cached) a national-scale one-year lake and a
// three-year lake, then measures, each iteration in a fresh process, the weekly briefing plus
// the 31 provincial reports end to end, the history ratio, rendering alone, the naive
// per-province query passes, partition pruning, and the Lambda bundles. Writes
// bench/results/latest.json and latest.md (see docs/performance.md for how to read them).
import { mkdir, readdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundleReport, measureBundles } from './lib/bundles.ts';
import { type ChildResult, runChild, warningsOf } from './lib/child.ts';
import { BENCH_USAGE, type BenchConfig, parseBenchConfig, wantsBenchUsage } from './lib/config.ts';
import type { BarePart, BareRun, CurateRun } from './lib/curation.ts';
import { ensureGeneratedLake, ensureJoinedLake, type LakeRecord } from './lib/lakes.ts';
import { machineInfo } from './lib/machine.ts';
import { buildPoisonedLake, firstDifference, poisonControlFile, readBriefingJson } from './lib/pruning.ts';
import {
  type BenchResults,
  gib,
  markdownReport,
  queryMedians,
  type RenderRun,
  type ReportsRun,
  seconds,
} from './lib/report.ts';
import { summarise } from './lib/stats.ts';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = resolve(REPO_ROOT, 'bench/.cache');
const RESULTS = resolve(REPO_ROOT, 'bench/results');
/** The pruning proof pins the generation time, so that two runs' briefing.json can be compared byte for byte. */
const FIXED_GENERATED_AT = '2019-12-16T01:00:00.000Z';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function freshOut(name: string): Promise<string> {
  const dir = join(CACHE, 'out', name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

/** An iteration that succeeded, so that its result is there. */
type Measured<T> = ChildResult<T> & { readonly result: T };

/** Runs one iteration and fails the benchmark with the child's own message if it failed. */
async function iteration<T>(
  mode: string,
  lake: string,
  outName: string,
  extra: readonly string[],
  config: BenchConfig,
): Promise<Measured<T>> {
  const out = await freshOut(outName);
  const child = await runChild<T>(REPO_ROOT, mode, [
    '--lake',
    lake,
    '--out',
    out,
    '--week',
    config.weekId,
    '--month',
    config.monthId,
    ...extra,
  ]);
  if (!child.ok || !child.result)
    throw new Error(
      `${mode} on ${lake} failed (exit ${child.code}):\n${child.stderr.split('\n').slice(-15).join('\n')}`,
    );
  return child as Measured<T>;
}

async function prepareLakes(config: BenchConfig) {
  say(`Lakes (cached in ${join(CACHE, 'lakes')}):`);
  const dir = join(CACHE, 'lakes');
  const oneYear = await ensureGeneratedLake(dir, config.oneYear, say);
  const history = await ensureGeneratedLake(dir, config.history, say);
  const threeYear = await ensureJoinedLake(dir, config.threeYearName, [history, oneYear], say);
  return { oneYear, history, threeYear };
}

async function measureReports(config: BenchConfig, lakes: { oneYear: LakeRecord; threeYear: LakeRecord }) {
  const snapshots = join(CACHE, 'snapshots.json');
  say(`\nWarm-up run (not counted; fills the page cache, saves the snapshots for the render measure):`);
  const warm = await iteration<ReportsRun>('reports', lakes.oneYear.dir, 'warm-up', ['--snapshots', snapshots], config);
  say(`  ${seconds(warm.processMs)}, ${warm.result.queryCount} queries, ${warm.result.reports} reports`);
  const reports: Measured<ReportsRun>[] = [];
  const weekly1y: Measured<ReportsRun>[] = [];
  const weekly3y: Measured<ReportsRun>[] = [];
  const raw: Measured<ReportsRun>[] = [];
  say(`\nBefore the curated layer: weekly + 31 provincial on the raw feed (--raw, ${config.rawRuns} runs):`);
  for (let run = 1; run <= config.rawRuns; run += 1) {
    raw.push(await iteration<ReportsRun>('reports', lakes.oneYear.dir, `raw-${run}`, ['--raw'], config));
    say(
      `  run ${run}: ${seconds(raw.at(-1)!.processMs)} (work ${seconds(raw.at(-1)!.result.wallMs)}, ${(raw.at(-1)!.result.maxRssKb / 1024).toFixed(0)} MiB, ${gib(bytesRead(raw.at(-1)!.result))} read)`,
    );
  }
  say(`\nWeekly + 31 provincial, and the weekly briefing on one and three years (${config.runs} runs, interleaved):`);
  for (let run = 1; run <= config.runs; run += 1) {
    const full = await iteration<ReportsRun>('reports', lakes.oneYear.dir, `reports-${run}`, [], config);
    reports.push(full);
    // Alternate which lake goes first, so that neither always follows the big run.
    const order = run % 2 === 1 ? (['1y', '3y'] as const) : (['3y', '1y'] as const);
    for (const which of order) {
      const lake = which === '1y' ? lakes.oneYear : lakes.threeYear;
      const weekly = await iteration<ReportsRun>('weekly', lake.dir, `weekly-${which}-${run}`, [], config);
      (which === '1y' ? weekly1y : weekly3y).push(weekly);
    }
    const last = (list: Measured<ReportsRun>[]) => seconds(list.at(-1)!.result.wallMs);
    say(
      `  run ${run}: reports ${seconds(full.processMs)} (work ${last(reports)}, ${(full.result.maxRssKb / 1024).toFixed(0)} MiB, ${gib(bytesRead(full.result))} read), weekly 1y ${last(weekly1y)}, 3y ${last(weekly3y)}`,
    );
  }
  return { warm, reports, weekly1y, weekly3y, raw, snapshots };
}

type CurateChild = CurateRun & { cpuMs: number; maxRssKb: number };
type BareChild = BareRun & { cpuMs: number; maxRssKb: number };

async function child<T>(mode: string, args: readonly string[]): Promise<Measured<T>> {
  const result = await runChild<T>(REPO_ROOT, mode, args);
  if (!result.ok || !result.result)
    throw new Error(`${mode} failed (exit ${result.code}):\n${result.stderr.split('\n').slice(-15).join('\n')}`);
  return result as Measured<T>;
}

/**
 * The curated layer's costs on the one-year lake: curate from nothing (which leaves the layer the
 * reports then read), the bare DuckDB dedup pass it is measured against (and the same kind of
 * pass over the leavers' usage and over the exit answers), and one new day: the
 * lake's last port_requests and exit_reasons partitions lose their _SUCCESS, are curated so, and
 * regain it; then the same day with the week before it changed too.
 */
async function measureCuration(config: BenchConfig, lakes: { oneYear: LakeRecord; threeYear: LakeRecord }) {
  say(`\nCurated layer (one-year lake): the year from nothing, a bare DuckDB dedup pass, one new day:`);
  const year = await child<CurateChild>('curate', ['--lake', lakes.oneYear.dir, '--rebuild']);
  say(
    `  curate from nothing: ${seconds(year.result.wallMs)} (${year.result.summary.built.requests} request days, ${year.result.summary.built.exits} exit-answer days, ${year.result.summary.built.usage} months, ${(year.result.maxRssKb / 1024).toFixed(0)} MiB)`,
  );
  // One statement over the one-year lake (lib/curation.ts, BARE_PARTS), in a fresh process.
  const barePass = async (part: BarePart) => {
    const run = await child<BareChild>('bare-dedup', [
      '--lake',
      lakes.oneYear.dir,
      '--out',
      await freshOut('bare-dedup'),
      '--part',
      part,
    ]);
    say(
      `  bare ${part} pass: ${seconds(run.result.wallMs)} (${run.result.rows.toLocaleString('en')} rows, ${(run.result.maxRssKb / 1024).toFixed(0)} MiB)`,
    );
    return run;
  };
  const bare = await barePass('requests');
  // A day lands in both day-partitioned tables: its requests and its exit answers.
  const daysOf = async (table: string) =>
    (await readdir(join(lakes.oneYear.dir, table))).filter((name) => name.startsWith('dt=')).sort();
  const lastDay = async (table: string) => (await daysOf(table)).at(-1)!;
  const markers = [
    join(lakes.oneYear.dir, 'port_requests', await lastDay('port_requests'), '_SUCCESS'),
    join(lakes.oneYear.dir, 'exit_reasons', await lastDay('exit_reasons'), '_SUCCESS'),
  ];
  // The last day is curated without its _SUCCESS markers (not yet landed), then they come back.
  const holdLastDay = async () => {
    for (const marker of markers) await rename(marker, `${marker}.bench-held`);
    try {
      await child<CurateChild>('curate', ['--lake', lakes.oneYear.dir]);
    } finally {
      for (const marker of markers) await rename(`${marker}.bench-held`, marker);
    }
  };
  const newDay: Measured<CurateChild>[] = [];
  for (let run = 1; run <= config.newDayRuns; run += 1) {
    await holdLastDay();
    newDay.push(await child<CurateChild>('curate', ['--lake', lakes.oneYear.dir]));
    const built = newDay.at(-1)!.result.summary.built;
    say(
      `  new day ${await lastDay('port_requests')} (run ${run}): ${seconds(newDay.at(-1)!.result.wallMs)}, ${built.requests} request and ${built.exits} exit-answer day units rebuilt, ${newDay.at(-1)!.result.summary.kept} request days kept, ${(newDay.at(-1)!.result.maxRssKb / 1024).toFixed(0)} MiB`,
    );
  }
  // A day as a loader may land it: the contract files a status update of an old request under its
  // request's date, so the seven port_requests partitions before the day can change with it.
  // Their files are touched (the same bytes, a new modification time) as the day lands. Not a
  // target; the three-year lake shares these files (hard links) and catches up below.
  const weekBefore = (await daysOf('port_requests'))
    .slice(-8, -1)
    .map((dt) => join(lakes.oneYear.dir, 'port_requests', dt));
  const withWeekBefore: Measured<CurateChild>[] = [];
  for (let run = 1; run <= config.weekChangedRuns; run += 1) {
    await holdLastDay();
    const now = new Date();
    for (const dir of weekBefore)
      for (const name of await readdir(dir)) if (name.endsWith('.parquet')) await utimes(join(dir, name), now, now);
    withWeekBefore.push(await child<CurateChild>('curate', ['--lake', lakes.oneYear.dir]));
    const { summary, wallMs, maxRssKb } = withWeekBefore.at(-1)!.result;
    say(
      `  new day with the week before changed (run ${run}): ${seconds(wallMs)}, ${summary.built.requests} request and ${summary.built.exits} exit-answer day units rebuilt in ${summary.batches} batches, ${(maxRssKb / 1024).toFixed(0)} MiB`,
    );
  }
  const idle = await child<CurateChild>('curate', ['--lake', lakes.oneYear.dir]);
  say(`  nothing stale (the check every run makes first): ${seconds(idle.result.wallMs)}`);
  const threeYear = await child<CurateChild>('curate', ['--lake', lakes.threeYear.dir]);
  say(`  three-year lake brought up to date (not a target): ${seconds(threeYear.result.wallMs)}`);
  // The same kind of pass over the curate's other two raw inputs, for scale; last, so that the
  // usage join's 10 GB do not stir the page cache under the small measures.
  const barePartRun = async (part: BarePart) => {
    const { result } = await barePass(part);
    return { ms: result.wallMs, maxRssMiB: result.maxRssKb / 1024, rows: result.rows };
  };
  const bareLeaverUsage = await barePartRun('leaver-usage');
  const bareExitAnswers = await barePartRun('exit-answers');
  return {
    yearMs: year.result.wallMs,
    yearMaxRssMiB: year.result.maxRssKb / 1024,
    yearCpuMs: year.result.cpuMs,
    units: year.result.summary.built,
    bareMs: bare.result.wallMs,
    bareMaxRssMiB: bare.result.maxRssKb / 1024,
    bareCpuMs: bare.result.cpuMs,
    bareRows: bare.result.rows,
    bareLeaverUsage,
    bareExitAnswers,
    newDayMs: summarise(newDay.map((run) => run.result.wallMs)),
    newDayMaxRssMiB: summarise(newDay.map((run) => run.result.maxRssKb / 1024)),
    newDayUnits: newDay[0]!.result.summary.built.requests + newDay[0]!.result.summary.built.exits,
    weekChanged: {
      ms: summarise(withWeekBefore.map((run) => run.result.wallMs)),
      maxRssMiB: Math.max(...withWeekBefore.map((run) => run.result.maxRssKb / 1024)),
      units: withWeekBefore[0]!.result.summary.built.requests + withWeekBefore[0]!.result.summary.built.exits,
      batches: withWeekBefore[0]!.result.summary.batches,
    },
    idleMs: idle.result.wallMs,
    threeYearMs: threeYear.result.wallMs,
  };
}

async function measureSharedVsNaive(config: BenchConfig, lake: LakeRecord) {
  const shared: Measured<ReportsRun>[] = [];
  const naive: Measured<ReportsRun>[] = [];
  if (config.skipNaive) return { shared, naive };
  say(
    `\nProvincial reports: prepareRun once for 31 provinces against once per province (${config.naiveRuns} runs each):`,
  );
  for (let run = 1; run <= config.naiveRuns; run += 1) {
    shared.push(await iteration<ReportsRun>('shared', lake.dir, `shared-${run}`, [], config));
    naive.push(await iteration<ReportsRun>('naive', lake.dir, `naive-${run}`, [], config));
    say(
      `  run ${run}: shared ${seconds(shared.at(-1)!.result.wallMs)} (${shared.at(-1)!.result.queryCount} queries), naive ${seconds(naive.at(-1)!.result.wallMs)} (${naive.at(-1)!.result.queryCount} queries)`,
    );
  }
  return { shared, naive };
}

/** The end-to-end measure again with another DuckDB memory_limit than the engine's default. */
async function measureMemoryWhatIf(config: BenchConfig, lake: LakeRecord) {
  say(
    `\nWhat if DuckDB had memory_limit = ${config.memoryLimit} (${config.whatIfRuns} runs of weekly + 31 provincial):`,
  );
  const runs: Measured<ReportsRun>[] = [];
  for (let run = 1; run <= config.whatIfRuns; run += 1) {
    runs.push(
      await iteration<ReportsRun>(
        'reports',
        lake.dir,
        `memory-limit-${run}`,
        ['--memory-limit', config.memoryLimit],
        config,
      ),
    );
    const last = runs.at(-1)!;
    say(
      `  run ${run}: ${seconds(last.processMs)} (work ${seconds(last.result.wallMs)}, ${(last.result.maxRssKb / 1024).toFixed(0)} MiB)`,
    );
  }
  return runs;
}

async function measureRender(config: BenchConfig, snapshots: string) {
  say(`\nRendering alone: the 32 models from the saved snapshots, ${config.renderRounds} rounds after a cold one:`);
  const render = await iteration<RenderRun>(
    'render',
    '-',
    'render',
    ['--snapshots', snapshots, '--rounds', String(config.renderRounds)],
    config,
  );
  const perSecond = render.result.roundMs.map((ms) => (render.result.reports * 1000) / ms);
  say(
    `  ${summarise(perSecond).median.toFixed(1)} reports/s (cold round ${seconds(render.result.coldRoundMs)}), ${render.result.images} charts a round`,
  );
  return { render, perSecond };
}

async function provePruning(config: BenchConfig, lakes: { oneYear: LakeRecord; threeYear: LakeRecord }) {
  say(`\nPartition pruning proof (${config.weekId}):`);
  const poisoned = await buildPoisonedLake(lakes.oneYear.dir, join(CACHE, 'pruning-lake'), 'hq-weekly', config.weekId);
  say(
    `  poisoned copy: ${poisoned.dataFilesPoisoned} data files of ${poisoned.partitionsPoisoned} partitions outside the plan replaced by garbage; ${poisoned.dataFilesKept} files of ${poisoned.partitionsKept} partitions kept`,
  );
  // The proof is of the raw feed's partition pruning: the curated layer would be rebuilt from the poisoned files.
  const pinned = ['--generated-at', FIXED_GENERATED_AT, '--raw'];
  const onPoisoned = await iteration<ReportsRun>('pruned', poisoned.dir, 'pruned-poisoned', pinned, config);
  await iteration<ReportsRun>('pruned', lakes.oneYear.dir, 'pruned-intact', pinned, config);
  const onThreeYear = await iteration<ReportsRun>('pruned', lakes.threeYear.dir, 'pruned-three-year', pinned, config);
  const briefing = (name: string) => readBriefingJson(join(CACHE, 'out', name), 'hq-weekly', config.weekId, 'hq');
  const intact = await briefing('pruned-intact');
  const poisonedDifference = firstDifference(await briefing('pruned-poisoned'), intact);
  const threeYearDifference = firstDifference(await briefing('pruned-three-year'), intact);
  say(
    `  run on the poisoned copy: ok; briefing.json ${poisonedDifference ? `DIFFERS at ${poisonedDifference}` : 'identical to the intact lake'}`,
  );
  const gapNote = config.quick
    ? ' (expected with --quick: its two small lakes leave September-October out, a gap the three-year report flags)'
    : '';
  say(
    `  run on the three-year lake: briefing.json ${threeYearDifference ? `DIFFERS at ${threeYearDifference}${gapNote}` : 'identical to the one-year lake'}`,
  );
  await poisonControlFile(poisoned.controlFile);
  const control = await runChild<ReportsRun>(REPO_ROOT, 'pruned', [
    '--lake',
    poisoned.dir,
    '--out',
    await freshOut('pruned-control'),
    '--week',
    config.weekId,
    ...pinned,
  ]);
  const controlMessage = (
    /\/[^\s`]+ is not a readable Parquet file:[^\n]*/.exec(control.stderr)?.[0] ?? control.stderr.slice(-300)
  ).replaceAll(REPO_ROOT, '');
  say(
    `  control, one in-plan file poisoned: ${control.ok ? 'the run SUCCEEDED (the proof is void)' : 'the run failed, as it must'}`,
  );
  return {
    poisoned: { ...poisoned, dir: undefined, controlFile: poisoned.controlFile.replace(REPO_ROOT, '') },
    ok: onPoisoned.ok && poisonedDifference === undefined && !control.ok,
    identicalToIntact: poisonedDifference === undefined,
    identicalOnThreeYearLake: threeYearDifference === undefined,
    controlFailed: !control.ok,
    controlMessage,
    filesPerQuery: onPoisoned.result.queries.map((query) => ({
      name: query.name,
      files: query.files,
      ms: query.ms,
      rows: query.rows,
    })),
    filesPerQueryThreeYear: onThreeYear.result.queries.map((query) => ({ name: query.name, files: query.files })),
  };
}

async function main() {
  if (wantsBenchUsage(process.argv.slice(2))) {
    process.stdout.write(BENCH_USAGE);
    return;
  }
  const config = parseBenchConfig(process.argv.slice(2));
  const started = performance.now();
  const before = machineInfo();
  say(
    `mnp-briefings benchmark${config.quick ? ' (--quick)' : ''}: ${before.cores} cores, ${before.memoryGiB} GiB, Node ${before.node}, load ${before.loadAverage.join(' ')}`,
  );
  const lakes = await prepareLakes(config);
  if (config.lakesOnly) return;
  const curation = await measureCuration(config, lakes);
  const reports = await measureReports(config, lakes);
  const naive = await measureSharedVsNaive(config, lakes.oneYear);
  const whatIf = await measureMemoryWhatIf(config, lakes.oneYear);
  const render = await measureRender(config, reports.snapshots);
  const pruning = await provePruning(config, lakes);
  say(`\nLambda bundles (esbuild, ${config.importRepeats} fresh imports each):`);
  const bundles: BundleReport = await measureBundles(REPO_ROOT, CACHE, config.importRepeats, say);
  const results: BenchResults = {
    quick: config.quick,
    runs: config.runs,
    naiveRuns: naive.naive.length,
    machine: before,
    loadAverageAfter: machineInfo().loadAverage,
    benchSeconds: Math.round((performance.now() - started) / 1000),
    periods: { week: config.weekId, month: config.monthId },
    lakes: {
      oneYear: repoRelative(lakes.oneYear),
      history: repoRelative(lakes.history),
      threeYear: repoRelative(lakes.threeYear),
    },
    mimeIncluded: true,
    curation,
    rawEndToEnd: {
      processMs: summarise(reports.raw.map((run) => run.processMs)),
      maxRssMiB: summarise(reports.raw.map((run) => run.result.maxRssKb / 1024)),
      cpuMs: summarise(reports.raw.map((run) => run.result.cpuMs)),
      queryCount: reports.raw[0]!.result.queryCount,
      bytesRead: bytesRead(reports.raw[0]!.result),
      filesRead: filesRead(reports.raw[0]!.result),
    },
    endToEnd: {
      bytesRead: bytesRead(reports.reports[0]!.result),
      filesRead: filesRead(reports.reports[0]!.result),
      processMs: summarise(reports.reports.map((run) => run.processMs)),
      workMs: summarise(reports.reports.map((run) => run.result.wallMs)),
      moduleLoadMs: summarise(reports.reports.map((run) => run.result.loadedMs)),
      cpuMs: summarise(reports.reports.map((run) => run.result.cpuMs)),
      maxRssMiB: summarise(reports.reports.map((run) => run.result.maxRssKb / 1024)),
      queryCount: reports.reports[0]!.result.queryCount,
      reports: reports.reports[0]!.result.reports,
      messages: reports.reports[0]!.result.messages,
      phasesMs: phaseMedians(reports.reports),
      queries: queryMedians(reports.reports.map((run) => run.result)),
      warmUpProcessMs: Math.round(reports.warm.processMs),
      warnings: warningsOf(reports.reports[0]!.stderr),
    },
    history: {
      oneYearMs: summarise(reports.weekly1y.map((run) => run.result.wallMs)),
      threeYearMs: summarise(reports.weekly3y.map((run) => run.result.wallMs)),
      oneYearMaxRssMiB: summarise(reports.weekly1y.map((run) => run.result.maxRssKb / 1024)),
      threeYearMaxRssMiB: summarise(reports.weekly3y.map((run) => run.result.maxRssKb / 1024)),
      queries1y: queryMedians(reports.weekly1y.map((run) => run.result)),
      queries3y: queryMedians(reports.weekly3y.map((run) => run.result)),
    },
    sharedVsNaive:
      naive.shared.length === 0
        ? undefined
        : {
            sharedMs: summarise(naive.shared.map((run) => run.result.wallMs)),
            naiveMs: summarise(naive.naive.map((run) => run.result.wallMs)),
            sharedQueries: naive.shared[0]!.result.queryCount,
            naiveQueries: naive.naive[0]!.result.queryCount,
            audiences: naive.shared[0]!.result.reports,
            naivePassMs: summarise(naive.naive.flatMap((run) => run.result.timings.flatMap((timing) => timing.passMs))),
          },
    memoryLimitWhatIf: {
      memoryLimit: config.memoryLimit,
      processMs: summarise(whatIf.map((run) => run.processMs)),
      workMs: summarise(whatIf.map((run) => run.result.wallMs)),
      maxRssMiB: summarise(whatIf.map((run) => run.result.maxRssKb / 1024)),
      queries: queryMedians(whatIf.map((run) => run.result)),
    },
    render: {
      reports: render.render.result.reports,
      chartsPerRound: render.render.result.images,
      reportsPerSecond: summarise(render.perSecond),
      roundMs: summarise(render.render.result.roundMs),
      coldRoundMs: Math.round(render.render.result.coldRoundMs),
    },
    pruning,
    bundles,
  };
  await mkdir(RESULTS, { recursive: true });
  const markdown = markdownReport(results);
  await writeFile(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(RESULTS, 'latest.md'), markdown);
  say(`\n${markdown}`);
  say(`Wrote bench/results/latest.json and latest.md in ${results.benchSeconds} s.`);
}

const bytesRead = (run: ReportsRun) => run.queries.reduce((sum, query) => sum + (query.bytes ?? 0), 0);
const filesRead = (run: ReportsRun) => run.queries.reduce((sum, query) => sum + query.files, 0);

const repoRelative = (lake: LakeRecord): LakeRecord => ({
  ...lake,
  dir: relative(REPO_ROOT, resolve(REPO_ROOT, lake.dir)),
});

function phaseMedians(runs: readonly Measured<ReportsRun>[]) {
  const phases: Record<string, number> = {};
  for (const report of runs[0]!.result.timings) {
    for (const phase of ['openMs', 'prepareMs', 'archiveMs', 'mimeMs'] as const) {
      const values = runs.map((run) => run.result.timings.find((timing) => timing.report === report.report)![phase]);
      phases[`${report.report}.${phase}`] = summarise(values).median;
    }
  }
  return phases;
}

await main();
