// The whole HQ weekly and one provincial monthly report, run by the CLI with --engine trino,
// give the same briefing.json as the default engine (DuckDB) over the same lake files.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { trinoSkipReason } from './support/engines.ts';
import { TEST_LAKES, type TestLakeName } from './support/lakes.ts';

const RUNS: { lake: TestLakeName; report: string; period: string; audience: string }[] = [
  { lake: 'handmade', report: 'hq-weekly', period: TEST_LAKES.handmade.week, audience: 'hq' },
  {
    lake: 'handmade',
    report: 'province-monthly',
    period: TEST_LAKES.handmade.month,
    audience: TEST_LAKES.handmade.province,
  },
  { lake: 'generated', report: 'hq-weekly', period: TEST_LAKES.generated.week, audience: 'hq' },
  {
    lake: 'generated',
    report: 'province-monthly',
    period: TEST_LAKES.generated.month,
    audience: TEST_LAKES.generated.province,
  },
];

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mnp-trino-cli-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function briefingJson(
  run: (typeof RUNS)[number],
  engineArgs: readonly string[],
  outName: string,
): Promise<Record<string, unknown>> {
  const out = join(workDir, outName);
  const io = bufferIo();
  const audienceArgs = run.audience === 'hq' ? [] : ['--audience', run.audience];
  const code = await main(
    [
      'run',
      '--report',
      run.report,
      '--period',
      run.period,
      ...audienceArgs,
      '--lake',
      inject('trinoLakes')[run.lake],
      '--out',
      out,
      '--no-deliver',
      '--locale',
      'en',
      ...engineArgs,
    ],
    io,
  );
  expect(code, io.stderr.join('\n')).toBe(ExitCode.OK);
  const briefing = JSON.parse(
    await readFile(join(out, run.report, run.period, run.audience, 'briefing.json'), 'utf8'),
  ) as Record<string, unknown>;
  // The one field that differs between two runs whatever the engine.
  delete briefing['generatedAt'];
  return briefing;
}

describe.skipIf(trinoSkipReason !== '')('mnp-briefings run --engine trino', () => {
  it.each(RUNS)('writes the same briefing.json as DuckDB for $report $period ($lake lake)', async (run) => {
    const schema = TEST_LAKES[run.lake].schema;
    const duckdb = await briefingJson(run, [], `duckdb-${run.lake}-${run.report}`);
    const trino = await briefingJson(
      run,
      ['--engine', 'trino', '--trino-url', inject('trinoUrl'), '--trino-catalog', 'hive', '--trino-schema', schema],
      `trino-${run.lake}-${run.report}`,
    );
    expect(trino).toEqual(duckdb);
    expect(JSON.stringify(duckdb)).toMatch(/"flows"/);
  });
});
