// A Parquet file damaged inside (a data page overwritten, the footer intact) passes the file
// check, then failed the query with DuckDB's words alone ("query flows failed in DuckDB: Invalid
// Error: don't know what type: " and a raw control character), and `curate` with "unexpected
// error". The run and the curate now stop with an error naming the file.
import { cp, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { runCli } from '../support/run-cli.ts';

let workDir: string;
let lakeDir: string;
let damaged: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mnp-damaged-'));
  const whole = join(workDir, 'whole');
  await writeHandMadeLake(whole);
  lakeDir = join(workDir, 'lake');
  await cp(whole, lakeDir, { recursive: true });
  damaged = join(lakeDir, 'port_requests', 'dt=2019-11-26', 'part-0.parquet');
  // Bytes 20 to 199 lie in the first column's data page; the footer at the end stays readable.
  const handle = await open(damaged, 'r+');
  await handle.write(Buffer.alloc(180, 0xff), 0, 180, 20);
  await handle.close();
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(args);

describe('a Parquet file with a damaged data page', () => {
  it('stops a run on the raw feed with an error naming the file', async () => {
    const previous = process.env.MNP_CURATED;
    process.env.MNP_CURATED = 'off';
    try {
      const run = await cli(
        'run',
        '--report',
        'hq-weekly',
        '--period',
        '2019-W48',
        '--lake',
        lakeDir,
        '--out',
        join(workDir, 'out-raw'),
        '--no-deliver',
      );
      expect(run.code).not.toBe(ExitCode.OK);
      expect(run.stderr).toContain(`${damaged} is a damaged Parquet file`);
      const controls = [...run.stderr].filter((character) => character !== '\n' && character.charCodeAt(0) < 32);
      expect(controls).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.MNP_CURATED;
      else process.env.MNP_CURATED = previous;
    }
  }, 60_000);

  it('stops curate with an error naming the file, not an unexpected one', async () => {
    const curate = await cli('curate', '--lake', lakeDir, '--curated', join(workDir, 'curated'));
    expect(curate.code).not.toBe(ExitCode.OK);
    expect(curate.stderr).toContain(`${damaged} is a damaged Parquet file`);
    expect(curate.stderr).not.toContain('unexpected error');
  }, 60_000);
});
