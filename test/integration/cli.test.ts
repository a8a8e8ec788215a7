// The mnp-briefings command: help on every command, one-line errors with distinct exit codes
// for bad arguments, and the output layout of a run.
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';

let workDir: string;
let lakeDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mnp-cli-'));
  lakeDir = join(workDir, 'lake');
  await writeHandMadeLake(lakeDir);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const io = bufferIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr };
}

describe('help', () => {
  it.each([[], ['generate'], ['run'], ['demo']])('is there for %j', async (...command) => {
    const { code, stdout } = await cli(...command.flat(), '--help');
    expect(code).toBe(ExitCode.OK);
    expect(stdout).toMatch(/Usage: mnp-briefings/);
  });
});

describe('errors for bad arguments', () => {
  it.each([
    [
      'an unknown report',
      ['run', '--report', 'daily-gossip', '--period', '2019-W48'],
      /unknown report "daily-gossip": known reports are hq-weekly, province-monthly/,
    ],
    [
      'a malformed period',
      ['run', '--report', 'hq-weekly', '--period', '2019-48x'],
      /is not a period: use an ISO week such as 2019-W48/,
    ],
    [
      'a week that does not exist',
      ['run', '--report', 'hq-weekly', '--period', '2019-W53'],
      /2019 has weeks W01 to W52/,
    ],
    [
      'a month for a weekly report',
      ['run', '--report', 'hq-weekly', '--period', '2019-12'],
      /hq-weekly is a weekly report: give a week/,
    ],
    [
      'a province that does not exist',
      ['run', '--report', 'province-monthly', '--period', '2019-11', '--audience', '99'],
      /province-monthly has no audience 99/,
    ],
    [
      'a locale we do not write',
      ['run', '--report', 'hq-weekly', '--period', '2019-W48', '--locale', 'fr'],
      /--locale/,
    ],
    [
      'an operator that does not exist',
      ['run', '--report', 'hq-weekly', '--home-operator', 'ACME'],
      /--home-operator must be one of CMCC, CUCC, CTCC, CBN/,
    ],
  ])('refuses %s in one line with exit code 2', async (_what, args, message) => {
    const { code, stderr } = await cli(...args, '--lake', lakeDir, '--out', join(workDir, 'out-bad'));
    expect(code).toBe(ExitCode.USAGE);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(message);
    expect(stderr[0]).not.toMatch(/\n\s+at /);
  });

  it('refuses a missing lake and says how to make one', async () => {
    const { code, stderr } = await cli(
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--lake',
      join(workDir, 'nowhere'),
    );
    expect(code).toBe(ExitCode.USAGE);
    expect(stderr).toEqual([expect.stringMatching(/no lake at .*nowhere: create one with "mnp-briefings generate/)]);
  });

  it('refuses to curate a missing lake, and does not make it exist', async () => {
    const { code, stderr } = await cli('curate', '--lake', join(workDir, 'mistyped'));
    expect(code).toBe(ExitCode.USAGE);
    expect(stderr).toEqual([expect.stringMatching(/no lake at .*mistyped: create one/)]);
    await expect(access(join(workDir, 'mistyped'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a folder that holds none of the lake tables, for curate and for a run', async () => {
    const notLake = join(workDir, 'not-a-lake');
    await mkdir(join(notLake, 'src'), { recursive: true });
    await writeFile(join(notLake, 'README.md'), 'not a lake\n');
    const curate = await cli('curate', '--lake', notLake);
    const run = await cli('run', '--report', 'hq-weekly', '--lake', notLake, '--out', join(workDir, 'out-not-lake'));
    for (const { code, stderr } of [curate, run]) {
      expect(code).toBe(ExitCode.USAGE);
      expect(stderr).toEqual([
        expect.stringMatching(/not-a-lake is not a lake: it holds none of its tables \(port_requests\//),
      ]);
    }
    await expect(access(join(notLake, '_curated'))).rejects.toThrow(/ENOENT/);
  });

  it('curates an empty lake to nothing and says it holds no partition yet', async () => {
    const emptyLake = join(workDir, 'empty-lake');
    await mkdir(emptyLake, { recursive: true });
    const { code, stdout } = await cli('curate', '--lake', emptyLake);
    expect(code).toBe(ExitCode.OK);
    expect(stdout).toMatch(/^nothing to curate: the lake holds no partition of port_requests/);
  });

  it('refuses an unknown option and a missing required option, in one line as every failure', async () => {
    const unknown = await cli('run', '--report', 'hq-weekly', '--colour');
    expect(unknown.code).toBe(ExitCode.USAGE);
    expect(unknown.stderr).toEqual(["mnp-briefings: unknown option '--colour'"]);
    const missing = await cli('backfill', '--report', 'hq-weekly', '--from', '2019-W40');
    expect(missing.code).toBe(ExitCode.USAGE);
    expect(missing.stderr).toEqual(["mnp-briefings: required option '--to <period>' not specified"]);
  });

  it('refuses a negative scale for the generator', async () => {
    const { code, stderr } = await cli('generate', '--lake', join(workDir, 'g'), '--scale', '-1');
    expect(code).toBe(ExitCode.USAGE);
    expect(stderr[0]).toMatch(/--scale/);
  });
});

describe('a run', () => {
  it('writes briefing.html and briefing.json under OUT/<report>/<period>/<audience>', async () => {
    const out = join(workDir, 'out');
    const { code, stdout } = await cli(
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--lake',
      lakeDir,
      '--out',
      out,
      '--locale',
      'en',
    );
    expect(code).toBe(ExitCode.OK);
    await access(join(out, 'hq-weekly', '2019-W48', 'hq', 'briefing.html'));
    const model = JSON.parse(await readFile(join(out, 'hq-weekly', '2019-W48', 'hq', 'briefing.json'), 'utf8'));
    expect(model.flows.totalCompleted).toBe(6);
    expect(stdout).toContain(join(out, 'hq-weekly', '2019-W48', 'hq', 'briefing.html'));
    expect(stdout).toMatch(/net flow \(CMCC\) −1/);
  });

  it('takes --province as another name for --audience, listed in --help as the README says of every option', async () => {
    const out = join(workDir, 'out-province');
    const args = ['run', '--report', 'province-monthly', '--period', '2019-11', '--lake', lakeDir, '--no-deliver'];
    const { code, stdout } = await cli(...args, '--province', '44', '--audience', '11', '--out', out, '--json');
    const help = await cli('run', '--help');

    expect(code).toBe(ExitCode.OK);
    expect(JSON.parse(stdout).reports.map((report: { audience: string }) => report.audience)).toEqual(['11', '44']);
    expect(help.stdout).toContain('--audience <code...>');
    expect(help.stdout).toContain('--province <code...>            another name for --audience');
  });

  it('prints a JSON summary for scripts', async () => {
    const out = join(workDir, 'out-json');
    const { code, stdout } = await cli(
      'run',
      '--report',
      'province-monthly',
      '--period',
      '2019-11',
      '--audience',
      '44',
      '--audience',
      '11',
      '--lake',
      lakeDir,
      '--out',
      out,
      '--json',
    );
    expect(code).toBe(ExitCode.OK);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ report: 'province-monthly', period: '2019-11', queries: 6 });
    expect(summary.reports.map((report: { audience: string }) => report.audience)).toEqual(['11', '44']);
  });
});
