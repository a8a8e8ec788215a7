// The embedded engine's memory limit: a held engine gives the same figures, a limit that is not a
// size is a configuration error before any query, and MNP_DUCKDB_MEMORY_LIMIT reaches the CLI.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DuckDbEngine, type DuckDbEngineOptions } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { ConfigurationError } from '#core/errors.ts';
import { buildModel, prepareRun } from '#core/report-run.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';

let workDir: string;
let lakeDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mnp-memory-'));
  lakeDir = join(workDir, 'lake');
  await writeHandMadeLake(lakeDir);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function weeklyFigures(options: Partial<DuckDbEngineOptions>) {
  const engine = await DuckDbEngine.open({ lakeDir, ...options });
  try {
    const snapshot = await prepareRun(
      {
        reportId: 'hq-weekly',
        periodId: '2019-W48',
        homeOperator: 'CMCC',
        generatedAt: new Date('2019-12-02T00:00:00Z'),
      },
      { engine, inventory: new FsLake(lakeDir) },
    );
    return buildModel(snapshot, 'hq', 'en');
  } finally {
    await engine.close();
  }
}

describe('the DuckDB memory limit', () => {
  it('changes no figure', async () => {
    const held = await weeklyFigures({ memoryLimit: '64MB' });
    const roomy = await weeklyFigures({ memoryLimit: '4GB' });
    expect(held).toEqual(roomy);
  });

  it.each(['lots', '600', '-1GB', '1GB; SET threads = 64'])('refuses %j as a configuration error', async (limit) => {
    const opening = DuckDbEngine.open({ lakeDir, memoryLimit: limit });
    await expect(opening).rejects.toBeInstanceOf(ConfigurationError);
    await expect(opening).rejects.toThrow(/memory limit/);
  });

  it('is read from MNP_DUCKDB_MEMORY_LIMIT by the CLI, with a one-line error when it is not a size', async () => {
    vi.stubEnv('MNP_DUCKDB_MEMORY_LIMIT', 'plenty');
    const io = bufferIo();
    const code = await main(
      [
        'run',
        '--report',
        'hq-weekly',
        '--period',
        '2019-W48',
        '--lake',
        lakeDir,
        '--out',
        join(workDir, 'out'),
        '--no-deliver',
      ],
      io,
    );
    expect(code).toBe(ExitCode.USAGE);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toContain('"plenty"');
  });
});
