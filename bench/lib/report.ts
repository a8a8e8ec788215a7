// The benchmark's results: their shape, the targets, and the Markdown table printed and
// committed as bench/results/latest.md.
import { DEFAULT_MEMORY_LIMIT } from '#adapters/engine/duckdb.ts';
import type { BundleReport } from './bundles.ts';
import type { QueryEvent, ReportTiming } from './cli-flow.ts';
import type { LakeRecord } from './lakes.ts';
import type { MachineInfo } from './machine.ts';
import { type Summary, summarise } from './stats.ts';

/** What one-run.ts prints for the report modes. */
export interface ReportsRun {
  readonly loadedMs: number;
  readonly wallMs: number;
  readonly queryCount: number;
  readonly reports: number;
  readonly messages: number;
  readonly timings: readonly Omit<ReportTiming, 'snapshot'>[];
  readonly queries: readonly QueryEvent[];
  /** User + system CPU time of the whole process, all threads. */
  readonly cpuMs: number;
  readonly maxRssKb: number;
}

export interface RenderRun {
  readonly reports: number;
  readonly images: number;
  readonly coldRoundMs: number;
  readonly roundMs: readonly number[];
  readonly maxRssKb: number;
}

export interface QueryMedian {
  readonly report: string;
  readonly name: string;
  readonly ms: Summary;
  readonly files: number;
  readonly rows: number;
}

export interface BarePartRun {
  readonly ms: number;
  readonly maxRssMiB: number;
  readonly rows: number;
}

export interface BenchResults {
  readonly quick: boolean;
  readonly runs: number;
  readonly naiveRuns: number;
  readonly machine: MachineInfo;
  readonly loadAverageAfter: readonly number[];
  readonly benchSeconds: number;
  readonly periods: { readonly week: string; readonly month: string };
  readonly lakes: { readonly oneYear: LakeRecord; readonly history: LakeRecord; readonly threeYear: LakeRecord };
  readonly mimeIncluded: boolean;
  readonly curation: {
    readonly yearMs: number;
    readonly yearMaxRssMiB: number;
    readonly yearCpuMs: number;
    readonly units: { readonly requests: number; readonly exits: number; readonly usage: number };
    readonly bareMs: number;
    readonly bareMaxRssMiB: number;
    readonly bareCpuMs: number;
    readonly bareRows: number;
    /** One statement each, as the bare pass (lib/curation.ts, BARE_PARTS): the curate's other raw inputs. */
    readonly bareLeaverUsage: BarePartRun;
    readonly bareExitAnswers: BarePartRun;
    readonly newDayMs: Summary;
    readonly newDayMaxRssMiB: Summary;
    readonly newDayUnits: number;
    /** A new day with the seven request partitions before it changed too (status updates filed there). */
    readonly weekChanged: {
      readonly ms: Summary;
      readonly maxRssMiB: number;
      readonly units: number;
      readonly batches: number;
    };
    readonly idleMs: number;
    readonly threeYearMs: number;
  };
  /** The same end-to-end measure on the raw feed: before the curated layer. */
  readonly rawEndToEnd: {
    readonly processMs: Summary;
    readonly maxRssMiB: Summary;
    readonly cpuMs: Summary;
    readonly queryCount: number;
    readonly bytesRead: number;
    readonly filesRead: number;
  };
  readonly endToEnd: {
    readonly bytesRead: number;
    readonly filesRead: number;
    readonly processMs: Summary;
    readonly workMs: Summary;
    readonly moduleLoadMs: Summary;
    readonly cpuMs: Summary;
    readonly maxRssMiB: Summary;
    readonly queryCount: number;
    readonly reports: number;
    readonly messages: number;
    readonly phasesMs: Record<string, number>;
    readonly queries: readonly QueryMedian[];
    readonly warmUpProcessMs: number;
    readonly warnings: readonly string[];
  };
  readonly history: {
    readonly oneYearMs: Summary;
    readonly threeYearMs: Summary;
    readonly oneYearMaxRssMiB: Summary;
    readonly threeYearMaxRssMiB: Summary;
    readonly queries1y: readonly QueryMedian[];
    readonly queries3y: readonly QueryMedian[];
  };
  readonly sharedVsNaive?: {
    readonly sharedMs: Summary;
    readonly naiveMs: Summary;
    readonly sharedQueries: number;
    readonly naiveQueries: number;
    readonly audiences: number;
    /** Each of the naive way's passes (one prepareRun for one province), over all its runs. */
    readonly naivePassMs: Summary;
  };
  readonly memoryLimitWhatIf: {
    readonly memoryLimit: string;
    readonly processMs: Summary;
    readonly workMs: Summary;
    readonly maxRssMiB: Summary;
    readonly queries: readonly QueryMedian[];
  };
  readonly render: {
    readonly reports: number;
    readonly chartsPerRound: number;
    readonly reportsPerSecond: Summary;
    readonly roundMs: Summary;
    readonly coldRoundMs: number;
  };
  readonly pruning: {
    readonly ok: boolean;
    readonly identicalToIntact: boolean;
    readonly identicalOnThreeYearLake: boolean;
    readonly controlFailed: boolean;
    readonly controlMessage: string;
    readonly poisoned: {
      readonly partitionsKept: number;
      readonly partitionsPoisoned: number;
      readonly dataFilesKept: number;
      readonly dataFilesPoisoned: number;
    };
    readonly filesPerQuery: readonly { name: string; files: number; ms: number; rows: number }[];
    readonly filesPerQueryThreeYear: readonly { name: string; files: number }[];
  };
  readonly bundles: BundleReport;
}

/** Decimal units, as the targets are written: 5 s (10 s the floor), 1.5 GB, 1.5 MB. */
export const TARGETS = {
  endToEndMs: 5_000,
  endToEndFloorMs: 10_000,
  peakBytes: 1.5e9,
  historyRatio: 1.2,
  bundleBytes: 1.5e6,
} as const;

export function queryMedians(runs: readonly Pick<ReportsRun, 'queries'>[]): QueryMedian[] {
  const first = runs[0]?.queries ?? [];
  return first.map((query, index) => ({
    report: query.report,
    name: query.name,
    ms: summarise(runs.map((run) => run.queries[index]?.ms ?? Number.NaN)),
    files: query.files,
    rows: query.rows,
  }));
}

const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');
/** The end-to-end target, and whether a miss still holds the floor. */
const endToEndVerdict = (ms: number) =>
  ms < TARGETS.endToEndMs ? 'PASS' : ms < TARGETS.endToEndFloorMs ? 'MISS (floor held)' : 'MISS';
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const spread = (summary: Summary, format: (value: number) => string) =>
  `${format(summary.min)} – ${format(summary.max)}`;
const mib = (value: number) => `${value.toFixed(0)} MiB`;
/** Bytes read: in GiB, or in MiB below a tenth of one (a curated run's few MiB read as 0.00 GiB). */
export const gib = (bytes: number) =>
  bytes < 2 ** 30 / 10 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 2 ** 30).toFixed(2)} GiB`;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;

/** The two slowest queries of a run, e.g. "slowest: province-monthly flows 6.1 s, ...". */
function slowest(queries: readonly QueryMedian[]): string {
  const top = [...queries].sort((a, b) => b.ms.median - a.ms.median).slice(0, 2);
  return `slowest: ${top.map((query) => `${query.report} ${query.name} ${seconds(query.ms.median)}`).join(', ')}`;
}

/** "queries 21.3 s, render + archive 4.5 s, MIME 0.5 s", summed over the reports. */
function phaseSplit(phases: Record<string, number>): string {
  const sum = (suffix: string) =>
    Object.entries(phases)
      .filter(([key]) => key.endsWith(suffix))
      .reduce((total, [, ms]) => total + ms, 0);
  return `queries ${seconds(sum('.prepareMs'))}, render + archive ${seconds(sum('.archiveMs'))}, MIME ${seconds(sum('.mimeMs'))}`;
}

export function historyRatio(results: BenchResults): number {
  return results.history.threeYearMs.median / results.history.oneYearMs.median;
}

export function markdownReport(results: BenchResults): string {
  const {
    endToEnd,
    history,
    sharedVsNaive,
    render,
    pruning,
    bundles,
    machine,
    lakes,
    memoryLimitWhatIf: whatIf,
    curation,
    rawEndToEnd: raw,
  } = results;
  const ratio = historyRatio(results);
  const peakMiB = endToEnd.maxRssMiB.max;
  const rows: string[][] = [
    [
      `Weekly (${results.periods.week}) + ${endToEnd.reports - 1} provincial (${results.periods.month}), process wall`,
      seconds(endToEnd.processMs.median),
      spread(endToEnd.processMs, seconds),
      '< 5 s (10 s floor)',
      endToEndVerdict(endToEnd.processMs.median),
    ],
    [
      '  before: the same on the raw feed (no curated layer), process wall',
      seconds(raw.processMs.median),
      `${spread(raw.processMs, seconds)}; CPU ${seconds(raw.cpuMs.median)}; peak ${mib(raw.maxRssMiB.max)}`,
      '',
      '',
    ],
    [
      '  Parquet read per run (the files the queries open): after / before',
      `${gib(endToEnd.bytesRead)} / ${gib(raw.bytesRead)}`,
      `${endToEnd.filesRead} / ${raw.filesRead} file openings; ${(raw.bytesRead / Math.max(endToEnd.bytesRead, 1)).toFixed(0)}x less (the proxy for Athena's scanned bytes)`,
      '',
      '',
    ],
    [
      '  the same, work only (after module loading)',
      seconds(endToEnd.workMs.median),
      spread(endToEnd.workMs, seconds),
      '< 5 s (10 s floor)',
      endToEndVerdict(endToEnd.workMs.median),
    ],
    ['  of which', phaseSplit(endToEnd.phasesMs), `module loading ${seconds(endToEnd.moduleLoadMs.median)}`, '', ''],
    [
      '  CPU time, all threads (2 cores: wall is at least half of it)',
      seconds(endToEnd.cpuMs.median),
      spread(endToEnd.cpuMs, seconds),
      '',
      '',
    ],
    [
      `  peak memory (maxRSS), DuckDB memory_limit ${DEFAULT_MEMORY_LIMIT} (the engine's default)`,
      mib(endToEnd.maxRssMiB.median),
      spread(endToEnd.maxRssMiB, mib),
      '< 1.5 GB (1431 MiB), highest run',
      verdict(peakMiB * 2 ** 20 < TARGETS.peakBytes),
    ],
    ['  queries for 32 reports (engine.queryCount)', String(endToEnd.queryCount), slowest(endToEnd.queries), '', ''],
    [
      `  what-if: DuckDB memory_limit ${whatIf.memoryLimit}, peak (wall)`,
      mib(whatIf.maxRssMiB.median),
      `${spread(whatIf.maxRssMiB, mib)}; wall ${seconds(whatIf.processMs.median)}`,
      '< 1.5 GB',
      verdict(whatIf.maxRssMiB.max * 2 ** 20 < TARGETS.peakBytes),
    ],
    [
      `Curate the year from nothing (${curation.units.requests} request days, ${curation.units.exits} exit-answer days, ${curation.units.usage} months) / bare DuckDB dedup pass to Parquet`,
      `${(curation.yearMs / curation.bareMs).toFixed(2)}x`,
      `${seconds(curation.yearMs)} / ${seconds(curation.bareMs)} (${curation.bareRows.toLocaleString('en')} requests); CPU ${seconds(curation.yearCpuMs)} / ${seconds(curation.bareCpuMs)}`,
      '<= 2x',
      verdict(curation.yearMs <= 2 * curation.bareMs),
    ],
    [
      "  the same kind of pass over the curate's other two inputs: the leavers' usage, the exit answers",
      `${((curation.bareMs + curation.bareLeaverUsage.ms + curation.bareExitAnswers.ms) / curation.bareMs).toFixed(2)}x`,
      `the three passes together (no quarantine rules, all the memory they want) / the bare pass: leaver usage ${seconds(curation.bareLeaverUsage.ms)} (${(curation.bareLeaverUsage.ms / curation.bareMs).toFixed(2)}x, peak ${mib(curation.bareLeaverUsage.maxRssMiB)}), exit answers ${seconds(curation.bareExitAnswers.ms)} (${(curation.bareExitAnswers.ms / curation.bareMs).toFixed(2)}x, peak ${mib(curation.bareExitAnswers.maxRssMiB)})`,
      '',
      '',
    ],
    [
      '  peak memory: curate the year',
      mib(curation.yearMaxRssMiB),
      `the bare pass, with DuckDB's own memory limit (80 % of the machine): ${mib(curation.bareMaxRssMiB)}`,
      '< 1.5 GB',
      verdict(curation.yearMaxRssMiB * 2 ** 20 < TARGETS.peakBytes),
    ],
    [
      `Curate one new day into an up-to-date lake (${curation.newDayUnits} day units)`,
      seconds(curation.newDayMs.median),
      `${spread(curation.newDayMs, seconds)}; peak ${mib(curation.newDayMaxRssMiB.max)}; nothing stale: ${seconds(curation.idleMs)}`,
      'well under 1 s',
      verdict(curation.newDayMs.median < 1000),
    ],
    [
      `  the same with the week before it changed (status updates filed there): ${curation.weekChanged.units} day units`,
      seconds(curation.weekChanged.ms.median),
      `${spread(curation.weekChanged.ms, seconds)}; ${curation.weekChanged.batches} batches; peak ${mib(curation.weekChanged.maxRssMiB)}`,
      '',
      '',
    ],
    [
      `Weekly briefing, 3-year / 1-year lake`,
      ratio.toFixed(2),
      `${seconds(history.threeYearMs.median)} / ${seconds(history.oneYearMs.median)}`,
      '< 1.2',
      verdict(ratio < TARGETS.historyRatio),
    ],
    [
      `Rendering alone (${render.chartsPerRound} charts a round of ${render.reports})`,
      `${render.reportsPerSecond.median.toFixed(1)} reports/s`,
      spread(render.reportsPerSecond, (value) => value.toFixed(1)),
      '',
      '',
    ],
  ];
  if (sharedVsNaive) {
    const wallRatio = sharedVsNaive.naiveMs.median / sharedVsNaive.sharedMs.median;
    const perPass = sharedVsNaive.naiveQueries / sharedVsNaive.audiences;
    rows.push(
      [
        `prepareRun for ${sharedVsNaive.audiences} provinces: one pass each / one shared pass, wall (${results.naiveRuns} run${results.naiveRuns === 1 ? '' : 's'})`,
        `${wallRatio.toFixed(1)}x`,
        `${seconds(sharedVsNaive.naiveMs.median)} / ${seconds(sharedVsNaive.sharedMs.median)}; a single-province pass ${seconds(sharedVsNaive.naivePassMs.median)} (${spread(sharedVsNaive.naivePassMs, seconds)})`,
        '',
        '',
      ],
      [
        '  queries: per province / shared',
        `${(sharedVsNaive.naiveQueries / sharedVsNaive.sharedQueries).toFixed(0)}x`,
        `${sharedVsNaive.naiveQueries} / ${sharedVsNaive.sharedQueries}`,
        'independent of province count',
        verdict(sharedVsNaive.sharedQueries === perPass),
      ],
    );
  }
  const prunedFiles = pruning.filesPerQuery.map((query) => `${query.name} ${query.files}`).join(', ');
  rows.push([
    'Partition pruning: weekly run on a copy with every unread partition poisoned',
    pruning.ok ? 'same briefing.json' : 'FAILED',
    `${pruning.poisoned.dataFilesPoisoned} files poisoned; files opened: ${prunedFiles}`,
    'succeeds, same figures',
    verdict(pruning.ok),
  ]);
  if (!bundles.found) {
    rows.push(['Lambda bundles', 'functions/handlers not found', '', '< 1.5 MB', '']);
  } else {
    for (const bundle of bundles.bundles) {
      rows.push([
        `Lambda bundle ${bundle.handler} (${bundle.variant})`,
        kb(bundle.bytes),
        `import ${bundle.importMs.median.toFixed(0)} ms (${spread(bundle.importMs, (value) => value.toFixed(0))})`,
        '< 1.5 MB',
        verdict(bundle.bytes < TARGETS.bundleBytes),
      ]);
    }
  }
  const table = [
    '| Measure | Median | Spread (min – max) or detail | Target | |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`),
  ];
  const requests = lakes.oneYear.tables['port_requests']?.rows ?? 0;
  const distinctRequests = lakes.oneYear.distinctPortIds;
  const exits = lakes.oneYear.tables['exit_reasons']?.rows ?? 0;
  const usage = lakes.oneYear.tables['usage_monthly']?.rows ?? 0;
  const header = [
    `# Benchmark results${results.quick ? ' (--quick: a small lake, not the national scale)' : ''}`,
    '',
    `${machine.date.slice(0, 10)}; ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; ` +
      `load average ${machine.loadAverage.join(' / ')} before, ${results.loadAverageAfter.join(' / ')} after (the machine is shared). ` +
      `${results.runs} runs per measure (the naive way ${results.naiveRuns}), each in a fresh process, after one warm-up run; medians. ` +
      'Wall times are of a warm page cache: the lake files were read by the warm-up run. MIME messages included (dry-run delivery).',
    '',
    `One-year lake ${lakes.oneYear.from}..${lakes.oneYear.to} at scale ${lakes.oneYear.scale}: ${distinctRequests === undefined ? '' : `${distinctRequests.toLocaleString('en')} port requests (distinct port_id) in `}${requests.toLocaleString('en')} port_requests rows, ` +
      `${exits.toLocaleString('en')} exit reasons, ${usage.toLocaleString('en')} usage rows, ${(lakes.oneYear.bytes / 2 ** 30).toFixed(1)} GiB in ${lakes.oneYear.dataFiles} Parquet files. ` +
      `Three-year lake ${lakes.threeYear.from}..${lakes.threeYear.to}: ${(lakes.threeYear.tables['port_requests']?.rows ?? 0).toLocaleString('en')} port_requests rows ` +
      `(2017-2018 generated at the same scale, joined to the one-year lake by hard links).`,
    '',
  ];
  return `${[...header, ...table].join('\n')}\n`;
}
