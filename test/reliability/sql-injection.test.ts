// SQL injection: periods, provinces, report ids and the dates derived from them reach SQL only
// as bound parameters. Three layers are tried: the command line (rejected before any work),
// the run API (rejected before any query), and the engine itself, given hostile parameter
// values directly (harmless: they are compared or cast as values, never run as SQL).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { ConfigurationError, PeriodError, QueryError } from '#core/errors.ts';
import { parsePeriod } from '#core/period.ts';
import { METRIC_QUERIES, type MetricQueryName, type QueryEngine, type QueryParameters } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { prepareRun } from '#core/report-run.ts';
import { compileMetricQuery } from '#sql/catalog.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { filesUnder } from './support/mail-scan.ts';
import { createTally } from './support/tally.ts';

const tally = createTally('sql-injection');
let root: string;
let lakeDir: string;
/** A file an injected COPY statement would create: its absence shows nothing ran. */
const pwned = join(tmpdir(), `mnp-injection-pwned-${process.pid}.csv`);

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

function injections(): string[] {
  return [
    "2019-W48'; DROP TABLE port_requests; --",
    "2019-11' OR '1'='1",
    `2019-W48'); COPY (SELECT 42) TO '${pwned}'; --`,
    '2019-W48" OR "1"="1',
    "2019-W48; ATTACH '/tmp/x.db' AS x",
    '44 UNION SELECT msisdn_hash FROM port_requests',
  ];
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-injection-'));
  lakeDir = join(root, 'lake');
  await writeHandMadeLake(lakeDir);
});

afterAll(async () => {
  await tally.write();
  await rm(root, { recursive: true, force: true });
});

describe('the metric queries', () => {
  it('carry every parameter as a bound value, never in the SQL text', () => {
    const marker = "MARK'; DROP TABLE port_requests; --";
    for (const name of METRIC_QUERIES) {
      const plan = planQueries(parsePeriod('2019-W48'), reportDefinition('hq-weekly').trend);
      const hostile = Object.fromEntries(Object.keys(plan.queries[name]).map((key) => [key, `${marker}${key}`]));

      const compiled = compileMetricQuery(name, hostile);

      expect(compiled.sql, name).not.toContain('MARK');
      expect(compiled.sql, name).not.toContain('DROP TABLE');
      expect(compiled.values.length, name).toBeGreaterThan(0);
      expect(
        compiled.values.every((value) => String(value).startsWith(marker)),
        name,
      ).toBe(true);
    }
  });
});

describe('the command line', () => {
  const cases: [string, string[]][] = [
    ['--period', ['run', '--report', 'hq-weekly', '--period', "2019-W48'; DROP TABLE port_requests; --"]],
    ['--period (a month)', ['run', '--report', 'province-monthly', '--period', "2019-11' OR '1'='1"]],
    ['--audience', ['run', '--report', 'province-monthly', '--period', '2019-11', '--audience', "44' OR '1'='1"]],
    [
      '--audience (a union)',
      [
        'run',
        '--report',
        'province-monthly',
        '--period',
        '2019-11',
        '--audience',
        '44 UNION SELECT msisdn_hash FROM port_requests',
      ],
    ],
    ['--report', ['run', '--report', "hq-weekly'; --", '--period', '2019-W48']],
    ['--home-operator', ['run', '--report', 'hq-weekly', '--period', '2019-W48', '--home-operator', "CMCC' OR '1'='1"]],
    ['rerun --audience', ['rerun', '--report', 'province-monthly', '--period', '2019-11', '--audience', "44'--"]],
    [
      'preview --period',
      ['preview', '--report', 'hq-weekly', '--period', `2019-W48'); COPY (SELECT 42) TO 'x.csv'; --`],
    ],
  ];

  it.each(cases)('rejects an injection through %s with a usage error, before any work', async (option, args) => {
    tally.badInput(`injection through ${option}`);
    const out = join(root, `out-${option.replace(/\W+/g, '-')}`);
    const io = bufferIo();

    const code = await main([...args, '--lake', lakeDir, '--out', out, '--recipients', 'config/recipients.json'], io);

    expect(code, io.stderr.join('\n')).toBe(ExitCode.USAGE);
    expect(io.stderr.at(-1)).toMatch(/^mnp-briefings: /);
    expect(await filesUnder(out)).toEqual([]);
  });
});

describe('the run API', () => {
  class CountingEngine implements QueryEngine {
    calls = 0;
    async runMetric(): Promise<never> {
      this.calls += 1;
      throw new Error('no query should run');
    }
    async close(): Promise<void> {}
  }

  it.each(injections())('rejects %j as a period, a province or a report before any query', async (hostile) => {
    tally.badInput(`injection through the run API: ${hostile.replace(pwned, '<tmp>/pwned.csv')}`);
    const engine = new CountingEngine();
    const ports = { engine, inventory: new FsLake(lakeDir) };
    const generatedAt = new Date('2019-12-02T00:00:00Z');

    await expect(
      prepareRun({ reportId: 'hq-weekly', periodId: hostile, homeOperator: 'CMCC', generatedAt }, ports),
    ).rejects.toBeInstanceOf(PeriodError);
    await expect(
      prepareRun(
        { reportId: 'province-monthly', periodId: '2019-11', homeOperator: 'CMCC', audiences: [hostile], generatedAt },
        ports,
      ),
    ).rejects.toBeInstanceOf(ConfigurationError);
    await expect(
      prepareRun({ reportId: hostile, periodId: '2019-W48', homeOperator: 'CMCC', generatedAt }, ports),
    ).rejects.toBeInstanceOf(ConfigurationError);
    expect(engine.calls).toBe(0);
  });
});

describe('the engine, given hostile parameter values directly', () => {
  let engine: DuckDbEngine;
  let plan: Readonly<Record<MetricQueryName, QueryParameters>>;

  beforeAll(async () => {
    engine = await DuckDbEngine.open({ lakeDir });
    plan = planQueries(parsePeriod('2019-W48'), reportDefinition('hq-weekly').trend).queries;
  });

  afterAll(async () => {
    await engine.close();
  });

  it.each(injections())('treats %j as a value: nothing runs, nothing changes', async (hostile) => {
    // The flows query has no ORDER BY: compare its rows as a set.
    const flows = async () => (await engine.runMetric('flows', plan.flows)).map((row) => JSON.stringify(row)).sort();
    const before = await flows();
    const attempts: Promise<unknown>[] = [];
    for (const name of METRIC_QUERIES) {
      for (const key of Object.keys(plan[name])) {
        // A string compared with a string is harmless; cast to a timestamp it fails to convert.
        attempts.push(
          engine.runMetric(name, { ...plan[name], [key]: hostile }).catch((error: unknown) => {
            expect(error).toBeInstanceOf(QueryError);
            expect((error as Error).message).toMatch(/Conversion Error|Could not convert|invalid|timestamp/i);
            return 'refused';
          }),
        );
      }
    }
    await Promise.all(attempts);

    expect(await exists(pwned)).toBe(false);
    expect(await flows()).toEqual(before);
  });
});
