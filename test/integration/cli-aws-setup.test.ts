// --target aws without a region or credentials says what to set (exit 2), instead of
// "unexpected error". The CLI runs as its own process with an empty AWS environment, so that
// nothing on this machine (a profile, a metadata endpoint) supplies either.
import { spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mnp-aws-home-'));
});
afterAll(() => rm(home, { recursive: true, force: true }));

function cli(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mnp-briefings.js', ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('--target aws without its setup', () => {
  it('names the region to set when none is configured', async () => {
    const result = await cli(['status', '--target', 'aws', '--stage', 'prod']);

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stderr).toContain('mnp-briefings: --target aws needs an AWS region: pass --region');
    expect(result.stderr).not.toContain('unexpected error');
  }, 60_000);

  it('names the credentials to set when none are found', async () => {
    const result = await cli([
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--target',
      'aws',
      '--stage',
      'prod',
      '--region',
      'cn-north-1',
    ]);

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stderr).toContain('--target aws found no valid AWS credentials');
    expect(result.stderr).toContain('AWS_PROFILE');
  }, 60_000);
});

describe('--transport ses without a region', () => {
  it('names --ses-region before any report is built, and writes nothing', async () => {
    const out = join(home, 'out-ses');
    const result = await cli([
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--lake',
      join(process.cwd(), 'test', 'fixtures', 'no-such-lake'),
      '--out',
      out,
      '--transport',
      'ses',
    ]);

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stderr).toContain('mnp-briefings: --transport ses needs an AWS region: pass --ses-region');
    // Checked before the lake is even opened: the missing lake is not what it reports.
    expect(result.stderr).not.toContain('no-such-lake');
    await expect(access(out)).rejects.toThrow();
  }, 60_000);
});
