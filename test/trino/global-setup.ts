// Vitest global setup of the Trino project: starts the test Trino once (or reuses one already
// running), writes the test lakes, registers their tables as external partitioned Parquet tables
// with their partitions synced, and stops the server at the end if it started it. Runs only when
// the run includes test/trino files (it belongs to the "trino" project of vitest.config.ts).
// Where Trino cannot start here, the tests skip with one loud line; with CI=true they fail.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { registerLakeTables } from '#adapters/engine/trino-tables.ts';
import { TEST_LAKES, type TestLakeName, writeTestLake } from './support/lakes.ts';

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, '../../scripts/trino');
const say = (line: string) => process.stderr.write(`[trino tests] ${line}\n`);

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the Trino tests cannot run here; empty when they can. */
    trinoSkipReason: string;
    trinoUrl: string;
    /** Lake name -> folder. */
    trinoLakes: Record<TestLakeName, string>;
  }
}

async function step<T>(description: string, action: () => Promise<T>): Promise<T> {
  say(`${description} ...`);
  const started = Date.now();
  try {
    const result = await action();
    say(`${description}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    throw new Error(`Trino test setup failed at step "${description}": ${(error as Error).message}`, { cause: error });
  }
}

/** Empty when a server can be started here, else the reason. */
async function unavailableReason(): Promise<string> {
  try {
    await run(join(SCRIPTS, 'check-trino.sh'));
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? (error as Error).message).trim();
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  let url = process.env.MNP_TRINO_URL?.trim() ?? '';
  let startedHere = false;
  if (!url) {
    const reason = await step('check that Trino can run here (scripts/trino/check-trino.sh)', unavailableReason);
    if (reason) {
      if (process.env.CI === 'true') throw new Error(`the Trino tests must run in CI, but cannot: ${reason}`);
      say(`!!!!!!!! SKIPPING THE TRINO TESTS: ${reason} !!!!!!!!`);
      project.provide('trinoSkipReason', reason);
      project.provide('trinoUrl', '');
      project.provide('trinoLakes', { handmade: '', generated: '' });
      return undefined;
    }
    const output = await step('start or reuse the test Trino (scripts/trino/start-trino.sh)', async () => {
      const { stdout, stderr } = await run(join(SCRIPTS, 'start-trino.sh'), { maxBuffer: 1 << 20 });
      process.stderr.write(stderr);
      return stdout.trim().split('\n').at(-1) ?? '';
    });
    const [how, address] = output.split(' ');
    if (!address || (how !== 'started' && how !== 'reused'))
      throw new Error(`start-trino.sh printed ${JSON.stringify(output)}, expected "started URL" or "reused URL"`);
    url = address;
    startedHere = how === 'started';
  } else {
    say(`using the Trino at MNP_TRINO_URL=${url}; it stays running`);
  }

  const root = await mkdtemp(join(tmpdir(), 'mnp-trino-lakes-'));
  const lakes = {} as Record<TestLakeName, string>;
  for (const name of Object.keys(TEST_LAKES) as TestLakeName[]) {
    lakes[name] = await step(`write the ${name} lake`, () => writeTestLake(name, root));
    await step(`register the ${name} lake's tables in schema hive.${TEST_LAKES[name].schema}`, () =>
      registerLakeTables(
        { url, user: 'mnp-briefings-tests' },
        {
          catalog: 'hive',
          schema: TEST_LAKES[name].schema,
          lakeLocation: `local://${lakes[name]}`,
          onStep: (description) => say(`  ${description}`),
        },
      ),
    );
  }
  project.provide('trinoSkipReason', '');
  project.provide('trinoUrl', url);
  project.provide('trinoLakes', lakes);

  return async () => {
    await rm(root, { recursive: true, force: true });
    if (startedHere) {
      await step('stop the test Trino (scripts/trino/stop-trino.sh)', async () => {
        const { stderr } = await run(join(SCRIPTS, 'stop-trino.sh'));
        process.stderr.write(stderr);
      });
    } else say(`leaving the Trino at ${url} running (this run did not start it)`);
  };
}
