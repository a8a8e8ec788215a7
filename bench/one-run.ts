// One measured iteration, in a fresh process so that its peak memory (maxRSS) is its own.
// The parent (run-bench.ts) reads the last stdout line, "BENCH-RESULT <json>".
//   reports   the headquarters weekly briefing and the 31 provincial reports, as the CLI runs them
//   weekly    the headquarters weekly briefing alone (for the history ratio and the pruning proof)
//   shared    prepareRun once for the 31 provinces (rendering is the same either way: left out), beside
//   naive     prepareRun once per province: 31 full query passes
//   (any mode) --memory-limit 4GB: the what-if of another DuckDB memory limit than the engine's
//   render    the 32 models of saved snapshots rendered again and again (no queries, no writes)
//   curate    mnp-briefings curate on --lake (into --curated, default <lake>/_curated), --rebuild to start from nothing
//   bare-dedup  one DuckDB statement writing the lake's deduplicated port requests to one Parquet file;
//             --part leaver-usage or exit-answers: the same for another part of a curate (lib/curation.ts)
//   (any report mode) --raw: read the raw feed, as before the curated layer (MNP_CURATED=off)
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createRenderers } from '#cli/local-runtime.ts';
import { DEFAULT_RECIPIENTS_FILE, loadRecipients } from '#cli/recipients-file.ts';
import { recipientsOf } from '#core/recipients.ts';
import { buildModel, type RunSnapshot } from '#core/report-run.ts';
import { type QueryEvent, type ReportTiming, runLikeCli } from './lib/cli-flow.ts';
import { BARE_PARTS, type BarePart, barePass, curateOnce } from './lib/curation.ts';

const loadedMs = performance.now();

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    lake: { type: 'string' },
    out: { type: 'string' },
    week: { type: 'string', default: '2019-W50' },
    month: { type: 'string', default: '2019-11' },
    snapshots: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    'generated-at': { type: 'string' },
    /** What-if: another DuckDB memory_limit than the engine's default (MNP_DUCKDB_MEMORY_LIMIT). */
    'memory-limit': { type: 'string' },
    curated: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    raw: { type: 'boolean', default: false },
    part: { type: 'string', default: 'requests' },
  },
});
// The engine reads its memory limit from the environment, as the CLI's users set it.
if (values['memory-limit']) process.env.MNP_DUCKDB_MEMORY_LIMIT = values['memory-limit'];
const mode = positionals[0];
if (values.raw) process.env.MNP_CURATED = 'off';

function required(name: 'lake' | 'out' | 'snapshots'): string {
  const value = values[name];
  if (!value) throw new Error(`one-run ${mode}: --${name} is required`);
  return value;
}

function withoutSnapshot(timing: ReportTiming): Omit<ReportTiming, 'snapshot'> {
  const { snapshot: _snapshot, ...rest } = timing;
  return rest;
}

async function runReports(
  reports: readonly { id: string; period: string; perAudience?: boolean; archive?: boolean; mime?: boolean }[],
) {
  const queries: QueryEvent[] = [];
  const started = performance.now();
  const timings: ReportTiming[] = [];
  for (const report of reports) {
    timings.push(
      await runLikeCli({
        lakeDir: required('lake'),
        outDir: required('out'),
        reportId: report.id,
        periodId: report.period,
        perAudience: report.perAudience,
        archive: report.archive,
        mime: report.mime,
        generatedAt: values['generated-at'] ? new Date(values['generated-at']) : undefined,
        onQuery: (event) => queries.push(event),
      }),
    );
  }
  const wallMs = performance.now() - started;
  if (values.snapshots) await writeFile(values.snapshots, JSON.stringify(timings.map((timing) => timing.snapshot)));
  return {
    wallMs,
    queryCount: timings.reduce((sum, timing) => sum + timing.queryCount, 0),
    reports: timings.reduce((sum, timing) => sum + timing.audiences, 0),
    messages: timings.reduce((sum, timing) => sum + timing.messages, 0),
    timings: timings.map(withoutSnapshot),
    queries,
  };
}

async function renderRounds() {
  const snapshots: RunSnapshot[] = JSON.parse(await readFile(required('snapshots'), 'utf8'));
  const recipients = await loadRecipients(DEFAULT_RECIPIENTS_FILE);
  const models = snapshots.flatMap((snapshot) =>
    snapshot.audiences.map((audience) => buildModel(snapshot, audience, recipientsOf(recipients, audience).locale)),
  );
  const renderers = createRenderers();
  const roundMs: number[] = [];
  let images = 0;
  const rounds = Number(values.rounds) + 1;
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    images = 0;
    for (const model of models) images += (await renderers[model.locale].render(model)).images.length;
    roundMs.push(performance.now() - started);
  }
  // Round 0 loads the font, compiles the templates and warms Vega: reported apart as "cold".
  return { reports: models.length, images, coldRoundMs: roundMs[0], roundMs: roundMs.slice(1) };
}

async function main() {
  const month = values.month!;
  const week = values.week!;
  switch (mode) {
    case 'reports':
      return runReports([
        { id: 'hq-weekly', period: week },
        { id: 'province-monthly', period: month },
      ]);
    case 'weekly':
      return runReports([{ id: 'hq-weekly', period: week }]);
    case 'shared':
      return runReports([{ id: 'province-monthly', period: month, archive: false, mime: false }]);
    case 'naive':
      return runReports([{ id: 'province-monthly', period: month, archive: false, mime: false, perAudience: true }]);
    case 'pruned':
      return runReports([{ id: 'hq-weekly', period: week, mime: false }]);
    case 'render':
      return renderRounds();
    case 'curate':
      return curateOnce(required('lake'), values.curated, values.rebuild === true);
    case 'bare-dedup': {
      const part = values.part as BarePart;
      if (!BARE_PARTS.includes(part)) throw new Error(`one-run bare-dedup: --part is one of ${BARE_PARTS.join(', ')}`);
      return barePass(required('lake'), required('out'), part);
    }
    default:
      throw new Error(`one-run: unknown mode ${mode}`);
  }
}

const result = await main();
const usage = process.resourceUsage();
// CPU time of every thread (Node and DuckDB's workers): on a shared machine it moves less than wall time.
const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
process.stdout.write(`BENCH-RESULT ${JSON.stringify({ mode, loadedMs, ...result, cpuMs, maxRssKb: usage.maxRSS })}\n`);
