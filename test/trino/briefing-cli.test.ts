// The whole HQ weekly and one provincial monthly report, run by the CLI with --engine trino,
// give the same briefing.json as the default engine (DuckDB) over the same lake files.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runBriefingJson } from './support/briefing-run.ts';
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

const briefingJson = (run: (typeof RUNS)[number], engineArgs: readonly string[], outName: string) =>
  runBriefingJson(run, inject('trinoLakes')[run.lake], join(workDir, outName), engineArgs);

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
